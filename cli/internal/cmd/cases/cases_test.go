package cases

import (
	"context"
	"encoding/json"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/udiledger/udiledger/chaincode/model"
	"github.com/udiledger/udiledger/chaincode/ops"
	"github.com/udiledger/udiledger/chaincode/orgs"
	"github.com/udiledger/udiledger/cli/internal/clitest"
	"github.com/udiledger/udiledger/cli/internal/cmdutil"
	"github.com/udiledger/udiledger/gateway/ledger"
)

// TestACounterfeitsCaseFromTheTerminal: a hospital's scan of a code never commissioned opens a
// case; the regulator lists it, the manufacturer notes, investigates and confirms it, and the
// case records the notice to the regulator.
func TestACounterfeitsCaseFromTheTerminal(t *testing.T) {
	g := clitest.StoryGateway(t)
	di := g.NewLot(t, "0690123400093", "K1")
	fake := "(01)" + di + "(21)FAKE001"
	in, err := ledger.Do(context.Background(), g.Client(t, orgs.Hospital), nil, ops.Inspect,
		model.InspectRequest{EventHeader: model.EventHeader{EventID: "urn:uuid:case-scan-1"}, Code: fake})
	if err != nil || in.Value.AlertID == "" {
		t.Fatalf("the scan: %+v, %v", in, err)
	}

	out, errOut, code := clitest.Run(t, g.Env(orgs.Regulator), NewCmdCase, "list", "--state", "open", "-o", "json")
	var listed []model.Case
	if code != cmdutil.ExitOK || json.Unmarshal([]byte(out), &listed) != nil {
		t.Fatalf("exit %d: %s%s", code, out, errOut)
	}
	id := ""
	for _, c := range listed {
		if c.Kind == model.AlertCounterfeit && slices.Contains(c.Codes, fake) {
			id = c.ID
		}
	}
	if id == "" {
		t.Fatalf("no open counterfeit case of %s among %s", fake, out)
	}
	mfr := g.Env(orgs.Manufacturer)
	for _, c := range []struct {
		env  func(string) string
		args []string
		exit int
		want string
	}{
		{g.Env(orgs.Hospital), []string{"close", id, "--resolution", "false_positive", "--reason", "mine"}, cmdutil.ExitRejected, ""},
		{mfr, []string{"note", id, "serial range never printed"}, cmdutil.ExitOK, `note .* serial range never printed`},
		{mfr, []string{"investigate", id}, cmdutil.ExitOK, `case ` + regexp.QuoteMeta(id) + `: counterfeit_suspected, investigating`},
		{mfr, []string{"close", id, "--resolution", "confirmed", "--reason", "a forgery"}, cmdutil.ExitOK, `closed \(confirmed: a forgery\)(?s).*regulator notified`},
	} {
		out, errOut, code := clitest.Run(t, c.env, NewCmdCase, c.args...)
		if code != c.exit || !regexp.MustCompile(c.want).MatchString(out) {
			t.Fatalf("udi case %s: exit %d, want %d:\n%s%s", strings.Join(c.args, " "), code, c.exit, out, errOut)
		}
	}
}
