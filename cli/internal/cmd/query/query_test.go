package query

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/udiledger/udiledger/chaincode/model"
	"github.com/udiledger/udiledger/chaincode/orgs"
	"github.com/udiledger/udiledger/cli/internal/clitest"
	"github.com/udiledger/udiledger/cli/internal/cmdutil"
)

// The demo's first pen, sold online and later presented again at the hospital.
const soldPen = "81234560001000010271"

func trace(f *cmdutil.Factory) *cobra.Command  { return NewCmdTrace(f, nil) }
func verify(f *cmdutil.Factory) *cobra.Command { return NewCmdVerify(f, nil) }

func TestTraceAndVerify(t *testing.T) {
	g := clitest.StoryGateway(t)
	regulator := g.Env(orgs.Regulator)

	t.Run("trace prints the journey from the plant to the patient", func(t *testing.T) {
		out, errOut, code := clitest.Run(t, regulator, trace, soldPen)
		if code != cmdutil.ExitOK || !strings.Contains(out, "commissioning") || !strings.Contains(out, "retail_selling") || !strings.Contains(out, "recalling") {
			t.Fatalf("exit %d\n%s%s", code, out, errOut)
		}
	})
	t.Run("trace -o json gives the provenance", func(t *testing.T) {
		out, _, code := clitest.Run(t, regulator, trace, "-o", "json", soldPen)
		var p model.Provenance
		if code != cmdutil.ExitOK || json.Unmarshal([]byte(out), &p) != nil || p.Key != soldPen || len(p.Events) < 10 {
			t.Fatalf("exit %d: %s", code, out)
		}
	})
	t.Run("verify of a dispensed, recalled pen says why it may not be sold, exit 3", func(t *testing.T) {
		out, _, code := clitest.Run(t, g.Env(orgs.Hospital), verify, soldPen)
		if code != cmdutil.ExitRejected || !regexp.MustCompile(`sellable\s+no`).MatchString(out) || !strings.Contains(out, "why not") {
			t.Fatalf("exit %d\n%s", code, out)
		}
	})
	t.Run("a code that does not parse is exit 2 with the reason", func(t *testing.T) {
		_, errOut, code := clitest.Run(t, regulator, trace, "(01)12345")
		if code != cmdutil.ExitInvalid || errOut == "" {
			t.Fatalf("exit %d: %s", code, errOut)
		}
	})
	t.Run("without an API key the command says how to get one", func(t *testing.T) {
		_, errOut, code := clitest.Run(t, func(string) string { return "" }, trace, soldPen)
		if code != cmdutil.ExitInvalid || !strings.Contains(errOut, "UDI_API_KEY") {
			t.Fatalf("exit %d: %s", code, errOut)
		}
	})
	t.Run("an unreachable gateway is a failure, exit 1", func(t *testing.T) {
		_, errOut, code := clitest.Run(t, regulator, trace, "--gateway", "http://127.0.0.1:1", "--retry-for", "500ms", soldPen)
		if code != cmdutil.ExitFailure || errOut == "" {
			t.Fatalf("exit %d: %s", code, errOut)
		}
	})
}
