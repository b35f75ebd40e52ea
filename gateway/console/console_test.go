package console_test

import (
	"context"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/udiledger/udiledger/chaincode/model"
	"github.com/udiledger/udiledger/chaincode/ops"
	"github.com/udiledger/udiledger/chaincode/orgs"
	"github.com/udiledger/udiledger/cli/demo"
	"github.com/udiledger/udiledger/gateway/auth"
	"github.com/udiledger/udiledger/gateway/console"
	"github.com/udiledger/udiledger/gateway/ledger"
	"github.com/udiledger/udiledger/gateway/ledger/devledger"
)

// world is a development ledger on which the demo story was played, and a console in front
// of it with a key per organisation and an operator's key.
type world struct {
	led      *devledger.Ledger
	inv      ledger.Invoker
	actors   demo.Actors
	keys     map[string]string // by MSP ID, and "operator"
	srv      *httptest.Server
	now      time.Time
	outcome  *demo.Outcome
	keyring  *auth.Keyring
	consoleO console.Options
}

var (
	// ledgerAhead moves the shared ledger's clock forward (nanoseconds).
	ledgerAhead atomic.Int64

	played     *world
	playedErr  error
	playedOnce sync.Once
)

// storyWorld plays the demo once for the package's HTTP tests.
func storyWorld(t *testing.T) *world {
	t.Helper()
	playedOnce.Do(func() { played, playedErr = newStoryWorld() })
	if playedErr != nil {
		t.Fatal(playedErr)
	}
	return played
}

func newStoryWorld() (*world, error) {
	dir, err := osTempDir()
	if err != nil {
		return nil, err
	}
	led, err := devledger.Open(dir, devledger.Options{NoSync: true, Clock: func() time.Time { return time.Now().Add(time.Duration(ledgerAhead.Load())) }})
	if err != nil {
		return nil, err
	}
	actors, err := demo.ActorsOf(func(o orgs.Org) (*ledger.Identity, error) { return led.Admin(o.MSPID) })
	if err != nil {
		return nil, err
	}
	w := &world{led: led, inv: &ledger.Caller{Client: led}, actors: actors, keys: map[string]string{}, keyring: auth.NewKeyring(), now: time.Now()}
	if w.outcome, err = demo.Run(context.Background(), w.inv, actors, demo.Options{}); err != nil {
		return nil, err
	}
	for _, id := range []*ledger.Identity{actors.Regulator, actors.Manufacturer, actors.Distributor, actors.Platform, actors.Hospital} {
		key, hash, err := auth.NewKey()
		if err != nil {
			return nil, err
		}
		if err := w.keyring.Add(hash, &auth.Principal{Name: id.MSPID + " desk", Identity: id}); err != nil {
			return nil, err
		}
		w.keys[id.MSPID] = key
	}
	key, hash, err := auth.NewKey()
	if err != nil {
		return nil, err
	}
	if err := w.keyring.Add(hash, &auth.Principal{Name: "ops", Role: auth.RoleOperator}); err != nil {
		return nil, err
	}
	w.keys["operator"] = key
	w.consoleO = console.Options{Ledger: w.inv, Keyring: w.keyring, Secret: []byte(strings.Repeat("s", 32)), Now: func() time.Time { return w.now }}
	w.srv = httptest.NewServer(consoleEngine(w.consoleO))
	return w, nil
}

func consoleEngine(o console.Options) http.Handler {
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	if err := console.Mount(r, o); err != nil {
		panic(err)
	}
	return r
}

// client is a browser without a browser: cookies kept, redirects not followed.
type client struct {
	t    *testing.T
	base string
	http *http.Client
	lang string
}

