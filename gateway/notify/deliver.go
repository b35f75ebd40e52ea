package notify

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"github.com/udiledger/udiledger/gateway/internal/webhook"
)

// dueBatch bounds the deliveries one pass of the queue reads.
const dueBatch = 50

// deliver posts the due notifications, one at a time, until ctx ends; it waits for the next
// retry, a new notification, or the sweep interval.
func (n *Notifier) deliver(ctx context.Context) {
	for ctx.Err() == nil {
		now := n.o.Clock.Now()
		due, next, err := n.o.Store.Due(now, dueBatch)
		if err != nil {
			if errors.Is(err, ErrClosed) {
				return
			}
			n.o.Logger.Warn("notify: read the queue", "err", err)
		}
		for i := range due {
			if ctx.Err() != nil {
				return
			}
			n.attempt(ctx, &due[i])
		}
		if len(due) == dueBatch {
			continue
		}
		wait := n.o.Interval
		if !next.IsZero() && next.Sub(now) < wait {
			wait = next.Sub(now)
		}
		select {
		case <-ctx.Done():
			return
		case <-n.wake:
		case <-n.o.Clock.After(wait):
		}
	}
}

// attempt posts d once and keeps what became of it: delivered on a 2xx, failed at once on a
// 4xx other than 408 and 429 or after MaxAttempts, otherwise retried after a back-off.
func (n *Notifier) attempt(ctx context.Context, d *Delivery) {
	w, err := n.o.Store.Webhook(d.Org)
	var status int
	if err == nil {
		body, merr := json.Marshal(Message{ID: d.ID, Kind: d.Kind, Time: d.Created, Org: d.Org, Subject: d.Subject, Data: d.Data})
		if merr != nil {
			return
		}
		status, err = webhook.Post(ctx, n.o.HTTPClient, w.URL, body, w.Secret, http.Header{
			IdempotencyHeader: {d.ID}, http.CanonicalHeaderKey(KindHeader): {d.Kind}})
		if err != nil && ctx.Err() != nil {
			return // stopping: the attempt is made again after a restart
		}
	}
	now := n.o.Clock.Now().UTC()
	d.Attempts++
	d.LastTry = now
	switch {
	case err == nil:
		d.State, d.Done, d.LastError, d.NextTry = Delivered, now, "", time.Time{}
	case errors.Is(err, ErrNotFound):
		d.State, d.Done, d.LastError, d.NextTry = Failed, now, "the organisation has no webhook", time.Time{}
	default:
		d.LastError = err.Error()
		permanent := status >= 400 && status < 500 && status != http.StatusRequestTimeout && status != http.StatusTooManyRequests
		if permanent || d.Attempts >= n.o.MaxAttempts {
			d.State, d.Done, d.NextTry = Failed, now, time.Time{}
		} else {
			d.NextTry = now.Add(webhook.Backoff(d.Attempts, n.o.RetryBase, n.o.RetryMax))
		}
	}
	if err := n.o.Store.Save(d); err != nil && !errors.Is(err, ErrClosed) {
		n.o.Logger.Warn("notify: save a delivery", "id", d.ID, "err", err)
	}
	if d.State == Failed {
		n.o.Logger.Warn("notify: delivery failed", "id", d.ID, "org", d.Org, "kind", d.Kind, "attempts", d.Attempts, "err", d.LastError)
	}
}
