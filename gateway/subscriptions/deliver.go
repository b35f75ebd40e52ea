package subscriptions

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/udiledger/udiledger/gateway/epcis"
)

// Source reads the events a report holds.
type Source interface {
	// Events returns the events by may see that match query and were recorded after after,
	// oldest first, at most limit, each as its EPCIS JSON-LD object (with recordTime), and
	// the record time up to which it has looked (the last event read, matching or not).
	Events(ctx context.Context, by Owner, query url.Values, after time.Time, limit int) ([]json.RawMessage, time.Time, error)
}

// Owner is who a query or subscription belongs to: the organisation (MSP ID) and the
// identity (ledger.Identity.Name) whose reads make its reports.
type Owner struct {
	Org, Identity string
}

// SignatureHeader carries the signature of a webhook report, as the REST binding names it:
// "sha256=" and the hex HMAC-SHA256 of the body under the subscription's signatureToken.
const SignatureHeader = "GS1-Signature"

// Sign is the SignatureHeader value of body under token.
func Sign(body []byte, token string) string {
	mac := hmac.New(sha256.New, []byte(token))
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

// Defaults of Options.
const (
	DefaultMaxPerOrg      = 100
	DefaultMaxAttempts    = 6
	DefaultRetryBase      = 2 * time.Second
	DefaultRetryMax       = 5 * time.Minute
	DefaultBatchSize      = 100
	DefaultPollInterval   = time.Minute
	DefaultMaxDeadLetters = 20
)

// Options configure a Manager; zero values take the defaults.
type Options struct {
	Store  *Store
	Source Source
	// Clock runs the schedules; nil is the real clock.
	Clock Clock
	// AllowPrivate lets webhooks reach loopback and private addresses, over plain http too
	// (tests, closed networks).
	AllowPrivate bool
	// MaxPerOrg bounds the named queries of one organisation, and its subscriptions.
	MaxPerOrg int
	// MaxAttempts bounds the posts of one report; then it is dead-lettered.
	MaxAttempts int
	// RetryBase is the pause after the first failed post, doubled after each (with jitter)
	// up to RetryMax.
	RetryBase, RetryMax time.Duration
	// BatchSize bounds the events of one report.
	BatchSize int
	// PollInterval is how often a stream subscription looks for events without a Notify.
	PollInterval time.Duration
	// MaxDeadLetters is how many dead letters a subscription keeps (the latest).
	MaxDeadLetters int
	// HTTPClient posts the reports; nil is a client that enforces AllowPrivate on every
	// connection and follows no redirect.
	HTTPClient *http.Client
	Logger     *slog.Logger
}

// Manager runs the deliveries of a store's subscriptions.
type Manager struct {
	o Options

	mu      sync.Mutex
	ctx     context.Context // Run's; nil before
	workers map[string]context.CancelFunc
	wakes   map[chan struct{}]bool
	wg      sync.WaitGroup
}

// NewManager returns a manager; Run starts its deliveries.
func NewManager(o Options) *Manager {
	def := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	defDur := func(v *time.Duration, d time.Duration) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&o.MaxPerOrg, DefaultMaxPerOrg)
	def(&o.MaxAttempts, DefaultMaxAttempts)
	def(&o.BatchSize, DefaultBatchSize)
	def(&o.MaxDeadLetters, DefaultMaxDeadLetters)
	defDur(&o.RetryBase, DefaultRetryBase)
	defDur(&o.RetryMax, DefaultRetryMax)
	defDur(&o.PollInterval, DefaultPollInterval)
	if o.Clock == nil {
		o.Clock = realClock{}
	}
	if o.HTTPClient == nil {
		o.HTTPClient = webhookClient(o.AllowPrivate, 30*time.Second)
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return &Manager{o: o, workers: map[string]context.CancelFunc{}, wakes: map[chan struct{}]bool{}}
}

// Store is the manager's store.
func (m *Manager) Store() *Store { return m.o.Store }

// Now is the time on the manager's clock.
func (m *Manager) Now() time.Time { return m.o.Clock.Now() }

// Run delivers every stored subscription, and those made later, until ctx ends or the store
// closes; it returns once its deliveries have stopped.
func (m *Manager) Run(ctx context.Context) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		select {
		case <-m.o.Store.Done():
			cancel()
		case <-ctx.Done():
		}
	}()
	m.mu.Lock()
	m.ctx = ctx
	m.mu.Unlock()
	subs, err := m.o.Store.Subscriptions(nil)
	if err != nil {
		m.o.Logger.Error("subscriptions: list", "err", err)
	}
	for _, s := range subs {
		m.start(s.ID)
	}
	<-ctx.Done()
	m.wg.Wait()
}

