package api

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/udiledger/udiledger/gateway/problem"
)

func init() { gin.SetMode(gin.TestMode) }

func TestServerBasics(t *testing.T) {
	var notReady error
	srv := httptest.NewServer(New(Options{
		Ready:        func(context.Context) error { return notReady },
		MaxBodyBytes: 16,
	}))
	defer srv.Close()

	tests := []struct {
		name        string
		method      string
		path        string
		body        string
		header      map[string]string
		notReady    error
		wantStatus  int
		wantProblem bool
		wantBody    string
	}{
		{name: "healthz answers ok", method: "GET", path: "/healthz", wantStatus: 200, wantBody: `"ok"`},
		{name: "readyz answers ready when the backend is reachable", method: "GET", path: "/readyz", wantStatus: 200, wantBody: "ready"},
		{name: "readyz answers 503 when the backend is not, the cause only in the log", method: "GET", path: "/readyz", notReady: errors.New("peer down"), wantStatus: 503, wantProblem: true, wantBody: "did not answer"},
		{name: "an unknown route is a 404 problem", method: "GET", path: "/v1/nothing", wantStatus: 404, wantProblem: true, wantBody: "/v1/nothing"},
		{name: "a wrong method is a 405 problem", method: "POST", path: "/healthz", wantStatus: 405, wantProblem: true, wantBody: "POST"},
		{name: "a body over the limit is a 413 problem", method: "POST", path: "/healthz", body: strings.Repeat("x", 17), wantStatus: 413, wantProblem: true, wantBody: "at most 16 bytes"},
		{name: "metrics are exposed", method: "GET", path: "/metrics", wantStatus: 200, wantBody: "udi_http_requests_total"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			notReady = tt.notReady
			req, err := http.NewRequest(tt.method, srv.URL+tt.path, strings.NewReader(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tt.wantStatus || !strings.Contains(string(body), tt.wantBody) {
				t.Fatalf("%s %s = %d %s, want %d containing %q", tt.method, tt.path, resp.StatusCode, body, tt.wantStatus, tt.wantBody)
			}
			if resp.Header.Get(requestIDHeader) == "" {
				t.Error("response has no X-Request-ID")
			}
			if tt.wantProblem {
				if ct := resp.Header.Get("Content-Type"); ct != problem.ContentType {
					t.Errorf("Content-Type = %q, want %q", ct, problem.ContentType)
				}
				var p problem.Problem
				if err := json.Unmarshal(body, &p); err != nil || p.Status != tt.wantStatus || p.RequestID == "" {
					t.Errorf("not a problem document with status and request ID: %s", body)
				}
			}
		})
	}
}

func TestRequestIDIsEchoedWhenSane(t *testing.T) {
	h := New(Options{})
	tests := []struct {
		give     string
		wantSame bool
	}{
		{"scanner-7-000123", true},
		{"has space", false},
		{strings.Repeat("a", 65), false},
	}
	for _, tt := range tests {
		req := httptest.NewRequest("GET", "/healthz", nil)
		req.Header.Set(requestIDHeader, tt.give)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if got := w.Header().Get(requestIDHeader); (got == tt.give) != tt.wantSame || got == "" {
			t.Errorf("X-Request-ID %q echoed as %q, want same=%v", tt.give, got, tt.wantSame)
		}
	}
}
