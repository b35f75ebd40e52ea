package contract

import (
	"fmt"
	"strings"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/udiledger/udiledger/chaincode/model"
)

// A recall's life after its start: amendments of class and depth, completion by the recalling
// firm, termination by a regulator (at the recall's effectiveness target, 100 % unless it
// sets another, or overridden with a reason), and the
// regulator's effectiveness checks. Each step is a transaction that rewrites the recall
// record with the step in its history and notifies the channel.

// Amend changes a started recall's class or depth, extends its scope or sets a new
// acknowledgement deadline: the party that started it or a regulator. Each added scope is
// marked as Start marks it, under the same rule (a manufacturer its own products, a
// regulator any); a scope the recall already covers is refused.
func (c *RecallContract) Amend(ctx contractapi.TransactionContextInterface, req model.RecallAmendRequest) (*model.Recall, error) {
	t, r, err := c.step(ctx, req.RecallID, "amend", initiatorOrRegulator("amend"), model.RecallStarted)
	if err != nil {
		return nil, err
	}
	if len(req.AddScopes) > model.MaxAddedScopes {
		return nil, model.Invalid("an amendment adds at most %d scopes", model.MaxAddedScopes)
	}
	if req.TargetPercent < 0 || req.TargetPercent > 100 {
		return nil, model.Invalid("targetPercent must be 1 to 100")
	}
	if req.AcknowledgeWithinHours < 0 || req.AcknowledgeWithinHours > 720 {
		return nil, model.Invalid("acknowledgeWithinHours must be 1 to 720")
	}
	var changes []string
	if len(req.AddScopes) > 0 {
		me, err := t.me()
		if err != nil {
			return nil, err
		}
		own := t.ownsToRecall(me)
		for i := range req.AddScopes {
			s := req.AddScopes[i]
			if err := t.extendScope(r, &s, own); err != nil {
				return nil, err
			}
			changes = append(changes, "added "+scopeText(s))
		}
	}
	if req.TargetPercent > 0 && req.TargetPercent != r.Target() {
		changes = append(changes, fmt.Sprintf("target %d %% → %d %%", r.Target(), req.TargetPercent))
		r.TargetPercent = req.TargetPercent
	}
	if req.AcknowledgeWithinHours > 0 {
		by := t.hoursFromNow(req.AcknowledgeWithinHours)
		// The deadline itself is in acknowledgeBy; the history says the window in words.
		changes = append(changes, fmt.Sprintf("acknowledge within %d h of this amendment", req.AcknowledgeWithinHours))
		r.AcknowledgeBy = by
	}
	if req.Class != "" && req.Class != r.Class {
		if err := (&model.RecallRequest{ID: r.ID, Class: req.Class, Depth: r.Depth, Reason: r.Reason, Scope: r.Scope}).Validate(); err != nil {
			return nil, err
		}
		changes = append(changes, fmt.Sprintf("class %s → %s", r.Class, req.Class))
		r.Class = req.Class
	}
	if req.Depth != "" && req.Depth != r.Depth {
		if err := (&model.RecallRequest{ID: r.ID, Class: r.Class, Depth: req.Depth, Reason: r.Reason, Scope: r.Scope}).Validate(); err != nil {
			return nil, err
		}
		changes = append(changes, fmt.Sprintf("depth %s → %s", r.Depth, req.Depth))
		r.Depth = req.Depth
	}
	if len(changes) == 0 {
		return nil, model.Invalid("recall %s: the amendment changes nothing (class %s, depth %s)", r.ID, r.Class, r.Depth)
	}
	return r, t.putStep(r, model.RecallStep{Step: "amended", Reason: req.Reason, Changes: changes})
}

// extendScope adds scope s to recall r and marks what it covers, refusing a scope r already
// covers (a lot of a recalled lot or product, a recalled product, a code already in scope).
func (t *txn) extendScope(r *model.Recall, s *model.RecallScope, own func(di string) error) error {
	if err := s.Validate(); err != nil {
		return err
	}
	scopes := r.Scopes()
	switch s.Type {
	case model.ScopeLot, model.ScopeDI:
		lot := ""
		if s.Type == model.ScopeLot {
			lot = s.Lot
		}
		if model.AnyCovers(scopes, s.DI, lot, "") {
			return model.Invalid("recall %s already covers %s: the amendment changes nothing", r.ID, scopeText(*s))
		}
	case model.ScopeCodes:
		codes, err := parseCodes(s.Codes, model.MaxRecallCodes)
		if err != nil {
			return err
		}
		items, err := t.lookupAll(codes)
		if err != nil {
			return err
		}
		for _, it := range items {
			covered := model.AnyCovers(scopes, "", "", it.key())
			if it.unit != nil {
				covered = covered || model.AnyCovers(scopes, it.unit.DI, it.unit.Lot, "")
			}
			if covered {
				return model.Invalid("recall %s already covers %s: the amendment changes nothing", r.ID, it.key())
			}
		}
	}
	if _, err := t.markScope(s, r.ID, own); err != nil {
		return err
	}
	r.MoreScopes = append(r.MoreScopes, *s)
	return nil
}

// scopeText names a scope for a recall's history.
func scopeText(s model.RecallScope) string {
	switch s.Type {
	case model.ScopeLot:
		return "lot " + s.DI + "/" + s.Lot
	case model.ScopeDI:
		return "product " + s.DI
	}
	const named = 10
	if len(s.Codes) > named {
		return fmt.Sprintf("%d codes (%s, …)", len(s.Codes), strings.Join(s.Codes[:named], ", "))
	}
	return fmt.Sprintf("%d codes (%s)", len(s.Codes), strings.Join(s.Codes, ", "))
}