// Notify tells the stream subscriptions that new events may have been recorded.
func (m *Manager) Notify() {
	m.mu.Lock()
	defer m.mu.Unlock()
	for w := range m.wakes {
		select {
		case w <- struct{}{}:
		default:
		}
	}
}

func (m *Manager) listen() chan struct{} {
	w := make(chan struct{}, 1)
	m.mu.Lock()
	m.wakes[w] = true
	m.mu.Unlock()
	return w
}

func (m *Manager) unlisten(w chan struct{}) {
	m.mu.Lock()
	delete(m.wakes, w)
	m.mu.Unlock()
}

func (m *Manager) start(id string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.ctx == nil || m.ctx.Err() != nil || m.workers[id] != nil {
		return
	}
	ctx, cancel := context.WithCancel(m.ctx)
	m.workers[id] = cancel
	m.wg.Add(1)
	go func() {
		defer m.wg.Done()
		m.deliver(ctx, id)
	}()
}

func (m *Manager) stop(ids ...string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, id := range ids {
		if cancel := m.workers[id]; cancel != nil {
			cancel()
			delete(m.workers, id)
		}
	}
}

// CreateQuery keeps a new named query, within the bound per organisation.
func (m *Manager) CreateQuery(q *Query) error { return m.o.Store.CreateQuery(q, m.o.MaxPerOrg) }

// Subscribe checks and keeps a new webhook subscription, and starts its deliveries.
func (m *Manager) Subscribe(ctx context.Context, s *Subscription) error {
	if err := CheckDest(ctx, s.Dest, m.o.AllowPrivate); err != nil {
		return err
	}
	if err := s.Spec.Check(m.o.Clock.Now()); err != nil {
		return err
	}
	if s.Cursor.IsZero() {
		s.Cursor = s.InitialRecordTime
	}
	if err := m.o.Store.AddSubscription(s, m.o.MaxPerOrg); err != nil {
		return err
	}
	m.start(s.ID)
	return nil
}

// Unsubscribe removes a subscription of org's query name and stops its deliveries.
func (m *Manager) Unsubscribe(org, name, id string) error {
	s, err := m.o.Store.Subscription(id)
	if err != nil {
		return err
	}
	if s.Org != org || s.Query != name {
		return ErrNotFound
	}
	m.stop(id)
	return m.o.Store.DeleteSubscription(id)
}

// DeleteQuery removes a named query of org with its subscriptions.
func (m *Manager) DeleteQuery(org, name string) error {
	ids, err := m.o.Store.DeleteQuery(org, name)
	m.stop(ids...)
	return err
}

// errStop ends a feed.
var errStop = errors.New("subscriptions: feed stopped")

// feed is one subscription's reports: a webhook's or a WebSocket's.
type feed struct {
	by     Owner
	query  string // the named query
	subID  string // "" over a WebSocket
	spec   Spec
	cursor time.Time
	// send hands over one report whose events run up to next; an error ends the feed.
	send func(ctx context.Context, doc []byte, events int, next time.Time) error
	// skip moves the cursor past events read that did not match (nil: kept in memory only).
	skip func(next time.Time) error
}

