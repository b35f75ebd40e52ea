package outbox

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/udiledger/udiledger/gateway/ledger"
)

var errDown = errors.New("peer unreachable")

// ledgerDouble stands for the ledger behind the outbox: it can be down, and like the
// chaincode it answers a repeated event ID with the first result instead of writing again.
type ledgerDouble struct {
	mu      sync.Mutex
	down    bool
	reject  map[string]bool
	writes  []string
	results map[string]*ledger.Result
}

func (l *ledgerDouble) submit(_ context.Context, it Item) (*ledger.Result, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.down {
		return nil, errDown
	}
	if l.reject[it.ID] {
		return nil, &ledger.ChaincodeError{Message: "FORBIDDEN: not the owner"}
	}
	if r, ok := l.results[it.ID]; ok {
		return r, nil
	}
	l.writes = append(l.writes, it.ID)
	r := &ledger.Result{TxID: "tx-" + it.ID, BlockNumber: uint64(len(l.writes))}
	l.results[it.ID] = r
	return r, nil
}

func (l *ledgerDouble) setDown(down bool) { l.mu.Lock(); l.down = down; l.mu.Unlock() }

func (l *ledgerDouble) written() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.writes...)
}

func open(t *testing.T, path string, l *ledgerDouble) *Outbox {
	t.Helper()
	o, err := Open(path, l.submit, Options{Unavailable: func(err error) bool { return errors.Is(err, errDown) }, Backoff: 5 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	return o
}

func waitDrained(t *testing.T, o *Outbox) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		if n, _ := o.Pending(); n == 0 {
			return
		}
		time.Sleep(2 * time.Millisecond)
	}
	t.Fatal("outbox did not drain")
}

func TestAcceptedItemsSurviveARestartAndAreSubmittedInOrderOnce(t *testing.T) {
	path := filepath.Join(t.TempDir(), "outbox.db")
	l := &ledgerDouble{down: true, results: map[string]*ledger.Result{}}

	o := open(t, path, l)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- o.Run(ctx) }()
	for _, id := range []string{"ev-1", "ev-2", "ev-3"} {
		if _, err := o.Enqueue(Item{ID: id, Function: "unit:Ship"}); err != nil {
			t.Fatal(err)
		}
	}
	time.Sleep(20 * time.Millisecond) // the worker retries against the down ledger
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if err := o.Close(); err != nil {
		t.Fatal(err)
	}

	// The gateway restarts; the ledger comes back.
	o = open(t, path, l)
	defer o.Close()
	if n, _ := o.Pending(); n != 3 {
		t.Fatalf("after restart %d items pending, want 3", n)
	}
	l.setDown(false)
	ctx, cancel = context.WithCancel(context.Background())
	defer cancel()
	go func() { _ = o.Run(ctx) }()
	waitDrained(t, o)

	if got := l.written(); len(got) != 3 || got[0] != "ev-1" || got[1] != "ev-2" || got[2] != "ev-3" {
		t.Fatalf("ledger writes = %v, want ev-1, ev-2, ev-3 once each in order", got)
	}
	st, ok, err := o.Status("ev-2")
	if err != nil || !ok || st.State != StateCommitted || st.TxID != "tx-ev-2" {
		t.Fatalf("Status(ev-2) = %+v, %v, %v; want committed as tx-ev-2", st, ok, err)
	}
}

func TestARejectedItemEndsRejectedAndDoesNotBlockTheNext(t *testing.T) {
	l := &ledgerDouble{reject: map[string]bool{"bad": true}, results: map[string]*ledger.Result{}}
	o := open(t, filepath.Join(t.TempDir(), "outbox.db"), l)
	defer o.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() { _ = o.Run(ctx) }()
	for _, id := range []string{"bad", "good"} {
		if _, err := o.Enqueue(Item{ID: id}); err != nil {
			t.Fatal(err)
		}
	}
	waitDrained(t, o)
	bad, _, _ := o.Status("bad")
	good, _, _ := o.Status("good")
	if bad.State != StateRejected || bad.Error != "FORBIDDEN: not the owner" || good.State != StateCommitted {
		t.Fatalf("statuses = %+v / %+v; want bad rejected with the chaincode's message, good committed", bad, good)
	}
}

