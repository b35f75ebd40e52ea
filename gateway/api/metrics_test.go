package api

import (
	"math/rand/v2"
	"net/http"
	"strings"
	"testing"
)

// series counts the request series /metrics exposes.
func (w *world) series(t *testing.T) int {
	t.Helper()
	r := w.must(200, nil, "", "GET", "/metrics", nil)
	n := 0
	for _, line := range strings.Split(string(r.body), "\n") {
		if strings.HasPrefix(line, "udi_http_requests_total{") || strings.HasPrefix(line, "udi_http_request_duration_seconds_count{") {
			n++
		}
	}
	return n
}

func TestMetricLabelsAreBounded(t *testing.T) {
	w := newWorld(t)
	w.call("", "GET", "/healthz", nil)
	w.call("", "GET", "/nothing", nil)
	before := w.series(t)

	rnd := rand.New(rand.NewPCG(10, 10))
	token := func() string {
		b := make([]byte, 4+rnd.IntN(12))
		for i := range b {
			b[i] = byte('A' + rnd.IntN(26))
		}
		return string(b)
	}
	known := []string{"/healthz", "/v1/products", "/openapi.json", "/01/x"}
	for i := range 500 {
		method, path := "GET", "/"+strings.ToLower(token())+"/"+token()
		switch i % 3 {
		case 0: // a made-up method on a route that exists
			method, path = token(), known[rnd.IntN(len(known))]
		case 1: // a made-up method on a made-up path
			method = token()
		}
		req, err := http.NewRequest(method, w.srv.URL+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		res, err := w.srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_ = res.Body.Close()
	}
	// At most: OTHER on the unmatched route, and OTHER, GET on the routes that exist (a 401 or
	// 405), each as a counter (per status) and a histogram.
	if added := w.series(t) - before; added > 12 {
		t.Fatalf("500 anonymous requests with made-up methods and paths added %d series", added)
	}
}