func (w *world) client(t *testing.T) *client {
	jar, _ := cookiejar.New(nil)
	return &client{t: t, base: w.srv.URL, http: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

func (c *client) do(method, path string, form url.Values) (*http.Response, string) {
	c.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, c.base+path, body)
	if err != nil {
		c.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if c.lang != "" {
		req.Header.Set("Accept-Language", c.lang)
	}
	res, err := c.http.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// csrf is the first CSRF token of a page.
func (c *client) csrf(page string) string {
	c.t.Helper()
	m := csrfField.FindStringSubmatch(page)
	if m == nil {
		c.t.Fatalf("no CSRF token on the page:\n%s", page)
	}
	return html.UnescapeString(m[1])
}

// login signs in with key through the form and returns the answer to the POST.
func (c *client) login(key string) (*http.Response, string) {
	c.t.Helper()
	_, form := c.do("GET", "/console/login", nil)
	return c.do("POST", "/console/login", url.Values{"key": {key}, "csrf": {c.csrf(form)}})
}

func (c *client) mustLogin(key string) {
	c.t.Helper()
	if res, body := c.login(key); res.StatusCode != http.StatusSeeOther {
		c.t.Fatalf("login: %d\n%s", res.StatusCode, body)
	}
}

func (c *client) cookie(name string) *http.Cookie {
	u, _ := url.Parse(c.base + "/console/")
	for _, ck := range c.http.Jar.Cookies(u) {
		if ck.Name == name {
			return ck
		}
	}
	return nil
}

func TestEveryPageNeedsASession(t *testing.T) {
	w := storyWorld(t)
	c := w.client(t)
	for _, path := range []string{"/console", "/console/", "/console/recalls", "/console/recalls/x", "/console/cases", "/console/stock", "/console/timeline?code=1"} {
		res, _ := c.do("GET", path, nil)
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/console/login" {
			t.Errorf("GET %s: %d to %q, want 303 to the login form", path, res.StatusCode, res.Header.Get("Location"))
		}
	}
	res, _ := c.do("POST", "/console/cases/x/close", url.Values{"resolution": {"confirmed"}, "reason": {"r"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Errorf("POST without a session: %d, want 303 to the login form", res.StatusCode)
	}
}

func TestSigningIn(t *testing.T) {
	w := storyWorld(t)

	t.Run("a wrong key gets the form again with an error, 401", func(t *testing.T) {
		c := w.client(t)
		res, body := c.login("udi_not-a-key")
		if res.StatusCode != http.StatusUnauthorized || !strings.Contains(body, `role="alert"`) || !strings.Contains(body, `name="key"`) {
			t.Fatalf("%d\n%s", res.StatusCode, body)
		}
		if c.cookie("udi_console") != nil {
			t.Fatal("a session cookie for a wrong key")
		}
	})
	t.Run("an operator's key signs for no organisation and cannot sign in", func(t *testing.T) {
		c := w.client(t)
		if res, body := c.login(w.keys["operator"]); res.StatusCode != http.StatusUnauthorized {
			t.Fatalf("%d\n%s", res.StatusCode, body)
		}
	})
	t.Run("a login without the form's token is refused", func(t *testing.T) {
		c := w.client(t)
		c.do("GET", "/console/login", nil)
		for _, token := range []string{"", "AAAA", c.csrfOfAnotherForm(w)} {
			res, _ := c.do("POST", "/console/login", url.Values{"key": {w.keys[orgs.Regulator]}, "csrf": {token}})
			if res.StatusCode != http.StatusForbidden || c.cookie("udi_console") != nil {
				t.Fatalf("token %q: %d", token, res.StatusCode)
			}
		}
	})
	t.Run("the right key gets a signed, HttpOnly, SameSite=Strict cookie for 8 hours", func(t *testing.T) {
		c := w.client(t)
		res, _ := c.login(w.keys[orgs.Regulator])
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("%d", res.StatusCode)
		}
		var ck *http.Cookie
		for _, k := range res.Cookies() {
			if k.Name == "udi_console" {
				ck = k
			}
		}
		if ck == nil || !ck.HttpOnly || ck.SameSite != http.SameSiteStrictMode || ck.MaxAge != int(console.SessionTTL/time.Second) || ck.Path != "/console" || ck.Secure {
			t.Fatalf("cookie %+v", ck)
		}
		if strings.Contains(ck.Value, w.keys[orgs.Regulator]) {
			t.Fatal("the cookie holds the API key")
		}
		res, _ = c.do("GET", "/console/", nil)
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/console/recalls" {
			t.Fatalf("home: %d %q", res.StatusCode, res.Header.Get("Location"))
		}
		res, body := c.do("GET", "/console/recalls", nil)
		if res.StatusCode != 200 || !strings.Contains(body, "Provincial Medical Products Administration") {
			t.Fatalf("%d\n%s", res.StatusCode, body)
		}
		if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") || strings.Contains(csp, "script-src") {
			t.Fatalf("policy %q", csp)
		}
	})
	t.Run("a gateway on TLS marks the cookie Secure", func(t *testing.T) {
		o := w.consoleO
		o.Secure = true
		srv := httptest.NewServer(consoleEngine(o))
		defer srv.Close()
		c := w.client(t)
		c.base = srv.URL
		res, _ := c.login(w.keys[orgs.Hospital])
		if ck := res.Cookies(); len(ck) == 0 || !ck[len(ck)-1].Secure {
			t.Fatalf("cookies %+v", ck)
		}
	})
	t.Run("signing out ends the session in the browser", func(t *testing.T) {
		c := w.client(t)
		c.mustLogin(w.keys[orgs.Hospital])
		_, page := c.do("GET", "/console/stock", nil)
		res, _ := c.do("POST", "/console/logout", url.Values{"csrf": {c.csrf(page)}})
		if res.StatusCode != http.StatusSeeOther || c.cookie("udi_console") != nil {
			t.Fatalf("%d, cookie %v", res.StatusCode, c.cookie("udi_console"))
		}
		if res, _ := c.do("GET", "/console/stock", nil); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("after signing out: %d", res.StatusCode)
		}
	})
}

