package api

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/udiledger/udiledger/gateway/ledger"
)

// held is a ledger whose reads of the parties wait, while the gate is shut, until it opens:
// each says it arrived first.
type held struct {
	ledger.Client
	shut    atomic.Bool
	arrived chan struct{}
	open    chan struct{}
}

func newHeld(c ledger.Client) *held {
	return &held{Client: c, arrived: make(chan struct{}, 1000), open: make(chan struct{})}
}

func (h *held) Evaluate(ctx context.Context, p ledger.Proposal) ([]byte, error) {
	if p.Function == "party:List" && h.shut.Load() {
		h.arrived <- struct{}{}
		select {
		case <-h.open:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	return h.Client.Evaluate(ctx, p)
}

// answer is what a request got: its status, Retry-After and problem type.
type answer struct {
	status     int
	retryAfter string
	body       string
	err        error
}

// send sends one request as msp; safe to call from any goroutine.
func (w *world) send(msp, method, path, body string) answer {
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, w.srv.URL+path, rd)
	if err != nil {
		return answer{err: err}
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Authorization", "Bearer "+w.keys[msp])
	res, err := w.srv.Client().Do(req)
	if err != nil {
		return answer{err: err}
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	return answer{status: res.StatusCode, retryAfter: res.Header.Get("Retry-After"), body: string(b), err: err}
}

// admissionNow reads the admission state /readyz shows.
func (w *world) admissionNow() AdmissionState {
	w.t.Helper()
	var r Readiness
	w.must(200, &r, "", "GET", "/readyz", nil)
	for _, p := range r.Parts {
		if p.Admission != nil {
			return *p.Admission
		}
	}
	w.t.Fatalf("/readyz shows no admission: %+v", r)
	return AdmissionState{}
}

// awaitAdmission polls /readyz until the admission state satisfies ok.
func (w *world) awaitAdmission(ok func(AdmissionState) bool) AdmissionState {
	w.t.Helper()
	for give := time.Now().Add(time.Minute); ; time.Sleep(5 * time.Millisecond) {
		st := w.admissionNow()
		if ok(st) {
			return st
		}
		if time.Now().After(give) {
			w.t.Fatalf("admission never got there: %+v", st)
		}
	}
}

func TestAGatewayPastItsCapacityShedsAndRecovers(t *testing.T) {
	const inFlight, queued, flood = 4, 8, 40
	var led *held
	w := newWorld(t, worldOptions{tweak: func(o *Options) {
		led = newHeld(o.Ledger)
		o.Ledger = led
		// A queue wait and a ledger timeout far longer than the test: only a full line sheds.
		o.Admission = Admission{MaxInFlight: inFlight, MaxQueued: queued, MaxQueueWait: time.Hour}
		o.LedgerTimeout = time.Hour
	}})
	w.seed()
	led.shut.Store(true)

	// inFlight reads are held by the ledger, then queued writes wait behind them.
	answers := make(chan answer, inFlight+queued)
	var wg sync.WaitGroup
	for range inFlight {
		wg.Go(func() { answers <- w.send(hsp, "GET", "/v1/parties", "") })
	}
	for range inFlight {
		<-led.arrived
	}
	for i := range queued {
		wg.Go(func() {
			answers <- w.send(mfr, "POST", "/v1/events/commission", fmt.Sprintf(`{"eventId":"queued-%d","di":%q,"lot":"L1","codes":[%q],"location":%q}`,
				i, deviceDI, deviceCode(100+i), mfrGLN))
		})
	}
	w.awaitAdmission(func(s AdmissionState) bool { return s.Queued == queued })

	// Requests past the line are refused 503 overloaded with Retry-After while the ledger still
	// holds the first.
	{
		shed := make(chan answer, flood)
		var fw sync.WaitGroup
		for i := range flood {
			fw.Go(func() {
				if i%2 == 0 {
					shed <- w.send(dst, "GET", "/v1/parties", "")
				} else {
					shed <- w.send(mfr, "POST", "/v1/events/commission", fmt.Sprintf(`{"eventId":"shed-%d","di":%q,"lot":"L1","codes":[%q],"location":%q}`,
						i, deviceDI, deviceCode(500+i), mfrGLN))
				}
			})
		}
		fw.Wait() // the gate is still shut: none of these waited for the ledger
		close(shed)
		for a := range shed {
			if a.err != nil || a.status != http.StatusServiceUnavailable || !strings.Contains(a.body, "/overloaded") {
				t.Fatalf("a request past the line got %d %s (%v), want 503 overloaded", a.status, a.body, a.err)
			}
			if secs, err := strconv.Atoi(a.retryAfter); err != nil || secs < 1 {
				t.Fatalf("Retry-After %q, want whole seconds", a.retryAfter)
			}
		}
		st := w.admissionNow()
		if st.InFlight != inFlight || st.Queued != queued || st.Shed != flood {
			t.Fatalf("admission %+v, want %d in flight, %d queued, %d shed", st, inFlight, queued, flood)
		}
	}

	close(led.open)
	wg.Wait()
	close(answers)
	// Every admitted request is answered by the ledger; no shed write was recorded.
	{
		var reads, writes int
		for a := range answers {
			switch {
			case a.err == nil && a.status == http.StatusOK:
				reads++
			case a.err == nil && a.status == http.StatusCreated:
				writes++
			default:
				t.Errorf("an admitted request got %d %s (%v)", a.status, a.body, a.err)
			}
		}
		if reads != inFlight || writes != queued {
			t.Fatalf("%d reads and %d writes answered, want %d and %d", reads, writes, inFlight, queued)
		}
		for i := range queued {
			w.must(200, nil, mfr, "GET", "/v1/units?code="+url.QueryEscape(deviceCode(100+i)), nil)
		}
		for i := 1; i < flood; i += 2 {
			w.must(404, nil, mfr, "GET", "/v1/units?code="+url.QueryEscape(deviceCode(500+i)), nil)
		}
	}
	// After the burst, requests are served again.
	{
		for range 2 * (inFlight + queued) {
			w.must(200, nil, dst, "GET", "/v1/parties", nil)
		}
		st := w.awaitAdmission(func(s AdmissionState) bool { return s.InFlight == 0 })
		if st.Queued != 0 || st.Shed != flood {
			t.Fatalf("admission %+v after the burst", st)
		}
		metrics := w.must(200, nil, "", "GET", "/metrics", nil)
		if want := `udi_admission_shed_total{reason="queue_full"} 40`; !strings.Contains(string(metrics.body), want) {
			t.Fatalf("/metrics lacks %s", want)
		}
	}
}

func TestARequestThatWaitsTooLongIsShed(t *testing.T) {
	var led *held
	w := newWorld(t, worldOptions{tweak: func(o *Options) {
		led = newHeld(o.Ledger)
		o.Ledger = led
		o.Admission = Admission{MaxInFlight: 1, MaxQueued: 10, MaxQueueWait: 20 * time.Millisecond}
		o.LedgerTimeout = time.Hour
	}})
	led.shut.Store(true)
	first := make(chan answer, 1)
	go func() { first <- w.send(hsp, "GET", "/v1/parties", "") }()
	<-led.arrived

	// The ledger holds the first until the second has been refused: it cannot get a slot.
	second := w.send(hsp, "GET", "/v1/parties", "")
	if second.status != http.StatusServiceUnavailable || second.retryAfter == "" || !strings.Contains(second.body, "/overloaded") {
		t.Fatalf("a request that waited past max_queue_wait got %d %s", second.status, second.body)
	}
	close(led.open)
	if a := <-first; a.status != http.StatusOK {
		t.Fatalf("the admitted request got %d %s", a.status, a.body)
	}
	metrics := w.must(200, nil, "", "GET", "/metrics", nil)
	if want := `udi_admission_shed_total{reason="queue_wait"} 1`; !strings.Contains(string(metrics.body), want) {
		t.Fatalf("/metrics lacks %s", want)
	}
}

func TestOperationalRoutesAreServedWhateverTheLoad(t *testing.T) {
	var led *held
	w := newWorld(t, worldOptions{tweak: func(o *Options) {
		led = newHeld(o.Ledger)
		o.Ledger = led
		o.Admission = Admission{MaxInFlight: 1, MaxQueued: 1, MaxQueueWait: time.Hour}
		o.LedgerTimeout = time.Hour
	}})
	led.shut.Store(true)
	var wg sync.WaitGroup
	defer wg.Wait()
	defer close(led.open)
	wg.Go(func() { w.send(hsp, "GET", "/v1/parties", "") })
	<-led.arrived
	wg.Go(func() { w.send(hsp, "GET", "/v1/parties", "") })
	w.awaitAdmission(func(s AdmissionState) bool { return s.Queued == 1 })

	if a := w.send(hsp, "GET", "/v1/parties", ""); a.status != http.StatusServiceUnavailable {
		t.Fatalf("a ledger read past capacity got %d, want 503", a.status)
	}
	for _, path := range []string{"/healthz", "/readyz", "/metrics", "/openapi.json", "/epcis/bizSteps", "/v1/outbox/ob-none"} {
		if a := w.send(hsp, "GET", path, ""); a.status == http.StatusServiceUnavailable {
			t.Errorf("GET %s past capacity = 503, want it served", path)
		}
	}
}

func TestRetryAfterFollowsTheServiceTimeAndTheLine(t *testing.T) {
	tests := []struct {
		name             string
		service          time.Duration
		inFlight, queued int
		want             time.Duration
	}{
		{name: "nothing measured yet asks for a second", want: time.Second},
		{name: "a short line of fast requests asks for a second", service: 10 * time.Millisecond, inFlight: 4, queued: 8, want: time.Second},
		{name: "a full line of slow requests asks for the time it takes to drain", service: 2 * time.Second, inFlight: 4, queued: 8, want: 6 * time.Second},
		{name: "never more than 30 s", service: time.Minute, inFlight: 4, queued: 8, want: 30 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := newAdmission(Admission{MaxInFlight: 4, MaxQueued: 8}, prometheus.NewRegistry())
			a.service, a.inFlight = tt.service, tt.inFlight
			for range tt.queued {
				a.queue.PushBack(&waiter{})
			}
			if got := a.shedLocked(shedQueueFull); got != tt.want {
				t.Fatalf("Retry-After %s, want %s", got, tt.want)
			}
		})
	}
}
