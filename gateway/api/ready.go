package api

import (
	"context"
	"net/http"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/udiledger/udiledger/chaincode/model"
	"github.com/udiledger/udiledger/chaincode/ops"
	"github.com/udiledger/udiledger/gateway/ledger"
	"github.com/udiledger/udiledger/gateway/problem"
)

// readyTimeout bounds one readiness check.
const readyTimeout = 3 * time.Second

// readyFor is how long the ledger's answer to a readiness check stands: /readyz is public, so
// callers, however many, cause at most one ledger read in this time.
const readyFor = time.Second

// readiness answers /readyz: the options' Ready func when there is one; else a read of the
// chaincode's version (info:Version) as the readiness identity, which needs the backend, the
// peer and the chaincode to answer; without a ledger or an identity, always ready.
type readiness struct {
	ready func(context.Context) error // the options' own check
	probe func(context.Context) error // the ledger read, its answer kept readyFor

	mu   sync.Mutex
	at   time.Time
	last error
}

func newReadiness(o Options, caller *ledger.Caller) *readiness {
	r := &readiness{ready: o.Ready}
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

func (r *readiness) check(ctx context.Context) error {
	if r.ready != nil {
		ctx, cancel := context.WithTimeout(ctx, readyTimeout)
		defer cancel()
		return r.ready(ctx)
	}
	if r.probe == nil {
		return nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if time.Since(r.at) < readyFor {
		return r.last
	}
	// The answer is shared: a caller that hangs up does not make it a failure.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), readyTimeout)
	defer cancel()
	r.last, r.at = r.probe(ctx), time.Now()
	return r.last
}

func (r *readiness) handle(c *gin.Context) {
	if err := r.check(c.Request.Context()); err != nil {
		_ = c.Error(err) // for the access log; the answer is public
		c.Header("Retry-After", "5")
		problem.Write(c, problem.New(http.StatusServiceUnavailable, "not-ready", "Ledger backend unreachable",
			"the ledger backend did not answer; see the gateway's log"))
		return
	}
	c.JSON(http.StatusOK, gin.H{"status": "ready"})
}
