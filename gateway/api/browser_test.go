package api

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// chromium finds a Chromium for the browser tests. `make test` installs one (make browser)
// and sets UDI_BROWSER_IT=1, so that there the tests never skip.
func chromium(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("UDI_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("UDI_BROWSER_IT") == "1" {
		t.Fatal("UDI_BROWSER_IT=1 but no Chromium: run make browser")
	}
	t.Skip("no Chromium: make test installs it (make browser)")
	return ""
}

// renderedDOM loads url in headless Chromium, as a phone's browser would after scanning a
// pack's QR code, and returns the DOM it rendered.
func renderedDOM(t *testing.T, browser, url string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
		"--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir="+t.TempDir(), "--dump-dom", url)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("chromium: %v", err)
	}
	return string(out)
}

func TestResolverPageInARealBrowser(t *testing.T) {
	browser := chromium(t)
	w := newWorld(t)
	w.seed()
	w.commission("urn:uuid:browser-commission", 1, 1)

	t.Run("a scanned Digital Link shows the product, the verdict and the journey", func(t *testing.T) {
		dom := renderedDOM(t, browser, w.srv.URL+"/01/"+deviceDI+"/21/S000001")
		for _, want := range []string{"<title>Infusion set – UDI Ledger</title>", "Genuine, may be used.", "commissioning by " + mfr} {
			if !strings.Contains(dom, want) {
				t.Fatalf("page lacks %q:\n%s", want, dom)
			}
		}
	})
	t.Run("an unknown serial shows the warning", func(t *testing.T) {
		dom := renderedDOM(t, browser, w.srv.URL+"/01/"+deviceDI+"/21/NOPE")
		if !strings.Contains(dom, "Do not use without checking with your pharmacist.") {
			t.Fatalf("page:\n%s", dom)
		}
	})
}
