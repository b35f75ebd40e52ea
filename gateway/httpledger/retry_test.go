package httpledger_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"sync/atomic"
	"testing"
	"time"

	"github.com/udiledger/udiledger/chaincode/model"
	"github.com/udiledger/udiledger/chaincode/ops"
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
