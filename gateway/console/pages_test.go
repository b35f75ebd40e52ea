package console_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/udiledger/udiledger/chaincode/model"
	"github.com/udiledger/udiledger/chaincode/ops"
	"github.com/udiledger/udiledger/chaincode/orgs"
	"github.com/udiledger/udiledger/gateway/ledger"
)

// demoRecall is the ID of the demo story's recall (its first run).
const demoRecall = "demo-001-recall"

func TestTheRecallDashboard(t *testing.T) {
	w := storyWorld(t)
	reg := w.client(t)
	reg.mustLogin(w.keys[orgs.Regulator])

	t.Run("the list shows the demo's recall at 100 %, with the product's name", func(t *testing.T) {
		_, body := reg.do("GET", "/console/recalls", nil)
		row := regexp.MustCompile(`(?s)<tr class="recall" data-recall="` + demoRecall + `">.*?</tr>`).FindString(body)
		for _, want := range []string{"100 %", "Insulin glargine injection", "Terminated", ">I<", "Consumer"} {
			if !strings.Contains(row, want) {
				t.Errorf("row lacks %q:\n%s", want, row)
			}
		}
	})
	t.Run("the recall's page: holders by name, history, check, chart", func(t *testing.T) {
		res, body := reg.do("GET", "/console/recalls/"+demoRecall, nil)
		body = html.UnescapeString(body)
		if res.StatusCode != 200 {
			t.Fatalf("%d\n%s", res.StatusCode, body)
		}
		for _, want := range []string{`id="progress">100 %`, "Eastern Medicine Distribution", "JianKang Online Pharmacy", "Renji People's Hospital",
			"amended", "completed", "terminated", "class II → I", "a patient's hospitalisation reported", "Effectiveness checks", "notice received, stock blocked and returned",
			`<svg id="chart"`, "<polyline", "required "} {
			if !strings.Contains(body, want) {
				t.Errorf("page lacks %q", want)
			}
		}
		if strings.Contains(body, orgs.Distributor) {
			t.Errorf("page shows the MSP ID %s where the party has a name", orgs.Distributor)
		}
		if regexp.MustCompile(`\d{2}:\d{2}:\d{2}`).MatchString(textOf(body)) {
			t.Errorf("page shows machine times:\n%s", textOf(body))
		}
	})
	t.Run("the chart climbs to the required units", func(t *testing.T) {
		_, body := reg.do("GET", "/console/recalls/"+demoRecall, nil)
		pts := polyline(t, body)
		req := regexp.MustCompile(`stroke="#b00020" stroke-dasharray="6 4"`).FindStringIndex(body)
		if req == nil {
			t.Fatal("no line for the required units")
		}
		reqY := attrInt(t, body[:req[0]], `y2="(\d+)"`)
		first, last := pts[0], pts[len(pts)-1]
		if last[1] != reqY || first[1] <= last[1] {
			t.Fatalf("line from %v to %v, required at y=%d", first, last, reqY)
		}
		for i := 1; i < len(pts); i++ {
			if pts[i][0] < pts[i-1][0] || pts[i][1] > pts[i-1][1] {
				t.Fatalf("the line goes back at %v -> %v", pts[i-1], pts[i])
			}
		}
		if marks := strings.Count(body, `class="small mark"`); marks != 4 {
			t.Fatalf("%d marks, want start, amended, completed, terminated", marks)
		}
	})
	t.Run("in Chinese by Accept-Language", func(t *testing.T) {
		zh := w.client(t)
		zh.lang = "zh-CN,zh;q=0.9,en;q=0.5"
		zh.mustLogin(w.keys[orgs.Regulator])
		_, body := zh.do("GET", "/console/recalls/"+demoRecall, nil)
		for _, want := range []string{`<html lang="zh">`, "各持有方进度", "已终止", "年", "北京时间", `hreflang="en"`} {
			if !strings.Contains(body, want) {
				t.Errorf("Chinese page lacks %q", want)
			}
		}
		href := regexp.MustCompile(`<a class="lang" href="([^"]+)"`).FindStringSubmatch(body)
		if href == nil {
			t.Fatal("no language switch")
		}
		_, en := zh.do("GET", html.UnescapeString(href[1]), nil)
		if !strings.Contains(en, `<html lang="en">`) || !strings.Contains(en, "Progress by holder") {
			t.Fatalf("the switch did not give English:\n%s", en)
		}
		_, again := zh.do("GET", "/console/recalls", nil)
		if !strings.Contains(again, `<html lang="en">`) {
			t.Fatal("the switch was not remembered")
		}
	})
	t.Run("a manufacturer follows the recall of its product; a hospital has no dashboard", func(t *testing.T) {
		mfr := w.client(t)
		mfr.mustLogin(w.keys[orgs.Manufacturer])
		if _, body := mfr.do("GET", "/console/recalls", nil); !strings.Contains(body, `data-recall="`+demoRecall+`"`) {
			t.Fatalf("manufacturer's dashboard:\n%s", body)
		}
		hsp := w.client(t)
		hsp.mustLogin(w.keys[orgs.Hospital])
		if res, _ := hsp.do("GET", "/console/", nil); res.Header.Get("Location") != "/console/stock" {
			t.Fatalf("hospital's home: %q", res.Header.Get("Location"))
		}
		if _, body := hsp.do("GET", "/console/recalls", nil); strings.Contains(body, `data-recall=`) || strings.Contains(body, `href="/console/recalls"`) {
			t.Fatalf("hospital's dashboard:\n%s", body)
		}
	})
	t.Run("an unknown recall is not found", func(t *testing.T) {
		if res, _ := reg.do("GET", "/console/recalls/no-such-recall", nil); res.StatusCode != http.StatusNotFound {
			t.Fatalf("%d", res.StatusCode)
		}
	})
}

