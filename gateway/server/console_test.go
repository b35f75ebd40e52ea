package server_test

import (
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/udiledger/udiledger/gateway/server"
)

// consoleLogin signs in at a gateway's web console with key and returns the session cookie.
func consoleLogin(t *testing.T, base, key string) *http.Cookie {
	t.Helper()
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := noRedirect.Get(base + "/console/login")
	if err != nil {
		t.Fatal(err)
	}
	form, _ := io.ReadAll(res.Body)
	res.Body.Close()
	token := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindStringSubmatch(string(form))
	if token == nil || len(res.Cookies()) == 0 {
		t.Fatalf("GET /console/login = %d:\n%s", res.StatusCode, form)
	}
	req, _ := http.NewRequest("POST", base+"/console/login", strings.NewReader(url.Values{"key": {key}, "csrf": {token[1]}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.AddCookie(res.Cookies()[0])
	if res, err = noRedirect.Do(req); err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	for _, c := range res.Cookies() {
		if c.Name == "udi_console" {
			return c
		}
	}
	t.Fatalf("POST /console/login = %d without a session", res.StatusCode)
	return nil
}

// consoleStatus is the status of GET path with the session cookie, redirects not followed.
func consoleStatus(t *testing.T, url string, session *http.Cookie) int {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	req.AddCookie(session)
	res, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}

func TestTheConsoleSessionsOutliveARestartOnlyWithASecret(t *testing.T) {
	for _, tt := range []struct {
		name  string
		extra string
		want  int
	}{
		{"with console_secret the session stays", "console_secret: " + strings.Repeat("k", 40) + "\n", http.StatusOK},
		{"without, a new secret each start ends it", "", http.StatusSeeOther},
	} {
		t.Run(tt.name, func(t *testing.T) {
			path, key := configured(t, tt.extra)
			r := start(t, server.Config{File: path})
			session := consoleLogin(t, r.url, key)
			if st := consoleStatus(t, r.url+"/console/stock", session); st != http.StatusOK {
				t.Fatalf("before the restart: %d", st)
			}
			if err := r.stop(); err != nil {
				t.Fatal(err)
			}
			r = start(t, server.Config{File: path})
			defer func() { _ = r.stop() }()
			if st := consoleStatus(t, r.url+"/console/stock", session); st != tt.want {
				t.Fatalf("after the restart: %d, want %d", st, tt.want)
			}
		})
	}
}
