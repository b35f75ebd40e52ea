// Package browsertest runs headless Chromium for the tests of pages (the gateway's resolver
// page, the CLI's recall report): a real browser, as users open them.
package browsertest

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// Chromium finds a Chromium for the browser tests, for the browser tests:
// UDI_CHROMIUM, else chromium, chromium-browser or google-chrome on the PATH. Without one the
// test is skipped with a message saying how to get one, unless UDI_BROWSER_IT=1 (make test
// sets it after make browser installed Chromium): then it fails.
func Chromium(t testing.TB) string {
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

// Headless runs headless Chromium on url with extra flags and returns its stdout and stderr.
func Headless(t testing.TB, browser, url string, flags ...string) (stdout, stderr string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	args := append([]string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
		"--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir=" + t.TempDir()}, flags...)
	cmd := exec.CommandContext(ctx, browser, append(args, url)...) // #nosec G204 -- a test's own browser and page

	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium: %v\n%s", err, errOut.String())
	}
	return out.String(), errOut.String()
}

// RenderedDOM loads url and returns the DOM Chromium rendered.
func RenderedDOM(t testing.TB, browser, url string) string {
	t.Helper()
	dom, _ := Headless(t, browser, url, "--dump-dom")
	return dom
}

// Screenshot loads url in a window of width×height and returns the page as Chromium drew it,
// and its console log.
func Screenshot(t testing.TB, browser, url, size string) (image.Image, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "page.png")
	_, log := Headless(t, browser, url, "--window-size="+size, "--screenshot="+path, "--enable-logging=stderr", "--v=0")
	f, err := os.Open(path) // #nosec G304 -- the test's temporary directory
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

// Pixels counts the pixels of img drawn in exactly the colour c: a style that applies shows.
func Pixels(img image.Image, c color.RGBA) int {
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
