package api

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/udiledger/udiledger/gateway/auth"
	"github.com/udiledger/udiledger/gateway/ledger"
	"github.com/udiledger/udiledger/gateway/outbox"
	"github.com/udiledger/udiledger/gateway/problem"
)

// QueuedWrite is what the gateway answers of a write kept in its outbox.
type QueuedWrite struct {
	ID          string          `json:"id"`
	State       string          `json:"state"` // pending, committed or rejected
	Accepted    time.Time       `json:"accepted"`
	Finished    time.Time       `json:"finished,omitzero"`
	TxID        string          `json:"txId,omitempty"`
	BlockNumber uint64          `json:"blockNumber,omitempty"`
	Result      json.RawMessage `json:"result,omitempty"` // the ledger's answer once committed
	Error       string          `json:"error,omitempty"`  // why the ledger refused it
}

func queuedWrite(st outbox.Status) QueuedWrite {
	q := QueuedWrite{ID: st.ID, State: st.State, Accepted: st.Accepted, Finished: st.Finished, TxID: st.TxID,
		BlockNumber: st.BlockNumber, Error: st.Error}
	if json.Valid(st.Payload) {
		q.Result = st.Payload
	}
	return q
}

// outboxQueue is the ledger.Queue of the gateway: writes the ledger could not take while it
// was unreachable are kept in the durable outbox and answered 202 with their status URL.
type outboxQueue struct {
	box *outbox.Outbox
}

// outboxID names a write in the outbox by who sends what: the signing identity, the function,
// the write's own key (event ID, recall ID or master data key) and its content. The same
// retried request finds its item; another request under the same key is another item, which
// the ledger then answers on its own (a CONFLICT), instead of being merged into the first.
func outboxID(p ledger.Proposal, key string) string {
	h := sha256.New()
	for _, s := range append([]string{p.Identity.MSPID, p.Identity.Name, p.Function, key}, p.Args...) {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	return "ob-" + hex.EncodeToString(h.Sum(nil)[:16])
}

// Queue keeps p in the outbox under the write's key; a retry finds the first item.
func (o *outboxQueue) Queue(p ledger.Proposal, key string) (string, error) {
	it := outbox.Item{
		ID:     outboxID(p, key),
		Caller: p.Identity.Name, Function: p.Function, Args: p.Args, Transient: p.Transient,
	}
	_, err := o.box.Enqueue(it)
	if errors.Is(err, outbox.ErrDuplicate) {
		err = nil
	}
	return it.ID, err
}

// accepted answers 202 for a queued write, with its status.
func (o *outboxQueue) accepted(c *gin.Context, id string) {
	st, found, err := o.box.Status(id)
	if err == nil && !found {
		err = fmt.Errorf("outbox: item %s vanished", id)
	}
	if err != nil {
		_ = c.Error(err)
		problem.Write(c, problem.New(http.StatusServiceUnavailable, "ledger-unavailable", "Ledger unavailable",
			"the ledger could not be reached and the request could not be queued; retry later"))
		return
	}
	c.Header("Location", "/v1/outbox/"+st.ID)
	c.JSON(http.StatusAccepted, queuedWrite(st))
}

// outboxStatus answers what became of a queued write.
func (s *server) outboxStatus(c *gin.Context) {
	if s.outbox == nil {
		problem.Write(c, problem.NotFound("this gateway keeps no outbox"))
		return
	}
	st, found, err := s.outbox.box.Status(c.Param("id"))
	if err != nil {
		writeError(c, err)
		return
	}
	// Another identity's queued write is answered as absent: its existence is not theirs to know.
	if p := auth.PrincipalOf(c); !found || p == nil || p.Identity == nil || p.Identity.Name != st.Caller {
		problem.Write(c, problem.NotFound("no queued write "+c.Param("id")))
		return
	}
	c.JSON(http.StatusOK, queuedWrite(st))
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