func TestStockByLotAndStatus(t *testing.T) {
	w := storyWorld(t)
	for _, msp := range []string{orgs.Hospital} { // the others gave everything back, destroyed
		t.Run(msp, func(t *testing.T) {
			c := w.client(t)
			c.mustLogin(w.keys[msp])
			_, body := c.do("GET", "/console/stock", nil)
			want := 0
			page, err := ledger.Do(context.Background(), w.inv, actorOf(w, msp), ops.UnitsByHolder, model.HolderQuery{MSPID: msp, PageQuery: model.PageQuery{PageSize: model.MaxPageSize}})
			if err != nil {
				t.Fatal(err)
			}
			for _, h := range page.Value.Holdings {
				want += h.UnitCount
			}
			total := regexp.MustCompile(`<tfoot><tr><th colspan="3">[^<]+</th><th class="n">(\d+)</th>`).FindStringSubmatch(body)
			if want == 0 || total == nil || total[1] != strconv.Itoa(want) {
				t.Fatalf("total %v, the ledger says %d:\n%s", total, want, body)
			}
		})
	}
	t.Run("the hospital's stents are one row: product, lot, status", func(t *testing.T) {
		c := w.client(t)
		c.mustLogin(w.keys[orgs.Hospital])
		_, body := c.do("GET", "/console/stock", nil)
		if !regexp.MustCompile(`<td>Coronary stent system <span class="small">\d+</span></td><td>V26001</td>`).MatchString(body) {
			t.Fatalf("no row of lot V26001:\n%s", body)
		}
	})
	t.Run("a holder other than one's own is the chaincode's to refuse", func(t *testing.T) {
		c := w.client(t)
		c.mustLogin(w.keys[orgs.Hospital])
		if res, _ := c.do("GET", "/console/stock?holder="+orgs.Distributor, nil); res.StatusCode != http.StatusForbidden {
			t.Fatalf("%d", res.StatusCode)
		}
	})
}

func TestTheTimeline(t *testing.T) {
	w := storyWorld(t)
	code := dispensedUnit(t, w)
	reg := w.client(t)
	reg.mustLogin(w.keys[orgs.Regulator])
	res, body := reg.do("GET", "/console/timeline?code="+url.QueryEscape(code), nil)
	body = html.UnescapeString(body)
	if res.StatusCode != 200 {
		t.Fatalf("%d\n%s", res.StatusCode, body)
	}
	prov, err := ledger.Do(context.Background(), w.inv, w.actors.Regulator, ops.Provenance, model.CodeQuery{Code: code})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Count(body, `<g class="event">`); got != len(prov.Value.Events) {
		t.Fatalf("%d events drawn, the ledger has %d", got, len(prov.Value.Events))
	}
	for _, want := range []string{"Commissioned", "Shipped", "Received", "Huaxin Pharmaceutical Co.", "Plant 1, Shanghai", "Pallet ", "Case ", `<g class="bracket pallet">`, `<g class="bracket case">`} {
		if !strings.Contains(body, want) {
			t.Errorf("timeline lacks %q", want)
		}
	}

	t.Run("a code the caller may not see is a clear message", func(t *testing.T) {
		dst := w.client(t)
		dst.mustLogin(w.keys[orgs.Platform])
		res, body := dst.do("GET", "/console/timeline?code="+url.QueryEscape(stentOfTheHospital(t, w)), nil)
		if res.StatusCode != http.StatusNotFound && res.StatusCode != http.StatusForbidden || !strings.Contains(body, "not visible to your organisation") ||
			strings.Contains(body, `<svg id="timeline"`) {
			t.Fatalf("%d\n%s", res.StatusCode, body)
		}
	})
}

