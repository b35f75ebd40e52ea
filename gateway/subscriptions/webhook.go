package subscriptions

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"time"
)

// SignatureHeader carries the signature of a webhook report, as the REST binding names it:
// "sha256=" and the hex HMAC-SHA256 of the body under the subscription's signatureToken.
const SignatureHeader = "GS1-Signature"

// Sign is the SignatureHeader value of body under token.
func Sign(body []byte, token string) string {
	mac := hmac.New(sha256.New, []byte(token))
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
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
