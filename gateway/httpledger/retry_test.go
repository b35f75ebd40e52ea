package httpledger_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/udiledger/udiledger/chaincode/gs1"
	"github.com/udiledger/udiledger/chaincode/model"
	"github.com/udiledger/udiledger/chaincode/ops"
	"github.com/udiledger/udiledger/chaincode/orgs"
	"github.com/udiledger/udiledger/gateway/httpledger"
	"github.com/udiledger/udiledger/gateway/ledger"
	"github.com/udiledger/udiledger/gateway/ledger/devledger"
)

// flaky stands between the client and the gateway: it answers the first failures requests
// with fail, then passes every request on.
type flaky struct {
	failures int32
	fail     func(w http.ResponseWriter)
	seen     atomic.Int32
	next     http.Handler
}

func (f *flaky) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if f.seen.Add(1) <= f.failures {
		f.fail(w)
		return
	}
	f.next.ServeHTTP(w, r)
}

// unavailable answers 503 with Retry-After seconds.
func unavailable(seconds string) func(w http.ResponseWriter) {
	return func(w http.ResponseWriter) {
		w.Header().Set("Retry-After", seconds)
		w.WriteHeader(http.StatusServiceUnavailable)
	}
}

// hangUp drops the connection without an answer, as a gateway killed mid-request does.
func hangUp(w http.ResponseWriter) {
	conn, _, err := w.(http.Hijacker).Hijack()
	if err == nil {
		_ = conn.Close()
	}
}

// through returns a client of w's gateway that goes through f, with w's keys.
func (w *world) through(t *testing.T, f *flaky) *httpledger.Client {
	t.Helper()
	u, err := url.Parse(w.url)
	if err != nil {
		t.Fatal(err)
	}
	f.next = httputil.NewSingleHostReverseProxy(u)
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	c, err := httpledger.New(srv.URL, w.keys, nil)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestCallsThatMayBeRepeatedAreTriedAgainLater(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	hospital := w.ids[devledger.Hospital]
	ship := model.ShipRequest{EventHeader: model.EventHeader{EventID: "retried"}, To: devledger.Distributor, Codes: []string{"(01)06901234000016(21)NOSUCH"}}

	t.Run("a write with its event ID goes through after two 503s", func(t *testing.T) {
		f := &flaky{failures: 2, fail: unavailable("0")}
		_, err := ledger.Do(ctx, w.through(t, f), hospital, ops.Ship, ship)
		var ce *ledger.ChaincodeError
		if !errors.As(err, &ce) || f.seen.Load() != 3 {
			t.Fatalf("after %d requests: %v, want the ledger's own answer on the third", f.seen.Load(), err)
		}
	})
	t.Run("a read goes through after the gateway hung up", func(t *testing.T) {
		f := &flaky{failures: 1, fail: hangUp}
		_, err := ledger.Do(ctx, w.through(t, f), hospital, ops.ListParties, model.PageQuery{})
		if err != nil || f.seen.Load() != 2 {
			t.Fatalf("after %d requests: %v", f.seen.Load(), err)
		}
	})
	t.Run("a write without an event ID is sent once", func(t *testing.T) {
		f := &flaky{failures: 1, fail: unavailable("0")}
		_, err := ledger.Do(ctx, w.through(t, f), w.ids[devledger.Regulator], ops.AmendRecall,
			model.RecallAmendRequest{RecallID: "R1", Class: model.RecallClassI, Reason: "x"})
		var ge *httpledger.GatewayError
		if !errors.As(err, &ge) || ge.Status != http.StatusServiceUnavailable || f.seen.Load() != 1 {
			t.Fatalf("after %d requests: %v, want the 503 of the only try", f.seen.Load(), err)
		}
	})
	t.Run("retries stop when RetryFor is spent, or when Retry-After is beyond it", func(t *testing.T) {
		f := &flaky{failures: 1 << 30, fail: unavailable("0")}
		c := w.through(t, f)
		c.RetryFor = 600 * time.Millisecond
		start := time.Now()
		_, err := ledger.Do(ctx, c, hospital, ops.Ship, ship)
		var ge *httpledger.GatewayError
		if !errors.As(err, &ge) || ge.Status != http.StatusServiceUnavailable || f.seen.Load() < 2 || time.Since(start) > 5*time.Second {
			t.Fatalf("%d requests in %s: %v", f.seen.Load(), time.Since(start), err)
		}
		f = &flaky{failures: 1 << 30, fail: unavailable("60")}
		c = w.through(t, f)
		if _, err := ledger.Do(ctx, c, hospital, ops.Ship, ship); !errors.As(err, &ge) || f.seen.Load() != 1 {
			t.Fatalf("Retry-After 60 with 30 s to spend: %d requests, %v", f.seen.Load(), err)
		}
	})
}

// outboxGateway answers a write 202 with its status URL and the status pending, then states.
func outboxGateway(t *testing.T, states ...string) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var polls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.Method == http.MethodPost {
			w.Header().Set("Location", "/v1/outbox/ob-1")
			w.WriteHeader(http.StatusAccepted)
			_, _ = w.Write([]byte(`{"id":"ob-1","state":"pending"}`))
			return
		}
		n := int(polls.Add(1))
		state := "pending"
		if n <= len(states) {
			state = states[n-1]
		}
		switch state {
		case "committed":
			_, _ = w.Write([]byte(`{"id":"ob-1","state":"committed","txId":"tx-9","result":{"eventId":"q1","txId":"tx-9","unitCount":1}}`))
		case "rejected":
			_, _ = w.Write([]byte(`{"id":"ob-1","state":"rejected","error":"INVALID: (01)06901234000016(21)1 is recalled"}`))
		default:
			_, _ = w.Write([]byte(`{"id":"ob-1","state":"pending"}`))
		}
	}))
	t.Cleanup(srv.Close)
	return srv, &polls
}

