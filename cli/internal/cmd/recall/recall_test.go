package recall

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/udiledger/udiledger/chaincode/model"
	"github.com/udiledger/udiledger/chaincode/orgs"
	"github.com/udiledger/udiledger/cli/internal/clitest"
	"github.com/udiledger/udiledger/cli/internal/cmdutil"
)

func TestRecallCommands(t *testing.T) {
	g := clitest.StoryGateway(t)
	regulator, hospital := g.Env(orgs.Regulator), g.Env(orgs.Hospital)
	// The demo's stent lot is not recalled; its 19 stents left are at the hospital.
	start := []string{"start", "--id", "RC-STENT-1", "--class", "I", "--depth", "consumer",
		"--reason", "delivery system may detach", "--lot", "06901234000016/V26001"}

	out, errOut, code := clitest.Run(t, hospital, NewCmdRecall, start...)
	t.Run("a hospital cannot start a recall: the ledger refuses, exit 3", func(t *testing.T) {
		if code != cmdutil.ExitRejected || !strings.Contains(errOut, "FORBIDDEN") {
			t.Fatalf("exit %d: %s%s", code, out, errOut)
		}
	})
	out, errOut, code = clitest.Run(t, regulator, NewCmdRecall, start...)
	t.Run("the regulator starts it", func(t *testing.T) {
		if code != cmdutil.ExitOK || !strings.Contains(out, "recall RC-STENT-1 started by "+orgs.Regulator) {
			t.Fatalf("exit %d: %s%s", code, out, errOut)
		}
	})
	t.Run("starting it again with the same content changes nothing", func(t *testing.T) {
		if _, errOut, code := clitest.Run(t, regulator, NewCmdRecall, start...); code != cmdutil.ExitOK {
			t.Fatalf("exit %d: %s", code, errOut)
		}
	})
	t.Run("list shows it beside the demo's recall", func(t *testing.T) {
		out, _, code := clitest.Run(t, hospital, NewCmdRecall, "list", "-o", "json")
		var rs []model.Recall
		if code != cmdutil.ExitOK || json.Unmarshal([]byte(out), &rs) != nil || len(rs) != 2 {
			t.Fatalf("exit %d: %s", code, out)
		}
	})
	t.Run("the hospital acknowledges it", func(t *testing.T) {
		out, errOut, code := clitest.Run(t, hospital, NewCmdRecall, "ack", "RC-STENT-1", "--note", "stents blocked in theatre stock")
		if code != cmdutil.ExitOK || !strings.Contains(out, orgs.Hospital+" acknowledged recall RC-STENT-1") {
			t.Fatalf("exit %d: %s%s", code, out, errOut)
		}
	})
	t.Run("the scope shows the hospital's stock, the implanted stent and the progress", func(t *testing.T) {
		out, errOut, code := clitest.Run(t, regulator, NewCmdRecall, "scope", "RC-STENT-1")
		row := regexp.MustCompile(orgs.Hospital + `\s+19\s+0\s+1\s+0\s+0\s+0\s+0\s+yes`)
		if code != cmdutil.ExitOK || !row.MatchString(out) || !strings.Contains(out, "progress 0 % (0 of 20 units back)") {
			t.Fatalf("exit %d:\n%s%s", code, out, errOut)
		}
	})
	t.Run("show prints the recall", func(t *testing.T) {
		out, _, code := clitest.Run(t, hospital, NewCmdRecall, "show", "RC-STENT-1")
		if code != cmdutil.ExitOK || !strings.Contains(out, "lot 06901234000016/V26001") {
			t.Fatalf("exit %d: %s", code, out)
		}
	})
	for _, args := range [][]string{
		{"start", "--id", "X", "--class", "IV", "--depth", "retail", "--reason", "r", "--di", "06901234000016"},
		{"start", "--id", "X", "--class", "I", "--depth", "retail", "--reason", "r"},
		{"start", "--id", "X", "--class", "I", "--depth", "retail", "--reason", "r", "--lot", "nolot"},
		{"show"},
	} {
		t.Run("refuses "+strings.Join(args, " "), func(t *testing.T) {
			_, errOut, code := clitest.Run(t, regulator, NewCmdRecall, args...)
			if code == cmdutil.ExitOK || errOut == "" {
				t.Fatalf("exit %d: %s", code, errOut)
			}
		})
	}
}
