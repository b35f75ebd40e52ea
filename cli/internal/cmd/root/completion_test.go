package root

import (
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/udiledger/udiledger/chaincode/orgs"
	"github.com/udiledger/udiledger/cli/internal/clitest"
	"github.com/udiledger/udiledger/cli/internal/cmdutil"
)

func newRoot(f *cmdutil.Factory) *cobra.Command { return NewCmdRoot(f, "test") }

func TestCompletion(t *testing.T) {
	t.Run("scripts for bash, zsh and fish from cobra's generator", func(t *testing.T) {
		for shell, want := range map[string]string{"bash": "# bash completion V2 for udi", "zsh": "#compdef udi", "fish": "complete -c udi"} {
			out, errOut, code := clitest.Run(t, nil, newRoot, "completion", shell)
			if code != cmdutil.ExitOK || !strings.Contains(out, want) {
				t.Fatalf("%s: exit %d: %s", shell, code, errOut)
			}
		}
	})
	g := clitest.StoryGateway(t)
	tests := []struct {
		name string
		args []string
		want []string
	}{
		{"recall IDs from the gateway", []string{"recall", "report", ""}, []string{"demo-001-recall"}},
		{"party IDs for --to, by prefix", []string{"ship", "--to", "Hosp"}, []string{orgs.Hospital}},
		{"party IDs for --holder", []string{"units", "--holder", ""}, []string{orgs.Distributor, orgs.Manufacturer, orgs.Regulator}},
		{"lots as DI/LOT", []string{"lot", "show", "06901234000016/"}, []string{"06901234000016/V26001"}},
		{"a lot status's second argument", []string{"lot", "status", "06901234000016/V26001", ""}, []string{"released", "quarantined"}},
		{"the list formats", []string{"alerts", "-o", ""}, []string{"table", "json", "yaml", "csv"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, errOut, code := clitest.Run(t, g.Env(orgs.Regulator), newRoot, append([]string{cobra.ShellCompRequestCmd}, tt.args...)...)
			got := strings.Split(strings.TrimSpace(out), "\n")
			if code != cmdutil.ExitOK || len(got) < 2 || !strings.HasPrefix(got[len(got)-1], ":") {
				t.Fatalf("exit %d:\n%s%s", code, out, errOut)
			}
			for _, w := range tt.want {
				if !strings.Contains("\n"+strings.Join(got[:len(got)-1], "\n")+"\n", "\n"+w+"\n") {
					t.Fatalf("%q not among:\n%s", w, out)
				}
			}
		})
	}
	t.Run("no gateway: nothing, and no error on the terminal", func(t *testing.T) {
		env := func(k string) string {
			return map[string]string{"UDI_GATEWAY": "http://127.0.0.1:1", "UDI_API_KEY": "k"}[k]
		}
		out, _, code := clitest.Run(t, env, newRoot, cobra.ShellCompRequestCmd, "recall", "show", "")
		if code != cmdutil.ExitOK || strings.TrimSpace(out) != ":5" {
			t.Fatalf("exit %d: %q", code, out)
		}
	})
}