// follow runs f until ctx ends or f.send fails: at once and on each wake for a stream, at
// each time the schedule matches otherwise.
func (m *Manager) follow(ctx context.Context, f *feed) {
	var wake chan struct{}
	if f.spec.Stream {
		wake = m.listen()
		defer m.unlisten(wake)
	}
	for {
		if f.spec.Stream {
			if m.drain(ctx, f, false) != nil {
				return
			}
			select {
			case <-ctx.Done():
				return
			case <-wake:
			case <-time.After(m.o.PollInterval):
			}
			continue
		}
		now := m.o.Clock.Now()
		next := f.spec.Schedule.Next(now)
		if next.IsZero() {
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-m.o.Clock.After(next.Sub(now)):
		}
		if m.drain(ctx, f, f.spec.ReportIfEmpty) != nil {
			return
		}
	}
}

// drain sends the events recorded after f.cursor, in reports of at most BatchSize; an
// empty report too when reportIfEmpty and there is nothing new. It reads until a read
// neither finds events nor moves the cursor (a read stops after a bounded scan).
func (m *Manager) drain(ctx context.Context, f *feed, reportIfEmpty bool) error {
	q, err := m.o.Store.Query(f.by.Org, f.query)
	if errors.Is(err, ErrNotFound) || errors.Is(err, ErrClosed) {
		return errStop
	}
	if err != nil {
		m.o.Logger.Warn("subscriptions: read query", "query", f.query, "err", err)
		return nil
	}
	for first := true; ; first = false {
		events, next, err := m.batch(ctx, f.by, q, f.cursor)
		if err != nil {
			if ctx.Err() != nil {
				return errStop
			}
			m.o.Logger.Warn("subscriptions: read events", "query", f.query, "subscription", f.subID, "err", err)
			return nil
		}
		if len(events) == 0 && !(first && reportIfEmpty) {
			if !next.After(f.cursor) {
				return nil
			}
			if f.skip != nil {
				if err := f.skip(next); err != nil {
					return err
				}
			}
			f.cursor = next
			continue
		}
		doc, err := m.document(q.Name, f.subID, events)
		if err != nil {
			return err
		}
		if err := f.send(ctx, doc, len(events), next); err != nil {
			return err
		}
		if !next.After(f.cursor) { // nothing moved: read again at the next wake or tick
			return nil
		}
		f.cursor = next
	}
}

// batch reads the next report's events after cursor and the cursor after them. A full batch
// keeps back its trailing events of the last one's record time (unless all share it), so
// that the next batch, recorded after the cursor, takes them all.
func (m *Manager) batch(ctx context.Context, by Owner, q *Query, cursor time.Time) ([]json.RawMessage, time.Time, error) {
	events, last, err := m.o.Source.Events(ctx, by, q.Values(), cursor, m.o.BatchSize)
	if err != nil {
		return nil, cursor, err
	}
	if len(events) < m.o.BatchSize {
		if last.After(cursor) {
			cursor = last
		}
		return events, cursor, nil
	}
	times := make([]time.Time, len(events))
	for i, e := range events {
		times[i] = recordTime(e)
	}
	k := len(events)
	for k > 0 && times[k-1].Equal(times[len(events)-1]) {
		k--
	}
	if k > 0 {
		events = events[:k]
	}
	if t := times[len(events)-1]; t.After(cursor) {
		cursor = t
	} else if last.After(cursor) {
		cursor = last
	}
	return events, cursor, nil
}

func recordTime(event json.RawMessage) time.Time {
	var e struct {
		RecordTime time.Time `json:"recordTime"`
	}
	_ = json.Unmarshal(event, &e)
	return e.RecordTime
}

// queryDocument is the EPCISQueryDocument of a report.
type queryDocument struct {
	Context       []any  `json:"@context"`
	Type          string `json:"type"`
	SchemaVersion string `json:"schemaVersion"`
	CreationDate  string `json:"creationDate"`
	EPCISBody     struct {
		QueryResults struct {
			QueryName      string `json:"queryName"`
			SubscriptionID string `json:"subscriptionID,omitempty"`
			ResultsBody    struct {
				EventList []json.RawMessage `json:"eventList"`
			} `json:"resultsBody"`
		} `json:"queryResults"`
	} `json:"epcisBody"`
}

