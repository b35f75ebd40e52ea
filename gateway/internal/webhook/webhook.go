// Package webhook is what the gateway's two webhook senders share (EPCIS query
// subscriptions, package subscriptions, and notifications to organisations, package notify):
// the GS1-Signature HMAC, the check of a destination, an HTTP client that dials only where
// allowed, one POST, the back-off between retries, and a clock tests can move.
package webhook

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

// SignatureHeader carries the signature of a webhook's body, as the EPCIS REST binding names
// it: "sha256=" and the hex HMAC-SHA256 of the body under the receiver's secret.
const SignatureHeader = "GS1-Signature"

// Sign is the SignatureHeader value of body under secret.
func Sign(body []byte, secret string) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

// Verify reports whether signature is body's under secret, in constant time.
func Verify(body []byte, secret, signature string) bool {
	return hmac.Equal([]byte(Sign(body, secret)), []byte(signature))
}

// Post sends body to dest once, as JSON, with header added (and the signature when secret
// is set). It returns the status answered (0 when none) and, unless the answer was 2xx, why
// not.
func Post(ctx context.Context, c *http.Client, dest string, body []byte, secret string, header http.Header) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, dest, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	for k, vs := range header {
		req.Header[k] = vs
	}
	req.Header.Set("Content-Type", "application/json")
	if secret != "" {
		req.Header.Set(SignatureHeader, Sign(body, secret))
	}
	res, err := c.Do(req)
	if err != nil {
		return 0, err
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(res.Body, 64<<10))
	_ = res.Body.Close()
	if res.StatusCode < 200 || res.StatusCode > 299 {
		return res.StatusCode, fmt.Errorf("the destination answered %d", res.StatusCode)
	}
	return res.StatusCode, nil
}

// Backoff is the pause after the n-th failed attempt: base doubled n-1 times, at most max, of
// which a random half is dropped (jitter: the retries of many receivers spread).
func Backoff(n int, base, max time.Duration) time.Duration {
	d := base
	for i := 1; i < n && d < max; i++ {
		d *= 2
	}
	d = min(d, max)
	return d/2 + rand.N(d/2+1) // #nosec G404 -- jitter, not a secret
}
