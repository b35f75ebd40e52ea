package cmdutil

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/udiledger/udiledger/chaincode/gs1"
	"github.com/udiledger/udiledger/chaincode/model"
	"github.com/udiledger/udiledger/chaincode/ops"
	"github.com/udiledger/udiledger/chaincode/orgs"
	"github.com/udiledger/udiledger/gateway/api"
	"github.com/udiledger/udiledger/gateway/auth"
	"github.com/udiledger/udiledger/gateway/ledger"
	"github.com/udiledger/udiledger/gateway/ledger/devledger"
)

// shedding stands in front of a gateway: it answers the first failures requests 503
// (overloaded, or not: plain) with Retry-After, then passes every request on. It keeps each
// request's body.
type shedding struct {
	failures   int
	overloaded bool
	retryAfter string
	next       http.Handler

	mu     sync.Mutex
	bodies []string
}

func (s *shedding) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(strings.NewReader(string(b)))
	s.mu.Lock()
	s.bodies = append(s.bodies, string(b))
	n := len(s.bodies)
	s.mu.Unlock()
	if n > s.failures {
		s.next.ServeHTTP(w, r)
		return
	}
	kind := "ledger-unavailable"
	if s.overloaded {
		kind = "overloaded"
	}
	w.Header().Set("Retry-After", s.retryAfter)
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(http.StatusServiceUnavailable)
	_, _ = w.Write([]byte(`{"type":"https://udiledger.github.io/problems/` + kind + `","title":"later","status":503}`))
}

func (s *shedding) seen() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.bodies...)
}

// manufacturerGateway is a development ledger with the parties, a product and a lot, behind a
// real gateway; it returns the gateway's URL, the manufacturer's API key and the product's DI.
func manufacturerGateway(t *testing.T) (string, string, string) {
	t.Helper()
	led, err := devledger.Open(t.TempDir(), devledger.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = led.Close() })
	ctx := context.Background()
	reg, err := led.Admin(orgs.Regulator)
	if err != nil {
		t.Fatal(err)
	}
	mfr, err := led.Admin(orgs.Manufacturer)
	if err != nil {
		t.Fatal(err)
	}
	caller := &ledger.Caller{Client: led}
	if err := devledger.RegisterParties(ctx, caller, reg, "L"); err != nil {
		t.Fatal(err)
	}
	m, _ := orgs.Find(orgs.Manufacturer)
	base := "0" + m.CompanyPrefixes[0] + "00002"
	d, err := gs1.CheckDigit(base)
	if err != nil {
		t.Fatal(err)
	}
	di := base + string(d)
	if _, err := ledger.Do(ctx, caller, mfr, ops.RegisterProduct, model.Product{DI: di, Name: "Infusion set", Kind: model.KindDevice}); err != nil {
		t.Fatal(err)
	}
	if _, err := ledger.Do(ctx, caller, mfr, ops.RegisterLot, model.Lot{DI: di, Lot: "L1", Expiry: time.Now().AddDate(2, 0, 0).Format("2006-01-02")}); err != nil {
		t.Fatal(err)
	}
	ring := auth.NewKeyring()
	key, hash, err := auth.NewKey()
	if err != nil {
		t.Fatal(err)
	}
	if err := ring.Add(hash, &auth.Principal{Name: "plant", Role: "manufacturer", Identity: mfr}); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(api.New(api.Options{Ledger: led, Keyring: ring}))
	t.Cleanup(srv.Close)
	return srv.URL, key, di
}

// through starts s in front of the gateway at target and returns the CLI's view of it.
func through(t *testing.T, s *shedding, target, key string) Gateway {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	s.next = httputil.NewSingleHostReverseProxy(u)
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	return Gateway{URL: srv.URL, APIKey: key, RetryFor: time.Minute, getenv: envOf(nil)}
}