// dispensedUnit is a pen the story dispensed: it went by pallet and case.
func dispensedUnit(t *testing.T, w *world) string {
	t.Helper()
	if w.outcome.SoldOnline == "" {
		t.Fatal("the demo names no pen sold online")
	}
	return w.outcome.SoldOnline
}

// stentOfTheHospital is a device the hospital holds, never at the platform.
func stentOfTheHospital(t *testing.T, w *world) string {
	t.Helper()
	page, err := ledger.Do(context.Background(), w.inv, w.actors.Hospital, ops.UnitsByHolder, model.HolderQuery{MSPID: orgs.Hospital, PageQuery: model.PageQuery{PageSize: model.MaxPageSize}})
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range page.Value.Holdings {
		if !h.Container && len(h.DI) == 14 { // a GTIN: a stent, not a pen
			return h.Code
		}
	}
	t.Fatal("the hospital holds no unit")
	return ""
}

func actorOf(w *world, msp string) *ledger.Identity {
	for _, id := range []*ledger.Identity{w.actors.Regulator, w.actors.Manufacturer, w.actors.Distributor, w.actors.Platform, w.actors.Hospital} {
		if id.MSPID == msp {
			return id
		}
	}
	return nil
}

// textOf is a page's text without its tags, where machine times belong.
func textOf(page string) string {
	page = regexp.MustCompile(`(?s)<style>.*?</style>`).ReplaceAllString(page, " ")
	return regexp.MustCompile(`<[^>]*>`).ReplaceAllString(page, " ")
}

func polyline(t *testing.T, page string) [][2]int {
	t.Helper()
	m := regexp.MustCompile(`<polyline[^>]*points="([^"]+)"`).FindStringSubmatch(page)
	if m == nil {
		t.Fatal("no polyline")
	}
	var out [][2]int
	for _, p := range strings.Fields(m[1]) {
		x, y, _ := strings.Cut(p, ",")
		xi, _ := strconv.Atoi(x)
		yi, _ := strconv.Atoi(y)
		out = append(out, [2]int{xi, yi})
	}
	return out
}

// attrInt is the last match of pattern's number in s.
func attrInt(t *testing.T, s, pattern string) int {
	t.Helper()
	all := regexp.MustCompile(pattern).FindAllStringSubmatch(s, -1)
	if all == nil {
		t.Fatalf("no %s", pattern)
	}
	n, _ := strconv.Atoi(all[len(all)-1][1])
	return n
}

func TestHoldersPastTheAcknowledgementDeadlineStandOut(t *testing.T) {
	w := storyWorld(t)
	page, err := ledger.Do(context.Background(), w.inv, w.actors.Hospital, ops.UnitsByHolder, model.HolderQuery{MSPID: orgs.Hospital, PageQuery: model.PageQuery{PageSize: model.MaxPageSize}})
	if err != nil {
		t.Fatal(err)
	}
	var stent model.Holding
	for _, h := range page.Value.Holdings {
		if !h.Container && len(h.DI) == 14 {
			stent = h
		}
	}
	const id = "console-recall-stents"
	if _, err := ledger.Do(context.Background(), w.inv, w.actors.Regulator, ops.StartRecall, model.RecallRequest{ID: id, Class: model.RecallClassII,
		Depth: model.DepthRetail, Reason: "seal defect", Scope: model.RecallScope{Type: model.ScopeLot, DI: stent.DI, Lot: stent.Lot},
		AcknowledgeWithinHours: 1}); err != nil {
		t.Fatal(err)
	}
	ledgerAhead.Add(int64(2 * time.Hour))
	reg := w.client(t)
	reg.mustLogin(w.keys[orgs.Regulator])
	_, list := reg.do("GET", "/console/recalls", nil)
	row := regexp.MustCompile(`(?s)<tr class="recall" data-recall="` + id + `">.*?</tr>`).FindString(list)
	if !strings.Contains(row, "overdue: 1") {
		t.Fatalf("the recall's row:\n%s", row)
	}
	_, body := reg.do("GET", "/console/recalls/"+id, nil)
	overdue := regexp.MustCompile(`<tr class="overdue"><td>([^<]+)</td>`).FindAllStringSubmatch(html.UnescapeString(body), -1)
	if len(overdue) != 1 || overdue[0][1] != "Renji People's Hospital" {
		t.Fatalf("overdue rows %v:\n%s", overdue, body)
	}
}
