package browsertest_test

import (
	"fmt"
	"image/color"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/udiledger/udiledger/gateway/browsertest"
)

func TestTheBrowserFollowsPagesAndForms(t *testing.T) {
	browser := browsertest.Chromium(t)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		if r.Method == http.MethodPost {
			_ = r.ParseForm()
			fmt.Fprintf(w, "<!doctype html><html lang=en><body><p id=got>%s %s</p></body></html>", r.FormValue("name"), r.Header.Get("Accept-Language"))
			return
		}
		fmt.Fprint(w, `<!doctype html><html lang=en><body style="background:#00ff00"><form method=post><input name=name><button>Go</button></form></body></html>`)
	}))
	defer srv.Close()

	b := browsertest.Launch(t, browser, 400, 300, "--accept-lang=zh-CN")
	b.Navigate(srv.URL)
	img := b.Capture()
	if n := browsertest.Pixels(img, color.RGBA{0, 0xff, 0, 0xff}); n < 10000 {
		t.Fatalf("%d green pixels: the page was not drawn", n)
	}
	if got := img.Bounds().Dx(); got != 400 {
		t.Fatalf("screenshot %d wide, want 400", got)
	}
	b.AndWait(func() {
		b.Eval(`document.querySelector("input").value = "pen"; document.querySelector("form").requestSubmit()`, nil)
	})
	if got := b.Text(); !strings.Contains(got, "pen zh-CN") {
		t.Fatalf("page after the form: %q", got)
	}
}