func TestACommandsWriteIsTriedAgainUnderItsEventID(t *testing.T) {
	gw, key, di := manufacturerGateway(t)
	ctx := context.Background()
	s := &shedding{failures: 3, retryAfter: "1"}
	g := through(t, s, gw, key)
	start := time.Now()
	req := model.CommissionRequest{EventHeader: model.EventHeader{EventID: "cli-1"}, DI: di, Lot: "L1", Codes: []string{"(01)" + di + "(21)CLI1"}}
	r, err := Call(ctx, g, ops.Commission, req)
	if err != nil || r.EventID != "cli-1" {
		t.Fatalf("Call = %+v, %v", r, err)
	}
	bodies := s.seen()
	if len(bodies) != 4 {
		t.Fatalf("%d requests, want 3 refused and 1 answered", len(bodies))
	}
	for _, b := range bodies {
		if b != bodies[0] {
			t.Fatalf("the tries sent different bodies:\n%s", strings.Join(bodies, "\n"))
		}
	}
	if waited := time.Since(start); waited < 3*time.Second {
		t.Fatalf("4 tries in %s: Retry-After 1 not honoured", waited)
	}
	p, err := Call(ctx, g, ops.Provenance, model.CodeQuery{Code: "(01)" + di + "(21)CLI1"})
	if err != nil || len(p.Events) != 1 {
		t.Fatalf("provenance %+v, %v: want the one commissioning", p, err)
	}
}

func TestACommandFollowsAQueuedWrite(t *testing.T) {
	var polls int
	var mu sync.Mutex
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.Method == http.MethodPost {
			w.Header().Set("Location", "/v1/outbox/ob-1")
			w.WriteHeader(http.StatusAccepted)
			_, _ = w.Write([]byte(`{"id":"ob-1","state":"pending"}`))
			return
		}
		mu.Lock()
		polls++
		n := polls
		mu.Unlock()
		if n < 2 {
			_, _ = w.Write([]byte(`{"id":"ob-1","state":"pending"}`))
			return
		}
		_, _ = w.Write([]byte(`{"id":"ob-1","state":"committed","txId":"tx-7","result":{"eventId":"q1","txId":"tx-7","unitCount":1}}`))
	}))
	t.Cleanup(srv.Close)
	g := Gateway{URL: srv.URL, APIKey: "k", RetryFor: time.Minute, getenv: envOf(nil)}
	r, err := Call(context.Background(), g, ops.Commission, model.CommissionRequest{EventHeader: model.EventHeader{EventID: "q1"}})
	if err != nil || r.TxID != "tx-7" || r.UnitCount != 1 {
		t.Fatalf("Call = %+v, %v; want the committed write", r, err)
	}
	t.Run("one still queued when --retry-for is spent says where to follow it", func(t *testing.T) {
		mu.Lock()
		polls = -1 << 30
		mu.Unlock()
		g.RetryFor = 600 * time.Millisecond
		_, err := Call(context.Background(), g, ops.Commission, model.CommissionRequest{EventHeader: model.EventHeader{EventID: "q1"}})
		if ExitCode(err) != ExitFailure || !strings.Contains(err.Error(), "/v1/outbox/ob-1") {
			t.Fatalf("err = %v", err)
		}
	})
}

func TestARESTRequestIsTriedAgainOnlyWhenThatIsSafe(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusAccepted)
		_ = json.NewEncoder(w).Encode(map[string]string{"captureID": "c1"})
	}))
	t.Cleanup(srv.Close)
	tests := []struct {
		name       string
		method     string
		overloaded bool
		wantTries  int
		wantStatus int
	}{
		{"a capture the gateway shed is sent again until it is taken", http.MethodPost, true, 3, http.StatusAccepted},
		{"a capture the gateway may have started is not sent again", http.MethodPost, false, 1, http.StatusServiceUnavailable},
		{"a read is sent again whatever the 503", http.MethodGet, false, 3, http.StatusAccepted},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &shedding{failures: 2, overloaded: tt.overloaded, retryAfter: "0"}
			c, err := through(t, s, srv.URL, "k").REST()
			if err != nil {
				t.Fatal(err)
			}
			var body []byte
			if tt.method == http.MethodPost {
				body = []byte(`{"@context":"https://ref.gs1.org/standards/epcis/epcis-context.jsonld","type":"EPCISDocument"}`)
			}
			res, err := c.Do(context.Background(), Request{Method: tt.method, Path: "/epcis/capture", ContentType: "application/json", Body: body})
			if err != nil || res.Status != tt.wantStatus || len(s.seen()) != tt.wantTries {
				t.Fatalf("after %d tries: %v, %v; want %d after %d", len(s.seen()), res, err, tt.wantStatus, tt.wantTries)
			}
			for _, b := range s.seen() {
				if b != string(body) {
					t.Fatalf("a try sent %q, want the same body each time", b)
				}
			}
		})
	}
}
