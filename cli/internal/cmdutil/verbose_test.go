package cmdutil_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/udiledger/udiledger/chaincode/model"
	"github.com/udiledger/udiledger/chaincode/ops"
	"github.com/udiledger/udiledger/chaincode/orgs"
	"github.com/udiledger/udiledger/cli/internal/clitest"
	"github.com/udiledger/udiledger/cli/internal/cmdutil"
)

// probe is a command that reads a party through the gateway, as every gateway command does.
func probe(f *cmdutil.Factory) *cobra.Command {
	var g cmdutil.Gateway
	cmd := &cobra.Command{Use: "probe MSP", Args: cobra.ExactArgs(1)}
	cmdutil.AddGatewayFlags(cmd, f, &g)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		_, err := cmdutil.Call(cmd.Context(), g, ops.GetParty, model.PartyQuery{MSPID: args[0]})
		return err
	}
	return cmd
}

func TestVerbosePrintsEachRequestWithTheGatewaysRequestID(t *testing.T) {
	g := clitest.StoryGateway(t)
	env := g.Env(orgs.Hospital)
	t.Run("one line per request on stderr: method, URL, status, request ID; never the key", func(t *testing.T) {
		out, errOut, code := clitest.Run(t, env, probe, "--verbose", orgs.Distributor)
		line := regexp.MustCompile(`^udi: GET ` + regexp.QuoteMeta(g.URL) + `/v1/parties/` + orgs.Distributor + ` 200 request-id [0-9a-f]{24} \(\d+ms\)\n$`)
		if code != cmdutil.ExitOK || out != "" || !line.MatchString(errOut) || strings.Contains(errOut, g.Keys[orgs.Hospital]) {
			t.Fatalf("exit %d: %q", code, errOut)
		}
	})
	t.Run("a refusal shows its status and request ID before the error", func(t *testing.T) {
		_, errOut, code := clitest.Run(t, env, probe, "-v", "NoSuchOrgMSP")
		if code != cmdutil.ExitRejected || !regexp.MustCompile(`GET \S+/v1/parties/NoSuchOrgMSP 404 request-id [0-9a-f]{24} .*\n.*NOT_FOUND`).MatchString(errOut) {
			t.Fatalf("exit %d: %q", code, errOut)
		}
	})
	t.Run("without --verbose, nothing but the error", func(t *testing.T) {
		if _, errOut, _ := clitest.Run(t, env, probe, orgs.Distributor); errOut != "" {
			t.Fatalf("stderr %q", errOut)
		}
	})
}
