package api

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/udiledger/udiledger/chaincode/gs1"
	"github.com/udiledger/udiledger/chaincode/model"
	"github.com/udiledger/udiledger/gateway/auth"
	"github.com/udiledger/udiledger/gateway/ledger"
	"github.com/udiledger/udiledger/gateway/ledger/devledger"
)

// The demo organisations, as devledger names them.
const (
	mfr = devledger.Manufacturer
	dst = devledger.Distributor
	plt = devledger.Platform
	hsp = devledger.Hospital
	reg = devledger.Regulator
)

var roleOf = map[string]string{mfr: "manufacturer", dst: "distributor", plt: "platform", hsp: "hospital", reg: "regulator"}

// Fixture data: a GS1 company prefix and a drug product code of the manufacturer, and a
// location of each trader.
const (
	mfrGCP    = "6901234"
	drugCode7 = "8123456"
)

var (
	deviceDI = checkDigit("0690123400001") // GTIN-14 under mfrGCP
	caseDI   = checkDigit("1690123400001")
	mfrGLN   = checkDigit("690123400001")
	dstGLN   = checkDigit("690555500001")
	hspGLN   = checkDigit("690777700001")
	pltGLN   = checkDigit("690666600001")
)

// checkDigit appends the GS1 mod-10 check digit (GTIN, GLN, SSCC alike).
func checkDigit(base string) string {
	d, err := gs1.CheckDigit(base)
	if err != nil {
		panic(err)
	}
	return base + string(d)
}

func deviceCode(n int) string  { return fmt.Sprintf("(01)%s(21)S%06d", deviceDI, n) }
func deviceKey(n int) string   { return deviceCode(n) }
func caseCode(n int) string    { return fmt.Sprintf("(01)%s(21)C%04d", caseDI, n) }
func ssccCode(n int) string    { return "(00)" + checkDigit(fmt.Sprintf("0690123%010d", n)) }
func day(n int) string         { return model.DateOf(time.Now().UTC().AddDate(0, 0, n)) }
func digitalLink(n int) string { return fmt.Sprintf("https://id.gs1.org/01/%s/21/S%06d", deviceDI, n) }

// recorder wraps the real ledger and keeps every proposal, so tests can see what left the
// gateway (arguments versus transient data).
type recorder struct {
	ledger.Client
	mu    sync.Mutex
	props []ledger.Proposal
}

func (r *recorder) Submit(ctx context.Context, p ledger.Proposal) (*ledger.Result, error) {
	r.mu.Lock()
	r.props = append(r.props, p)
	r.mu.Unlock()
	return r.Client.Submit(ctx, p)
}

func (r *recorder) Evaluate(ctx context.Context, p ledger.Proposal) ([]byte, error) {
	r.mu.Lock()
	r.props = append(r.props, p)
	r.mu.Unlock()
	return r.Client.Evaluate(ctx, p)
}

func (r *recorder) proposals(fn string) []ledger.Proposal {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []ledger.Proposal
	for _, p := range r.props {
		if p.Function == fn {
			out = append(out, p)
		}
	}
	return out
}

// world is a gateway in front of a development ledger, with one API key per organisation.
type world struct {
	t   testing.TB
	led *devledger.Ledger
	rec *recorder
	// unchecked: the gateway is not behind the OpenAPI conformance check (WebSockets).
	unchecked bool
	srv       *httptest.Server
	keys      map[string]string // MSP ID -> API key
	kr        *auth.Keyring
}

type worldOptions struct {
	tweak func(*Options)
	// unchecked leaves out the OpenAPI conformance check: a test of what the check hides
	// (write deadlines, which its recorder does not support) or needs (a public document).
	unchecked bool
	// server, when set, configures the HTTP server before it starts.
	server func(*http.Server)
	// http2 serves HTTP/2 over TLS, as a gateway with a certificate does.
	http2 bool
}

func newWorld(t testing.TB, wo ...worldOptions) *world {
	t.Helper()
	led, err := devledger.Open(t.TempDir(), devledger.Options{NoSync: true})
	if err != nil {
		t.Fatalf("open dev ledger: %v", err)
	}
	t.Cleanup(func() { _ = led.Close() })
	w := &world{t: t, led: led, rec: &recorder{Client: led.Engine}, keys: map[string]string{}}
	kr := auth.NewKeyring()
	for msp, role := range roleOf {
		id, err := led.Admin(msp)
		if err != nil {
			t.Fatal(err)
		}
		key, hash, err := auth.NewKey()
		if err != nil {
			t.Fatal(err)
		}
		if err := kr.Add(hash, &auth.Principal{Name: role + "-desk", Role: role, Identity: id}); err != nil {
			t.Fatal(err)
		}
		w.keys[msp] = key
	}
	w.kr = kr
	o := w.options()
	for _, x := range wo {
		if x.tweak != nil {
			x.tweak(&o)
		}
	}
	var h http.Handler = New(o)
	w.unchecked = len(wo) > 0 && wo[0].unchecked
	if !w.unchecked {
		h = checked(t, h)
	}
	w.srv = httptest.NewUnstartedServer(h)
	if len(wo) > 0 && wo[0].server != nil {
		wo[0].server(w.srv.Config)
	}
	if len(wo) > 0 && wo[0].http2 {
		w.srv.EnableHTTP2 = true
		w.srv.StartTLS()
	} else {
		w.srv.Start()
	}
	t.Cleanup(w.srv.Close)
	return w
}

// checked puts a test's gateway behind the OpenAPI conformance check; benchmarks measure the
// gateway alone.
func checked(t testing.TB, h http.Handler) http.Handler {
	if _, bench := t.(*testing.B); bench {
		return h
	}
	return (&conformance{t: t}).wrap(h)
}

