package recall

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"image/color"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/udiledger/udiledger/chaincode/model"
	"github.com/udiledger/udiledger/chaincode/ops"
	"github.com/udiledger/udiledger/chaincode/orgs"
	"github.com/udiledger/udiledger/cli/internal/clitest"
	"github.com/udiledger/udiledger/cli/internal/cmdutil"
	"github.com/udiledger/udiledger/gateway/browsertest"
	"github.com/udiledger/udiledger/gateway/ledger"
)

// demoRecall is the recall the story runs to 100 %: three holders acknowledge and return
// their cases, and the two dispensers their patients' pens, naming it; the manufacturer
// destroys it all in one event naming it.
const demoRecall = "demo-001-recall"

func TestReportOfTheDemosRecall(t *testing.T) {
	g := clitest.StoryGateway(t)
	regulator := g.Env(orgs.Regulator)

	out, errOut, code := clitest.Run(t, regulator, NewCmdRecall, "report", demoRecall, "-o", "json")
	var rep Report
	if code != cmdutil.ExitOK || json.Unmarshal([]byte(out), &rep) != nil {
		t.Fatalf("exit %d: %s%s", code, out, errOut)
	}
	t.Run("JSON: the scope, three acknowledgements in time order, five returns naming the recall, progress 100 %", func(t *testing.T) {
		if rep.Recall.ID != demoRecall || rep.Progress != 1 || len(rep.Acknowledgements) != 3 || len(rep.Returns) != 5 || len(rep.Destructions) != 1 {
			t.Fatalf("report %+v", rep)
		}
		units := 0
		for i, r := range rep.Returns {
			units += r.Units
			if !r.Linked || r.TxID == "" || r.To != orgs.Manufacturer || len(r.Codes) == 0 {
				t.Fatalf("return %d: %+v", i, r)
			}
		}
		for i := 1; i < len(rep.Acknowledgements); i++ {
			if rep.Acknowledgements[i].At < rep.Acknowledgements[i-1].At || rep.Acknowledgements[i].TxID == "" {
				t.Fatalf("acknowledgements %+v", rep.Acknowledgements)
			}
		}
		if units != rep.Counts.Destroyed || units == 0 || rep.Destructions[0].Units != units {
			t.Fatalf("returns carry %d units, the scope says %d destroyed, the destruction %+v", units, rep.Counts.Destroyed, rep.Destructions[0])
		}
		if !strings.Contains(errOut, "recall "+demoRecall+": ") || !strings.Contains(errOut, "5 returns, 1 destructions; progress 100 %") {
			t.Fatalf("stderr %s", errOut)
		}
	})
	t.Run("CSV: one row per holder, acknowledgement and return, their transactions with them", func(t *testing.T) {
		out, _, code := clitest.Run(t, regulator, NewCmdRecall, "report", demoRecall, "-o", "csv")
		rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
		if code != cmdutil.ExitOK || err != nil {
			t.Fatalf("exit %d, %v:\n%s", code, err, out)
		}
		kinds := map[string]int{}
		for _, r := range rows[1:] {
			kinds[r[0]]++
			if (r[0] == "return" || r[0] == "acknowledgement") && !regexp.MustCompile(`^[0-9a-f]{64}$`).MatchString(r[3]) {
				t.Fatalf("row without its transaction: %v", r)
			}
		}
		if rows[0][0] != "record" || kinds["recall"] != 1 || kinds["holder"] != len(rep.Holders) || kinds["total"] != 1 || kinds["acknowledgement"] != 3 || kinds["return"] != 5 {
			t.Fatalf("rows %v", kinds)
		}
	})
	t.Run("--out picks the format from its extension and writes the file 0600", func(t *testing.T) {
		p := filepath.Join(t.TempDir(), "r.json")
		if _, errOut, code := clitest.Run(t, regulator, NewCmdRecall, "report", demoRecall, "--out", p); code != cmdutil.ExitOK {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		b, err := os.ReadFile(p)
		fi, _ := os.Stat(p)
		if err != nil || !json.Valid(b) || fi.Mode().Perm() != 0o600 {
			t.Fatalf("%v, mode %v: %s", err, fi.Mode(), b)
		}
	})
	t.Run("an unknown recall is the ledger's NOT_FOUND, exit 3; an unknown format exit 2", func(t *testing.T) {
		if _, errOut, code := clitest.Run(t, regulator, NewCmdRecall, "report", "RC-NOPE"); code != cmdutil.ExitRejected || !strings.Contains(errOut, "NOT_FOUND") {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		if _, _, code := clitest.Run(t, regulator, NewCmdRecall, "report", demoRecall, "-o", "pdf"); code != cmdutil.ExitInvalid {
			t.Fatalf("exit %d", code)
		}
	})
}

// TestReportHTMLInARealBrowser: the demo's recall page, and a recall whose reason is markup,
// with a destruction and a return that does not name it, opened in Chromium.
func TestReportHTMLInARealBrowser(t *testing.T) {
	browser := browsertest.Chromium(t)
	g := clitest.StoryGateway(t)
	regulator := g.Env(orgs.Regulator)
	dir := t.TempDir()

	demoPage := filepath.Join(dir, "demo.html")
	if _, errOut, code := clitest.Run(t, regulator, NewCmdRecall, "report", demoRecall, "--out", demoPage); code != cmdutil.ExitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	t.Run("the page shows the recall, its holders, acknowledgements, returns and the destruction", func(t *testing.T) {
		dom := browsertest.RenderedDOM(t, browser, "file://"+demoPage)
		for _, want := range []string{"<title>Recall " + demoRecall + " – UDI Ledger</title>", `id="progress">100 %</span>`,
			"<td>" + orgs.Hospital + "</td>", "stock located and blocked", `<table id="returns">`, `<table id="destructions">`, "recalled stock incinerated under witness"} {
			if !strings.Contains(dom, want) {
				t.Fatalf("page lacks %q:\n%s", want, dom)
			}
		}
		if n := strings.Count(dom, "<tr>"); n < 1+3+1+3+1+3 {
			t.Fatalf("%d rows", n)
		}
	})
	t.Run("its inline style applies: the complete progress is drawn in green, nothing is loaded", func(t *testing.T) {
		img, log := browsertest.Screenshot(t, browser, "file://"+demoPage, "900,700")
		for _, line := range strings.Split(log, "\n") {
			if strings.Contains(line, "Content Security Policy") || strings.Contains(line, "Failed to load") {
				t.Fatalf("Chromium: %s", line)
			}
		}
		if n := browsertest.Pixels(img, color.RGBA{0x17, 0x6f, 0x2c, 0xff}); n < 20 {
			t.Fatalf("%d pixels of the progress's green: the style was not applied", n)
		}
	})
	t.Run("it prints: Chromium makes a PDF of it", func(t *testing.T) {
		pdf := filepath.Join(t.TempDir(), "r.pdf")
		browsertest.Headless(t, browser, "file://"+demoPage, "--print-to-pdf="+pdf, "--no-pdf-header-footer")
		b, err := os.ReadFile(pdf)
		if err != nil || !strings.HasPrefix(string(b), "%PDF-") || len(b) < 2000 {
			t.Fatalf("%v: %d bytes", err, len(b))
		}
	})

	// A recall of the demo's stents: its reason is markup, which the page must show as text.
	reason := `<script>document.title="owned"</script><b>delivery system</b> may detach & "fail"`
	if _, errOut, code := clitest.Run(t, regulator, NewCmdRecall, "start", "--id", "RC-STENT-9", "--class", "I", "--depth", "consumer",
		"--reason", reason, "--lot", "06901234000016/V26001"); code != cmdutil.ExitOK {
		t.Fatalf("start: exit %d: %s", code, errOut)
	}
	stents := hospitalStents(t, g, 3)
	ctx := context.Background()
	hc := g.Client(t, orgs.Hospital)
	if _, err := ledger.Do(ctx, hc, nil, ops.Destroy, model.DisposeRequest{EventHeader: model.EventHeader{EventID: "urn:test:destroy-stents"}, Codes: stents[:2], Reason: "opened in theatre, discarded"}); err != nil {
		t.Fatal(err)
	}
	if _, err := ledger.Do(ctx, hc, nil, ops.Return, model.ReturnRequest{EventHeader: model.EventHeader{EventID: "urn:test:return-stent"}, Codes: stents[2:], Reason: "unused"}); err != nil {
		t.Fatal(err)
	}
	if _, err := ledger.Do(ctx, g.Client(t, orgs.Manufacturer), nil, ops.Receive, model.ReceiveRequest{EventHeader: model.EventHeader{EventID: "urn:test:accept-stent"}, Codes: stents[2:]}); err != nil {
		t.Fatal(err)
	}
	stentPage := filepath.Join(dir, "stent.html")
	out, errOut, code := clitest.Run(t, regulator, NewCmdRecall, "report", "RC-STENT-9", "--out", stentPage)
	if code != cmdutil.ExitOK {
		t.Fatalf("exit %d: %s%s", code, out, errOut)
	}
	t.Run("markup in a value is shown as text, never run; the destruction and the unnamed return are found", func(t *testing.T) {
		dom := browsertest.RenderedDOM(t, browser, "file://"+stentPage)
		if !strings.Contains(dom, "<title>Recall RC-STENT-9 – UDI Ledger</title>") || strings.Contains(dom, "<script") || strings.Contains(dom, "<b>delivery") {
			t.Fatalf("page:\n%s", dom)
		}
		if !strings.Contains(dom, `&lt;script&gt;document.title="owned"&lt;/script&gt;&lt;b&gt;delivery system&lt;/b&gt; may detach &amp; "fail"`) {
			t.Fatalf("the reason is not shown as text:\n%s", dom)
		}
		for _, want := range []string{`<table id="destructions">`, "opened in theatre, discarded", "urn:test:destroy-stents", "urn:test:return-stent", "No acknowledgement yet."} {
			if !strings.Contains(dom, want) {
				t.Fatalf("page lacks %q:\n%s", want, dom)
			}
		}
	})
}

// hospitalStents returns n of the demo's stents the hospital holds.
func hospitalStents(t *testing.T, g *clitest.Gateway, n int) []string {
	t.Helper()
	r, err := ledger.Do(context.Background(), g.Client(t, orgs.Hospital), nil, ops.UnitsByHolder, model.HolderQuery{MSPID: orgs.Hospital, PageQuery: model.PageQuery{PageSize: 100}})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, h := range r.Value.Holdings {
		if h.DI == "06901234000016" && h.Status == model.StatusRecalled && len(out) < n {
			out = append(out, h.Code)
		}
	}
	if len(out) < n {
		t.Fatalf("the hospital holds %d recalled stents: %+v", len(out), r.Value.Holdings)
	}
	return out
}

func TestReportListsReceiptsReworksUnitsAndChecks(t *testing.T) {
	g := clitest.StoryGateway(t)
	regulator := g.Env(orgs.Regulator)
	report := func(id string) Report {
		t.Helper()
		out, errOut, code := clitest.Run(t, regulator, NewCmdRecall, "report", id, "-o", "json")
		var rep Report
		if code != cmdutil.ExitOK || json.Unmarshal([]byte(out), &rep) != nil {
			t.Fatalf("exit %d: %s%s", code, out, errOut)
		}
		return rep
	}
	t.Run("the demo's recall: the firm's receipts, each unit back with its transaction, the check", func(t *testing.T) {
		rep := report(demoRecall)
		if len(rep.Receipts) == 0 || len(rep.Checks) == 0 || len(rep.Units) != rep.Counts.Returned+rep.Counts.Destroyed {
			t.Fatalf("receipts %d, checks %d, units %d of %+v", len(rep.Receipts), len(rep.Checks), len(rep.Units), rep.Counts)
		}
		receipts := map[string]string{}
		for _, r := range rep.Receipts {
			if !r.Linked || r.By != orgs.Manufacturer || r.TxID == "" {
				t.Fatalf("receipt %+v", r)
			}
			receipts[r.EventID] = r.TxID
		}
		for _, u := range rep.Units {
			if u.TxID == "" || u.EventID == "" {
				t.Fatalf("unit without its event: %+v", u)
			}
			if tx, ok := receipts[u.EventID]; u.Stage == model.StatusReturned && (!ok || tx != u.TxID) {
				t.Fatalf("a returned unit's last change is not a receipt of the report: %+v", u)
			}
		}
	})

	ctx := context.Background()
	if _, errOut, code := clitest.Run(t, regulator, NewCmdRecall, "start", "--id", "RC-RW", "--class", "II", "--depth", "retail",
		"--reason", "IFU misprint", "--lot", "06901234000016/V26001"); code != cmdutil.ExitOK {
		t.Fatalf("start: exit %d: %s", code, errOut)
	}
	stents := hospitalStents(t, g, 1)
	for _, step := range []struct {
		msp string
		op  ops.Descriptor
		req any
	}{
		{orgs.Hospital, ops.Return, model.ReturnRequest{EventHeader: model.EventHeader{EventID: "urn:test:rw-ret"}, Codes: stents, RecallID: "RC-RW"}},
		{orgs.Manufacturer, ops.Receive, model.ReceiveRequest{EventHeader: model.EventHeader{EventID: "urn:test:rw-acc"}, Codes: stents}},
		{orgs.Manufacturer, ops.Rework, model.ReworkRequest{EventHeader: model.EventHeader{EventID: "urn:test:rw"}, Codes: stents, RecallID: "RC-RW", Reason: "relabelled"}},
		{orgs.Regulator, ops.CheckRecall, model.EffectivenessCheckRequest{RecallID: "RC-RW", Holder: orgs.Hospital, Level: "C", Effective: true}},
	} {
		if _, err := ledger.Run(ctx, g.Client(t, step.msp), nil, step.op, step.req); err != nil {
			t.Fatalf("%s: %v", step.op.Name(), err)
		}
	}
	t.Run("a recall with a re-work: listed with its transaction, the unit counted re-worked", func(t *testing.T) {
		rep := report("RC-RW")
		if len(rep.Reworks) != 1 || rep.Reworks[0].EventID != "urn:test:rw" || rep.Reworks[0].TxID == "" || rep.Counts.Reworked != 1 {
			t.Fatalf("reworks %+v counts %+v", rep.Reworks, rep.Counts)
		}
		if len(rep.Units) != 1 || rep.Units[0].Stage != model.StatusReworked || rep.Units[0].TxID != rep.Reworks[0].TxID {
			t.Fatalf("units %+v", rep.Units)
		}
		if len(rep.Checks) != 1 || rep.Checks[0].Holder != orgs.Hospital {
			t.Fatalf("checks %+v", rep.Checks)
		}
		out, _, _ := clitest.Run(t, regulator, NewCmdRecall, "report", "RC-RW", "-o", "csv")
		for _, kind := range []string{"\nrework,", "\nreceipt,", "\nunit,", "\ncheck,"} {
			if !strings.Contains(out, kind) {
				t.Fatalf("csv lacks %q rows:\n%s", kind, out)
			}
		}
		page, _, _ := clitest.Run(t, regulator, NewCmdRecall, "report", "RC-RW", "-o", "html")
		for _, want := range []string{`<table id="receipts">`, `<table id="reworks">`, `<table id="units">`, `<table id="checks">`, "urn:test:rw", rep.Units[0].TxID} {
			if !strings.Contains(page, want) {
				t.Fatalf("page lacks %q:\n%s", want, page)
			}
		}
	})
}
