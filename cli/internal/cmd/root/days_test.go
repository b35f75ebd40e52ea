package root

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/udiledger/udiledger/chaincode/gs1"
	"github.com/udiledger/udiledger/chaincode/model"
	"github.com/udiledger/udiledger/chaincode/ops"
	"github.com/udiledger/udiledger/chaincode/orgs"
	"github.com/udiledger/udiledger/cli/internal/clitest"
	"github.com/udiledger/udiledger/cli/internal/cmdutil"
	"github.com/udiledger/udiledger/gateway/httpledger"
	"github.com/udiledger/udiledger/gateway/ledger"
)

// orgStep is a step of a script played by the organisation as.
type orgStep struct {
	step
	as string
}

// play runs the steps against g, each as its organisation (UDI_GATEWAY and UDI_API_KEY set).
func play(t *testing.T, g *clitest.Gateway, script []orgStep, secrets ...string) {
	t.Helper()
	for _, s := range script {
		out, errOut, exit := clitest.RunWith(context.Background(), clitest.Input{Env: g.Env(s.as), Stdin: s.stdin},
			func(f *cmdutil.Factory) *cobra.Command { return NewCmdRoot(f, "test") }, s.args...)
		t.Logf("%s $ udi %s\n%s%s", s.as, strings.Join(s.args, " "), out, errOut)
		if exit != s.exit {
			t.Fatalf("%s: exit %d, want %d", s.name, exit, s.exit)
		}
		for _, w := range s.stdout {
			if !w.MatchString(out) {
				t.Fatalf("%s: stdout does not match %s", s.name, w)
			}
		}
		for _, w := range s.stderr {
			if !w.MatchString(strings.TrimSpace(errOut)) {
				t.Fatalf("%s: stderr does not match %s", s.name, w)
			}
		}
		for _, secret := range append(secrets, g.Keys[s.as]) {
			if strings.Contains(out+errOut, secret) {
				t.Fatalf("%s: %q was printed", s.name, secret)
			}
		}
	}
}

