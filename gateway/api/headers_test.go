package api

import (
	"crypto/sha256"
	"encoding/base64"
	"strings"
	"testing"
)

func TestSecurityHeaders(t *testing.T) {
	w := newWorld(t)
	w.seed()
	w.commission("urn:uuid:headers-commission", 1, 1)

	t.Run("every answer is nosniff", func(t *testing.T) {
		for _, r := range []resp{
			w.call("", "GET", "/healthz", nil),
			w.call("", "GET", "/metrics", nil),
			w.call("", "GET", "/openapi.json", nil),
			w.call("", "GET", "/v1/products", nil),
			w.call(mfr, "GET", "/v1/products", nil),
			w.call(mfr, "GET", "/v1/nothing", nil),
			w.call("", "GET", "/01/"+deviceDI+"/21/S000001", nil),
		} {
			if got := r.header.Get("X-Content-Type-Options"); got != "nosniff" {
				t.Errorf("answer %d %s has X-Content-Type-Options %q", r.status, r.header.Get("Content-Type"), got)
			}
		}
	})
	for _, path := range []string{"/01/" + deviceDI + "/21/S000001", "/01/123"} {
		t.Run("the resolver's page "+path+" loads nothing, cannot be framed and sends no referrer", func(t *testing.T) {
			r := w.call("", "GET", path, nil, "Accept: text/html")
			csp := r.header.Get("Content-Security-Policy")
			for _, want := range []string{"default-src 'none'", "frame-ancestors 'none'"} {
				if !strings.Contains(csp, want) {
					t.Errorf("Content-Security-Policy %q lacks %q", csp, want)
				}
			}
			// The page's one style element is allowed by its hash, nothing else is.
			body := string(r.body)
			start, end := strings.Index(body, "<style>"), strings.Index(body, "</style>")
			if start < 0 || end < start || strings.Count(body, "<style") != 1 || strings.Contains(body, "style=") {
				t.Fatalf("page without exactly one style element:\n%s", body)
			}
			sum := sha256.Sum256([]byte(body[start+len("<style>") : end]))
			if want := "style-src 'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"; !strings.Contains(csp, want) {
				t.Errorf("Content-Security-Policy %q does not allow the page's style (%s)", csp, want)
			}
			if r.header.Get("Referrer-Policy") != "no-referrer" || r.header.Get("X-Content-Type-Options") != "nosniff" {
				t.Errorf("headers %v", r.header)
			}
		})
	}
}
