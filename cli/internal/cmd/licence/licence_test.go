package licence

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/udiledger/udiledger/chaincode/model"
	"github.com/udiledger/udiledger/chaincode/orgs"
	"github.com/udiledger/udiledger/cli/internal/clitest"
	"github.com/udiledger/udiledger/cli/internal/cmdutil"
)

func TestLicenceExpiring(t *testing.T) {
	g := clitest.StoryGateway(t)
	reg := g.Env(orgs.Regulator)
	// The story licenses the four traders for five years from a year ago.
	t.Run("none ends within 30 days", func(t *testing.T) {
		out, errOut, code := clitest.Run(t, reg, NewCmdLicence, "expiring", "-o", "json")
		var rows []model.ExpiringLicence
		if code != cmdutil.ExitOK || json.Unmarshal([]byte(out), &rows) != nil || len(rows) != 0 {
			t.Fatalf("exit %d: %s%s", code, out, errOut)
		}
	})
	t.Run("all four end within 5 years", func(t *testing.T) {
		out, errOut, code := clitest.Run(t, reg, NewCmdLicence, "expiring", "--days", "1830")
		if code != cmdutil.ExitOK || strings.Count(out, "\n") != 5 || !strings.Contains(out, "drug-wholesale") {
			t.Fatalf("exit %d:\n%s%s", code, out, errOut)
		}
	})
	t.Run("--days out of range is exit 2", func(t *testing.T) {
		if _, _, code := clitest.Run(t, reg, NewCmdLicence, "expiring", "--days", "0"); code != cmdutil.ExitInvalid {
			t.Fatalf("exit %d", code)
		}
	})
}
