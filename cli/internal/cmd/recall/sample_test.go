package recall

import (
	"strings"
	"testing"

	"github.com/udiledger/udiledger/chaincode/orgs"
	"github.com/udiledger/udiledger/cli/internal/clitest"
	"github.com/udiledger/udiledger/cli/internal/cmdutil"
)

func TestEffectivenessCheckSamples(t *testing.T) {
	g := clitest.StoryGateway(t)
	regulator := g.Env(orgs.Regulator)
	sample := func(args ...string) ([]string, string, int) {
		out, errOut, code := clitest.Run(t, regulator, NewCmdRecall, append([]string{"sample", demoRecall, "-o", "csv"}, args...)...)
		lines := strings.Split(strings.TrimSpace(out), "\n")
		return lines[1:], errOut, code
	}
	// The demo's consignees: the platform, the hospital and the distributor acknowledged and
	// gave everything back; the manufacturer holds only what came back, destroyed.
	t.Run("level A is every consignee, never the recalling firm", func(t *testing.T) {
		rows, errOut, code := sample("--level", "A")
		want := []string{orgs.Distributor + ",yes", orgs.Hospital + ",yes", orgs.Platform + ",yes"}
		if code != cmdutil.ExitOK || strings.Join(rows, ";") != strings.Join(want, ";") || !strings.Contains(errOut, "3 of 3 consignees") {
			t.Fatalf("exit %d: %v %s", code, rows, errOut)
		}
	})
	t.Run("level C is 10 %, at least one; a seed repeats the draw", func(t *testing.T) {
		first, _, code := sample("--level", "C", "--seed", "7")
		again, _, _ := sample("--level", "C", "--seed", "7")
		if code != cmdutil.ExitOK || len(first) != 1 || first[0] != again[0] {
			t.Fatalf("exit %d: %v, then %v", code, first, again)
		}
	})
	t.Run("level B takes its share, level E none", func(t *testing.T) {
		if rows, _, code := sample("--level", "B", "--percent", "50"); code != cmdutil.ExitOK || len(rows) != 2 {
			t.Fatalf("B 50 %%: exit %d: %v", code, rows)
		}
		if rows, errOut, code := sample("--level", "E"); code != cmdutil.ExitOK || len(rows) != 0 || !strings.Contains(errOut, "0 of 3") {
			t.Fatalf("E: exit %d: %v %s", code, rows, errOut)
		}
	})
	t.Run("a level B without its share, or an unknown level, is invalid input, exit 2", func(t *testing.T) {
		for _, args := range [][]string{{"--level", "B"}, {"--level", "B", "--percent", "100"}, {"--level", "F"}, {"--level", "C", "--percent", "20"}} {
			if _, errOut, code := sample(args...); code != cmdutil.ExitInvalid || errOut == "" {
				t.Fatalf("%v: exit %d: %s", args, code, errOut)
			}
		}
	})
}

func TestADraftRecallFromTheTerminal(t *testing.T) {
	g := clitest.StoryGateway(t)
	manufacturer, distributor := g.Env(orgs.Manufacturer), g.Env(orgs.Distributor)
	start := []string{"start", "--id", "RC-DRAFT-1", "--class", "III", "--depth", "wholesale", "--reason", "carton misprint",
		"--lot", "06901234000016/V26001", "--target", "90"}
	out, errOut, code := clitest.Run(t, manufacturer, NewCmdRecall, append(start, "--draft")...)
	if code != cmdutil.ExitOK || !strings.Contains(out, "kept as "+orgs.Manufacturer+"'s draft") {
		t.Fatalf("draft: exit %d: %s%s", code, out, errOut)
	}
	if _, errOut, code := clitest.Run(t, distributor, NewCmdRecall, "show", "RC-DRAFT-1"); code != cmdutil.ExitRejected || !strings.Contains(errOut, "NOT_FOUND") {
		t.Fatalf("another party reads the draft: exit %d: %s", code, errOut)
	}
	out, errOut, code = clitest.Run(t, manufacturer, NewCmdRecall, start...)
	if code != cmdutil.ExitOK || !strings.Contains(out, "started by "+orgs.Manufacturer) || !strings.Contains(out, "target 90 %") {
		t.Fatalf("start: exit %d: %s%s", code, out, errOut)
	}
	if out, _, code := clitest.Run(t, distributor, NewCmdRecall, "show", "RC-DRAFT-1"); code != cmdutil.ExitOK || !strings.Contains(out, "started") {
		t.Fatalf("show once started: exit %d: %s", code, out)
	}
	if _, errOut, code := clitest.Run(t, manufacturer, NewCmdRecall, append(start[:len(start)-2], "--target", "0", "--draft")...); code != cmdutil.ExitRejected || !strings.Contains(errOut, "CONFLICT") {
		t.Fatalf("a draft over a started recall: exit %d: %s", code, errOut)
	}
}
