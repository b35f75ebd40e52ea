package console_test

import (
	"context"
	"encoding/json"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/udiledger/udiledger/chaincode/model"
	"github.com/udiledger/udiledger/chaincode/ops"
	"github.com/udiledger/udiledger/chaincode/orgs"
	"github.com/udiledger/udiledger/cli/demo"
	"github.com/udiledger/udiledger/gateway/browsertest"
	"github.com/udiledger/udiledger/gateway/ledger"
	"github.com/udiledger/udiledger/gateway/ledger/devledger"
	"github.com/udiledger/udiledger/gateway/server/servertest"
)

// screenshotDir is where the docs' screenshots live; the browser test writes them there when
// UDI_UPDATE_SCREENSHOTS=1.
const screenshotDir = "../../docs/images"

var (
	doneGreen  = color.RGBA{0x17, 0x6f, 0x2c, 0xff} // a recall at 100 %: its bar and line
	palletTone = color.RGBA{0x8a, 0x4a, 0x00, 0xff} // the pallet's bracket on the timeline
)

// TestTheConsoleInARealBrowser serves the console from a real gateway (server.StartLoopback,
// as `udi serve` builds it) and drives Chromium through it as people would: sign in, follow
// the demo's recall to 100 %, close a counterfeit's case from the inbox.
func TestTheConsoleInARealBrowser(t *testing.T) {
	browser := browsertest.Chromium(t)
	// The story's transactions a minute apart, ending about now: a recall that takes hours,
	// as recalls do, not the second the demo takes.
	var ticks atomic.Int64
	start := time.Now().Add(-8 * time.Hour)
	clock := func() time.Time { return start.Add(time.Duration(ticks.Add(1)) * time.Minute) }
	g := servertest.Start(t, devledger.Options{Clock: clock})
	gw, client, actors := g.Server, g.Client, g.Actors
	b := browsertest.Launch(t, browser, 1200, 900)

	t.Run("the regulator signs in with its key", func(t *testing.T) {
		signIn(t, b, gw.URL, "udi_wrong")
		if !strings.Contains(b.URL(), "/console/login") || !strings.Contains(b.Text(), "not known to the gateway") {
			t.Fatalf("a wrong key: %s\n%s", b.URL(), b.Text())
		}
		signIn(t, b, gw.URL, gw.Keys[orgs.Regulator])
		if strings.Contains(b.URL(), "/login") {
			t.Fatalf("still at %s:\n%s", b.URL(), b.Text())
		}
	})

	outcome, err := demo.Run(context.Background(), client, actors, demo.Options{})
	if err != nil {
		t.Fatalf("the demo through the gateway: %v", err)
	}

	t.Run("the dashboard follows the demo's recall to 100 %", func(t *testing.T) {
		b.Navigate(gw.URL + "/console/recalls")
		var row string
		b.Eval(`document.querySelector('tr[data-recall="`+demoRecall+`"] .percent').textContent`, &row)
		if row != "100 %" {
			t.Fatalf("the recall's row says %q:\n%s", row, b.Text())
		}
		b.AndWait(func() { b.Eval(`document.querySelector('tr[data-recall="`+demoRecall+`"] a').click()`, nil) })
		var progress string
		b.Eval(`document.getElementById("progress").textContent`, &progress)
		if progress != "100 %" || !strings.Contains(b.Text(), "JianKang Online Pharmacy") {
			t.Fatalf("the recall's page says %q:\n%s", progress, b.Text())
		}
		var chart struct {
			Points int     `json:"points"`
			Width  float64 `json:"width"`
		}
		b.Eval(`({points: document.querySelector("#chart polyline").points.numberOfItems, width: document.getElementById("chart").getBoundingClientRect().width})`, &chart)
		if chart.Points < 4 || chart.Width < 600 {
			t.Fatalf("chart %+v", chart)
		}
		b.FitPage(1200, 2400)
		img := b.Capture()
		if n := browsertest.Pixels(img, doneGreen); n < 1500 {
			t.Fatalf("%d pixels of the done colour: the bar and the line were not drawn", n)
		}
		screenshot(t, "console-dashboard.png", img)
		b.Resize(1200, 900)
	})

	t.Run("the language switch gives the page in Chinese", func(t *testing.T) {
		b.AndWait(func() { b.Eval(`document.querySelector("a.lang").click()`, nil) })
		var lang string
		b.Eval(`document.documentElement.lang`, &lang)
		if text := b.Text(); lang != "zh" || !strings.Contains(text, "各持有方进度") || !strings.Contains(text, "已终止") {
			t.Fatalf("lang %q:\n%s", lang, text)
		}
		b.AndWait(func() { b.Eval(`document.querySelector("a.lang").click()`, nil) })
	})

	t.Run("the timeline of a pen the story dispensed: its hands and its containers", func(t *testing.T) {
		code := outcome.SoldOnline
		b.Navigate(gw.URL + "/console/timeline")
		b.AndWait(func() {
			b.Eval(`document.querySelector('input[name="code"]').value = `+jsString(code)+`; document.querySelector('input[name="code"]').form.requestSubmit()`, nil)
		})
		var drawn struct {
			Events   int `json:"events"`
			Brackets int `json:"brackets"`
		}
		b.Eval(`({events: document.querySelectorAll("#timeline g.event").length, brackets: document.querySelectorAll("#timeline g.bracket").length})`, &drawn)
		if drawn.Events < 6 || drawn.Brackets < 2 {
			t.Fatalf("timeline %+v:\n%s", drawn, b.Text())
		}
		for _, want := range []string{"Huaxin Pharmaceutical Co.", "Eastern Medicine Distribution", "JianKang Online Pharmacy", "Sold"} {
			if !strings.Contains(b.HTML(), want) {
				t.Errorf("timeline lacks %q", want)
			}
		}
		b.FitPage(1000, 2400)
		img := b.Capture()
		if n := browsertest.Pixels(img, palletTone); n < 100 {
			t.Fatalf("%d pixels of the pallet's colour: the brackets were not drawn", n)
		}
		screenshot(t, "console-timeline.png", img)
		b.Resize(1200, 900)
	})

	t.Run("a counterfeit scan opens a case, which its owner closes from the inbox", func(t *testing.T) {
		id := counterfeitScan(t, client, actors, 888001)
		b.AndWait(func() { b.Eval(`document.querySelector("button.link").click()`, nil) }) // sign out
		if !strings.Contains(b.URL(), "/console/login") {
			t.Fatalf("after signing out: %s", b.URL())
		}
		signIn(t, b, gw.URL, gw.Keys[orgs.Manufacturer])
		b.Navigate(gw.URL + "/console/cases?state=open")
		sel := `section[data-case="` + id + `"]`
		var state string
		b.Eval(`(document.querySelector('`+sel+`') || {dataset: {}}).dataset.state || ""`, &state)
		if state != "open" {
			t.Fatalf("case %s in the inbox: %q\n%s", id, state, b.Text())
		}
		b.AndWait(func() {
			b.Eval(`(() => { const f = document.querySelector('`+sel+` form.close');
				f.resolution.value = "confirmed"; f.reason.value = "no such serial was printed";
				f.querySelector("button").click(); })()`, nil)
		})
		if text := b.Text(); !strings.Contains(text, "Case "+id+" is closed.") {
			t.Fatalf("after closing:\n%s", text)
		}
		cs, err := ledger.Do(context.Background(), client, actors.Regulator, ops.GetCase, model.CaseQuery{CaseID: id})
		if err != nil {
			t.Fatal(err)
		}
		if c := cs.Value; c.State != model.CaseClosed || c.Resolution != model.ResolutionConfirmed || c.Reason != "no such serial was printed" {
			t.Fatalf("the case on the ledger: %s %s %q", c.State, c.Resolution, c.Reason)
		}
	})
}

// signIn fills the login form with key and submits it.
func signIn(t *testing.T, b *browsertest.Browser, base, key string) {
	t.Helper()
	b.Navigate(base + "/console/login")
	b.AndWait(func() {
		b.Eval(`document.getElementById("key").value = `+jsString(key)+`; document.getElementById("key").form.requestSubmit()`, nil)
	})
}

func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// screenshot writes img to the docs when UDI_UPDATE_SCREENSHOTS=1; otherwise the docs must
// already have it.
func screenshot(t *testing.T, name string, img image.Image) {
	t.Helper()
	path := filepath.Join(screenshotDir, name)
	if os.Getenv("UDI_UPDATE_SCREENSHOTS") != "1" {
		if _, err := os.Stat(path); err != nil {
			t.Fatalf("the docs' screenshot is missing (UDI_UPDATE_SCREENSHOTS=1 writes it): %v", err)
		}
		return
	}
	f, err := os.Create(path) // #nosec G304 -- the docs' images folder
	if err != nil {
		t.Fatal(err)
	}
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}
