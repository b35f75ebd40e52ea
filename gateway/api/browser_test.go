package api

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
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

// headless runs headless Chromium on url with extra flags, as a phone's browser would open
// it after scanning a pack's QR code, and returns what it wrote to stdout and to stderr.
func headless(t *testing.T, browser, url string, flags ...string) (stdout, stderr string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	args := append([]string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
		"--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir=" + t.TempDir()}, flags...)
	cmd := exec.CommandContext(ctx, browser, append(args, url)...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium: %v\n%s", err, errOut.String())
	}
	return out.String(), errOut.String()
}

// renderedDOM loads url and returns the DOM Chromium rendered.
func renderedDOM(t *testing.T, browser, url string) string {
	t.Helper()
	dom, _ := headless(t, browser, url, "--dump-dom")
	return dom
}

// screenshot loads url and returns the page as Chromium drew it, and its console messages.
func screenshot(t *testing.T, browser, url string) (image.Image, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "page.png")
	_, log := headless(t, browser, url, "--window-size=600,400", "--screenshot="+path, "--enable-logging=stderr", "--v=0")
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	return img, log
}

// pixels counts the pixels of img drawn in exactly the colour c.
func pixels(img image.Image, c color.RGBA) int {
	n := 0
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if color.RGBAModel.Convert(img.At(x, y)) == c {
				n++
			}
		}
	}
	return n
}

func TestResolverPageInARealBrowser(t *testing.T) {
	browser := chromium(t)
	w := newWorld(t)
	w.seed()
	w.commission("urn:uuid:browser-commission", 1, 1)

	t.Run("a scanned Digital Link shows the product and the verdict, and names no party", func(t *testing.T) {
		dom := renderedDOM(t, browser, w.srv.URL+"/01/"+deviceDI+"/21/S000001")
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
		img, log := screenshot(t, browser, w.srv.URL+"/01/"+deviceDI+"/21/S000001")
		for _, line := range strings.Split(log, "\n") {
			if strings.Contains(line, "Content Security Policy") {
				t.Fatalf("Chromium reports a policy violation: %s", line)
			}
		}
		// The verdict is drawn in the style sheet's green (.ok), not the default black.
		if n := pixels(img, color.RGBA{0x17, 0x6f, 0x2c, 0xff}); n < 20 {
			t.Fatalf("%d pixels of the verdict's green: the style sheet was not applied", n)
		}
	})
	t.Run("a linkType redirect lands on the page, which lists the manufacturer's links", func(t *testing.T) {
		w.must(200, nil, mfr, "PUT", "/v1/products/"+deviceDI+"/links", map[string]any{"links": []map[string]string{
			{"linkType": "gs1:epil", "href": "https://maker.example/leaflet.pdf", "title": "Patient leaflet"}}})
		dom := renderedDOM(t, browser, w.srv.URL+"/01/"+deviceDI+"/21/S000001?linkType=gs1:pip")
		for _, want := range []string{"Genuine, may be used.", `href="https://maker.example/leaflet.pdf"`, "Patient leaflet"} {
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
