// Package notify delivers notifications to the organisations a gateway serves: each
// registers one webhook, and is told when a recall it holds stock of starts or is amended,
// reminded while it has not acknowledged past the recall's deadline, warned before its
// licences expire, and told of the cases it owns (or, a regulator, of every case) when they
// open and when they go overdue. A notifier follows the ledger's chaincode events from a
// persisted block cursor, sweeps the ledger periodically, and posts each notification, signed
// like the EPCIS subscriptions' reports (GS1-Signature), retried with back-off, from a
// durable queue (bbolt): a restart continues where it stopped.
package notify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/netip"
	"net/url"
	"sync"
	"time"

	"github.com/udiledger/udiledger/gateway/internal/webhook"
	"github.com/udiledger/udiledger/gateway/ledger"
)

// Kinds of notification.
const (
	KindRecallStarted   = "recall.started"
	KindRecallAmended   = "recall.amended"
	KindRecallReminder  = "recall.reminder"
	KindLicenceExpiring = "licence.expiring"
	KindLicenceExpired  = "licence.expired"
	KindCaseOpened      = "case.opened"
	KindCaseOverdue     = "case.overdue"
)

// Headers of a notification's POST besides GS1-Signature.
const (
	// IdempotencyHeader carries the delivery ID: every attempt of a notification carries the
	// same, so a receiver keeps one.
	IdempotencyHeader = "Idempotency-Key"
	// KindHeader carries the notification's kind.
	KindHeader = "UDI-Notification-Kind"
)

// SignatureHeader carries "sha256=" and the hex HMAC-SHA256 of the body under the webhook's
// secret (as an EPCIS subscription's report).
const SignatureHeader = webhook.SignatureHeader

// MinSecretLength is the shortest webhook secret accepted.
const MinSecretLength = 16

// Defaults of Options.
const (
	DefaultInterval    = 15 * time.Minute
	DefaultMaxAttempts = 8
	DefaultRetryBase   = 30 * time.Second
	DefaultRetryMax    = time.Hour
	// ReminderEvery is how often an organisation is reminded of one recall.
	ReminderEvery = 24 * time.Hour
)

// LicenceWarnings are the days before a licence's end at which its holder is warned.
var LicenceWarnings = []int{30, 7, 1}

// Message is the body of a notification's POST.
type Message struct {
	ID      string          `json:"id"`
	Kind    string          `json:"kind"`
	Time    time.Time       `json:"time"`
	Org     string          `json:"org"`
	Subject string          `json:"subject"`
	Data    json.RawMessage `json:"data"`
}

// Options configure a Notifier; zero values take the defaults.
type Options struct {
	Store *Store
	// Ledger streams the chaincode events the notifier follows.
	Ledger ledger.Client
	// Reader runs the notifier's reads (the gateway's ledger.Caller).
	Reader ledger.Invoker
	// Identity finds the identity a webhook was registered by (auth.Keyring.Identity); the
	// notifier reads the ledger as it.
	Identity func(name string) *ledger.Identity
	// Clock runs the sweeps and the retries; nil is the real clock.
	Clock webhook.Clock
	// Interval is the pause between sweeps (reminders, licences, cases).
	Interval time.Duration
	// MaxAttempts bounds the posts of one notification; then it fails.
	MaxAttempts int
	// RetryBase is the pause after a first failed post, doubled after each (with jitter) up
	// to RetryMax.
	RetryBase, RetryMax time.Duration
	// AllowPrivate lets webhooks reach private addresses, over plain http too; loopback is
	// always allowed.
	AllowPrivate bool
	// HTTPClient posts the notifications; nil is a client that dials only where allowed and
	// follows no redirect.
	HTTPClient *http.Client
	Logger     *slog.Logger
}

// Notifier follows the ledger, sweeps it and delivers the notifications.
type Notifier struct {
	o    Options
	wake chan struct{}
	// heightless is set when the ledger cannot say its height: the first run reads from
	// block 0 and what happened before Since is not news.
	heightless bool
	since      time.Time
	sweepMu    sync.Mutex
}

