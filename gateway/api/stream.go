package api

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/udiledger/udiledger/chaincode/identifier"
	"github.com/udiledger/udiledger/chaincode/model"
	"github.com/udiledger/udiledger/chaincode/ops"
	"github.com/udiledger/udiledger/gateway/auth"
	"github.com/udiledger/udiledger/gateway/ledger"
	"github.com/udiledger/udiledger/gateway/problem"
)

// resumePoint parses a Last-Event-ID into the block to start from and the transaction to skip to.
func resumePoint(lastID string) (block uint64, afterTx string, err error) {
	if lastID == "" {
		return 0, "", nil
	}
	b, tx, ok := strings.Cut(lastID, ".")
	n, perr := strconv.ParseUint(b, 10, 64)
	if !ok || perr != nil || tx == "" {
		return 0, "", fmt.Errorf("Last-Event-ID %q is not of the form <block>.<txid>", lastID)
	}
	return n, tx, nil
}

// serveEvents serves the ledger's chaincode events as server-sent events. Each event's ID is
// "<block>.<txid>", so a client that reconnects with Last-Event-ID resumes right after the
// last event it saw; comments are sent as heartbeats so proxies keep the stream open.
// Streams end when closing is closed, so a graceful shutdown does not wait for them.
func (s *server) serveEvents(client ledger.Client, heartbeat time.Duration, closing <-chan struct{}) gin.HandlerFunc {
	return func(c *gin.Context) {
		lastID := c.GetHeader("Last-Event-ID")
		if lastID == "" {
			lastID = c.Query("last_event_id")
		}
		from, afterTx, err := resumePoint(lastID)
		if err != nil {
			problem.Write(c, problem.Invalid(err.Error(), problem.FieldError{Field: "Last-Event-ID", Reason: err.Error()}))
			return
		}
		if s := c.Query("fromBlock"); s != "" && lastID == "" {
			if from, err = strconv.ParseUint(s, 10, 64); err != nil {
				problem.Write(c, problem.Invalid("fromBlock must be a block number", problem.FieldError{Field: "fromBlock", Reason: "not an unsigned integer"}))
				return
			}
		}
		ctx := c.Request.Context()
		visible, err := s.streamPolicy(c)
		if err != nil {
			s.fail(c, err)
			return
		}
		events, err := client.Events(ctx, from)
		if err != nil {
			_ = c.Error(err) // for the access log
			c.Header("Retry-After", "5")
			problem.Write(c, problem.New(http.StatusServiceUnavailable, "ledger-unavailable", "Ledger unavailable",
				"the ledger's events cannot be read now; retry later with Last-Event-ID"))
			return
		}
		c.Header("Content-Type", "text/event-stream")
		c.Header("Cache-Control", "no-cache")
		c.Header("X-Accel-Buffering", "no")
		c.Status(http.StatusOK)
		c.Writer.Flush()

		skipping := afterTx != ""
		tick := time.NewTicker(heartbeat)
		defer tick.Stop()
		c.Stream(func(w io.Writer) bool {
			select {
			case <-ctx.Done():
				return false
			case <-closing:
				return false
			case <-tick.C:
				_, err := io.WriteString(w, ": keep-alive\n\n")
				return err == nil
			case ev, ok := <-events:
				if !ok {
					return false
				}
				if skipping {
					if ev.BlockNumber > from {
						skipping = false
					} else {
						if ev.TxID == afterTx {
							skipping = false
						}
						return true
					}
				}
				for _, data := range streamData(ev, visible) {
					if _, err := fmt.Fprintf(w, "id: %d.%s\nevent: %s\ndata: %s\n\n", ev.BlockNumber, ev.TxID, ev.Name, data); err != nil {
						return false
					}
				}
				return true
			}
		})
	}
}

// streamData is what the stream sends of a chaincode event: its payload when the caller may
// see it; for a transaction of several events (model.NoticesKind, unit:Scans) each
// notification the caller may see, as its single transaction would have sent it, all under
// the transaction's ID (a client that resumes after it has had them all).
func streamData(ev ledger.Event, visible func(model.Notification) bool) []string {
	var n model.Notification
	if json.Unmarshal(ev.Payload, &n) != nil {
		return nil
	}
	if n.Kind != model.NoticesKind {
		if !visible(n) {
			return nil
		}
		return []string{oneLine(ev.Payload)}
	}
	var out []string
	for _, each := range n.Notices() {
		if b, err := json.Marshal(each); err == nil && visible(each) {
			out = append(out, string(b))
		}
	}
	return out
}

// oneLine keeps a JSON payload on one SSE data line.
func oneLine(b []byte) string {
	return strings.NewReplacer("\r", "", "\n", " ").Replace(string(b))
}

// streamPolicy is the read policy (ADR 012, model.NoticeVisible) for the event stream.
// Whether the caller is a regulator is the ledger's word (its party record), read once as the
// stream opens; who makes a product likewise, once per product.
func (s *server) streamPolicy(c *gin.Context) (func(model.Notification) bool, error) {
	p := auth.PrincipalOf(c)
	if p == nil || p.Identity == nil {
		return func(model.Notification) bool { return false }, nil
	}
	ctx, msp := c.Request.Context(), p.Identity.MSPID
	party, err := ledger.Do(ctx, s.caller, p.Identity, ops.GetParty, model.PartyQuery{MSPID: msp})
	if err != nil && ledger.CodeOf(err) != model.CodeNotFound {
		return nil, err
	}
	regulator := err == nil && party.Value.HasRole(model.RoleRegulator)
	makers := map[string]string{} // DI -> its manufacturer, as the ledger records it
	makes := func(code string) bool {
		cd, err := identifier.Parse(code)
		if err != nil || cd.DI == "" {
			return false
		}
		m, ok := makers[cd.DI]
		if !ok {
			if r, err := ledger.Do(ctx, s.caller, p.Identity, ops.GetProduct, model.ProductQuery{DI: cd.DI}); err == nil {
				m = r.Value.Manufacturer
			}
			makers[cd.DI] = m
		}
		return m == msp
	}
	return func(n model.Notification) bool {
		return model.NoticeVisible(n, msp, regulator, makes)
	}, nil
}
