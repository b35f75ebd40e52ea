package api

import (
	"container/list"
	"context"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/udiledger/udiledger/gateway/problem"
	"github.com/udiledger/udiledger/gateway/routes"
	"github.com/udiledger/udiledger/gateway/subscriptions"
)

// Admission bounds the requests that reach the ledger, all keys and public callers together:
// at most MaxInFlight are served at once, at most MaxQueued wait in line (first come, first
// served) and none waits longer than MaxQueueWait. A request that cannot be admitted is
// answered 503 overloaded with Retry-After, at once when the line is full. A zero field takes
// its default; MaxInFlight < 0 admits everything.
type Admission struct {
	MaxInFlight  int
	MaxQueued    int
	MaxQueueWait time.Duration
}

// The admission defaults (ADR 039): 256 in flight is 8 keys at their default 32 each and
// more than a Fabric gateway's peers usefully work on at once; 1,024 waiting is four rounds
// of it, a few kilobytes each; 2 s is well under a client's patience and the ledger's 30 s.
const (
	DefaultMaxInFlight  = 256
	DefaultMaxQueued    = 1024
	DefaultMaxQueueWait = 2 * time.Second
)

// Why a request was shed, as the metrics label it.
const (
	shedQueueFull = "queue_full"
	shedQueueWait = "queue_wait"
)

// sheddingFor is how long after its last shed request the gateway reports itself shedding
// (/readyz degraded).
const sheddingFor = 10 * time.Second

// admission is the admission controller: a counter of requests in flight and a FIFO of
// waiters, each handed a slot directly by a request that ends.
type admission struct {
	max, maxQueued int
	maxWait        time.Duration

	mu       sync.Mutex
	inFlight int
	queue    list.List     // of *waiter, oldest first
	service  time.Duration // smoothed time admitted requests took
	lastShed time.Time
	shed     uint64

	shedTotal *prometheus.CounterVec
	waited    prometheus.Histogram
}

type waiter struct {
	ready    chan struct{} // closed when the waiter is handed a slot
	admitted bool          // under admission.mu
}

func newAdmission(a Admission, reg prometheus.Registerer) *admission {
	ad := &admission{
		max:       cmpOr(a.MaxInFlight, DefaultMaxInFlight),
		maxQueued: cmpOr(a.MaxQueued, DefaultMaxQueued),
		maxWait:   cmpOr(a.MaxQueueWait, DefaultMaxQueueWait),
		shedTotal: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "udi_admission_shed_total", Help: "Requests refused 503 overloaded, by reason (queue_full, queue_wait).",
		}, []string{"reason"}),
		waited: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "udi_admission_wait_seconds", Help: "Time admitted requests waited in the admission queue.",
			Buckets: []float64{.001, .005, .01, .05, .1, .25, .5, 1, 2, 5},
		}),
	}
	for _, r := range []string{shedQueueFull, shedQueueWait} {
		ad.shedTotal.WithLabelValues(r)
	}
	reg.MustRegister(ad.shedTotal, ad.waited,
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "udi_admission_in_flight", Help: "Requests admitted and not yet answered."},
			func() float64 { return float64(ad.state().InFlight) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "udi_admission_queued", Help: "Requests waiting to be admitted."},
			func() float64 { return float64(ad.state().Queued) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "udi_admission_max_in_flight", Help: "The bound on requests in flight."},
			func() float64 { return float64(ad.max) }))
	return ad
}

func cmpOr[T int | time.Duration](v, def T) T {
	if v == 0 {
		return def
	}
	return v
}

