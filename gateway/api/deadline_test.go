package api

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/udiledger/udiledger/gateway/ledger"
)

// slow is a ledger whose calls of one function take delay longer.
type slow struct {
	ledger.Client
	function string
	delay    time.Duration
}

func (s slow) wait(ctx context.Context, fn string) {
	if fn == s.function {
		select {
		case <-time.After(s.delay):
		case <-ctx.Done():
		}
	}
}

func (s slow) Evaluate(ctx context.Context, p ledger.Proposal) ([]byte, error) {
	s.wait(ctx, p.Function)
	return s.Client.Evaluate(ctx, p)
}

func (s slow) Submit(ctx context.Context, p ledger.Proposal) (*ledger.Result, error) {
	s.wait(ctx, p.Function)
	return s.Client.Submit(ctx, p)
}

func TestWriteDeadlines(t *testing.T) {
	for _, proto := range []string{"HTTP/1.1", "HTTP/2"} {
		t.Run(proto, func(t *testing.T) { testWriteDeadlines(t, proto == "HTTP/2") })
	}
}

func testWriteDeadlines(t *testing.T, http2 bool) {
	const deadline = 300 * time.Millisecond
	// As gateway/server runs it: the server's write timeout as a backstop, the same deadline
	// per route.
	w := newWorld(t, worldOptions{unchecked: true, http2: http2,
		server: func(s *http.Server) { s.WriteTimeout = deadline },
		tweak: func(o *Options) {
			o.Ledger = slow{Client: slow{Client: o.Ledger, function: "info:Version", delay: 3 * deadline}, function: "unit:Commission", delay: 2 * deadline}
			o.WriteTimeout, o.CaptureWriteTimeout, o.StreamHeartbeat = deadline, 10*deadline, deadline/4
		}})
	w.seed()

	t.Run("an ordinary answer not written within the deadline is cut", func(t *testing.T) {
		req, _ := http.NewRequest("GET", w.srv.URL+"/v1/version", nil)
		req.Header.Set("Authorization", "Bearer "+w.keys[mfr])
		res, err := w.srv.Client().Do(req)
		if err == nil {
			body, _ := io.ReadAll(res.Body)
			_ = res.Body.Close()
			t.Fatalf("a %v answer arrived after the %v deadline: %d %s", 3*deadline, deadline, res.StatusCode, body)
		}
	})
	t.Run("an event stream outlives the deadline", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 20*deadline)
		defer cancel()
		req, _ := http.NewRequestWithContext(ctx, "GET", w.srv.URL+"/v1/events/stream", nil)
		req.Header.Set("Authorization", "Bearer "+w.keys[hsp])
		res, err := w.srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		if res.ProtoMajor != map[bool]int{false: 1, true: 2}[http2] {
			t.Fatalf("the stream is served over %s", res.Proto)
		}
		opened := time.Now()
		buf := make([]byte, 4096)
		for time.Since(opened) < 4*deadline {
			if _, err := res.Body.Read(buf); err != nil {
				t.Fatalf("the stream ended after %v: %v", time.Since(opened).Round(time.Millisecond), err)
			}
		}
		// Still open and still delivering: the new event arrives.
		w.must(201, nil, mfr, "POST", "/v1/lots", map[string]any{"di": deviceDI, "lot": "LATE", "expiry": day(365), "quantity": 10})
		var seen strings.Builder
		for !strings.Contains(seen.String(), deviceDI+"/LATE") {
			n, err := res.Body.Read(buf)
			if err != nil {
				t.Fatalf("the stream ended after %v without the late event: %v", time.Since(opened).Round(time.Millisecond), err)
			}
			seen.Write(buf[:n])
		}
	})
	t.Run("an EPCIS capture has the longer deadline", func(t *testing.T) {
		commission := `{"type":"ObjectEvent","eventID":"urn:uuid:slow-capture","eventTime":"` + time.Now().UTC().Format(time.RFC3339) + `","eventTimeZoneOffset":"+08:00",` +
			`"action":"ADD","bizStep":"commissioning","disposition":"active","epcList":["` + dlURI(9) + `"],` +
			`"bizLocation":{"id":"https://id.gs1.org/414/` + mfrGLN + `"},"ilmd":{"cbvmda:lotNumber":"L1"}}`
		var out CaptureResult
		w.must(200, &out, mfr, "POST", "/epcis/capture", epcisDoc(commission))
		if out.Succeeded != 1 {
			t.Fatalf("capture %+v", out)
		}
	})
}
