package contract

import (
	"fmt"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/udiledger/udiledger/chaincode/model"
)

// A recall's life after its start: amendments of class and depth, completion by the recalling
// firm, termination by a regulator (at 100 % progress, or overridden with a reason), and the
// regulator's effectiveness checks. Each step is a transaction that rewrites the recall
// record with the step in its history and notifies the channel.

// Amend changes a started recall's class or depth: the party that started it or a regulator.
func (c *RecallContract) Amend(ctx contractapi.TransactionContextInterface, req model.RecallAmendRequest) (*model.Recall, error) {
	t, r, err := c.step(ctx, req.RecallID, "amend", initiatorOrRegulator("amend"), model.RecallStarted)
	if err != nil {
		return nil, err
	}
	var changes []string
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

// Terminate ends a completed recall: a regulator only, when every unit that must come back has
// (progress 100 %), or before that with Override and the reason.
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
	if st.Done < st.Required && !req.Override {
		return nil, model.Invalid("recall %s is at %d of %d units (%.0f %%): a regulator terminates it at 100 %%, or overrides with a reason",
			r.ID, st.Done, st.Required, st.Progress*100)
	}
	r.State = model.RecallTerminated
	return r, t.putStep(r, model.RecallStep{Step: "terminated", Reason: req.Reason, Override: req.Override && st.Done < st.Required})
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
	r, err := t.recall(id)
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

// firmOrRegulator allows the party that started the recall, the manufacturer of the product
// it recalls (a lot or a DI), or a regulator.
func firmOrRegulator(t *txn, r *model.Recall) error {
	if r.Scope.DI != "" && r.InitiatedBy != t.caller {
		if p, err := t.product(r.Scope.DI); err == nil && p.Manufacturer == t.caller {
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
	k, err := t.key(otRecall, r.ID)
	if err != nil {
		return err
	}
	if err := t.putJSON(k, r); err != nil {
		return err
	}
	return t.emit(model.Notification{Kind: "recall", ID: r.ID, Step: step})
}
