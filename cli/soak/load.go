package soak

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"

	"github.com/udiledger/udiledger/chaincode/model"
	"github.com/udiledger/udiledger/chaincode/ops"
	"github.com/udiledger/udiledger/cli/demo"
	"github.com/udiledger/udiledger/gateway/httpledger"
	"github.com/udiledger/udiledger/gateway/ledger"
)

// The soak's codes: serial run×1,000,000 + 500,000 + n, for runs 101 to 999. `udi bench`
// uses the same runs below 500,000 and the demo serials below 100,000,000, so a soak never
// scans another's goods, whichever runs they picked.
const (
	minRun       = 101
	maxRun       = 999
	serialOffset = 500000
	maxUnits     = 100000
)

// How long a scanner keeps sending one scan again (same event ID) while the gateway or the
// ledger cannot take it, and follows a write the gateway queued: longer than any fault
// stays down in a soak, so a scan is given up only when something is really wrong.
const (
	retryFor    = 3 * time.Minute
	awaitQueued = 5 * time.Minute
)

// load is the scanners and the book of every event they sent.
type load struct {
	o      Options
	gw     *gateway
	client *httpledger.Client
	a      demo.Actors
	run    int
	lot    string
	units  []string
	made   time.Time // when the lot was registered: the run's events are recorded after

	seq atomic.Int64
	wg  sync.WaitGroup

	mu     sync.Mutex
	events map[string]*scan
	errs   []string // the first errors, to show
}

// scan is one event sent: when, to which unit, and what became of it.
type scan struct {
	unit     int
	sent     time.Time
	answered time.Time
	accepted bool // the gateway answered 2xx (or 202, queued)
	failed   bool // the scanner gave up: the outcome is unknown to it
}

// newLoad registers the master data (once per ledger), a lot of o.Units units and commissions
// them, through the gateway.
func newLoad(ctx context.Context, o Options, gw *gateway) (*load, error) {
	c, err := httpledger.New(gw.url, gw.keys, nil)
	if err != nil {
		return nil, err
	}
	c.RetryFor, c.AwaitQueued = retryFor, awaitQueued
	l := &load{o: o, gw: gw, client: c, a: actors(), events: map[string]*scan{}}
	if err := demo.Prepare(ctx, c, l.a); err != nil {
		return nil, fmt.Errorf("soak: parties and products: %w", err)
	}
	if l.run, err = l.freeRun(ctx); err != nil {
		return nil, err
	}
	l.lot, l.made = fmt.Sprintf("SOAK%03d", l.run), time.Now()
	if _, err := ledger.Do(ctx, c, l.a.Manufacturer, ops.RegisterLot, model.Lot{
		DI: demo.DrugProduct, Lot: l.lot, Expiry: model.DateOf(time.Now().AddDate(2, 0, 0)), Quantity: o.Units}); err != nil {
		return nil, fmt.Errorf("soak: lot %s: %w", l.lot, err)
	}
	l.units = make([]string, o.Units)
	for i := range l.units {
		l.units[i] = demo.DrugCode(l.run*1000000 + serialOffset + i)
	}
	for i := 0; i < len(l.units); i += model.MaxCommission {
		part := l.units[i:min(i+model.MaxCommission, len(l.units))]
		if _, err := ledger.Do(ctx, c, l.a.Manufacturer, ops.Commission, model.CommissionRequest{
			EventHeader: model.EventHeader{EventID: fmt.Sprintf("soak-%03d-commission-%d", l.run, i)},
			DI:          demo.DrugProduct, Lot: l.lot, Codes: part}); err != nil {
			return nil, fmt.Errorf("soak: commission %d codes into %s: %w", len(part), l.lot, err)
		}
	}
	logf(o.Log, "soak: run %d, lot %s of %d units commissioned", l.run, l.lot, len(l.units))
	return l, nil
}

// freeRun is the first run from a clock-chosen start whose lot is not on the ledger.
func (l *load) freeRun(ctx context.Context) (int, error) {
	span := maxRun - minRun + 1
	first := int(time.Now().Unix() % int64(span))
	for i := range span {
		r := minRun + (first+i)%span
		_, err := ledger.Do(ctx, l.client, l.a.Manufacturer, ops.GetLot, model.LotQuery{DI: demo.DrugProduct, Lot: fmt.Sprintf("SOAK%03d", r)})
		switch {
		case ledger.CodeOf(err) == model.CodeNotFound:
			return r, nil
		case err != nil:
			return 0, fmt.Errorf("soak: look for a free run: %w", err)
		}
	}
	return 0, errors.New("soak: every run number from 101 to 999 is taken on this ledger")
}

func (l *load) eventID(n int64) string { return fmt.Sprintf("soak-%03d-%d", l.run, n) }

// start starts the scanners: together they send o.Rate scans a second, each waiting for its
// answer, until ctx ends. A scan under way then is finished, not cut.
func (l *load) start(ctx context.Context) <-chan struct{} {
	lim := rate.NewLimiter(rate.Limit(l.o.Rate), batchSize)
	var turn atomic.Int64
	for range l.o.Clients {
		l.wg.Go(func() {
			for {
				// Every batchEvery-th turn is a station's batch of batchSize scans.
				if turn.Add(1)%batchEvery == 0 {
					if lim.WaitN(ctx, batchSize) != nil {
						return
					}
					l.batchOnce(context.WithoutCancel(ctx))
					continue
				}
				if lim.Wait(ctx) != nil {
					return
				}
				l.scanOnce(context.WithoutCancel(ctx))
			}
		})
	}
	done := make(chan struct{})
	go func() { l.wg.Wait(); close(done) }()
	return done
}