// acquire admits the caller or refuses it: at once when a slot is free and nobody waits,
// after waiting its turn otherwise. Refused, it says after how long to try again. An admitted
// caller must call release.
func (a *admission) acquire(ctx context.Context) (bool, time.Duration) {
	if a.max < 0 {
		return true, 0
	}
	a.mu.Lock()
	if a.inFlight < a.max && a.queue.Len() == 0 {
		a.inFlight++
		a.mu.Unlock()
		return true, 0
	}
	if a.queue.Len() >= a.maxQueued {
		after := a.shedLocked(shedQueueFull)
		a.mu.Unlock()
		return false, after
	}
	w := &waiter{ready: make(chan struct{})}
	at := a.queue.PushBack(w)
	a.mu.Unlock()

	start := time.Now()
	t := time.NewTimer(a.maxWait)
	defer t.Stop()
	select {
	case <-w.ready:
		a.waited.Observe(time.Since(start).Seconds())
		return true, 0
	case <-t.C:
	case <-ctx.Done():
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if w.admitted { // handed a slot as it gave up: it is the caller's
		a.waited.Observe(time.Since(start).Seconds())
		return true, 0
	}
	a.queue.Remove(at)
	if ctx.Err() != nil {
		return false, 0 // the caller left; nobody reads the answer
	}
	return false, a.shedLocked(shedQueueWait)
}

// release ends an admitted request that took took: its slot goes to the oldest waiter, or
// back to the pool.
func (a *admission) release(took time.Duration) {
	if a.max < 0 {
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.service == 0 {
		a.service = took
	} else {
		a.service += (took - a.service) / 8
	}
	if e := a.queue.Front(); e != nil {
		w := a.queue.Remove(e).(*waiter)
		w.admitted = true
		close(w.ready)
		return
	}
	a.inFlight--
}

// shedLocked counts a refusal and says when to come back: the time the requests in flight
// and in line take to drain at the observed service time, from 1 s to 30 s.
func (a *admission) shedLocked(reason string) time.Duration {
	a.shed++
	a.lastShed = time.Now()
	a.shedTotal.WithLabelValues(reason).Inc()
	drain := time.Duration(float64(a.service) * float64(a.inFlight+a.queue.Len()) / float64(a.max))
	return min(max(drain, time.Second), 30*time.Second)
}

// AdmissionState is what /readyz shows of the admission controller.
type AdmissionState struct {
	InFlight    int    `json:"inFlight"`
	MaxInFlight int    `json:"maxInFlight"`
	Queued      int    `json:"queued"`
	MaxQueued   int    `json:"maxQueued"`
	Shed        uint64 `json:"shed"`     // requests refused since the gateway started
	Shedding    bool   `json:"shedding"` // one was refused in the last 10 s
}

func (a *admission) state() AdmissionState {
	a.mu.Lock()
	defer a.mu.Unlock()
	return AdmissionState{InFlight: a.inFlight, MaxInFlight: a.max, Queued: a.queue.Len(), MaxQueued: a.maxQueued,
		Shed: a.shed, Shedding: !a.lastShed.IsZero() && time.Since(a.lastShed) < sheddingFor}
}

// admit is the middleware of the routes that reach the ledger.
func (a *admission) admit(c *gin.Context) {
	ok, after := a.acquire(c.Request.Context())
	if !ok {
		overloaded(c, after)
		return
	}
	start := time.Now()
	defer func() { a.release(time.Since(start)) }()
	c.Next()
}

// overloaded answers 503: the gateway did not start the request, so any request may be sent
// again after Retry-After.
func overloaded(c *gin.Context, after time.Duration) {
	secs := max(1, int(math.Ceil(after.Seconds())))
	c.Header("Retry-After", strconv.Itoa(secs))
	problem.Write(c, problem.New(http.StatusServiceUnavailable, "overloaded", "Overloaded",
		fmt.Sprintf("the gateway has more requests than it can serve: nothing was done; send the request again in %d s", secs)))
}

// admitted reports whether rt's requests go through admission: those that may reach the
// ledger. The operational routes, event streams, and the routes answered from the gateway's
// own knowledge or stores are always served.
func admitted(rt routes.Route) bool {
	switch rt.Own {
	case routes.Healthz, routes.Readyz, routes.Metrics, routes.OpenAPI, routes.EventStream, routes.OutboxStatus,
		routes.EPCISRoot, routes.EPCISResource, routes.EPCISEventTypes, routes.EPCISBizSteps, routes.EPCISDispositions,
		routes.EPCISReleasePageToken, routes.ResolverInfo:
		return false
	}
	return true
}

// admitUnlessWebSocket admits a request of a route that is also a WebSocket subscription (a
// stream, not admitted).
func (a *admission) admitUnlessWebSocket(c *gin.Context) {
	if subscriptions.IsWebSocket(c.Request) {
		c.Next()
		return
	}
	a.admit(c)
}
