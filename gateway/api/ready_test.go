package api

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/udiledger/udiledger/gateway/ledger"
	"github.com/udiledger/udiledger/gateway/outbox"
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

// reporting is a ledger that reports the health of its parts.
type reporting struct {
	ledger.Client
	parts []ledger.PartHealth
}

func (r reporting) Health(context.Context) []ledger.PartHealth { return r.parts }

// partNamed finds a part of a readiness answer.
func partNamed(t *testing.T, r Readiness, name string) ReadyPart {
	t.Helper()
	for _, p := range r.Parts {
		if p.Name == name {
			return p
		}
	}
	t.Fatalf("/readyz has no part %q: %+v", name, r)
	return ReadyPart{}
}

func TestReadinessTellsHealthyFromDegradedFromDown(t *testing.T) {
	peers := []ledger.PartHealth{
		{Name: "peer of ManufacturerOrgMSP", Kind: "peer", State: ledger.Healthy, Height: 12},
		{Name: "peer of DistributorOrgMSP", Kind: "peer", State: ledger.Down, Detail: "does not answer"},
	}
	t.Run("a ledger that answers with every part healthy is ready", func(t *testing.T) {
		w := newWorld(t, worldOptions{tweak: func(o *Options) { o.Ledger = reporting{Client: o.Ledger, parts: peers[:1]} }})
		var r Readiness
		w.must(200, &r, "", "GET", "/readyz", nil)
		if r.Status != StatusReady || partNamed(t, r, "peer of ManufacturerOrgMSP").Height != 12 || partNamed(t, r, "ledger").State != ledger.Healthy {
			t.Fatalf("/readyz = %+v, want ready with the peer's height", r)
		}
	})
	t.Run("a ledger that answers with a peer down is degraded, and names no identity", func(t *testing.T) {
		w := newWorld(t, worldOptions{tweak: func(o *Options) { o.Ledger = reporting{Client: o.Ledger, parts: peers} }})
		var r Readiness
		res := w.must(200, &r, "", "GET", "/readyz", nil)
		if r.Status != StatusDegraded || partNamed(t, r, "peer of DistributorOrgMSP").State != ledger.Down {
			t.Fatalf("/readyz = %+v, want degraded with the distributor's peer down", r)
		}
		for _, secret := range []string{"BEGIN", "regulator-desk", "udi_"} {
			if strings.Contains(string(res.body), secret) {
				t.Fatalf("/readyz reveals %q: %s", secret, res.body)
			}
		}
	})
	t.Run("a ledger that does not answer is not ready, whatever its parts say", func(t *testing.T) {
		w := newWorld(t, worldOptions{tweak: func(o *Options) {
			o.Ledger = reporting{Client: failing{Client: o.Ledger, err: errors.New("connection refused")}, parts: peers[:1]}
		}})
		r := w.must(503, nil, "", "GET", "/readyz", nil)
		if p := problemOf(t, r); !strings.HasSuffix(p.Type, "/not-ready") || r.header.Get("Retry-After") == "" {
			t.Fatalf("/readyz = %s, want not-ready with Retry-After", r)
		}
	})
	t.Run("without an identity to read with, a backend whose every part is down is not ready", func(t *testing.T) {
		w := newWorld(t, worldOptions{tweak: func(o *Options) {
			o.Ledger, o.ResolverIdentity = reporting{Client: o.Ledger, parts: peers[1:]}, nil
		}})
		w.must(503, nil, "", "GET", "/readyz", nil)
	})
}

func TestReadinessShowsTheOutboxBacklog(t *testing.T) {
	box, err := outbox.Open(filepath.Join(t.TempDir(), "outbox.db"), nil, outbox.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = box.Close() })
	w := newWorld(t, worldOptions{tweak: func(o *Options) { o.Outbox = box }})

	var r Readiness
	w.must(200, &r, "", "GET", "/readyz", nil)
	if p := partNamed(t, r, "outbox"); r.Status != StatusReady || p.Outbox == nil || p.Outbox.Pending != 0 {
		t.Fatalf("/readyz with an empty outbox = %+v", r)
	}

	// A write the ledger has not taken for a minute (no worker runs here).
	if _, err := box.Enqueue(outbox.Item{ID: "ob-old", Caller: "hospital", Function: "unit:Ship", Accepted: time.Now().Add(-time.Minute)}); err != nil {
		t.Fatal(err)
	}
	w2 := newWorldOn(t, w, func(o *Options) { o.Outbox = box }) // a fresh answer, not the one kept for a second
	w2.must(200, &r, "", "GET", "/readyz", nil)
	p := partNamed(t, r, "outbox")
	if r.Status != StatusDegraded || p.State != ledger.Degraded || p.Outbox.Pending != 1 || p.Outbox.OldestAgeSeconds < 60 {
		t.Fatalf("/readyz with a write waiting a minute = %+v (outbox %+v), want degraded", r, p.Outbox)
	}
}

func TestReadinessIsDegradedWhileTheGatewaySheds(t *testing.T) {
	a := newAdmission(Admission{MaxInFlight: 2, MaxQueued: 0}, prometheus.NewRegistry())
	r := gin.New()
	r.GET("/readyz", newReadiness(Options{}, nil, a).handle)
	srv := httptest.NewServer(r)
	t.Cleanup(srv.Close)
	get := func() Readiness {
		t.Helper()
		res, err := http.Get(srv.URL + "/readyz")
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var out Readiness
		if err := json.NewDecoder(res.Body).Decode(&out); err != nil || res.StatusCode != 200 {
			t.Fatalf("/readyz = %d (%v)", res.StatusCode, err)
		}
		return out
	}
	if got := get(); got.Status != StatusReady {
		t.Fatalf("before any shedding: %+v", got)
	}
	a.mu.Lock()
	a.shedLocked(shedQueueFull)
	a.mu.Unlock()
	got := get()
	if p := partNamed(t, got, "admission"); got.Status != StatusDegraded || !p.Admission.Shedding || p.Admission.Shed != 1 {
		t.Fatalf("just after a shed request: %+v", got)
	}
	a.mu.Lock()
	a.lastShed = time.Now().Add(-2 * sheddingFor)
	a.mu.Unlock()
	if got := get(); got.Status != StatusReady {
		t.Fatalf("long after the last shed request: %+v", got)
	}
}