func (l *load) wait(done <-chan struct{}) { <-done }

// newScan books the next scan: its event ID and unit.
func (l *load) newScan() (string, *scan) {
	n := l.seq.Add(1)
	id := l.eventID(n)
	s := &scan{unit: int(n % int64(len(l.units))), sent: time.Now()}
	l.mu.Lock()
	l.events[id] = s
	l.mu.Unlock()
	return id, s
}

// answer records what became of a scan.
func (l *load) answer(id string, s *scan, err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	s.answered = time.Now()
	if err == nil {
		s.accepted = true
		return
	}
	s.failed = true
	if len(l.errs) < 10 {
		l.errs = append(l.errs, fmt.Sprintf("%s: %v", id, err))
	}
}

// scanOnce sends one scan, as its own transaction, through the repository's REST client.
func (l *load) scanOnce(ctx context.Context) {
	id, s := l.newScan()
	_, err := ledger.Run(ctx, l.client, l.a.Manufacturer, ops.Inspect, model.InspectRequest{
		EventHeader: model.EventHeader{EventID: id}, Code: l.units[s.unit]})
	var queued *ledger.QueuedError
	if errors.As(err, &queued) {
		err = nil // the gateway keeps it in its outbox: accepted
	}
	l.answer(id, s, err)
}

// acceptedSentAfter reports whether a scan sent at t or later has been accepted.
func (l *load) acceptedSentAfter(t time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, s := range l.events {
		if s.accepted && !s.sent.Before(t) {
			return true
		}
	}
	return false
}

// acceptances are the times the accepted scans were answered, in order.
func (l *load) acceptances() []time.Time {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []time.Time
	for _, s := range l.events {
		if s.accepted {
			out = append(out, s.answered)
		}
	}
	slices.SortFunc(out, time.Time.Compare)
	return out
}

// failedBetween counts the scans given up that were sent from a to b.
func (l *load) failedBetween(a, b time.Time) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, s := range l.events {
		if s.failed && !s.sent.Before(a) && s.sent.Before(b) {
			n++
		}
	}
	return n
}

// longestGap is the longest time between two answers in accepted (or from a to the first,
// or from the last to b) within a to b.
func longestGap(accepted []time.Time, a, b time.Time) time.Duration {
	prev, gap := a, time.Duration(0)
	for _, t := range accepted {
		if t.Before(a) {
			continue
		}
		if t.After(b) {
			break
		}
		gap, prev = max(gap, t.Sub(prev)), t
	}
	return max(gap, b.Sub(prev))
}

// account lists the manufacturer's events recorded since the run's lot was made, from the
// ledger's time index (each event is indexed in the transaction that records it), and counts
// the run's scans: an event recorded twice would be listed twice.
func (l *load) account(ctx context.Context, r *Report) error {
	onLedger := map[string]int{}
	prefix := fmt.Sprintf("soak-%03d-", l.run)
	q := model.TimeQuery{From: l.made.Add(-time.Minute).UTC().Format(time.RFC3339), To: time.Now().Add(time.Minute).UTC().Format(time.RFC3339),
		PageQuery: model.PageQuery{PageSize: model.MaxPageSize}}
	for {
		page, err := ledger.Do(ctx, l.client, l.a.Manufacturer, ops.EventsByTime, q)
		if err != nil {
			return fmt.Errorf("soak: events since %s: %w", q.From, err)
		}
		for _, e := range page.Value.Events {
			if id := e.EventID; strings.HasPrefix(id, prefix) && !strings.HasPrefix(id, prefix+"commission") {
				onLedger[id]++
			}
		}
		if page.Value.Bookmark == "" || page.Value.Scanned == 0 {
			break
		}
		q.Bookmark = page.Value.Bookmark
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	r.Run, r.Lot = l.run, l.lot
	r.Sent = len(l.events)
	for id, s := range l.events {
		n := onLedger[id]
		switch {
		case s.accepted:
			r.Accepted++
			if n == 0 {
				r.Lost++
				r.LostIDs = append(r.LostIDs, id)
			}
		case s.failed:
			r.Failed++
			if n > 0 {
				r.FailedCommitted++
			}
		}
	}
	for id, n := range onLedger {
		if n > 0 {
			r.Committed++
		}
		if n > 1 {
			r.Duplicated += n - 1
			r.DuplicatedIDs = append(r.DuplicatedIDs, id)
		}
		if _, sent := l.events[id]; !sent {
			r.Unexpected++
		}
	}
	slices.Sort(r.LostIDs)
	slices.Sort(r.DuplicatedIDs)
	r.Errors = slices.Clone(l.errs)
	return nil
}

// stall is the longest time between two accepted scans' answers over the whole soak.
func (l *load) stall() time.Duration {
	acc := l.acceptances()
	if len(acc) == 0 {
		return 0
	}
	return longestGap(acc, acc[0], acc[len(acc)-1])
}