func (m *Manager) document(query, subID string, events []json.RawMessage) ([]byte, error) {
	d := queryDocument{Context: epcis.Context(), Type: "EPCISQueryDocument", SchemaVersion: "2.0",
		CreationDate: m.o.Clock.Now().UTC().Format(time.RFC3339Nano)}
	d.EPCISBody.QueryResults.QueryName, d.EPCISBody.QueryResults.SubscriptionID = query, subID
	d.EPCISBody.QueryResults.ResultsBody.EventList = events
	if events == nil {
		d.EPCISBody.QueryResults.ResultsBody.EventList = []json.RawMessage{}
	}
	return json.Marshal(d)
}

// deliver runs a webhook subscription until ctx ends or the subscription goes.
func (m *Manager) deliver(ctx context.Context, id string) {
	s, err := m.o.Store.Subscription(id)
	if err != nil {
		return
	}
	f := &feed{by: Owner{Org: s.Org, Identity: s.Identity}, query: s.Query, subID: s.ID, spec: s.Spec, cursor: s.Cursor}
	f.send = func(ctx context.Context, doc []byte, events int, next time.Time) error {
		d, ok := m.post(ctx, s, doc, events)
		if !ok && ctx.Err() != nil {
			return errStop // stopping: the window is sent again after a restart
		}
		var letter *DeadLetter
		if !ok {
			letter = &DeadLetter{Delivery: d, After: f.cursor, Through: next, Document: doc}
		}
		err := m.o.Store.updateWith(id, func(s *Subscription) {
			s.Cursor, s.LastDelivery = next, &d
			s.Failures += d.Attempts
			if ok {
				s.Failures--
				s.Delivered++
				s.LastNotified = d.At
			} else {
				s.DeadLettered++
			}
		}, letter, m.o.MaxDeadLetters)
		if err != nil {
			return errStop // deleted, or the store closed
		}
		if !ok {
			m.o.Logger.Warn("subscriptions: report dead-lettered", "subscription", id, "events", events, "err", d.Error)
		}
		return nil
	}
	f.skip = func(next time.Time) error {
		if err := m.o.Store.update(id, func(s *Subscription) { s.Cursor = next }); err != nil {
			return errStop
		}
		return nil
	}
	m.follow(ctx, f)
}

// post sends a report to s.Dest, retrying with exponential back-off and jitter up to
// MaxAttempts times; ok when the destination took it (2xx).
func (m *Manager) post(ctx context.Context, s *Subscription, doc []byte, events int) (Delivery, bool) {
	d := Delivery{Events: events}
	for d.Attempts < m.o.MaxAttempts {
		d.Attempts++
		d.Status, d.Error = m.send(ctx, s, doc)
		d.At = m.o.Clock.Now().UTC()
		if d.Error == "" {
			return d, true
		}
		if d.Attempts == m.o.MaxAttempts {
			break
		}
		select {
		case <-ctx.Done():
			return d, false
		case <-time.After(m.backoff(d.Attempts)):
		}
	}
	return d, false
}

// backoff is the pause after the n-th failed attempt: RetryBase doubled n-1 times, at most
// RetryMax, of which a random half is dropped (jitter: retries of many subscriptions spread).
func (m *Manager) backoff(n int) time.Duration {
	d := m.o.RetryBase
	for i := 1; i < n && d < m.o.RetryMax; i++ {
		d *= 2
	}
	d = min(d, m.o.RetryMax)
	return d/2 + rand.N(d/2+1) // #nosec G404 -- jitter, not a secret
}

func (m *Manager) send(ctx context.Context, s *Subscription, doc []byte) (int, string) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.Dest, bytes.NewReader(doc))
	if err != nil {
		return 0, err.Error()
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("GS1-EPCIS-Version", "2.0.0")
	if s.SignatureToken != "" {
		req.Header.Set(SignatureHeader, Sign(doc, s.SignatureToken))
	}
	res, err := m.o.HTTPClient.Do(req)
	if err != nil {
		return 0, err.Error()
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(res.Body, 64<<10))
	_ = res.Body.Close()
	if res.StatusCode < 200 || res.StatusCode > 299 {
		return res.StatusCode, fmt.Sprintf("the destination answered %d", res.StatusCode)
	}
	return res.StatusCode, ""
}