// csrfOfAnotherForm is a valid token of another browser's login form.
func (c *client) csrfOfAnotherForm(w *world) string {
	other := w.client(c.t)
	_, form := other.do("GET", "/console/login", nil)
	return other.csrf(form)
}

func TestForgedSessionsAreRefused(t *testing.T) {
	w := storyWorld(t)
	c := w.client(t)
	c.mustLogin(w.keys[orgs.Manufacturer])
	good := c.cookie("udi_console").Value
	payload, sig, _ := strings.Cut(good, ".")
	// The same session claimed for the regulator's key, with the manufacturer's signature.
	regHash := auth.HashKey(w.keys[orgs.Regulator])
	forged := base64URL(fmt.Sprintf(`{"h":%q,"n":%q,"e":%d}`, regHash, orgs.Regulator+" desk", time.Now().Add(time.Hour).Unix()))
	otherSecret := console.Options{Ledger: w.inv, Keyring: w.keyring, Secret: []byte(strings.Repeat("x", 32))}
	for name, value := range map[string]string{
		"a tampered payload":           forged + "." + sig,
		"a tampered signature":         payload + "." + flip(sig),
		"no signature":                 payload,
		"a session of another gateway": sessionFrom(t, w, otherSecret, w.keys[orgs.Manufacturer]),
		"an empty cookie":              "",
	} {
		t.Run(name, func(t *testing.T) {
			req, _ := http.NewRequest("GET", w.srv.URL+"/console/cases", nil)
			req.AddCookie(&http.Cookie{Name: "udi_console", Value: value})
			res, err := http.DefaultTransport.RoundTrip(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/console/login" {
				t.Fatalf("%d %q", res.StatusCode, res.Header.Get("Location"))
			}
		})
	}
	t.Run("an expired session", func(t *testing.T) {
		o := w.consoleO
		o.Now = func() time.Time { return time.Now().Add(console.SessionTTL + time.Minute) }
		later := httptest.NewServer(consoleEngine(o))
		defer later.Close()
		req, _ := http.NewRequest("GET", later.URL+"/console/cases", nil)
		req.AddCookie(&http.Cookie{Name: "udi_console", Value: good})
		res, err := http.DefaultTransport.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("%d", res.StatusCode)
		}
	})
	t.Run("the untouched cookie still works", func(t *testing.T) {
		if res, body := c.do("GET", "/console/cases", nil); res.StatusCode != 200 {
			t.Fatalf("%d\n%s", res.StatusCode, body)
		}
	})
}

// sessionFrom signs in with key on a console with other options and returns its cookie.
func sessionFrom(t *testing.T, w *world, o console.Options, key string) string {
	srv := httptest.NewServer(consoleEngine(o))
	defer srv.Close()
	c := w.client(t)
	c.base = srv.URL
	c.mustLogin(key)
	return c.cookie("udi_console").Value
}

func flip(s string) string {
	b := []byte(s)
	if b[0] == 'A' {
		b[0] = 'B'
	} else {
		b[0] = 'A'
	}
	return string(b)
}