// New returns a notifier; Run starts it.
func New(o Options) *Notifier {
	if o.Clock == nil {
		o.Clock = webhook.RealClock{}
	}
	if o.Interval <= 0 {
		o.Interval = DefaultInterval
	}
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = DefaultMaxAttempts
	}
	if o.RetryBase <= 0 {
		o.RetryBase = DefaultRetryBase
	}
	if o.RetryMax <= 0 {
		o.RetryMax = DefaultRetryMax
	}
	if o.HTTPClient == nil {
		allowed := func(a netip.Addr) bool { return a.IsLoopback() || webhook.PublicAddr(a) }
		if o.AllowPrivate {
			allowed = nil
		}
		o.HTTPClient = webhook.Client(allowed, 30*time.Second)
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Identity == nil {
		o.Identity = func(string) *ledger.Identity { return nil }
	}
	return &Notifier{o: o, wake: make(chan struct{}, 1)}
}

// Store is the notifier's store.
func (n *Notifier) Store() *Store { return n.o.Store }

// Run follows the ledger, sweeps and delivers until ctx ends or the store closes.
func (n *Notifier) Run(ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		select {
		case <-n.o.Store.Done():
			cancel()
		case <-ctx.Done():
		}
	}()
	since, err := n.o.Store.Since(n.o.Clock.Now())
	if err != nil {
		return err
	}
	n.since = since
	_, known := n.o.Ledger.(heighter)
	n.heightless = !known
	var wg sync.WaitGroup
	for _, run := range []func(context.Context){n.follow, n.sweeps, n.deliver} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			run(ctx)
		}()
	}
	wg.Wait()
	return nil
}

// ErrInvalid refuses a webhook.
var ErrInvalid = errors.New("notify: webhook refused")

// Register checks and keeps org's webhook, registered by the identity named identity, in
// place of any other.
func (n *Notifier) Register(ctx context.Context, org, identity, dest, secret string) (*Webhook, error) {
	if len(secret) < MinSecretLength {
		return nil, fmt.Errorf("%w: the secret must have at least %d characters", ErrInvalid, MinSecretLength)
	}
	if err := n.checkURL(ctx, dest); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	now := n.o.Clock.Now().UTC()
	w := &Webhook{Org: org, Identity: identity, URL: dest, Secret: secret, Created: now, Updated: now}
	if prev, err := n.o.Store.Webhook(org); err == nil {
		w.Created = prev.Created
	}
	if err := n.o.Store.PutWebhook(w); err != nil {
		return nil, err
	}
	return w, nil
}

// checkURL accepts https to a public address, http or https to loopback, and, with
// AllowPrivate, any http or https destination.
func (n *Notifier) checkURL(ctx context.Context, raw string) error {
	u, err := url.Parse(raw)
	if err == nil && u.User == nil && (u.Scheme == "http" || u.Scheme == "https") && loopback(u.Hostname()) {
		return nil
	}
	return webhook.CheckDest(ctx, raw, n.o.AllowPrivate)
}

func loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	a, err := netip.ParseAddr(host)
	return err == nil && a.Unmap().IsLoopback()
}

// enqueue keeps a notification unless key was notified less than every ago (every 0: ever),
// and wakes the deliveries.
func (n *Notifier) enqueue(org, kind, subject string, data any, key string, every time.Duration) error {
	b, err := json.Marshal(data)
	if err != nil {
		return err
	}
	kept, err := n.o.Store.Enqueue(&Delivery{Org: org, Kind: kind, Subject: subject, Data: b}, key, every, n.o.Clock.Now())
	if err != nil || !kept {
		return err
	}
	n.o.Logger.Info("notify: queued", "org", org, "kind", kind, "subject", subject)
	select {
	case n.wake <- struct{}{}:
	default:
	}
	return nil
}
