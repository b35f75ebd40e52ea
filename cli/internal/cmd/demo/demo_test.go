package demo

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/udiledger/udiledger/cli/demo"
	"github.com/udiledger/udiledger/cli/internal/clitest"
	"github.com/udiledger/udiledger/cli/internal/cmdutil"
)

func runCmd(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	return clitest.Run(t, nil, func(f *cmdutil.Factory) *cobra.Command { return NewCmdDemo(f, nil) }, args...)
}

func TestDemoCommand(t *testing.T) {
	t.Run("plays the story on a temporary embedded ledger and removes it", func(t *testing.T) {
		out, errOut, code := runCmd(t)
		if code != cmdutil.ExitOK {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		if !strings.Contains(out, "8. Provenance of") || !strings.Contains(out, "recall at 100 %") {
			t.Fatalf("story:\n%s", out)
		}
	})
	t.Run("goes through a gateway on a loopback port unless --direct", func(t *testing.T) {
		_, errOut, code := runCmd(t)
		if code != cmdutil.ExitOK || !strings.Contains(errOut, "gateway http://127.0.0.1:") {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		_, errOut, code = runCmd(t, "--direct")
		if code != cmdutil.ExitOK || strings.Contains(errOut, "gateway http") {
			t.Fatalf("--direct: exit %d: %s", code, errOut)
		}
	})
	t.Run("keeps the ledger in --data-dir and prints the outcome as JSON", func(t *testing.T) {
		dir := t.TempDir()
		out, errOut, code := runCmd(t, "--data-dir", dir, "-o", "json")
		if code != cmdutil.ExitOK {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		var o demo.Outcome
		if err := json.Unmarshal([]byte(out), &o); err != nil {
			t.Fatalf("output is not an outcome: %v\n%s", err, out)
		}
		if o.Commissioned != 1020 || o.Progress[len(o.Progress)-1] != 100 {
			t.Fatalf("outcome %+v", o)
		}
		_, errOut, code = runCmd(t, "--data-dir", dir, "--batch", "2")
		if code != cmdutil.ExitOK {
			t.Fatalf("second batch on the kept ledger: exit %d: %s", code, errOut)
		}
		_, errOut, code = runCmd(t, "--data-dir", dir, "--batch", "2")
		if code != cmdutil.ExitFailure || !strings.Contains(errOut, "CONFLICT") {
			t.Fatalf("replayed batch: exit %d: %s", code, errOut)
		}
	})
	for _, args := range [][]string{{"--backend", "besu"}, {"--batch", "0"}, {"-o", "yaml"}, {"extra"}} {
		t.Run("rejects "+strings.Join(args, " "), func(t *testing.T) {
			_, errOut, code := runCmd(t, args...)
			if code == cmdutil.ExitOK || errOut == "" {
				t.Fatalf("exit %d, stderr %q", code, errOut)
			}
		})
	}
}
