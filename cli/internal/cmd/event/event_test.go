package event

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/udiledger/udiledger/chaincode/gs1"
	"github.com/udiledger/udiledger/chaincode/model"
	"github.com/udiledger/udiledger/chaincode/ops"
	"github.com/udiledger/udiledger/chaincode/orgs"
	"github.com/udiledger/udiledger/cli/internal/batch"
	"github.com/udiledger/udiledger/cli/internal/clitest"
	"github.com/udiledger/udiledger/cli/internal/cmdutil"
	"github.com/udiledger/udiledger/gateway/ledger"
)

// commissioned registers a product and a lot of the story's manufacturer and commissions n
// serials of it; it returns their codes.
func commissioned(t *testing.T, g *clitest.Gateway, base string, n int) []string {
	t.Helper()
	di := g.NewLot(t, base, "E1")
	var codes []string
	for i := 1; i <= n; i++ {
		codes = append(codes, "(01)"+di+"(21)E"+strings.Repeat("0", 3)+string(rune('0'+i%10))+string(rune('A'+i/10)))
	}
	if _, err := ledger.Do(context.Background(), g.Client(t, orgs.Manufacturer), nil, ops.Commission,
		model.CommissionRequest{EventHeader: model.EventHeader{EventID: "test:" + di}, DI: di, Lot: "E1", Codes: codes}); err != nil {
		t.Fatal(err)
	}
	return codes
}

func status(t *testing.T, g *clitest.Gateway, code string) model.Status {
	t.Helper()
	return g.Verify(t, code).Status
}

// cmd returns the event command named name.
func cmd(name string) func(*cmdutil.Factory) *cobra.Command {
	return func(f *cmdutil.Factory) *cobra.Command {
		for _, c := range NewCmds(f) {
			if c.Name() == name {
				return c
			}
		}
		panic("no command " + name)
	}
}