func TestTheSameIDIsAcceptedOnlyOnce(t *testing.T) {
	l := &ledgerDouble{down: true, results: map[string]*ledger.Result{}}
	o := open(t, filepath.Join(t.TempDir(), "outbox.db"), l)
	defer o.Close()
	if _, err := o.Enqueue(Item{ID: "ev-1"}); err != nil {
		t.Fatal(err)
	}
	if _, err := o.Enqueue(Item{ID: "ev-1"}); !errors.Is(err, ErrDuplicate) {
		t.Fatalf("second Enqueue = %v, want ErrDuplicate", err)
	}
	if _, err := o.Enqueue(Item{}); err == nil {
		t.Fatal("Enqueue without an ID was accepted")
	}
	if _, ok, _ := o.Status("nope"); ok {
		t.Fatal("Status of an unknown ID was found")
	}
}

func TestAFullOutboxRefusesMore(t *testing.T) {
	l := &ledgerDouble{down: true, results: map[string]*ledger.Result{}}
	o, err := Open(filepath.Join(t.TempDir(), "outbox.db"), l.submit, Options{MaxPending: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer o.Close()
	for _, id := range []string{"a", "b"} {
		if _, err := o.Enqueue(Item{ID: id}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := o.Enqueue(Item{ID: "c"}); !errors.Is(err, ErrFull) {
		t.Fatalf("a third write = %v, want ErrFull", err)
	}
}

func TestAWriteThatWaitedTooLongEndsRejectedAndTheNextGoesThrough(t *testing.T) {
	l := &ledgerDouble{results: map[string]*ledger.Result{}, reject: map[string]bool{}}
	var mu sync.Mutex
	stuck := true
	o, err := Open(filepath.Join(t.TempDir(), "outbox.db"), func(ctx context.Context, it Item) (*ledger.Result, error) {
		mu.Lock()
		defer mu.Unlock()
		if it.ID == "old" && stuck {
			return nil, errDown // the network keeps failing this one write
		}
		return l.submit(ctx, it)
	}, Options{Unavailable: func(err error) bool { return errors.Is(err, errDown) }, Backoff: time.Millisecond, MaxWait: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = o.Close() }()
	accepted := time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)
	clock := accepted
	o.now = func() time.Time { mu.Lock(); defer mu.Unlock(); return clock }
	for _, id := range []string{"old", "next"} {
		if _, err := o.Enqueue(Item{ID: id, Caller: "a", Function: "unit:Ship"}); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() { _ = o.Run(ctx) }()
	time.Sleep(50 * time.Millisecond)
	if n, _ := o.Pending(); n != 2 || len(l.written()) != 0 {
		t.Fatalf("within MaxWait: %d pending, %v written; want both waiting behind the first", n, l.written())
	}
	mu.Lock()
	clock = accepted.Add(time.Hour + time.Second)
	mu.Unlock()
	waitDrained(t, o)
	st, _, _ := o.Status("old")
	if st.State != StateRejected || !strings.Contains(st.Error, "not submitted within 1h0m0s") || !strings.Contains(st.Error, errDown.Error()) {
		t.Fatalf("the stuck write ends %+v, want rejected saying it waited too long and why", st)
	}
	if st, _, _ := o.Status("next"); st.State != StateCommitted {
		t.Fatalf("the next write: %+v, want committed", st)
	}
}

func TestTheBacklogSaysHowManyWaitAndSinceWhen(t *testing.T) {
	o := open(t, filepath.Join(t.TempDir(), "outbox.db"), &ledgerDouble{})
	defer o.Close()
	if n, oldest, err := o.Backlog(); err != nil || n != 0 || !oldest.IsZero() {
		t.Fatalf("empty outbox: %d, %v, %v", n, oldest, err)
	}
	first := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	for i, at := range []time.Time{first, first.Add(time.Minute)} {
		if _, err := o.Enqueue(Item{ID: fmt.Sprint("b", i), Caller: "c", Function: "f", Accepted: at}); err != nil {
			t.Fatal(err)
		}
	}
	if n, oldest, err := o.Backlog(); err != nil || n != 2 || !oldest.Equal(first) {
		t.Fatalf("backlog %d since %v (%v), want 2 since %v", n, oldest, err, first)
	}
}
