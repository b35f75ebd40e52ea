package api

import (
	"context"
	"encoding/json"
	"errors"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/udiledger/udiledger/chaincode/model"
	"github.com/udiledger/udiledger/gateway/ledger"
	"github.com/udiledger/udiledger/gateway/outbox"
)

var errPeerDown = errors.New("peer unreachable")

// switchable is the real ledger behind a link the test cuts and restores.
type switchable struct {
	ledger.Client
	down atomic.Bool
}

func (s *switchable) Submit(ctx context.Context, p ledger.Proposal) (*ledger.Result, error) {
	if s.down.Load() {
		return nil, errPeerDown
	}
	return s.Client.Submit(ctx, p)
}

func (s *switchable) Evaluate(ctx context.Context, p ledger.Proposal) ([]byte, error) {
	if s.down.Load() {
		return nil, errPeerDown
	}
	return s.Client.Evaluate(ctx, p)
}

func TestOutboxKeepsWritesWhileTheLedgerIsDown(t *testing.T) {
	var link *switchable
	unavailable := func(err error) bool { return errors.Is(err, errPeerDown) }
	boxPath := filepath.Join(t.TempDir(), "outbox.db")
	identities := map[string]*ledger.Identity{}

	// gateway opens the outbox and starts a gateway on it, as `udi serve` does.
	type gateway struct {
		w    *world
		box  *outbox.Outbox
		stop func()
	}
	start := func(w *world) gateway {
		box, err := outbox.Open(boxPath, OutboxSubmitter(link, identities), outbox.Options{Unavailable: unavailable, Backoff: 10 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { defer close(done); _ = box.Run(ctx) }()
		g := gateway{box: box, stop: func() { cancel(); <-done; _ = box.Close() }}
		g.w = newWorldOn(t, w, func(o *Options) { o.Ledger, o.Unavailable, o.Outbox = link, unavailable, box })
		return g
	}

	base := newWorld(t)
	base.seed()
	link = &switchable{Client: base.led.Engine}
	for msp := range roleOf {
		id, _ := base.led.Admin(msp)
		identities[id.Name] = id
	}
	g := start(base)
	link.down.Store(true)

	commission := map[string]any{"eventId": "urn:uuid:ob-1", "di": deviceDI, "lot": "L1", "codes": []string{deviceCode(1)}}
	ship := map[string]any{"eventId": "urn:uuid:ob-2", "to": dst, "codes": []string{deviceCode(1)}}
	var first, second QueuedWrite
	t.Run("writes are accepted with 202 and a status URL while the ledger is down", func(t *testing.T) {
		r := g.w.must(202, &first, mfr, "POST", "/v1/events/commission", commission)
		if first.State != outbox.StatePending || r.header.Get("Location") != "/v1/outbox/"+first.ID {
			t.Fatalf("accepted %+v at %q", first, r.header.Get("Location"))
		}
		var again QueuedWrite
		g.w.must(202, &again, mfr, "POST", "/v1/events/commission", commission)
		if again.ID != first.ID {
			t.Fatalf("a retry was queued again as %s", again.ID)
		}
		g.w.must(202, &second, mfr, "POST", "/v1/events/ship", ship)
		var st QueuedWrite
		g.w.must(200, &st, mfr, "GET", "/v1/outbox/"+first.ID, nil)
		if st.State != outbox.StatePending {
			t.Fatalf("status %+v, want pending", st)
		}
		g.w.must(404, nil, mfr, "GET", "/v1/outbox/ob-unknown", nil)
		g.w.must(404, nil, dst, "GET", "/v1/outbox/"+first.ID, nil) // another organisation's write
	})
	var captured CaptureResult
	t.Run("an EPCIS capture is queued per event too", func(t *testing.T) {
		commission5 := `{"type":"ObjectEvent","eventID":"urn:uuid:ob-epcis-5","eventTime":"` + time.Now().UTC().Format(time.RFC3339) + `",` +
			`"eventTimeZoneOffset":"+00:00","action":"ADD","bizStep":"commissioning","disposition":"active","epcList":["` + dlURI(5) + `"],` +
			`"ilmd":{"cbvmda:lotNumber":"L1"}}`
		g.w.must(200, &captured, mfr, "POST", "/epcis/capture", epcisDoc(commission5))
		if r := captured.Results[0]; r.Status != 202 || !strings.HasPrefix(r.Queued, "/v1/outbox/ob-") || r.Operation != "epcis:Capture" {
			t.Fatalf("captured %+v, want the event kept in the outbox", captured)
		}
	})
	t.Run("another write under a queued event ID is kept apart, not merged into it", func(t *testing.T) {
		other := map[string]any{"eventId": "urn:uuid:ob-1", "di": deviceDI, "lot": "L1", "codes": []string{deviceCode(7)}}
		var q QueuedWrite
		g.w.must(202, &q, mfr, "POST", "/v1/events/commission", other)
		if q.ID == first.ID {
			t.Fatalf("a different write under event ID ob-1 was merged into %s", first.ID)
		}
	})
	t.Run("a dispense is not kept: patient references never wait on the gateway's disk", func(t *testing.T) {
		g.w.must(503, nil, hsp, "POST", "/v1/events/dispense", map[string]any{"eventId": "urn:uuid:ob-disp", "codes": []string{deviceCode(1)}, "patientRef": "P-9"})
	})
	t.Run("reads are not queued: they answer 503", func(t *testing.T) {
		g.w.must(503, nil, mfr, "GET", "/v1/products", nil)
	})
	var scanned QueuedWrite
	t.Run("a scanner's writes are queued per scan, its verifications answer 503", func(t *testing.T) {
		var res ScanBatchResult
		g.w.must(200, &res, dst, "POST", "/v1/scans", map[string]any{"scans": []map[string]any{
			{"id": "urn:uuid:ob-3", "code": deviceCode(1), "action": "receive"},
			{"code": deviceCode(1), "action": "verify"},
		}})
		if res.Results[0].Status != 202 || res.Results[1].Status != 503 {
			t.Fatalf("results %+v", res.Results)
		}
		if err := json.Unmarshal(res.Results[0].Result, &scanned); err != nil || scanned.State != outbox.StatePending {
			t.Fatalf("queued scan %s: %v", res.Results[0].Result, err)
		}
	})

	g.stop() // the gateway restarts while the ledger is still down
	g = start(base)
	defer g.stop()
	if n, _ := g.box.Pending(); n != 5 {
		t.Fatalf("%d writes pending after the restart, want 5", n)
	}
	link.down.Store(false)

	t.Run("once the ledger is back the writes are submitted in order, once", func(t *testing.T) {
		deadline := time.Now().Add(5 * time.Second)
		var st QueuedWrite
		for {
			g.w.must(200, &st, mfr, "GET", "/v1/outbox/"+second.ID, nil)
			if st.State != outbox.StatePending || time.Now().After(deadline) {
				break
			}
			time.Sleep(10 * time.Millisecond)
		}
		if st.State != outbox.StateCommitted || st.TxID == "" {
			t.Fatalf("ship status %+v, want committed after the commission", st)
		}
		for st.State == outbox.StatePending || st.ID != scanned.ID {
			g.w.must(200, &st, dst, "GET", "/v1/outbox/"+scanned.ID, nil)
			if time.Now().After(deadline) {
				break
			}
			time.Sleep(10 * time.Millisecond)
		}
		if st.State != outbox.StateCommitted {
			t.Fatalf("scanned receipt %+v, want committed after the ship", st)
		}
		var prov model.Provenance
		g.w.must(200, &prov, reg, "GET", "/v1/trace?code="+deviceCode(1), nil)
		if len(prov.Events) != 3 || prov.Events[0].Event.BizStep != model.BizStepCommissioning || prov.Events[2].Event.BizStep != model.BizStepReceiving {
			t.Fatalf("%d events, want commission, ship, receive", len(prov.Events))
		}
		var st5 QueuedWrite
		for st5.State == "" || st5.State == outbox.StatePending {
			g.w.must(200, &st5, mfr, "GET", captured.Results[0].Queued, nil)
			if time.Now().After(deadline) {
				break
			}
			time.Sleep(10 * time.Millisecond)
		}
		if st5.State != outbox.StateCommitted {
			t.Fatalf("captured commission %+v, want committed", st5)
		}
		var r model.EventResult
		g.w.must(200, &r, mfr, "POST", "/v1/events/commission", commission)
		if !r.Replayed {
			t.Fatalf("the client's retry after recovery %+v, want a replay of the queued write", r)
		}
	})
}
