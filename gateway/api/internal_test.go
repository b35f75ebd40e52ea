package api

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/udiledger/udiledger/gateway/ledger"
)

// logBuffer is a log the test reads: the gateway's slog lines, as JSON.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// line returns the first log line holding every one of parts, or "".
func (b *logBuffer) line(parts ...string) string {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, l := range strings.Split(b.buf.String(), "\n") {
		found := true
		for _, p := range parts {
			found = found && strings.Contains(l, p)
		}
		if found {
			return l
		}
	}
	return ""
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// panicking is a ledger whose reads panic.
type panicking struct{ ledger.Client }

func (panicking) Evaluate(context.Context, ledger.Proposal) ([]byte, error) {
	panic("index 7 out of range in the peer's answer")
}

func TestInternalErrorsAreLoggedNotAnswered(t *testing.T) {
	cause := "open /var/lib/udi/secret.db: disk on fire"
	tests := []struct {
		name    string
		ledger  func(ledger.Client) ledger.Client
		wantLog []string // what the line of the request's ID must hold
	}{
		{name: "a plain error of the ledger client", ledger: func(c ledger.Client) ledger.Client { return failing{Client: c, err: errors.New(cause)} },
			wantLog: []string{`"status":500`, cause}},
		{name: "a chaincode error without a code", ledger: func(c ledger.Client) ledger.Client {
			return failing{Client: c, err: &ledger.ChaincodeError{Message: cause}}
		}, wantLog: []string{`"status":500`, cause}},
		{name: "a panic, with its stack", ledger: func(c ledger.Client) ledger.Client { return panicking{c} },
			wantLog: []string{"handler panic", "index 7 out of range", "panicking.Evaluate"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var log logBuffer
			w := newWorld(t, worldOptions{tweak: func(o *Options) {
				o.Ledger = tt.ledger(o.Ledger)
				o.Logger = slog.New(slog.NewJSONHandler(&log, nil))
			}})
			r := w.call(hsp, "GET", "/v1/products/"+deviceDI, nil)
			p := problemOf(t, r)
			id := r.header.Get(requestIDHeader)
			if r.status != 500 || p.RequestID != id || id == "" {
				t.Fatalf("answer %s (X-Request-ID %q), want a 500 carrying its request ID", r, id)
			}
			if strings.Contains(string(r.body), "disk on fire") || strings.Contains(string(r.body), "out of range") {
				t.Fatalf("the answer reveals the cause: %s", r.body)
			}
			if l := log.line(append([]string{`"` + id + `"`}, tt.wantLog...)...); l == "" {
				t.Fatalf("no log line of request %s holds %q:\n%s", id, tt.wantLog, log.String())
			}
		})
	}
	t.Run("a scan's internal failure is answered generically and logged", func(t *testing.T) {
		var log logBuffer
		w := newWorld(t, worldOptions{tweak: func(o *Options) {
			o.Ledger = failing{Client: o.Ledger, err: errors.New(cause)}
			o.Logger = slog.New(slog.NewJSONHandler(&log, nil))
		}})
		var out ScanBatchResult
		r := w.must(200, &out, dst, "POST", "/v1/scans", map[string]any{"scans": []map[string]any{{"code": deviceCode(1), "action": "verify"}}})
		id := r.header.Get(requestIDHeader)
		if p := out.Results[0].Problem; p == nil || p.Status != 500 || p.RequestID != id || strings.Contains(p.Detail, "disk") {
			t.Fatalf("scan result %+v, want a generic 500 carrying request ID %s", out.Results[0], id)
		}
		if log.line(`"`+id+`"`, cause) == "" {
			t.Fatalf("the log lacks the cause under %s:\n%s", id, log.String())
		}
	})
}
