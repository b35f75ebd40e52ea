package api

import (
	"image/color"
	"strings"
	"testing"

	"github.com/udiledger/udiledger/gateway/browsertest"
)

func TestResolverPageInARealBrowser(t *testing.T) {
	browser := browsertest.Chromium(t)
	w := newWorld(t)
	w.seed()
	w.commission("urn:uuid:browser-commission", 1, 1)

	t.Run("a scanned Digital Link shows the product and the verdict, and names no party", func(t *testing.T) {
		dom := browsertest.RenderedDOM(t, browser, w.srv.URL+"/01/"+deviceDI+"/21/S000001")
		for _, want := range []string{"<title>Infusion set – UDI Ledger</title>", "Genuine, may be used."} {
			if !strings.Contains(dom, want) {
				t.Fatalf("page lacks %q:\n%s", want, dom)
			}
		}
		if strings.Contains(dom, mfr) {
			t.Fatalf("the public page names a party:\n%s", dom)
		}
	})
	t.Run("the page's style applies under its Content-Security-Policy", func(t *testing.T) {
		img, log := browsertest.Screenshot(t, browser, w.srv.URL+"/01/"+deviceDI+"/21/S000001", "600,400")
		for _, line := range strings.Split(log, "\n") {
			if strings.Contains(line, "Content Security Policy") {
				t.Fatalf("Chromium reports a policy violation: %s", line)
			}
		}
		// The verdict is drawn in the style sheet's green (.ok), not the default black.
		if n := browsertest.Pixels(img, color.RGBA{0x17, 0x6f, 0x2c, 0xff}); n < 20 {
			t.Fatalf("%d pixels of the verdict's green: the style sheet was not applied", n)
		}
	})
	t.Run("a linkType redirect lands on the page, which lists the manufacturer's links", func(t *testing.T) {
		w.must(200, nil, mfr, "PUT", "/v1/products/"+deviceDI+"/links", map[string]any{"links": []map[string]string{
			{"linkType": "gs1:epil", "href": "https://maker.example/leaflet.pdf", "title": "Patient leaflet"}}})
		dom := browsertest.RenderedDOM(t, browser, w.srv.URL+"/01/"+deviceDI+"/21/S000001?linkType=gs1:pip")
		for _, want := range []string{"Genuine, may be used.", `href="https://maker.example/leaflet.pdf"`, "Patient leaflet"} {
			if !strings.Contains(dom, want) {
				t.Fatalf("page lacks %q:\n%s", want, dom)
			}
		}
	})
	t.Run("an unknown serial shows the warning", func(t *testing.T) {
		dom := browsertest.RenderedDOM(t, browser, w.srv.URL+"/01/"+deviceDI+"/21/NOPE")
		if !strings.Contains(dom, "Do not use without checking with your pharmacist.") {
			t.Fatalf("page:\n%s", dom)
		}
	})
}
