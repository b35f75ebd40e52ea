package party

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/udiledger/udiledger/chaincode/model"
	"github.com/udiledger/udiledger/chaincode/orgs"
	"github.com/udiledger/udiledger/cli/internal/clitest"
	"github.com/udiledger/udiledger/cli/internal/cmdutil"
)

func TestPartyCommands(t *testing.T) {
	g := clitest.StoryGateway(t)
	hsp := g.Env(orgs.Hospital)
	t.Run("list has the five organisations", func(t *testing.T) {
		out, errOut, code := clitest.Run(t, hsp, NewCmdParty, "list", "-o", "json")
		var ps []model.Party
		if code != cmdutil.ExitOK || json.Unmarshal([]byte(out), &ps) != nil || len(ps) != 5 {
			t.Fatalf("exit %d: %s%s", code, out, errOut)
		}
		out, _, _ = clitest.Run(t, hsp, NewCmdParty, "list")
		if !strings.Contains(out, orgs.Manufacturer) || !strings.Contains(out, "manufacturer") {
			t.Fatalf("table:\n%s", out)
		}
	})
	t.Run("show prints licences and locations", func(t *testing.T) {
		out, errOut, code := clitest.Run(t, hsp, NewCmdParty, "show", orgs.Manufacturer)
		if code != cmdutil.ExitOK || !strings.Contains(out, "drug-manufacturing") || !strings.Contains(out, "Plant 1") {
			t.Fatalf("exit %d: %s%s", code, out, errOut)
		}
	})
	t.Run("show of an unknown party is exit 3", func(t *testing.T) {
		_, errOut, code := clitest.Run(t, hsp, NewCmdParty, "show", "NobodyMSP")
		if code != cmdutil.ExitRejected || !strings.Contains(errOut, "NOT_FOUND") {
			t.Fatalf("exit %d: %s", code, errOut)
		}
	})
}
