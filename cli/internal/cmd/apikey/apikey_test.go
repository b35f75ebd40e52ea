package apikey

import (
	"regexp"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"
	"github.com/spf13/cobra"

	"github.com/udiledger/udiledger/cli/internal/clitest"
	"github.com/udiledger/udiledger/cli/internal/cmdutil"
	"github.com/udiledger/udiledger/gateway/auth"
	"github.com/udiledger/udiledger/gateway/config"
)

func runCmd(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	return clitest.Run(t, nil, func(f *cmdutil.Factory) *cobra.Command { return NewCmdNew(f, nil) }, args...)
}

func TestNewKey(t *testing.T) {
	out, errOut, code := runCmd(t, "--name", "his", "--identity", "pharmacy-desk", "--role", "hospital")
	if code != cmdutil.ExitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	key := regexp.MustCompile(`udi_\S+`).FindString(errOut)
	var entries []config.APIKey
	if err := yaml.Unmarshal([]byte(out), &entries); err != nil || len(entries) != 1 {
		t.Fatalf("entry %q: %v", out, err)
	}
	t.Run("the entry holds the printed key's hash, never the key", func(t *testing.T) {
		e := entries[0]
		if key == "" || e.Hash != auth.HashKey(key) || strings.Contains(out, key) {
			t.Fatalf("key %q, entry %+v", key, e)
		}
		if e.Name != "his" || e.Identity != "pharmacy-desk" || e.Role != "hospital" {
			t.Fatalf("entry %+v", e)
		}
	})
	t.Run("an operator's key names no identity", func(t *testing.T) {
		out, errOut, code := runCmd(t, "--name", "prometheus", "--role", "operator")
		var op []config.APIKey
		if code != cmdutil.ExitOK || yaml.Unmarshal([]byte(out), &op) != nil || len(op) != 1 || op[0].Identity != "" || op[0].Role != auth.RoleOperator {
			t.Fatalf("exit %d, entry %q: %s", code, out, errOut)
		}
	})
	for _, args := range [][]string{
		{"--identity", "x", "--role", "hospital"},
		{"--name", "x", "--identity", "x", "--role", "janitor"},
		{"--name", "x", "--role", "hospital"},
		{"--name", "x", "--identity", "x", "--role", "operator"},
	} {
		t.Run("refuses "+strings.Join(args, " "), func(t *testing.T) {
			if _, _, code := runCmd(t, args...); code != cmdutil.ExitInvalid {
				t.Fatalf("exit %d", code)
			}
		})
	}
}