func TestAQueuedWriteIsFollowedToTheLedgersAnswer(t *testing.T) {
	ctx := context.Background()
	id := &ledger.Identity{MSPID: devledger.Distributor}
	ship := model.ShipRequest{EventHeader: model.EventHeader{EventID: "q1"}, To: devledger.Hospital, Codes: []string{"(01)06901234000016(21)1"}}
	client := func(srv *httptest.Server, await time.Duration) *httpledger.Client {
		c, err := httpledger.New(srv.URL, map[string]string{devledger.Distributor: "k"}, nil)
		if err != nil {
			t.Fatal(err)
		}
		c.AwaitQueued = await
		return c
	}
	t.Run("committed: the ledger's answer", func(t *testing.T) {
		srv, polls := outboxGateway(t, "pending", "committed")
		r, err := ledger.Do(ctx, client(srv, 10*time.Second), id, ops.Ship, ship)
		if err != nil || r.TxID != "tx-9" || r.Value.UnitCount != 1 || polls.Load() != 2 {
			t.Fatalf("after %d polls: %+v, %v", polls.Load(), r, err)
		}
	})
	t.Run("rejected: the chaincode's refusal", func(t *testing.T) {
		srv, _ := outboxGateway(t, "rejected")
		_, err := ledger.Do(ctx, client(srv, 10*time.Second), id, ops.Ship, ship)
		var ce *ledger.ChaincodeError
		if !errors.As(err, &ce) || model.ParseCode(ce.Message) != model.CodeInvalid {
			t.Fatalf("%v, want INVALID", err)
		}
	})
	t.Run("still pending, or not awaited: queued, with its status URL", func(t *testing.T) {
		srv, polls := outboxGateway(t)
		for _, await := range []time.Duration{0, 700 * time.Millisecond} {
			_, err := ledger.Do(ctx, client(srv, await), id, ops.Ship, ship)
			var q *ledger.QueuedError
			if !errors.As(err, &q) || q.StatusURL != "/v1/outbox/ob-1" {
				t.Fatalf("await %s: %v", await, err)
			}
		}
		if polls.Load() == 0 {
			t.Fatal("a queued write awaited for 700 ms was never asked after")
		}
	})
}

// overloaded answers 503 overloaded, as a gateway shedding load does, with Retry-After seconds.
func overloaded(seconds string) func(w http.ResponseWriter) {
	return func(w http.ResponseWriter) {
		w.Header().Set("Retry-After", seconds)
		w.Header().Set("Content-Type", "application/problem+json")
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write([]byte(`{"type":"https://udiledger.github.io/problems/overloaded","title":"Overloaded","status":503}`))
	}
}

// lossy passes every request on to the gateway, but for the first failures answers 503 with
// Retry-After 0 in place of the gateway's answer: a proxy that gave up after the gateway had
// acted. It keeps each request's Idempotency-Key.
type lossy struct {
	failures int32
	seen     atomic.Int32
	mu       sync.Mutex
	keys     []string
	next     http.Handler
}

func (l *lossy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	l.mu.Lock()
	l.keys = append(l.keys, r.Header.Get("Idempotency-Key"))
	l.mu.Unlock()
	if l.seen.Add(1) > l.failures {
		l.next.ServeHTTP(w, r)
		return
	}
	l.next.ServeHTTP(httptest.NewRecorder(), r)
	unavailable("0")(w)
}

