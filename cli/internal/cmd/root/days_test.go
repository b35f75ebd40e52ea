package root

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
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

// deliver receives, as the distributor, what shipment sent it, and ships some of it on to msp.
func deliver(t *testing.T, g *clitest.Gateway, di string, received []string, msp string, shipped []string) {
	t.Helper()
	c, _ := httpledger.NewWithKey(g.URL, g.Keys[orgs.Distributor], nil)
	ctx := context.Background()
	if err := do(ctx, c, ops.Receive, model.ReceiveRequest{EventHeader: model.EventHeader{EventID: "urn:test:receive:" + di}, Codes: received}); err != nil {
		t.Fatal(err)
	}
	if err := do(ctx, c, ops.Ship, model.ShipRequest{EventHeader: model.EventHeader{EventID: "urn:test:ship-on:" + di}, To: msp, Codes: shipped}); err != nil {
		t.Fatal(err)
	}
}

// TestAPharmacysDay: the online pharmacy receives a delivery, lists its stock of the lot,
// verifies a pack by scanning it before sale, sells it (the buyer's reference from a file),
// sees the sold pack refused at a second scan, and returns a damaged pack to the manufacturer.
func TestAPharmacysDay(t *testing.T) {
	g := clitest.StoryGateway(t)
	di, s := shipment(t, g, "0690123400073", 3)
	code := func(i int) string { return "(01)" + di + "(21)" + s[i] }
	all := []string{code(0), code(1), code(2)}
	deliver(t, g, di, all, orgs.Platform, all)
	delivery := write(t, "delivery.txt", code(0)+"\n"+code(1)+"\n"+code(2)+"\n")
	buyer := write(t, "order-5531.yaml", "patient: buyer-5531\nprescription: e-Rx 2026-5531\n")
	gun := "]d201" + di + "21" + s[0] + "\x1d10E7\n"
	play(t, g, []orgStep{
		{as: orgs.Platform, step: step{name: "receive the delivery", args: []string{"receive", "-f", delivery},
			stdout: re(`1\s+3\s+1-3\s+done\s+udi:receive:`), stderr: re(`receive: 3 codes in 1 events: 1 done`)}},
		{as: orgs.Platform, step: step{name: "the lot's packs in stock, as CSV", args: []string{"units", "--holder", orgs.Platform, "--lot", di + "/E7", "-o", "csv"},
			stdout: re(`^CODE,KIND,STATUS,DI,LOT,UNITS,LOCATION\n`, `(?m)^\(01\)`+di+`\(21\)`+s[2]+`,unit,active,`+di+`,E7,1,`)}},
		{as: orgs.Platform, step: step{name: "scan a pack before sale: sellable", args: []string{"scan", "--action", "verify"}, stdin: gun,
			stdout: re(`(?m)^1\s+.*\s+checked\s+yes`)}},
		{as: orgs.Platform, step: step{name: "sell it, the buyer's reference from the order file", args: []string{"dispense", "--patient-file", buyer, code(0)},
			stdout: re(`1\s+1\s+-\s+done\s+udi:dispense:`)}},
		{as: orgs.Platform, step: step{name: "the sold pack scanned again may not be sold", args: []string{"scan", "--action", "verify"}, stdin: gun,
			exit: cmdutil.ExitRejected, stdout: re(`(?m)^1\s+.*\s+checked\s+no: `)}},
		{as: orgs.Platform, step: step{name: "return a damaged pack to its manufacturer", args: []string{"return", "--reason", "box crushed in the warehouse", code(1)},
			stdout: re(`1\s+1\s+-\s+done\s+udi:return:`)}},
		{as: orgs.Platform, step: step{name: "the pack's events, as YAML: received, then returned", args: []string{"events", "--code", code(1), "-o", "yaml"},
			stdout: re(`(?s)bizStep: receiving.*bizStep: returning`)}},
		{as: orgs.Platform, step: step{name: "what is left in stock", args: []string{"units", "--holder", orgs.Platform, "--lot", di + "/E7", "--status", "active"},
			stdout: re(`(?m)^\(01\)` + di + `\(21\)` + s[2] + `\s+unit\s+active`)}},
	}, "buyer-5531", "e-Rx 2026-5531")
}

