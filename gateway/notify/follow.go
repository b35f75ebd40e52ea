package notify

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/udiledger/udiledger/chaincode/model"
	"github.com/udiledger/udiledger/chaincode/ops"
	"github.com/udiledger/udiledger/gateway/ledger"
)

// followPause is the pause before the event stream is opened again after it ended or an
// event could not be handled.
const followPause = 5 * time.Second

// heighter is a ledger that knows its height (the embedded engine).
type heighter interface{ Height() uint64 }

// follow handles the ledger's chaincode events from the stored cursor until ctx ends. The
// first run starts at the ledger's height; on a ledger that cannot say it, at block 0, and
// events before the notifier's first run are not news. The cursor is the block of the last
// event handled: after a restart that block's events are handled again, and what they
// queued is not queued twice.
func (n *Notifier) follow(ctx context.Context) {
	last := "" // the error logged last: a ledger that stays down is logged once
	for ctx.Err() == nil {
		err := n.followOnce(ctx)
		switch {
		case err == nil || errors.Is(err, ErrClosed) || ctx.Err() != nil:
		case err.Error() != last:
			last = err.Error()
			n.o.Logger.Warn("notify: follow the ledger", "err", err)
		}
		select {
		case <-ctx.Done():
		case <-time.After(followPause):
		}
	}
}

func (n *Notifier) followOnce(ctx context.Context) error {
	from, ok, err := n.o.Store.Cursor()
	if err != nil {
		return err
	}
	if !ok {
		if h, isH := n.o.Ledger.(heighter); isH {
			from = h.Height()
		}
		if err := n.o.Store.SetCursor(from); err != nil {
			return err
		}
	}
	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	events, err := n.o.Ledger.Events(sctx, from)
	if err != nil {
		return err
	}
	for ev := range events {
		if err := n.handle(ctx, ev); err != nil {
			return err
		}
		if ev.BlockNumber > from {
			if err := n.o.Store.SetCursor(ev.BlockNumber); err != nil {
				return err
			}
			from = ev.BlockNumber
		}
	}
	return nil
}

// handle queues what one event means to the organisations with a webhook.
func (n *Notifier) handle(ctx context.Context, ev ledger.Event) error {
	var note model.Notification
	if ev.Name != model.ChaincodeEventName || json.Unmarshal(ev.Payload, &note) != nil {
		return nil
	}
	if n.heightless {
		if at, err := model.ParseTime(note.Time); err == nil && at.Before(n.since) {
			return nil
		}
	}
	sweep := false
	for _, each := range note.Notices() { // a unit:Scans transaction lists its scans'
		switch {
		case each.Kind == "event" && each.BizStep == model.BizStepRecalling:
			if err := n.recallNews(ctx, KindRecallStarted, each.ID, each.TxID); err != nil {
				return err
			}
		case each.Kind == "recall" && each.Step == "amended":
			if err := n.recallNews(ctx, KindRecallAmended, each.ID, each.TxID); err != nil {
				return err
			}
		case each.AlertID != "" || each.Kind == "case":
			sweep = true
		}
	}
	if sweep { // once for a transaction, whatever alerts it raised
		return n.sweepCases(ctx)
	}
	return nil
}

// RecallNotice is the data of a recall's notifications: the recall and the organisation's
// own line of its scope.
type RecallNotice struct {
	RecallID      string            `json:"recallId"`
	Class         model.RecallClass `json:"class"`
	Depth         model.RecallDepth `json:"depth"`
	Reason        string            `json:"reason"`
	Scope         model.RecallScope `json:"scope"`
	InitiatedBy   string            `json:"initiatedBy"`
	StartedAt     string            `json:"startedAt"`
	AcknowledgeBy string            `json:"acknowledgeBy,omitempty"`
	// Changes say what the amendment changed (recall.amended).
	Changes []string `json:"changes,omitempty"`
	// Holder is the organisation's own units of the recall, and whether it acknowledged.
	Holder model.HolderScope `json:"holder"`
}

func recallNotice(st *model.RecallStatus, line model.HolderScope, kind string) RecallNotice {
	r := st.Recall
	out := RecallNotice{RecallID: r.ID, Class: r.Class, Depth: r.Depth, Reason: r.Reason, Scope: r.Scope,
		InitiatedBy: r.InitiatedBy, StartedAt: r.StartedAt, AcknowledgeBy: r.AcknowledgeBy, Holder: line}
	if kind == KindRecallAmended && len(r.History) > 0 {
		last := r.History[len(r.History)-1]
		out.Changes, out.Reason = last.Changes, last.Reason
	}
	out.Holder.Units = nil
	return out
}

// recallNews tells each organisation with a webhook that holds units of the recall: it asks
// the recall's scope as that organisation, which sees its own line only.
func (n *Notifier) recallNews(ctx context.Context, kind, recallID, txID string) error {
	return n.eachHook(ctx, func(h hook) error {
		st, line, err := n.ownLine(ctx, h, recallID)
		if err != nil || line == nil {
			return err
		}
		key := kind + "|" + recallID + "|" + h.w.Org
		if kind == KindRecallAmended {
			key += "|" + txID
		}
		return n.enqueue(h.w.Org, kind, recallID, recallNotice(st, *line, kind), key, 0)
	})
}

// ownLine is the recall's scope as h reads it and h's own holder line (nil when it holds
// none, or the ledger refuses it the recall).
func (n *Notifier) ownLine(ctx context.Context, h hook, recallID string) (*model.RecallStatus, *model.HolderScope, error) {
	r, err := ledger.Do(ctx, n.o.Reader, h.id, ops.RecallScope, model.ScopeQuery{RecallID: recallID})
	if ledger.CodeOf(err) != "" {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, err
	}
	for i, l := range r.Value.Holders {
		if l.Holder == h.w.Org {
			return r.Value, &r.Value.Holders[i], nil
		}
	}
	return r.Value, nil, nil
}

// hook is a webhook and the identity the notifier reads as for it.
type hook struct {
	w  Webhook
	id *ledger.Identity
}

// eachHook runs fn for every webhook whose identity the gateway still has; the first error
// that is not the ledger's refusal stops it.
func (n *Notifier) eachHook(ctx context.Context, fn func(hook) error) error {
	hooks, err := n.o.Store.Webhooks()
	if err != nil {
		return err
	}
	for _, w := range hooks {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		id := n.o.Identity(w.Identity)
		if id == nil || id.MSPID != w.Org {
			n.o.Logger.Warn("notify: the gateway no longer has the webhook's identity", "org", w.Org, "identity", w.Identity)
			continue
		}
		if err := fn(hook{w: w, id: id}); err != nil {
			return err
		}
	}
	return nil
}
