package auth

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/udiledger/udiledger/gateway/problem"
)

func TestRequired(t *testing.T) {
	gin.SetMode(gin.TestMode)
	key, hash, err := NewKey()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(key, KeyPrefix) || strings.Contains(hash, key) {
		t.Fatalf("NewKey() = %q, %q: want a prefixed key and a hash that does not contain it", key, hash)
	}
	ring := NewKeyring()
	if err := ring.Add(hash, &Principal{Name: "hospital-desk", Role: "hospital"}); err != nil {
		t.Fatal(err)
	}
	if err := ring.Add(hash, &Principal{Name: "again"}); err == nil {
		t.Fatal("Add() accepted the same key hash twice")
	}

	r := gin.New()
	r.GET("/x", Required(ring), func(c *gin.Context) { c.String(http.StatusOK, PrincipalOf(c).Name) })

	tests := []struct {
		name       string
		header     string
		value      string
		wantStatus int
		wantBody   string
	}{
		{"a bearer key is accepted", "Authorization", "Bearer " + key, http.StatusOK, "hospital-desk"},
		{"an X-API-Key header is accepted", "X-API-Key", key, http.StatusOK, "hospital-desk"},
		{"no key is refused", "", "", http.StatusUnauthorized, "an API key is required"},
		{"an unknown key is refused", "Authorization", "Bearer udi_nope", http.StatusUnauthorized, "not known"},
		{"a basic credential is refused", "Authorization", "Basic Zm9vOmJhcg==", http.StatusUnauthorized, "Bearer <api key>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodGet, "/x", nil)
			if tt.header != "" {
				req.Header.Set(tt.header, tt.value)
			}
			w := httptest.NewRecorder()
			r.ServeHTTP(w, req)
			if w.Code != tt.wantStatus || !strings.Contains(w.Body.String(), tt.wantBody) {
				t.Fatalf("status %d body %s, want %d containing %q", w.Code, w.Body, tt.wantStatus, tt.wantBody)
			}
			if tt.wantStatus == http.StatusUnauthorized {
				if ct := w.Header().Get("Content-Type"); ct != problem.ContentType {
					t.Errorf("Content-Type = %q, want %q", ct, problem.ContentType)
				}
				var p problem.Problem
				if err := json.Unmarshal(w.Body.Bytes(), &p); err != nil || p.Status != http.StatusUnauthorized {
					t.Errorf("body is not a 401 problem document: %s", w.Body)
				}
			}
		})
	}
}

func TestLookupHashFindsTheKeysPrincipal(t *testing.T) {
	k := NewKeyring()
	key, hash, err := NewKey()
	if err != nil {
		t.Fatal(err)
	}
	p := &Principal{Name: "desk"}
	if err := k.Add(hash, p); err != nil {
		t.Fatal(err)
	}
	if got, ok := k.LookupHash(HashKey(key)); !ok || got != p {
		t.Fatalf("LookupHash(hash) = %v, %v", got, ok)
	}
	for _, bad := range []string{"", "sha256:00", "sha256:zz", HashKey("udi_other")} {
		if _, ok := k.LookupHash(bad); ok {
			t.Errorf("LookupHash(%q) found a principal", bad)
		}
	}
}
