package api

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
)

// conformance checks real traffic against the gateway's own OpenAPI document with an
// independent OpenAPI library: every answer the gateway gives must match the document's
// response for its route and status, and every request it accepted (2xx) must match the
// document's parameters and body. Every test world runs behind it, so the whole suite of
// this package is also a test of the document.
type conformance struct {
	t      testing.TB
	once   sync.Once
	router routers.Router
	err    error
}

func (cf *conformance) load(h http.Handler) {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/openapi.json", nil))
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(rec.Body.Bytes())
	if err != nil {
		cf.err = err
		return
	}
	if err := doc.Validate(context.Background()); err != nil {
		cf.err = err
		return
	}
	doc.Servers = nil
	cf.router, cf.err = gorillamux.NewRouter(doc)
}

// wrap returns h behind the check.
func (cf *conformance) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cf.once.Do(func() { cf.load(h) })
		if cf.err != nil {
			cf.t.Errorf("the OpenAPI document is not valid: %v", cf.err)
			h.ServeHTTP(w, r)
			return
		}
		if r.URL.Path == "/v1/events/stream" {
			h.ServeHTTP(w, r) // a stream, not one answer
			return
		}
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.Code)
		_, _ = w.Write(rec.Body.Bytes())
		cf.check(r, body, rec)
	})
}

func (cf *conformance) check(r *http.Request, body []byte, rec *httptest.ResponseRecorder) {
	if strings.HasPrefix(rec.Header().Get("Content-Type"), "text/") {
		return // the resolver's page and metrics are not JSON
	}
	if strings.HasPrefix(r.URL.Path, "/01/") {
		return // a Digital Link spans path segments, which an OpenAPI path parameter cannot
	}
	check := r.Clone(context.Background())
	check.Body = io.NopCloser(bytes.NewReader(body))
	check.URL.Scheme, check.URL.Host = "", ""
	route, params, err := cf.router.FindRoute(check)
	if err != nil {
		if rec.Code != http.StatusNotFound && rec.Code != http.StatusMethodNotAllowed {
			cf.t.Errorf("%s %s answered %d but the document has no such route: %v", r.Method, r.URL.Path, rec.Code, err)
		}
		return
	}
	in := &openapi3filter.RequestValidationInput{Request: check, PathParams: params, Route: route,
		Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, MultiError: true}}
	if rec.Code < 300 {
		if err := openapi3filter.ValidateRequest(context.Background(), in); err != nil {
			cf.t.Errorf("%s %s was accepted (%d) but does not match the document: %v", r.Method, r.URL, rec.Code, err)
		}
	}
	out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: rec.Code, Header: rec.Header(),
		Options: &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true}}
	out.SetBodyBytes(rec.Body.Bytes())
	if err := openapi3filter.ValidateResponse(context.Background(), out); err != nil {
		cf.t.Errorf("%s %s answered %d that does not match the document: %v", r.Method, r.URL, rec.Code, err)
	}
}
