package ledger

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/udiledger/udiledger/chaincode/orgs"
	"github.com/udiledger/udiledger/cli/demo"
	"github.com/udiledger/udiledger/cli/internal/clitest"
	"github.com/udiledger/udiledger/cli/internal/cmdutil"
	"github.com/udiledger/udiledger/gateway/ledger"
	"github.com/udiledger/udiledger/gateway/ledger/devledger"
	"github.com/udiledger/udiledger/gateway/ledger/embedded"
)

func runCmd(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	return clitest.Run(t, nil, func(f *cmdutil.Factory) *cobra.Command { return NewCmdVerify(f, nil) }, args...)
}

// playDemo fills a ledger in dir with the demo story and closes it.
func playDemo(t *testing.T, dir string) {
	t.Helper()
	l, err := devledger.Open(dir, devledger.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	a, err := demo.ActorsOf(func(o orgs.Org) (*ledger.Identity, error) { return l.Admin(o.MSPID) })
	if err != nil {
		t.Fatal(err)
	}
	if _, err := demo.Run(context.Background(), &ledger.Caller{Client: l}, a, demo.Options{}); err != nil {
		t.Fatal(err)
	}
}

func TestVerifyCommand(t *testing.T) {
	dir := t.TempDir()
	playDemo(t, dir)

	t.Run("an untouched ledger is intact", func(t *testing.T) {
		out, errOut, code := runCmd(t, "--data-dir", dir, "-o", "json")
		var r report
		if err := json.Unmarshal([]byte(out), &r); err != nil || code != cmdutil.ExitOK || !r.OK || r.Blocks == 0 || r.Valid == 0 {
			t.Fatalf("exit %d, report %s, stderr %s", code, out, errOut)
		}
	})

	path := filepath.Join(dir, "ledger", embedded.FileName)
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	// One changed letter in the hospital's name, wherever the file holds it.
	changed := bytes.ReplaceAll(raw, []byte("Renji People's Hospital"), []byte("Renji People's Hospitax"))
	if bytes.Equal(changed, raw) {
		t.Fatal("the hospital's name is not in the ledger file")
	}
	if err := os.WriteFile(path, changed, 0o600); err != nil {
		t.Fatal(err)
	}
	t.Run("one changed byte is detected", func(t *testing.T) {
		out, errOut, code := runCmd(t, "--data-dir", dir)
		if code != cmdutil.ExitFailure || !strings.Contains(out, "PROBLEM") || !strings.Contains(errOut, "was changed") ||
			!strings.Contains(errOut, "the first: ") {
			t.Fatalf("exit %d\nstdout %s\nstderr %s", code, out, errOut)
		}
	})
	t.Run("a directory without a ledger is invalid input and nothing is created", func(t *testing.T) {
		empty := t.TempDir()
		_, errOut, code := runCmd(t, "--data-dir", empty)
		entries, _ := os.ReadDir(empty)
		if code != cmdutil.ExitInvalid || !strings.Contains(errOut, "no embedded ledger") || len(entries) != 0 {
			t.Fatalf("exit %d, stderr %s, entries %v", code, errOut, entries)
		}
	})
	t.Run("--data-dir is required", func(t *testing.T) {
		if _, _, code := runCmd(t); code != cmdutil.ExitInvalid {
			t.Fatalf("exit %d", code)
		}
	})
}