func TestFormsWithoutTheSessionsTokenAreRefused(t *testing.T) {
	w := storyWorld(t)
	id := openCounterfeitCase(t, w, 777001)
	c := w.client(t)
	c.mustLogin(w.keys[orgs.Manufacturer])
	other := w.client(t)
	other.mustLogin(w.keys[orgs.Manufacturer])
	_, page := other.do("GET", "/console/cases", nil)
	for name, token := range map[string]string{"no token": "", "a made-up token": "AAAA", "another session's token": other.csrf(page)} {
		res, body := c.do("POST", "/console/cases/"+id+"/close", url.Values{"csrf": {token}, "resolution": {"confirmed"}, "reason": {"forged form"}})
		if res.StatusCode != http.StatusForbidden {
			t.Fatalf("%s: %d\n%s", name, res.StatusCode, body)
		}
	}
	cs := mustCase(t, w, id)
	if cs.State != model.CaseOpen {
		t.Fatalf("the case is %s after refused forms", cs.State)
	}
	_, page = c.do("GET", "/console/cases", nil)
	token := c.csrf(page)
	t.Run("with the session's token the chaincode decides, and its refusal shows", func(t *testing.T) {
		res, body := c.do("POST", "/console/cases/"+id+"/take", url.Values{"csrf": {token}})
		if res.StatusCode != http.StatusForbidden || !strings.Contains(html.UnescapeString(body), "The ledger refused: FORBIDDEN") ||
			!strings.Contains(body, `data-case="`+id+`"`) {
			t.Fatalf("take as the owner: %d\n%s", res.StatusCode, body)
		}
		res, _ = c.do("POST", "/console/cases/"+id+"/note", url.Values{"csrf": {token}, "note": {"batch records requested"}})
		if res.StatusCode != http.StatusSeeOther || !strings.Contains(res.Header.Get("Location"), "done=noted") {
			t.Fatalf("note: %d %q", res.StatusCode, res.Header.Get("Location"))
		}
		if cs := mustCase(t, w, id); len(cs.Notes) != 1 || cs.Notes[0].Text != "batch records requested" {
			t.Fatalf("notes %+v", cs.Notes)
		}
		_, body = c.do("GET", res.Header.Get("Location"), nil)
		if !strings.Contains(body, "Your note is on case "+id) || !strings.Contains(body, "batch records requested") {
			t.Fatalf("inbox after the note:\n%s", body)
		}
	})
}

// openCounterfeitCase has the hospital scan a drug code that was never commissioned (serial
// n): the ledger raises a counterfeit alert and opens a case; its ID.
func openCounterfeitCase(t *testing.T, w *world, n int) string {
	t.Helper()
	return counterfeitScan(t, w.inv, w.actors, n)
}

func counterfeitScan(t *testing.T, inv ledger.Invoker, actors demo.Actors, n int) string {
	t.Helper()
	mfr, _ := orgs.Find(orgs.Manufacturer)
	code := fmt.Sprintf("%s%09d%04d", mfr.DrugCodes[0], n, n%9973)
	hsp, _ := orgs.Find(orgs.Hospital)
	eventID := fmt.Sprintf("console-counterfeit-%d", n)
	in, err := ledger.Do(context.Background(), inv, actors.Hospital, ops.Inspect, model.InspectRequest{
		EventHeader: model.EventHeader{EventID: eventID, Location: hsp.GLN}, Code: code})
	if err != nil {
		t.Fatal(err)
	}
	if in.Value.Verification.Genuine {
		t.Fatalf("%s verified as genuine", code)
	}
	bookmark := ""
	for range 50 {
		page, err := ledger.Do(context.Background(), inv, actors.Regulator, ops.Alerts, model.PageQuery{PageSize: model.MaxPageSize, Bookmark: bookmark})
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range page.Value.Alerts {
			if a.ID == eventID && a.CaseID != "" {
				return a.CaseID
			}
		}
		if bookmark = page.Value.Bookmark; bookmark == "" || len(page.Value.Alerts) == 0 {
			break
		}
	}
	t.Fatalf("no case opened for %s", eventID)
	return ""
}

func mustCase(t *testing.T, w *world, id string) *model.Case {
	t.Helper()
	r, err := ledger.Do(context.Background(), w.inv, w.actors.Regulator, ops.GetCase, model.CaseQuery{CaseID: id})
	if err != nil {
		t.Fatal(err)
	}
	return r.Value
}
