package subscriptions

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/udiledger/udiledger/gateway/internal/webhook"
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
		o.Clock = webhook.RealClock{}
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
