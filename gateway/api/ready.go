package api

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/udiledger/udiledger/chaincode/model"
	"github.com/udiledger/udiledger/chaincode/ops"
	"github.com/udiledger/udiledger/gateway/ledger"
	"github.com/udiledger/udiledger/gateway/outbox"
	"github.com/udiledger/udiledger/gateway/problem"
)

// readyTimeout bounds one readiness check.
const readyTimeout = 3 * time.Second

// readyFor is how long the ledger's answer to a readiness check stands: /readyz is public, so
// callers, however many, cause at most one ledger read (and one outbox read) in this time.
const readyFor = time.Second

// outboxStaleAfter is the age past which a write still waiting in the outbox makes the
// gateway degraded: a ledger that takes writes empties the outbox within seconds.
const outboxStaleAfter = 10 * time.Second

// The readiness states of /readyz; a gateway that is not ready answers 503 not-ready.
const (
	StatusReady    = "ready"    // every part healthy
	StatusDegraded = "degraded" // the ledger answers, but a part is degraded or down
)

// Readiness is the answer of /readyz: ready or degraded, and how each part does.
type Readiness struct {
	Status string      `json:"status"`
	Parts  []ReadyPart `json:"parts"`
}

// ReadyPart is one part of the gateway or of its backend. It names no identity and no key:
// /readyz is public.
type ReadyPart struct {
	ledger.PartHealth
	Outbox    *OutboxBacklog  `json:"outbox,omitempty"`
	Admission *AdmissionState `json:"admission,omitempty"`
}

// OutboxBacklog is what /readyz shows of the outbox.
type OutboxBacklog struct {
	Pending          int     `json:"pending"`
	OldestAgeSeconds float64 `json:"oldestAgeSeconds"` // of the oldest pending write; 0 when none
}

// readiness answers /readyz. The ledger answers when the options' Ready func says so, else
// when it answers a read of the chaincode's version (info:Version) as the readiness identity,
// which needs the backend, the peer and the chaincode; with neither, when a backend that
// reports its parts' health (ledger.HealthReporter) has a part that is not down; without any
// of these it is taken to answer. The backend's parts, the outbox and the admission
// controller then say whether the gateway is ready or degraded.
type readiness struct {
	ready    func(context.Context) error // the options' own check
	probe    func(context.Context) error // the ledger read
	reporter ledger.HealthReporter       // nil: the backend reports no parts
	box      *outbox.Outbox              // nil: no outbox
	admit    *admission

	mu   sync.Mutex
	at   time.Time
	last ledgerState // kept readyFor
}

// ledgerState is what a check found of the ledger and the outbox.
type ledgerState struct {
	err   error // the ledger did not answer
	parts []ReadyPart
}

func newReadiness(o Options, caller *ledger.Caller, admit *admission) *readiness {
	r := &readiness{ready: o.Ready, box: o.Outbox, admit: admit}
	r.reporter, _ = o.Ledger.(ledger.HealthReporter)
	id := o.ReadyIdentity
	if id == nil {
		id = o.ResolverIdentity
	}
	if r.ready == nil && o.Ledger != nil && id != nil {
		r.probe = func(ctx context.Context) error {
			_, err := ledger.Do(ctx, caller, id, ops.Version, model.NoQuery{})
			return err
		}
	}
	return r
}