// shipment is what the manufacturer of the story sends the distributor: a new product, a lot
// E7 of it with n units commissioned and shipped. It returns the DI and the serials.
func shipment(t *testing.T, g *clitest.Gateway, base string, n int) (string, []string) {
	t.Helper()
	d, _ := gs1.CheckDigit(base)
	di := base + string(d)
	c, err := httpledger.NewWithKey(g.URL, g.Keys[orgs.Manufacturer], &http.Client{Timeout: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	var serials, codes []string
	for i := 1; i <= n; i++ {
		s := "S" + strings.Repeat("0", 4) + string(rune('0'+i))
		serials = append(serials, s)
		codes = append(codes, "(01)"+di+"(21)"+s)
	}
	for _, err := range []error{
		do(ctx, c, ops.RegisterProduct, model.Product{DI: di, Name: "Amoxicillin 500 mg", Kind: model.KindDevice}),
		do(ctx, c, ops.RegisterLot, model.Lot{DI: di, Lot: "E7", Expiry: time.Now().AddDate(2, 0, 0).Format("2006-01-02")}),
		do(ctx, c, ops.Commission, model.CommissionRequest{EventHeader: model.EventHeader{EventID: "urn:test:commission:" + di}, DI: di, Lot: "E7", Codes: codes}),
		do(ctx, c, ops.Ship, model.ShipRequest{EventHeader: model.EventHeader{EventID: "urn:test:ship:" + di}, To: orgs.Distributor, Codes: codes}),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	return di, serials
}

func do[Req, Res any](ctx context.Context, c *httpledger.Client, op ops.Op[Req, Res], req Req) error {
	_, err := ledger.Do(ctx, c, nil, op, req)
	return err
}

func write(t *testing.T, name, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestADistributorsDay: a shipment arrives and is received by scanning it (the scanner's dump
// has ]d2 symbology identifiers, ^ for GS and one misread line), a run again replays, and part
// of it is shipped on to the hospital by scanning again.
func TestADistributorsDay(t *testing.T) {
	g := clitest.StoryGateway(t)
	di, s := shipment(t, g, "0690123400071", 5)
	line := func(serial string) string { return "]d201" + di + "21" + serial + "^10E7" }
	dock := write(t, "dock-3.txt", line(s[0])+"\n"+line(s[1])+"\n]d201"+di+"21\n"+line(s[2])+"\n"+line(s[3])+"\n"+line(s[4])+"\n")
	toHospital := write(t, "to-hospital.txt", line(s[0])+"\n"+line(s[1])+"\n")
	play(t, g, []orgStep{
		{as: orgs.Distributor, step: step{name: "receive by scanning the dock's dump: the bad line is reported, the rest received",
			args: []string{"scan", "--action", "receive", "--gs", "^", "-f", dock}, exit: cmdutil.ExitInvalid,
			stdout: re(`(?m)^1\s+\]d201`+di+`21`+s[0]+`<GS>10E7\s+done\s+-\s+udi:scan-receive:`, `(?m)^3\s+\]d201`+di+`21\s+invalid`, `(?m)^6\s+.*\s+done`),
			stderr: re(`dock-3\.txt:3: code "\]d201`+di+`21"`, `scan receive: 6 lines, 1 bad; receive: 5 codes in 1 events: 1 done, 0 replayed, 0 failed, 0 not sent$`)}},
		{as: orgs.Distributor, step: step{name: "the same scan again replays",
			args: []string{"scan", "--action", "receive", "--gs", "^", "-f", dock}, exit: cmdutil.ExitInvalid,
			stderr: re(`5 codes in 1 events: 0 done, 1 replayed`)}},
		{as: orgs.Distributor, step: step{name: "the units are the distributor's", args: []string{"verify", "(01)" + di + "(21)" + s[4]},
			stdout: re(`owner\s+` + orgs.Distributor)}},
		{as: orgs.Distributor, step: step{name: "ship two on to the hospital by scanning them",
			args:   []string{"scan", "--action", "ship", "--to", orgs.Hospital, "--gs", "^", "-f", toHospital},
			stdout: re(`(?m)^2\s+.*\s+done\s+-\s+udi:scan-ship:`),
			stderr: re(`scan ship: 2 lines, 0 bad; ship to ` + orgs.Hospital + `: 2 codes in 1 events: 1 done`)}},
		{as: orgs.Distributor, step: step{name: "a scan of a shipped unit to verify it: in transit, not sellable",
			args: []string{"scan", "--action", "verify"}, stdin: "]C1" + "01" + di + "21" + s[0] + "\x1d10E7\n", exit: cmdutil.ExitRejected,
			stdout: re(`(?m)^1\s+.*checked\s+no: `)}},
	})
}

// TestAHospitalsDay: a delivery received, a unit checked at the ward, dispensed with the
// patient reference from a file (never on the command line, never printed), the dispense
// undone, and the unit sellable again.
func TestAHospitalsDay(t *testing.T) {
	g := clitest.StoryGateway(t)
	di, s := shipment(t, g, "0690123400072", 3)
	code := func(i int) string { return "(01)" + di + "(21)" + s[i] }
	c, _ := httpledger.NewWithKey(g.URL, g.Keys[orgs.Distributor], nil)
	ctx := context.Background()
	if err := do(ctx, c, ops.Receive, model.ReceiveRequest{EventHeader: model.EventHeader{EventID: "urn:test:receive:" + di}, Codes: []string{code(0), code(1), code(2)}}); err != nil {
		t.Fatal(err)
	}
	if err := do(ctx, c, ops.Ship, model.ShipRequest{EventHeader: model.EventHeader{EventID: "urn:test:ship2:" + di}, To: orgs.Hospital, Codes: []string{code(0), code(1), code(2)}}); err != nil {
		t.Fatal(err)
	}
	delivery := write(t, "delivery.txt", "# delivery note 4471\n"+code(0)+"\n"+code(1)+"\n"+code(2)+"\n")
	patient := write(t, "patient.yaml", "patient: MRN-20261202-0042\nprescription: RX-778\n")
	play(t, g, []orgStep{
		{as: orgs.Hospital, step: step{name: "receive the delivery", args: []string{"receive", "-f", delivery},
			stdout: re(`1\s+3\s+2-4\s+done\s+udi:receive:`), stderr: re(`receive: 3 codes in 1 events: 1 done`)}},
		{as: orgs.Hospital, step: step{name: "check a unit at the ward", args: []string{"scan", "--action", "inspect"}, stdin: code(0) + "\n",
			stdout: re(`(?m)^1\s+.*\s+done\s+yes\s+udi:scan-inspect:`)}},
		{as: orgs.Hospital, step: step{name: "dispense it, the patient reference from a file", args: []string{"dispense", "--patient-file", patient, code(0)},
			stdout: re(`1\s+1\s+-\s+done\s+udi:dispense:`)}},
		{as: orgs.Hospital, step: step{name: "the same command again replays", args: []string{"dispense", "--patient-file", patient, code(0)},
			stdout: re(`1\s+1\s+-\s+replayed`)}},
		{as: orgs.Hospital, step: step{name: "a dispensed unit may not be dispensed again", args: []string{"verify", code(0)},
			exit: cmdutil.ExitRejected, stdout: re(`status\s+dispensed`, `sellable\s+no`)}},
		{as: orgs.Hospital, step: step{name: "no reason, no undo", args: []string{"undo-dispense", code(0)}, exit: cmdutil.ExitInvalid,
			stderr: re(`--reason is required`)}},
		{as: orgs.Hospital, step: step{name: "undo the dispense", args: []string{"undo-dispense", "--reason", "dispensed to the wrong bed", code(0)},
			stdout: re(`1\s+1\s+-\s+done\s+udi:undo-dispense:`)}},
		{as: orgs.Hospital, step: step{name: "sellable again", args: []string{"verify", code(0)}, stdout: re(`sellable\s+yes`)}},
	}, "MRN-20261202-0042", "RX-778")
}