func TestEventCommands(t *testing.T) {
	g := clitest.StoryGateway(t)
	codes := commissioned(t, g, "0690123400031", 25)
	run := func(msp string, in clitest.Input, name string, args ...string) (string, string, int) {
		in.Env = g.Env(msp)
		out, errOut, exit := clitest.RunWith(context.Background(), in, cmd(name), args...)
		t.Logf("$ udi %s %s\n%s%s", name, strings.Join(args, " "), out, errOut)
		return out, errOut, exit
	}
	dir := t.TempDir()
	file := filepath.Join(dir, "ship.txt")
	if err := os.WriteFile(file, []byte("# pallet 1\n"+strings.Join(codes[:20], "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}

	t.Run("ship in events of --chunk codes; a run again replays", func(t *testing.T) {
		out, errOut, exit := run(orgs.Manufacturer, clitest.Input{}, "ship", "--to", orgs.Distributor, "-f", file, "--chunk", "8")
		if exit != 0 || !strings.Contains(errOut, "ship to "+orgs.Distributor+": 20 codes in 3 events: 3 done") || !strings.Contains(out, "2-9") {
			t.Fatalf("exit %d", exit)
		}
		if status(t, g, codes[0]) != model.StatusInTransit {
			t.Fatal("not in transit")
		}
		_, errOut, exit = run(orgs.Manufacturer, clitest.Input{}, "ship", "--to", orgs.Distributor, "-f", file, "--chunk", "8")
		if exit != 0 || !strings.Contains(errOut, "0 done, 3 replayed") {
			t.Fatalf("exit %d", exit)
		}
	})
	t.Run("receive from standard input, -o json", func(t *testing.T) {
		out, _, exit := run(orgs.Distributor, clitest.Input{Stdin: strings.Join(codes[:20], "\n")}, "receive", "-o", "json")
		var s batch.Summary
		if exit != 0 || json.Unmarshal([]byte(out), &s) != nil || s.Done != 1 || s.Events[0].Units != 20 {
			t.Fatalf("exit %d %+v", exit, s)
		}
	})
	t.Run("a code the ledger refuses fails its event: exit 3", func(t *testing.T) {
		_, errOut, exit := run(orgs.Distributor, clitest.Input{}, "receive", codes[0])
		if exit != cmdutil.ExitRejected || !strings.Contains(errOut, "udi receive: event 1 of 1") {
			t.Fatalf("exit %d", exit)
		}
	})
	t.Run("pack, unpack all", func(t *testing.T) {
		d, _ := gs1.CheckDigit("10690123400000003")
		sscc := "(00)10690123400000003" + string(d)
		if _, _, exit := run(orgs.Distributor, clitest.Input{}, "pack", "--parent", sscc, codes[0], codes[1]); exit != 0 {
			t.Fatalf("pack: exit %d", exit)
		}
		if _, errOut, exit := run(orgs.Distributor, clitest.Input{}, "unpack", sscc); exit != 0 || !strings.Contains(errOut, "1 done") {
			t.Fatalf("unpack: exit %d", exit)
		}
	})
	t.Run("ship on, receive, dispense with the patient from a file, undo", func(t *testing.T) {
		if _, _, exit := run(orgs.Distributor, clitest.Input{}, "ship", "--to", orgs.Hospital, codes[2], codes[3]); exit != 0 {
			t.Fatal(exit)
		}
		if _, _, exit := run(orgs.Hospital, clitest.Input{}, "receive", codes[2], codes[3]); exit != 0 {
			t.Fatal(exit)
		}
		patient := filepath.Join(dir, "patient.yaml")
		if err := os.WriteFile(patient, []byte("patient: P-4711\nprescription: RX-1\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		out, errOut, exit := run(orgs.Hospital, clitest.Input{}, "dispense", "--patient-file", patient, codes[2])
		if exit != 0 || strings.Contains(out+errOut, "P-4711") || status(t, g, codes[2]) != model.StatusDispensed {
			t.Fatalf("dispense: exit %d", exit)
		}
		_, errOut, exit = run(orgs.Hospital, clitest.Input{Stdin: "P-4712\n\n"}, "dispense", codes[3])
		if exit != 0 || !strings.Contains(errOut, "patient reference: ") || strings.Contains(errOut, "P-4712") {
			t.Fatalf("dispense asked: exit %d", exit)
		}
		if _, _, exit := run(orgs.Hospital, clitest.Input{}, "undo-dispense", "--reason", "wrong patient", codes[2]); exit != 0 || status(t, g, codes[2]) != model.StatusActive {
			t.Fatalf("undo: exit %d", exit)
		}
	})
	t.Run("destroy with --event-id", func(t *testing.T) {
		out, _, exit := run(orgs.Distributor, clitest.Input{}, "destroy", "--reason", "broken", "--event-id", "urn:uuid:6f7c1a2e-0000-4000-8000-000000000031", codes[4])
		if exit != 0 || !strings.Contains(out, "urn:uuid:6f7c1a2e-0000-4000-8000-000000000031") {
			t.Fatalf("exit %d", exit)
		}
	})
	t.Run("return, by default to the manufacturer", func(t *testing.T) {
		if _, errOut, exit := run(orgs.Distributor, clitest.Input{}, "return", "--reason", "damaged in transit", codes[5]); exit != 0 || !strings.Contains(errOut, "return: 1 codes in 1 events: 1 done") {
			t.Fatalf("exit %d", exit)
		}
		if _, errOut, exit := run(orgs.Distributor, clitest.Input{}, "return", "--reason", "damaged in transit", "--dry-run", codes[6], codes[7]); exit != 0 || !strings.Contains(errOut, "(dry run: nothing sent)") || status(t, g, codes[6]) != model.StatusActive {
			t.Fatalf("dry run: exit %d", exit)
		}
	})
	for _, tt := range []struct {
		name string
		args []string
		want string
	}{
		{"ship", []string{codes[5]}, "--to is required"},
		{"destroy", []string{codes[5]}, "--reason is required"},
		{"pack", []string{codes[5]}, "--parent is required"},
		{"ship", []string{"--to", orgs.Hospital, codes[5], "nonsense"}, "arguments (code 2)"},
		{"receive", []string{codes[5], codes[5]}, "repeats code 1"},
		{"receive", []string{"-f", file, codes[5]}, "not both"},
		{"dispense", []string{"-f", "-"}, "--patient-file"},
		{"receive", []string{"--chunk", "10001", codes[5]}, "--chunk"},
	} {
		t.Run("refuses "+tt.name+" "+strings.Join(tt.args, " "), func(t *testing.T) {
			if _, errOut, exit := run(orgs.Distributor, clitest.Input{}, tt.name, tt.args...); exit != cmdutil.ExitInvalid || !strings.Contains(errOut, tt.want) {
				t.Fatalf("exit %d: %s", exit, errOut)
			}
		})
	}
	t.Run("a bad line of a file is named with its line", func(t *testing.T) {
		bad := filepath.Join(dir, "bad.txt")
		_ = os.WriteFile(bad, []byte(codes[6]+"\n\n(01)123\n"), 0o600)
		if _, errOut, exit := run(orgs.Distributor, clitest.Input{}, "receive", "-f", bad); exit != cmdutil.ExitInvalid || !strings.Contains(errOut, "bad.txt:3: code") {
			t.Fatalf("exit %d", exit)
		}
	})
}