// Complete records that the recalling firm's actions are done: the party that started the
// recall, the manufacturer of the recalled product (the recalling firm) or a regulator.
func (c *RecallContract) Complete(ctx contractapi.TransactionContextInterface, req model.RecallCloseRequest) (*model.Recall, error) {
	t, r, err := c.step(ctx, req.RecallID, "complete", firmOrRegulator, model.RecallStarted)
	if err != nil {
		return nil, err
	}
	if req.Override {
		return nil, model.Invalid("override is a regulator's, when terminating")
	}
	r.State = model.RecallCompleted
	return r, t.putStep(r, model.RecallStep{Step: "completed", Reason: req.Reason})
}

// Terminate ends a completed recall: a regulator only, when the share of units back reaches the
// recall's effectiveness target (100 % unless it sets another), or before that with Override
// and the reason.
func (c *RecallContract) Terminate(ctx contractapi.TransactionContextInterface, req model.RecallCloseRequest) (*model.Recall, error) {
	t, r, err := c.step(ctx, req.RecallID, "terminate", regulator("terminate a recall"), model.RecallCompleted)
	if err != nil {
		return nil, err
	}
	t.inSubmit = true
	st, err := t.recallStatus(r, false)
	if err != nil {
		return nil, err
	}
	met := r.TargetMet(st.Done, st.Required)
	if !met && !req.Override {
		return nil, model.Invalid("recall %s is at %d of %d units (%.0f %%): a regulator terminates it at its target of %d %%, or overrides with a reason",
			r.ID, st.Done, st.Required, st.Progress*100, r.Target())
	}
	r.State = model.RecallTerminated
	return r, t.putStep(r, model.RecallStep{Step: "terminated", Reason: req.Reason, Override: req.Override && !met})
}

// Check records a regulator's effectiveness check of one holder of a started or completed
// recall; a later check of the same holder replaces the earlier one.
func (c *RecallContract) Check(ctx contractapi.TransactionContextInterface, req model.EffectivenessCheckRequest) (*model.Recall, error) {
	t, r, err := c.step(ctx, req.RecallID, "check", regulator("check a recall's effectiveness"), model.RecallStarted, model.RecallCompleted)
	if err != nil {
		return nil, err
	}
	if _, err := t.party(req.Holder); err != nil {
		return nil, err
	}
	ck := model.EffectivenessCheck{Holder: req.Holder, Level: req.Level, Effective: req.Effective, Note: req.Note,
		By: t.caller, At: t.nowText, TxID: t.txID}
	checks := r.Checks[:0:0]
	for _, old := range r.Checks {
		if old.Holder != req.Holder {
			checks = append(checks, old)
		}
	}
	r.Checks = append(checks, ck)
	return r, t.putRecall(r, "checked")
}

// step begins a step of recall id: who may take it is checked first, then that the recall is
// in one of states.
func (c *RecallContract) step(ctx contractapi.TransactionContextInterface, id, what string, who func(*txn, *model.Recall) error, states ...model.RecallState) (*txn, *model.Recall, error) {
	t, err := begin(ctx, c.cfg)
	if err != nil {
		return nil, nil, err
	}
	r, err := t.readRecall(id)
	if err != nil {
		return nil, nil, err
	}
	if err := who(t, r); err != nil {
		return nil, nil, err
	}
	for _, s := range states {
		if r.Current() == s {
			return t, r, nil
		}
	}
	return nil, nil, model.Conflict("recall %s is %s: it cannot %s", r.ID, r.Current(), what)
}

// initiatorOrRegulator allows the party that started the recall, or a regulator.
func initiatorOrRegulator(what string) func(*txn, *model.Recall) error {
	return func(t *txn, r *model.Recall) error {
		if r.InitiatedBy == t.caller {
			_, err := t.meAs(what+" a recall", model.RoleRegulator, model.RoleManufacturer)
			return err
		}
		_, err := t.meAs(fmt.Sprintf("%s recall %s, which %s started", what, r.ID, r.InitiatedBy), model.RoleRegulator)
		return err
	}
}

// firmOrRegulator allows the party that started the recall, the recalling firm (the
// manufacturer of every product its scopes name by lot or DI), or a regulator.
func firmOrRegulator(t *txn, r *model.Recall) error {
	if r.InitiatedBy != t.caller {
		if firm, err := t.recallFirm(r); err == nil && firm == t.caller {
			_, err := t.meAs("complete a recall", model.RoleManufacturer)
			return err
		}
	}
	return initiatorOrRegulator("complete")(t, r)
}

// regulator allows a regulator.
func regulator(action string) func(*txn, *model.Recall) error {
	return func(t *txn, _ *model.Recall) error {
		_, err := t.meAs(action, model.RoleRegulator)
		return err
	}
}

// putStep adds a step to the recall's history and writes it.
func (t *txn) putStep(r *model.Recall, s model.RecallStep) error {
	s.By, s.At, s.TxID = t.caller, t.nowText, t.txID
	r.History = append(r.History, s)
	return t.putRecall(r, s.Step)
}

// putRecall writes the recall and notifies the channel of the step.
func (t *txn) putRecall(r *model.Recall, step string) error {
	if err := t.putRecallRecord(r); err != nil {
		return err
	}
	return t.emit(model.Notification{Kind: "recall", ID: r.ID, Step: step})
}
