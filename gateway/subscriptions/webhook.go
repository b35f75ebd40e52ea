package subscriptions

import (
	"context"
	"net/http"
	"time"

	"github.com/udiledger/udiledger/gateway/internal/webhook"
)

// SignatureHeader carries the signature of a webhook report, as the REST binding names it:
// "sha256=" and the hex HMAC-SHA256 of the body under the subscription's signatureToken.
const SignatureHeader = webhook.SignatureHeader

// Sign is the SignatureHeader value of body under token.
func Sign(body []byte, token string) string { return webhook.Sign(body, token) }

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

// backoff is the pause after the n-th failed attempt (webhook.Backoff).
func (m *Manager) backoff(n int) time.Duration {
	return webhook.Backoff(n, m.o.RetryBase, m.o.RetryMax)
}

func (m *Manager) send(ctx context.Context, s *Subscription, doc []byte) (int, string) {
	status, err := webhook.Post(ctx, m.o.HTTPClient, s.Dest, doc, s.SignatureToken, http.Header{"Gs1-Epcis-Version": {"2.0.0"}})
	if err != nil {
		return status, err.Error()
	}
	return status, ""
}
