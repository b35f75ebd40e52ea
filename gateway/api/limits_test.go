package api

import (
	"context"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/udiledger/udiledger/gateway/ledger"
)

// gated is a ledger whose reads wait at a gate: each read says it arrived, then waits until
// the test opens the gate (or the call ends).
type gated struct {
	ledger.Client
	arrived chan struct{}
	open    chan struct{}
}

func (g *gated) Evaluate(ctx context.Context, p ledger.Proposal) ([]byte, error) {
	g.arrived <- struct{}{}
	select {
	case <-g.open:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	return g.Client.Evaluate(ctx, p)
}

// tooMany checks that r is a 429 problem with a Retry-After of at least a second.
func tooMany(t *testing.T, r resp) {
	t.Helper()
	p := problemOf(t, r)
	if secs, err := strconv.Atoi(r.header.Get("Retry-After")); r.status != 429 || p.Status != 429 || err != nil || secs < 1 {
		t.Fatalf("answer %s (Retry-After %q), want a 429 problem with Retry-After", r, r.header.Get("Retry-After"))
	}
}

func TestLimitsPerAPIKey(t *testing.T) {
	t.Run("a key over its rate is answered 429 with Retry-After; other keys are not", func(t *testing.T) {
		w := newWorld(t, worldOptions{tweak: func(o *Options) { o.Limits = Limits{Rate: 0.5, Burst: 3} }})
		for range 3 {
			w.must(200, nil, mfr, "GET", "/v1/version", nil)
		}
		r := w.call(mfr, "GET", "/v1/version", nil)
		tooMany(t, r)
		if secs, _ := strconv.Atoi(r.header.Get("Retry-After")); secs > 2 {
			t.Errorf("Retry-After %d, want at most 2 (one request every 2 s)", secs)
		}
		w.must(200, nil, hsp, "GET", "/v1/version", nil)
		w.must(200, nil, "", "GET", "/healthz", nil) // public routes are not a key's
	})
	t.Run("a key over its concurrent requests is answered 429 until one ends", func(t *testing.T) {
		gate := &gated{arrived: make(chan struct{}, 8), open: make(chan struct{})}
		w := newWorld(t, worldOptions{tweak: func(o *Options) {
			gate.Client = o.Ledger
			o.Ledger, o.Limits = gate, Limits{Concurrent: 2}
		}})
		done := make(chan resp, 2)
		for range 2 {
			go func() { done <- w.call(mfr, "GET", "/v1/version", nil) }()
			<-gate.arrived
		}
		tooMany(t, w.call(mfr, "GET", "/v1/version", nil))
		close(gate.open)
		for range 2 {
			if r := <-done; r.status != 200 {
				t.Fatalf("a request in flight = %s", r)
			}
		}
		w.must(200, nil, mfr, "GET", "/v1/version", nil)
	})
	t.Run("a key over its open event streams is answered 429; streams take no request slot", func(t *testing.T) {
		w := newWorld(t, worldOptions{tweak: func(o *Options) { o.Limits = Limits{Concurrent: 1, Streams: 1} }})
		open := func() (*http.Response, context.CancelFunc) {
			ctx, cancel := context.WithCancel(context.Background())
			req, _ := http.NewRequestWithContext(ctx, "GET", w.srv.URL+"/v1/events/stream", nil)
			req.Header.Set("Authorization", "Bearer "+w.keys[hsp])
			res, err := w.srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			return res, cancel
		}
		first, stop := open()
		if first.StatusCode != 200 {
			t.Fatalf("first stream = %d", first.StatusCode)
		}
		tooMany(t, w.call(hsp, "GET", "/v1/events/stream", nil))
		w.must(200, nil, hsp, "GET", "/v1/version", nil)
		stop()
		_ = first.Body.Close()
		deadline := time.Now().Add(5 * time.Second)
		for {
			res, cancel := open()
			_ = res.Body.Close()
			cancel()
			if res.StatusCode == 200 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("a new stream after the first closed = %d", res.StatusCode)
			}
			time.Sleep(20 * time.Millisecond)
		}
	})
}
