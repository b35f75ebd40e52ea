package embedded_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/udiledger/udiledger/gateway/ledger"
	"github.com/udiledger/udiledger/gateway/ledger/embedded"
)

func collect(t *testing.T, ch <-chan ledger.Event, n int) []ledger.Event {
	t.Helper()
	var out []ledger.Event
	timeout := time.After(5 * time.Second)
	for len(out) < n {
		select {
		case ev, ok := <-ch:
			if !ok {
				t.Fatalf("stream closed after %d events, want %d", len(out), n)
			}
			out = append(out, ev)
		case <-timeout:
			t.Fatalf("got %d events, want %d", len(out), n)
		}
	}
	return out
}

func names(evs []ledger.Event) string {
	s := ""
	for _, ev := range evs {
		s += fmt.Sprintf("%s(%s) ", ev.Name, ev.Payload)
	}
	return s
}

func TestEvents(t *testing.T) {
	f := newFixture(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	created := f.mustSubmit(manufacturer, "Create", "a1", "acme")
	f.mustSubmit(manufacturer, "Put", "quiet", "no event")

	t.Run("a stream replays the log, then follows new blocks", func(t *testing.T) {
		ch, err := f.engine.Events(ctx, 0)
		if err != nil {
			t.Fatal(err)
		}
		first := collect(t, ch, 1)
		if first[0].TxID != created.TxID || first[0].BlockNumber != created.BlockNumber {
			t.Fatalf("replayed %+v, want tx %s in block %d", first[0], created.TxID, created.BlockNumber)
		}
		f.mustSubmit(manufacturer, "Move", "a1", "acme", "bob")
		if got := names(collect(t, ch, 1)); got != "Moved(a1:bob) " {
			t.Fatalf("live event = %s; a second SetEvent replaces the first", got)
		}
	})

	t.Run("an invalid transaction's event is not delivered", func(t *testing.T) {
		f.cfg.MaxBatch, f.cfg.BatchTimeout = 2, 10*time.Second
		f.reopen()
		from := f.engine.Height()
		ch, err := f.engine.Events(ctx, from)
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		for _, to := range []string{"carol", "dave"} {
			wg.Add(1)
			go func() { defer wg.Done(); _, _ = f.submit(manufacturer, "Move", "a1", "bob", to) }()
		}
		wg.Wait()
		evs := collect(t, ch, 1)
		select {
		case ev := <-ch:
			t.Fatalf("second event %+v delivered from an invalid transaction", ev)
		case <-time.After(50 * time.Millisecond):
		}
		if evs[0].BlockNumber != from {
			t.Fatalf("event in block %d, want %d", evs[0].BlockNumber, from)
		}
	})

	t.Run("a stream ends when its context ends", func(t *testing.T) {
		sctx, scancel := context.WithCancel(ctx)
		ch, err := f.engine.Events(sctx, f.engine.Height())
		if err != nil {
			t.Fatal(err)
		}
		scancel()
		select {
		case _, ok := <-ch:
			if ok {
				t.Fatal("unexpected event")
			}
		case <-time.After(2 * time.Second):
			t.Fatal("stream not closed")
		}
	})
}

func TestPersistence(t *testing.T) {
	f := newFixture(t)
	a := f.mustSubmit(manufacturer, "Create", "a1", "acme")
	b := f.mustSubmit(manufacturer, "Move", "a1", "acme", "bob")
	f.mustSubmit(manufacturer, "Put", "k", "v")
	height := f.engine.Height()
	f.reopen()

	if got := f.engine.Height(); got != height {
		t.Fatalf("height after reopen = %d, want %d (no new config block)", got, height)
	}
	tests := []struct{ name, fn, arg, want string }{
		{name: "state survives", fn: "Get", arg: "a1", want: "bob"},
		{name: "indexes survive", fn: "ByOwner", arg: "bob", want: "a1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := f.mustEvaluate(manufacturer, tt.fn, tt.arg); got != tt.want {
				t.Fatalf("%s = %q, want %q", tt.fn, got, tt.want)
			}
		})
	}
	t.Run("history survives", func(t *testing.T) {
		got := f.mustEvaluate(manufacturer, "History", "a1")
		if !containsAll(got, a.TxID, b.TxID) {
			t.Fatalf("history %s lacks the transactions", got)
		}
	})
	t.Run("events survive", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		ch, err := f.engine.Events(ctx, 0)
		if err != nil {
			t.Fatal(err)
		}
		if got := names(collect(t, ch, 2)); got != "Created(a1) Moved(a1:bob) " {
			t.Fatalf("events = %s", got)
		}
	})
	t.Run("the block log survives and verifies", func(t *testing.T) {
		rep, err := f.engine.Verify(context.Background())
		if err != nil || !rep.OK() {
			t.Fatalf("verify = %+v, %v", rep, err)
		}
		if rep.Height != height || rep.Valid != 3 {
			t.Fatalf("verified %d blocks and %d valid transactions, want %d and 3", rep.Height, rep.Valid, height)
		}
	})
	t.Run("a changed configuration is recorded in a new block", func(t *testing.T) {
		f.cfg.Collections = append(f.cfg.Collections, embedded.Collection{Name: "extra", MemberMSPs: []string{"RegulatorOrgMSP"}})
		f.reopen()
		if got := f.engine.Height(); got != height+1 {
			t.Fatalf("height = %d, want %d", got, height+1)
		}
	})
}
