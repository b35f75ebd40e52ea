package api

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/udiledger/udiledger/gateway/ledger"
)

// probed counts the ledger's reads of the chaincode's version.
type probed struct {
	ledger.Client
	versions atomic.Int64
}

func (p *probed) Evaluate(ctx context.Context, pr ledger.Proposal) ([]byte, error) {
	if pr.Function == "info:Version" {
		p.versions.Add(1)
	}
	return p.Client.Evaluate(ctx, pr)
}

func TestReadinessAsksTheLedger(t *testing.T) {
	t.Run("a ledger that answers a read is ready", func(t *testing.T) {
		var led probed
		w := newWorld(t, worldOptions{tweak: func(o *Options) { led.Client = o.Ledger; o.Ledger = &led }})
		w.must(200, nil, "", "GET", "/readyz", nil)
		if led.versions.Load() != 1 {
			t.Fatalf("%d reads of the version, want the readiness check's one", led.versions.Load())
		}
		t.Run("and anonymous callers cannot turn /readyz into ledger load", func(t *testing.T) {
			for range 50 {
				w.must(200, nil, "", "GET", "/readyz", nil)
			}
			if n := led.versions.Load(); n > 3 {
				t.Fatalf("51 readiness checks read the ledger %d times", n)
			}
		})
	})
	t.Run("a ledger that fails reads is not ready; the cause is logged, not answered", func(t *testing.T) {
		var log logBuffer
		w := newWorld(t, worldOptions{tweak: func(o *Options) {
			o.Ledger = failing{Client: o.Ledger, err: errors.New("peer0 at 10.0.0.5:7051: connection refused")}
			o.Logger = slog.New(slog.NewJSONHandler(&log, nil))
		}})
		r := w.must(503, nil, "", "GET", "/readyz", nil)
		if p := problemOf(t, r); strings.Contains(string(r.body), "10.0.0.5") || p.RequestID == "" {
			t.Fatalf("answer %s reveals the cause or lacks the request ID", r)
		}
		if log.line(r.header.Get(requestIDHeader), "10.0.0.5:7051") == "" {
			t.Fatalf("the log lacks the cause:\n%s", log.String())
		}
	})
	t.Run("a closed ledger is not ready", func(t *testing.T) {
		w := newWorld(t)
		if err := w.led.Close(); err != nil {
			t.Fatal(err)
		}
		w.must(503, nil, "", "GET", "/readyz", nil)
	})
}
