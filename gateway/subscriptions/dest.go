package subscriptions

import (
	"context"
	"net/http"
	"time"

	"github.com/udiledger/udiledger/gateway/internal/webhook"
)

// Webhook destinations, signatures and the clock are package webhook's, shared with the
// notifications to organisations (package notify).

// ErrDestination refuses a webhook destination.
var ErrDestination = webhook.ErrDestination

// Clock tells the time schedules run on.
type Clock = webhook.Clock

// ManualClock is a Clock that moves only when told to (for tests of schedules).
type ManualClock = webhook.ManualClock

// NewManualClock returns a clock standing at now.
func NewManualClock(now time.Time) *ManualClock { return webhook.NewManualClock(now) }

// CheckDest checks a webhook destination URL: https to public addresses only, unless
// allowPrivate.
func CheckDest(ctx context.Context, raw string, allowPrivate bool) error {
	return webhook.CheckDest(ctx, raw, allowPrivate)
}

// webhookClient posts reports: no proxy, no redirects, and, unless private destinations
// are allowed, connections only to public addresses.
func webhookClient(allowPrivate bool, timeout time.Duration) *http.Client {
	if allowPrivate {
		return webhook.Client(nil, timeout)
	}
	return webhook.Client(webhook.PublicAddr, timeout)
}