// TestARegulatorsDay: the regulator looks at the alerts, traces a unit, recalls its lot,
// follows the scope while the holders acknowledge and return, exports the report as CSV and
// HTML, and lists what is still held.
func TestARegulatorsDay(t *testing.T) {
	g := clitest.StoryGateway(t)
	di, s := shipment(t, g, "0690123400074", 4)
	code := func(i int) string { return "(01)" + di + "(21)" + s[i] }
	deliver(t, g, di, []string{code(0), code(1), code(2), code(3)}, orgs.Hospital, []string{code(0), code(1)})
	dir := t.TempDir()
	csvFile, htmlFile := filepath.Join(dir, "RC-E7.csv"), filepath.Join(dir, "RC-E7.html")
	play(t, g, []orgStep{
		{as: orgs.Regulator, step: step{name: "the morning's alerts: the story's excursion among them", args: []string{"alerts", "--kind", "temperature_excursion"},
			stdout: re(`temperature_excursion\s+` + orgs.Distributor)}},
		{as: orgs.Regulator, step: step{name: "trace a unit: commissioned, shipped, received, shipped on", args: []string{"trace", code(0)},
			stdout: re(`\(4 events\)`, `(?s)commissioning.*shipping.*receiving.*shipping`)}},
		{as: orgs.Regulator, step: step{name: "recall the lot", args: []string{"recall", "start", "--id", "RC-E7", "--class", "II", "--depth", "retail",
			"--reason", "particulate matter found in retained samples", "--lot", di + "/E7"},
			stdout: re(`recall RC-E7 started by ` + orgs.Regulator)}},
		{as: orgs.Regulator, step: step{name: "its scope: two in the distributor's stock, two on their way to the hospital", args: []string{"recall", "scope", "RC-E7"},
			stdout: re(orgs.Distributor+`\s+2\s+2\s+0\s+0\s+0\s+0\s+0\s+no`, `progress 0 % \(0 of 4 units back\)`)}},
		{as: orgs.Distributor, step: step{name: "the distributor acknowledges", args: []string{"recall", "ack", "RC-E7", "--note", "stock blocked in bay 4"},
			stdout: re(orgs.Distributor + ` acknowledged recall RC-E7`)}},
		{as: orgs.Distributor, step: step{name: "and returns its two units", args: []string{"return", "--reason", "recall RC-E7", code(2), code(3)},
			stdout: re(`done\s+udi:return:`)}},
		{as: orgs.Manufacturer, step: step{name: "the manufacturer accepts them", args: []string{"receive", code(2), code(3)},
			stdout: re(`done\s+udi:receive:`)}},
		{as: orgs.Regulator, step: step{name: "the report as CSV", args: []string{"recall", "report", "RC-E7", "--out", csvFile},
			stderr: re(`recall RC-E7: \d+ holders, 1 acknowledgements, 1 returns, 0 destructions; progress 50 % \(2 of 4 units back\)`)}},
		{as: orgs.Regulator, step: step{name: "and as a printable page", args: []string{"recall", "report", "RC-E7", "--out", htmlFile}}},
		{as: orgs.Hospital, step: step{name: "the hospital receives the other two, recalled", args: []string{"receive", code(0), code(1)},
			stdout: re(`done\s+udi:receive:`)}},
		{as: orgs.Regulator, step: step{name: "and holds them", args: []string{"units", "--holder", orgs.Hospital, "--lot", di + "/E7", "--status", "recalled", "-o", "json"},
			stdout: re(`"code": "\(01\)` + regexp.QuoteMeta(di) + `\(21\)` + s[0] + `"`)}},
		{as: orgs.Regulator, step: step{name: "the returns through EPCIS, as the CBV says them: shipping, disposition returned",
			args:   []string{"epcis", "query", "--biz-step", "shipping", "--param", "EQ_disposition=returned", "--epc", code(2)},
			stdout: re(`(?m)^\S+\s+ObjectEvent\s+OBSERVE\s+shipping\s+2\s+\S*udi:return:`)}},
		{as: orgs.Regulator, step: step{name: "a serious injury: the recall becomes class I", args: []string{"recall", "amend", "RC-E7", "--class", "I", "--reason", "a serious injury reported"},
			stdout: re(`recall RC-E7 is started: amended by ` + orgs.Regulator + ` at \S+ \(class II → I\)`)}},
		{as: orgs.Regulator, step: step{name: "an effectiveness check of the hospital", args: []string{"recall", "check", "RC-E7", "--holder", orgs.Hospital, "--level", "C", "--note", "notice filed, units held"},
			stdout: re(`recall RC-E7 is started; 1 holders checked`)}},
		{as: orgs.Regulator, step: step{name: "terminating before completion is refused", args: []string{"recall", "terminate", "RC-E7", "--reason", "done"},
			exit: cmdutil.ExitRejected, stderr: re(`is started: it cannot terminate`)}},
		{as: orgs.Regulator, step: step{name: "the regulator completes it for the firm", args: []string{"recall", "complete", "RC-E7", "--reason", "notices sent, returns arranged"},
			stdout: re(`recall RC-E7 is completed: completed by ` + orgs.Regulator)}},
		{as: orgs.Regulator, step: step{name: "and terminates it with an override at 50 %", args: []string{"recall", "terminate", "RC-E7", "--override", "--reason", "the hospital's units are held and will be destroyed"},
			stdout: re(`recall RC-E7 is terminated: terminated by ` + orgs.Regulator + ` at \S+, overriding its progress`)}},
	})
	b, err := os.ReadFile(csvFile)
	if err != nil || !regexp.MustCompile(`(?m)^acknowledgement,`+orgs.Distributor+`,\S+,[0-9a-f]{64},`).Match(b) ||
		!regexp.MustCompile(`(?m)^return,`+orgs.Distributor+`,\S+,[0-9a-f]{64},udi:return:`).Match(b) {
		t.Fatalf("%v:\n%s", err, b)
	}
	page, err := os.ReadFile(htmlFile)
	if err != nil || !strings.Contains(string(page), "<title>Recall RC-E7 – UDI Ledger</title>") || !strings.Contains(string(page), "particulate matter found in retained samples") {
		t.Fatalf("%v:\n%s", err, page)
	}
}