// check returns the ledger's and the outbox's state, as last found when that is recent; the
// options' own Ready func is asked each time.
func (r *readiness) check(ctx context.Context) ledgerState {
	if r.ready != nil {
		ctx, cancel := context.WithTimeout(ctx, readyTimeout)
		defer cancel()
		return r.find(ctx)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.at.IsZero() && time.Since(r.at) < readyFor {
		return r.last
	}
	// The answer is shared: a caller that hangs up does not make it a failure.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), readyTimeout)
	defer cancel()
	r.last, r.at = r.find(ctx), time.Now()
	return r.last
}

func (r *readiness) find(ctx context.Context) ledgerState {
	var st ledgerState
	var backend []ledger.PartHealth
	if r.reporter != nil {
		backend = r.reporter.Health(ctx)
	}
	switch {
	case r.ready != nil:
		st.err = r.ready(ctx)
	case r.probe != nil:
		st.err = r.probe(ctx)
	case len(backend) > 0 && allDown(backend):
		st.err = fmt.Errorf("ledger: every part of the backend is down")
	}
	if r.ready != nil || r.probe != nil {
		ledgerPart := ledger.PartHealth{Name: "ledger", Kind: "ledger", State: ledger.Healthy, Detail: "answers a read of the chaincode's version"}
		if st.err != nil {
			ledgerPart.State, ledgerPart.Detail = ledger.Down, "does not answer a read of the chaincode's version"
		}
		st.parts = append(st.parts, ReadyPart{PartHealth: ledgerPart})
	}
	for _, p := range backend {
		st.parts = append(st.parts, ReadyPart{PartHealth: publicPart(p)})
	}
	if r.box != nil {
		st.parts = append(st.parts, r.outboxPart())
	}
	return st
}

func allDown(parts []ledger.PartHealth) bool {
	for _, p := range parts {
		if p.State != ledger.Down {
			return false
		}
	}
	return true
}

// publicPart is what /readyz shows of a part the backend reports: its detail is clipped, the
// rest is the backend's word.
func publicPart(p ledger.PartHealth) ledger.PartHealth {
	if p.State != ledger.Healthy && p.State != ledger.Degraded && p.State != ledger.Down {
		p.State = ledger.Degraded // a state the gateway does not know is no good news
	}
	p.Name, p.Kind, p.Detail = clip(p.Name, 100), clip(p.Kind, 32), clip(p.Detail, 200)
	return p
}

// outboxPart is the outbox's backlog: degraded when a write has waited past
// outboxStaleAfter, down when the outbox cannot be read.
func (r *readiness) outboxPart() ReadyPart {
	p := ReadyPart{PartHealth: ledger.PartHealth{Name: "outbox", Kind: "outbox", State: ledger.Healthy}}
	n, oldest, err := r.box.Backlog()
	if err != nil {
		p.State, p.Detail = ledger.Down, "the outbox cannot be read; see the gateway's log"
		return p
	}
	b := &OutboxBacklog{Pending: n}
	if !oldest.IsZero() {
		b.OldestAgeSeconds = max(0, time.Since(oldest).Round(time.Second).Seconds())
	}
	if n > 0 && time.Since(oldest) > outboxStaleAfter {
		p.State = ledger.Degraded
		p.Detail = fmt.Sprintf("%d writes wait for the ledger, the oldest for %s", n, time.Since(oldest).Round(time.Second))
	}
	p.Outbox = b
	return p
}

// admissionPart is the admission controller's state: degraded while it sheds requests.
func (r *readiness) admissionPart() ReadyPart {
	st := r.admit.state()
	p := ReadyPart{PartHealth: ledger.PartHealth{Name: "admission", Kind: "admission", State: ledger.Healthy}, Admission: &st}
	if st.Shedding {
		p.State, p.Detail = ledger.Degraded, "requests past the gateway's capacity are refused 503 overloaded"
	}
	return p
}

func (r *readiness) handle(c *gin.Context) {
	st := r.check(c.Request.Context())
	if st.err != nil {
		_ = c.Error(st.err) // for the access log; the answer is public
		c.Header("Retry-After", "5")
		problem.Write(c, problem.New(http.StatusServiceUnavailable, "not-ready", "Ledger backend unreachable",
			"the ledger backend did not answer; see the gateway's log"))
		return
	}
	parts := append(append(make([]ReadyPart, 0, len(st.parts)+1), st.parts...), r.admissionPart())
	health := make([]ledger.PartHealth, len(parts))
	for i, p := range parts {
		health[i] = p.PartHealth
	}
	status := StatusReady
	if ledger.Worst(health) != ledger.Healthy {
		status = StatusDegraded
	}
	c.JSON(http.StatusOK, Readiness{Status: status, Parts: parts})
}
