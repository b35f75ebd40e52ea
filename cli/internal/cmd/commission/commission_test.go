package commission

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/udiledger/udiledger/chaincode/orgs"
	"github.com/udiledger/udiledger/cli/internal/batch"
	"github.com/udiledger/udiledger/cli/internal/clitest"
	"github.com/udiledger/udiledger/cli/internal/cmdutil"
)

// genuine asks the gateway whether code was commissioned.
func genuine(t *testing.T, g *clitest.Gateway, code string) bool {
	t.Helper()
	return g.Verify(t, code).Genuine
}

func TestCommission(t *testing.T) {
	g := clitest.StoryGateway(t)
	mfr := g.Env(orgs.Manufacturer)
	set := g.NewLot(t, "0690123400002", "S1")
	lot := set + "/S1"
	code := func(serial string) string { return "(01)" + set + "(21)" + serial }
	run := func(in clitest.Input, args ...string) (string, string, int) {
		if in.Env == nil {
			in.Env = mfr
		}
		return clitest.RunWith(context.Background(), in, NewCmdCommission, args...)
	}

	t.Run("bad input is reported with its line, and nothing is written", func(t *testing.T) {
		file := filepath.Join(t.TempDir(), "codes.txt")
		body := code("A1") + "\n" + code("A2") + "\n\n" + "(01)" + set + "(21)A3(17)991399\n"
		if err := os.WriteFile(file, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		_, errOut, exit := run(clitest.Input{}, "--lot", lot, "-f", file)
		if exit != cmdutil.ExitInvalid || !strings.Contains(errOut, "codes.txt:4: code ") {
			t.Fatalf("exit %d: %s", exit, errOut)
		}
		if genuine(t, g, code("A1")) {
			t.Fatal("the first code was commissioned although the input was refused")
		}
	})
	t.Run("a dry run prints the events and sends nothing", func(t *testing.T) {
		out, errOut, exit := run(clitest.Input{}, "--lot", lot, "--serials", "1-25", "--chunk", "10", "--dry-run")
		if exit != 0 || strings.Count(out, "planned") != 3 || !strings.Contains(errOut, "25 codes in 3 events (dry run") || genuine(t, g, code("1")) {
			t.Fatalf("exit %d:\n%s%s", exit, out, errOut)
		}
	})
	t.Run("codes from standard input, with a progress bar on a terminal", func(t *testing.T) {
		out, errOut, exit := run(clitest.Input{Stdin: code("B1") + "\n" + code("B2") + "\n", ErrTerminal: true}, "--lot", lot, "-f", "-")
		if exit != 0 || !strings.Contains(errOut, "100%") || !strings.Contains(errOut, "1 done, 0 replayed, 0 failed, 0 not sent") || !strings.Contains(out, "done") {
			t.Fatalf("exit %d:\n%s%s", exit, out, errOut)
		}
	})
	t.Run("no progress bar when stderr is no terminal", func(t *testing.T) {
		_, errOut, exit := run(clitest.Input{Stdin: code("B1") + "\n" + code("B2") + "\n"}, "--lot", lot, "-f", "-")
		if exit != 0 || strings.Contains(errOut, "%") || !strings.Contains(errOut, "0 done, 1 replayed") {
			t.Fatalf("exit %d:\n%s", exit, errOut)
		}
	})
	t.Run("an event the ledger refuses fails alone: the others are recorded, exit 3", func(t *testing.T) {
		if _, errOut, exit := run(clitest.Input{}, "--lot", lot, "--serials", "15-15"); exit != 0 {
			t.Fatalf("exit %d: %s", exit, errOut)
		}
		out, errOut, exit := run(clitest.Input{}, "-o", "json", "--lot", lot, "--serials", "1-30", "--chunk", "10")
		var s Summary
		if exit != cmdutil.ExitRejected || json.Unmarshal([]byte(out), &s) != nil || s.Done != 2 || s.Failed != 1 || s.Events[1].Outcome != batch.OutcomeFailed ||
			!strings.Contains(errOut, "event 2 of 3 (codes 11-20)") {
			t.Fatalf("exit %d:\n%s%s", exit, out, errOut)
		}
		if !genuine(t, g, code("30")) || genuine(t, g, code("11")) {
			t.Fatal("want serials 21-30 commissioned and 11 not")
		}
	})
	t.Run("generated serials are printed for the labels and repeat with the seed", func(t *testing.T) {
		labels := filepath.Join(t.TempDir(), "labels.txt")
		seed := strings.Repeat("ab", 16)
		if _, errOut, exit := run(clitest.Input{}, "--lot", lot, "--generate", "50", "--seed", seed, "--codes-out", labels); exit != 0 {
			t.Fatalf("exit %d: %s", exit, errOut)
		}
		b, err := os.ReadFile(labels)
		first, _, _ := strings.Cut(string(b), "\n")
		if err != nil || strings.Count(string(b), "\n") != 50 || !genuine(t, g, first) {
			t.Fatalf("labels %v:\n%.200s", err, b)
		}
		if _, errOut, exit := run(clitest.Input{}, "--lot", lot, "--generate", "50", "--seed", seed); exit != 0 || !strings.Contains(errOut, "0 done, 1 replayed") {
			t.Fatalf("exit %d: %s", exit, errOut)
		}
	})
	for _, args := range [][]string{
		{"--serials", "1-10"},
		{"--lot", lot},
		{"--lot", lot, "--serials", "1-10", "--generate", "5"},
		{"--lot", lot, "--serials", "1-10", "--chunk", "10001"},
		{"--lot", "nolot", "--serials", "1-10"},
		{"--lot", "8123456/D26001", "--serials", "1-10"},
		{"--lot", lot, "--generate", "5", "--seed", "xyz"},
	} {
		t.Run("refuses "+strings.Join(args, " "), func(t *testing.T) {
			if _, errOut, exit := run(clitest.Input{}, args...); exit != cmdutil.ExitInvalid || errOut == "" {
				t.Fatalf("exit %d: %s", exit, errOut)
			}
		})
	}
	t.Run("an unreachable gateway stops the run: exit 1, the rest not sent", func(t *testing.T) {
		_, errOut, exit := run(clitest.Input{}, "--gateway", "http://127.0.0.1:1", "--retry-for", "500ms", "--lot", lot, "--serials", "1-30", "--chunk", "10")
		if exit != cmdutil.ExitFailure || !strings.Contains(errOut, "0 done, 0 replayed, 1 failed, 2 not sent") {
			t.Fatalf("exit %d: %s", exit, errOut)
		}
	})
}