func (w *world) options() Options {
	resolver, _ := w.led.Admin(reg)
	return Options{Ledger: w.rec, Keyring: w.kr, ResolverIdentity: resolver, StreamHeartbeat: 50 * time.Millisecond}
}

// newWorldOn starts another gateway on w's ledger and API keys.
func newWorldOn(t testing.TB, w *world, tweak func(*Options)) *world {
	w2 := &world{t: t, led: w.led, rec: w.rec, keys: w.keys, kr: w.kr, unchecked: w.unchecked}
	o := w.options()
	tweak(&o)
	var h http.Handler = New(o)
	if !w.unchecked {
		h = checked(t, h)
	}
	w2.srv = httptest.NewServer(h)
	t.Cleanup(w2.srv.Close)
	return w2
}

// resp is an answer with its decoded body.
type resp struct {
	status int
	header http.Header
	body   []byte
}

func (r resp) String() string { return fmt.Sprintf("%d %s", r.status, r.body) }

// decode decodes the body into v.
func (r resp) decode(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("decode %s: %v", r.body, err)
	}
}

// call sends a request as msp ("" for no API key) with headers as "Name: value" pairs.
func (w *world) call(msp, method, path string, body any, headers ...string) resp {
	w.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			w.t.Fatal(err)
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, w.srv.URL+path, rd)
	if err != nil {
		w.t.Fatal(err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if msp != "" {
		req.Header.Set("Authorization", "Bearer "+w.keys[msp])
	}
	for _, h := range headers {
		k, v, _ := strings.Cut(h, ": ")
		req.Header.Set(k, v)
	}
	res, err := w.srv.Client().Do(req)
	if err != nil {
		w.t.Fatal(err)
	}
	defer res.Body.Close()
	out, err := io.ReadAll(res.Body)
	if err != nil {
		w.t.Fatal(err)
	}
	return resp{status: res.StatusCode, header: res.Header, body: out}
}

// must sends a request that must answer want and decodes the answer into out (if not nil).
func (w *world) must(want int, out any, msp, method, path string, body any, headers ...string) resp {
	w.t.Helper()
	r := w.call(msp, method, path, body, headers...)
	if r.status != want {
		w.t.Fatalf("%s %s as %s = %s, want %d", method, path, msp, r, want)
	}
	if out != nil {
		r.decode(w.t, out)
	}
	return r
}

func (w *world) party(msp string, roles ...string) map[string]any {
	p := map[string]any{
		"mspId": msp, "name": strings.TrimSuffix(msp, "MSP"), "roles": roles,
		"licences": []map[string]string{{"type": "trade", "number": "L-" + msp, "validFrom": day(-365), "validTo": day(365)}},
	}
	switch msp {
	case mfr:
		p["companyPrefixes"], p["drugCodes"] = []string{mfrGCP}, []string{drugCode7}
		p["locations"] = []map[string]string{{"gln": mfrGLN, "name": "plant"}}
	case dst:
		p["locations"] = []map[string]string{{"gln": dstGLN}}
	case hsp:
		p["locations"] = []map[string]string{{"gln": hspGLN}}
	case plt:
		p["locations"] = []map[string]string{{"gln": pltGLN}}
	}
	return p
}

// seed registers the five parties, a device and a drug, and a lot of each, through the API.
func (w *world) seed() {
	w.t.Helper()
	w.must(201, nil, reg, "POST", "/v1/ledger/init", w.party(reg, "regulator"))
	for _, msp := range []string{mfr, dst, plt, hsp} {
		w.must(201, nil, reg, "POST", "/v1/parties", w.party(msp, roleOf[msp]))
	}
	w.must(201, nil, mfr, "POST", "/v1/products", map[string]any{"di": deviceDI, "name": "Infusion set", "model": "IS-20",
		"kind": "device", "storage": map[string]float64{"min": 2, "max": 30}})
	w.must(201, nil, mfr, "POST", "/v1/products", map[string]any{"di": drugCode7, "name": "Insulin glargine", "kind": "drug",
		"prescription": true, "storage": map[string]float64{"min": 2, "max": 8}})
	w.must(201, nil, mfr, "POST", "/v1/lots", map[string]any{"di": deviceDI, "lot": "L1", "expiry": day(365), "productionDate": day(-1), "quantity": 100000})
	w.must(201, nil, mfr, "POST", "/v1/lots", map[string]any{"di": drugCode7, "lot": "D1", "expiry": day(365), "quantity": 100000})
}

// commission commissions device units from..from+n-1 as the manufacturer.
func (w *world) commission(eventID string, from, n int) model.EventResult {
	w.t.Helper()
	codes := make([]string, n)
	for i := range codes {
		codes[i] = deviceCode(from + i)
	}
	var r model.EventResult
	w.must(201, &r, mfr, "POST", "/v1/events/commission", map[string]any{"eventId": eventID, "di": deviceDI, "lot": "L1", "codes": codes, "location": mfrGLN})
	return r
}

// problemOf decodes a problem answer.
func problemOf(t testing.TB, r resp) problemDoc {
	t.Helper()
	if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/problem+json") {
		t.Fatalf("answer %s has Content-Type %q, want a problem", r, ct)
	}
	var p problemDoc
	r.decode(t, &p)
	return p
}

type problemDoc struct {
	Type   string `json:"type"`
	Status int    `json:"status"`
	Detail string `json:"detail"`
	Code   string `json:"code"`
	// RequestID names the request in the gateway's log.
	RequestID string `json:"requestId"`
	Errors    []struct {
		Field  string `json:"field"`
		Reason string `json:"reason"`
	} `json:"errors"`
}
