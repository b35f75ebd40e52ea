package api

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/udiledger/udiledger/gateway/auth"
	"github.com/udiledger/udiledger/gateway/ledger"
	"github.com/udiledger/udiledger/gateway/outbox"
	"github.com/udiledger/udiledger/gateway/problem"
)

// outboxWriter keeps writes that the ledger could not take while it was unreachable in the
// durable outbox, and answers 202 with the URL of their status.
type outboxWriter struct {
	box *outbox.Outbox
}

// outboxID names a write in the outbox: the caller's organisation, the function and the write's
// own ID (event ID, recall ID or master data key), so the same retried request finds its item.
func outboxID(mspID, fn, id string) string {
	h := sha256.Sum256([]byte(mspID + "\x00" + fn + "\x00" + id))
	return "ob-" + hex.EncodeToString(h[:16])
}

// queue keeps prop in the outbox under the write's own id; a retry finds the first item.
func (o *outboxWriter) queue(prop ledger.Proposal, id string) (outbox.Status, error) {
	it := outbox.Item{
		ID:     outboxID(prop.Identity.MSPID, prop.Function, id),
		Caller: prop.Identity.Name, Function: prop.Function, Args: prop.Args, Transient: prop.Transient,
	}
	st, err := o.box.Enqueue(it)
	if errors.Is(err, outbox.ErrDuplicate) {
		var found bool
		st, found, err = o.box.Status(it.ID)
		if err == nil && !found {
			err = fmt.Errorf("outbox: item %s vanished", it.ID)
		}
	}
	return st, err
}

func (o *outboxWriter) accept(c *gin.Context, _ *auth.Principal, prop ledger.Proposal, id string) {
	st, err := o.queue(prop, id)
	if err != nil {
		_ = c.Error(err)
		problem.Write(c, problem.New(http.StatusServiceUnavailable, "ledger-unavailable", "Ledger unavailable",
			"the ledger could not be reached and the request could not be queued; retry later"))
		return
	}
	c.Header("Location", "/v1/outbox/"+st.ID)
	c.JSON(http.StatusAccepted, st)
}

// outboxStatus answers what became of a queued write.
func (s *server) outboxStatus(c *gin.Context) {
	if s.ledger.outbox == nil {
		problem.Write(c, problem.NotFound("this gateway keeps no outbox"))
		return
	}
	st, found, err := s.ledger.outbox.box.Status(c.Param("id"))
	if err != nil {
		problem.Write(c, problem.From(err))
		return
	}
	// Another identity's queued write is answered as absent: its existence is not theirs to know.
	if p := auth.PrincipalOf(c); !found || p == nil || p.Identity == nil || p.Identity.Name != st.Caller {
		problem.Write(c, problem.NotFound("no queued write "+c.Param("id")))
		return
	}
	c.JSON(http.StatusOK, st)
}

// OutboxSubmitter returns the outbox's submit function: it signs each queued write with the
// identity the item names (ledger.Identity.Name) and submits it.
func OutboxSubmitter(client ledger.Client, identities map[string]*ledger.Identity) outbox.SubmitFunc {
	return func(ctx context.Context, it outbox.Item) (*ledger.Result, error) {
		id, ok := identities[it.Caller]
		if !ok {
			return nil, fmt.Errorf("outbox: item %s names identity %q, which this gateway no longer has", it.ID, it.Caller)
		}
		return client.Submit(ctx, ledger.Proposal{Identity: id, Function: it.Function, Args: it.Args, Transient: it.Transient})
	}
}
