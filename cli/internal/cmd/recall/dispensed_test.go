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

func TestRecallExtensionDepthAndDispensedList(t *testing.T) {
	g := clitest.StoryGateway(t)
	regulator, hospital, distributor := g.Env(orgs.Regulator), g.Env(orgs.Hospital), g.Env(orgs.Distributor)
	// The demo's stent lot: 19 stents in the hospital's stock, one implanted in patient MRN-0097.
	out, errOut, code := clitest.Run(t, regulator, NewCmdRecall, "start", "--id", "RC-STENT-9", "--class", "II", "--depth", "retail",
		"--reason", "label misprint", "--lot", "06901234000016/V26001", "--acknowledge-within", "6")
	if code != cmdutil.ExitOK || !strings.Contains(out, "holders acknowledge by") {
		t.Fatalf("start: exit %d: %s%s", code, out, errOut)
	}

	t.Run("the hospital lists its implanted stent with its own references", func(t *testing.T) {
		out, errOut, code := clitest.Run(t, hospital, NewCmdRecall, "dispensed", "RC-STENT-9", "-o", "csv")
		lines := strings.Split(strings.TrimSpace(out), "\n")
		if code != cmdutil.ExitOK || len(lines) != 2 || lines[0] != "CODE,DISPENSE,AT,PATIENT,PRESCRIPTION" ||
			!strings.HasSuffix(lines[1], ",MRN-0097,OR-2026-3311") || !strings.Contains(errOut, "does not require patient contact") {
			t.Fatalf("exit %d:\n%s%s", code, out, errOut)
		}
	})
	t.Run("a distributor dispenses nothing: the ledger refuses, exit 3", func(t *testing.T) {
		_, errOut, code := clitest.Run(t, distributor, NewCmdRecall, "dispensed", "RC-STENT-9")
		if code != cmdutil.ExitRejected || !strings.Contains(errOut, "FORBIDDEN") {
			t.Fatalf("exit %d: %s", code, errOut)
		}
	})
	t.Run("the scope shows each holder's level, depth and overdue state", func(t *testing.T) {
		out, errOut, code := clitest.Run(t, regulator, NewCmdRecall, "scope", "RC-STENT-9")
		row := regexp.MustCompile(orgs.Hospital + `\s+19\s+0\s+1\s+0\s+0\s+0\s+0\s+no\s+no\s+retail\s+yes\s+19\s+0`)
		if code != cmdutil.ExitOK || !row.MatchString(out) || !strings.Contains(out, "progress 0 % (0 of 19 units back)") {
			t.Fatalf("exit %d:\n%s%s", code, out, errOut)
		}
	})
	t.Run("the regulator extends it to the product at consumer depth with a new deadline", func(t *testing.T) {
		out, errOut, code := clitest.Run(t, regulator, NewCmdRecall, "amend", "RC-STENT-9", "--depth", "consumer", "--add-di", "06901234000016",
			"--acknowledge-within", "24", "--reason", "every lot affected")
		if code != cmdutil.ExitOK || !strings.Contains(out, "added product 06901234000016") || !strings.Contains(out, "depth retail → consumer") {
			t.Fatalf("exit %d: %s%s", code, out, errOut)
		}
		out, _, code = clitest.Run(t, hospital, NewCmdRecall, "dispensed", "RC-STENT-9", "-o", "json")
		var d model.RecallDispensed
		if code != cmdutil.ExitOK || json.Unmarshal([]byte(out), &d) != nil || !d.PatientContact || len(d.Units) != 1 {
			t.Fatalf("exit %d: %s", code, out)
		}
		out, _, _ = clitest.Run(t, hospital, NewCmdRecall, "show", "RC-STENT-9")
		if !strings.Contains(out, "lot 06901234000016/V26001 + product 06901234000016") {
			t.Fatalf("show: %s", out)
		}
	})
	for _, args := range [][]string{
		{"amend", "RC-STENT-9", "--reason", "r", "--add-lot", "nolot"},
		{"amend", "RC-STENT-9", "--reason", "r", "--acknowledge-within", "9999"},
		{"start", "--id", "X", "--class", "I", "--depth", "retail", "--reason", "r", "--di", "06901234000016", "--acknowledge-within", "-1"},
	} {
		t.Run("refuses "+strings.Join(args, " "), func(t *testing.T) {
			_, errOut, code := clitest.Run(t, regulator, NewCmdRecall, args...)
			if code != cmdutil.ExitInvalid || errOut == "" {
				t.Fatalf("exit %d: %s", code, errOut)
			}
		})
	}
	t.Run("dispensed needs the recall ID", func(t *testing.T) {
		if _, errOut, code := clitest.Run(t, hospital, NewCmdRecall, "dispensed"); code == cmdutil.ExitOK || errOut == "" {
			t.Fatalf("exit %d: %s", code, errOut)
		}
	})
}