// seeded registers the parties, a device product of the manufacturer and a lot of it, and
// returns the product's DI.
func (w *world) seeded(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	if err := devledger.RegisterParties(ctx, w.client, w.ids[devledger.Regulator], "L"); err != nil {
		t.Fatal(err)
	}
	m, _ := orgs.Find(devledger.Manufacturer)
	base := "0" + m.CompanyPrefixes[0] + "00001"
	d, err := gs1.CheckDigit(base)
	if err != nil {
		t.Fatal(err)
	}
	di, mfr := base+string(d), w.ids[devledger.Manufacturer]
	if _, err := ledger.Do(ctx, w.client, mfr, ops.RegisterProduct, model.Product{DI: di, Name: "Infusion set", Kind: model.KindDevice}); err != nil {
		t.Fatal(err)
	}
	if _, err := ledger.Do(ctx, w.client, mfr, ops.RegisterLot, model.Lot{DI: di, Lot: "L1", Expiry: time.Now().AddDate(2, 0, 0).Format("2006-01-02")}); err != nil {
		t.Fatal(err)
	}
	return di
}

func TestAWriteTriedAgainIsWrittenOnceUnderOneEventID(t *testing.T) {
	w := newWorld(t)
	di := w.seeded(t)
	ctx := context.Background()
	mfr := w.ids[devledger.Manufacturer]
	commission := func(serial string) model.CommissionRequest {
		return model.CommissionRequest{DI: di, Lot: "L1", Codes: []string{"(01)" + di + "(21)" + serial}}
	}
	events := func(serial string) int {
		p, err := ledger.Do(ctx, w.client, mfr, ops.Provenance, model.CodeQuery{Code: "(01)" + di + "(21)" + serial})
		if err != nil {
			t.Fatal(err)
		}
		return len(p.Value.Events)
	}

	t.Run("a write without an event ID whose answers were lost is written once", func(t *testing.T) {
		l := &lossy{failures: 3}
		u, err := url.Parse(w.url)
		if err != nil {
			t.Fatal(err)
		}
		l.next = httputil.NewSingleHostReverseProxy(u)
		srv := httptest.NewServer(l)
		t.Cleanup(srv.Close)
		c, err := httpledger.New(srv.URL, w.keys, nil)
		if err != nil {
			t.Fatal(err)
		}
		r, err := ledger.Do(ctx, c, mfr, ops.Commission, commission("LOST1"))
		if err != nil || !r.Replayed || l.seen.Load() != 4 {
			t.Fatalf("after %d requests: %+v, %v; want the first write's answer, replayed", l.seen.Load(), r, err)
		}
		for _, k := range l.keys {
			if k == "" || k != l.keys[0] {
				t.Fatalf("Idempotency-Keys %q, want one key on every try", l.keys)
			}
		}
		if n := events("LOST1"); n != 1 {
			t.Fatalf("%d events of the unit, want its one commissioning", n)
		}
	})
	t.Run("a write the gateway shed is sent again after Retry-After, and written once", func(t *testing.T) {
		f := &flaky{failures: 2, fail: overloaded("1")}
		start := time.Now()
		req := commission("SHED1")
		req.EventID = "shed-1"
		r, err := ledger.Do(ctx, w.through(t, f), mfr, ops.Commission, req)
		if err != nil || r.Value.EventID != "shed-1" || f.seen.Load() != 3 {
			t.Fatalf("after %d requests: %+v, %v", f.seen.Load(), r, err)
		}
		if waited := time.Since(start); waited < 2*time.Second {
			t.Fatalf("three tries in %s: Retry-After 1 not honoured", waited)
		}
		if n := events("SHED1"); n != 1 {
			t.Fatalf("%d events of the unit, want one", n)
		}
	})
	t.Run("a write that is not repeatable is sent again when the gateway said it did nothing of it", func(t *testing.T) {
		for _, fail := range []func(http.ResponseWriter){overloaded("0"), tooMany} {
			f := &flaky{failures: 2, fail: fail}
			_, err := ledger.Do(ctx, w.through(t, f), w.ids[devledger.Regulator], ops.AmendRecall,
				model.RecallAmendRequest{RecallID: "R1", Class: model.RecallClassI, Reason: "x"})
			var ce *ledger.ChaincodeError
			if !errors.As(err, &ce) || f.seen.Load() != 3 {
				t.Fatalf("after %d requests: %v, want the ledger's own answer on the third", f.seen.Load(), err)
			}
		}
	})
}

// tooMany answers 429 with Retry-After 0.
func tooMany(w http.ResponseWriter) {
	w.Header().Set("Retry-After", "0")
	w.WriteHeader(http.StatusTooManyRequests)
}
