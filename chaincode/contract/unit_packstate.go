package contract

import (
	"time"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/udiledger/udiledger/chaincode/model"
)

// SetPackState puts loose units the caller holds into a pack state (ADR 028): locked,
// stolen, exported, sample, free_sample or checked_out (hospitals), at the caller's location. The units
// must be active; stolen may also be reported for units in transit, and by a regulator for
// any unit not yet out of the supply chain.
func (c *UnitContract) SetPackState(ctx contractapi.TransactionContextInterface, req model.PackStateRequest) (*model.EventResult, error) {
	t, prev, hash, err := beginEvent(ctx, c.cfg, req.EventID, req)
	if err != nil || prev != nil {
		return replayOr(prev, err)
	}
	me, err := t.meAs("set a pack state", append(tradingRoles, model.RoleRegulator)...)
	if err != nil {
		return nil, err
	}
	regulator := me.HasRole(model.RoleRegulator)
	if !req.State.IsPackState() {
		return nil, model.Invalid("state must be one of %v", model.PackStates)
	}
	if regulator && req.State != model.StatusStolen {
		return nil, model.Forbidden("a regulator reports units stolen only: the holder sets %s", req.State)
	}
	if req.State == model.StatusCheckedOut && !me.HasRole(model.RoleHospital) {
		return nil, model.Forbidden("%s may not check packs out: needs role %v", t.caller, []model.Role{model.RoleHospital})
	}
	if !regulator {
		if err := t.licensed(me); err != nil {
			return nil, err
		}
	}
	if req.Location == "" && req.State.Reversible() {
		return nil, model.Invalid("location is required: an undo must come from the same location")
	}
	if err := validGLN(req.Location); err != nil {
		return nil, err
	}
	codes, items, err := t.requestItems(req.Codes)
	if err != nil {
		return nil, err
	}
	info := &model.PackStamp{State: req.State, By: t.caller, At: t.nowText, Location: req.Location, EventID: req.EventID, Reason: req.Reason}
	for _, it := range items {
		if err := t.packStateAllowed(it, req.State, regulator); err != nil {
			return nil, err
		}
		it.unit.Status, it.unit.PackState = req.State, info
		if err := t.save(it, req.EventID); err != nil {
			return nil, err
		}
	}
	return t.record(&model.Event{
		EventID: req.EventID, Type: model.ObjectEvent, Action: model.ActionObserve,
		BizStep: packStateStep(req.State), Disposition: req.State.Disposition(), EPCList: keysOf(codes),
		ReadPoint: req.Location, BizLocation: req.Location,
		Detail: &model.EventDetail{PackState: req.State, Reason: req.Reason, UnitCount: len(codes)},
	}, hash)
}

// packStateAllowed checks that state may be set on it: a loose unit of the caller's (any
// unit for a regulator), active; stolen also in transit.
func (t *txn) packStateAllowed(it *item, state model.Status, regulator bool) error {
	if it.unit == nil {
		return model.Invalid("%s is a container: unpack it and set the state of its units", it.key())
	}
	if p := it.parent(); p != "" {
		return model.Invalid("%s is packed in %s: unpack it first", it.key(), p)
	}
	if !regulator && it.owner() != t.caller {
		return model.Forbidden("%s is not held by %s", it.key(), t.caller)
	}
	cond, _, err := t.unitCondition(it.unit)
	if err != nil {
		return err
	}
	if state != model.StatusStolen {
		return cond.CanMove(it.key())
	}
	if s := cond.Effective(); s.Terminal() || s == model.StatusStolen {
		return model.Invalid("%s is %s", it.key(), s)
	}
	return nil
}

// packStateStep is the CBV business step of setting or undoing state: holding for a lock,
// decommissioning for the others, as EMVS counts them.
func packStateStep(state model.Status) model.BizStep {
	if state == model.StatusLocked {
		return model.BizStepHolding
	}
	return model.BizStepDecommissioning
}

// UndoPackState returns units from a reversible pack state to active stock. Only the party
// that set the state undoes it, at the same location; a lock at any time, the other states
// within model.UndoPackStateDays; never a stolen, recalled or expired unit.
func (c *UnitContract) UndoPackState(ctx contractapi.TransactionContextInterface, req model.UndoPackStateRequest) (*model.EventResult, error) {
	t, prev, hash, err := beginEvent(ctx, c.cfg, req.EventID, req)
	if err != nil || prev != nil {
		return replayOr(prev, err)
	}
	if _, err := t.trader("undo a pack state", tradingRoles...); err != nil {
		return nil, err
	}
	codes, items, err := t.requestItems(req.Codes)
	if err != nil {
		return nil, err
	}
	var state model.Status
	undone := ""
	for _, it := range items {
		ps, err := t.undoablePackState(it, req.Location)
		if err != nil {
			return nil, err
		}
		if state != "" && ps.State != state {
			return nil, model.Invalid("an undo takes units of one state: %s is %s, not %s", it.key(), ps.State, state)
		}
		state, undone = ps.State, ps.EventID
		it.unit.Status, it.unit.PackState = model.StatusActive, nil
		if err := t.save(it, req.EventID); err != nil {
			return nil, err
		}
	}
	return t.record(&model.Event{
		EventID: req.EventID, Type: model.ObjectEvent, Action: model.ActionObserve,
		BizStep: packStateStep(state), Disposition: model.DispositionActive, EPCList: keysOf(codes),
		ReadPoint: req.Location, BizLocation: req.Location,
		Detail: &model.EventDetail{Undoes: undone, PackState: state, Reason: req.Reason, UnitCount: len(codes)},
	}, hash)
}

// undoablePackState checks that the caller may undo the pack state of it at location.
func (t *txn) undoablePackState(it *item, location string) (*model.PackStamp, error) {
	u := it.unit
	if u == nil || !u.Status.IsPackState() || u.PackState == nil {
		return nil, model.Invalid("%s is not in a pack state", it.key())
	}
	ps := u.PackState
	if !ps.State.Reversible() {
		return nil, model.Invalid("%s is %s: that state is final", u.Key, ps.State)
	}
	if ps.By != t.caller {
		return nil, model.Forbidden("%s was set %s by %s: only that party undoes it", u.Key, ps.State, ps.By)
	}
	if location != ps.Location {
		return nil, model.Invalid("%s was set %s at %s: undo it there, not at %q", u.Key, ps.State, ps.Location, location)
	}
	if ps.State != model.StatusLocked {
		at, err := model.ParseTime(ps.At)
		if err != nil {
			return nil, err
		}
		if t.now.Sub(at) > model.UndoPackStateDays*24*time.Hour {
			return nil, model.Invalid("%s was set %s on %s, more than %d days ago", u.Key, ps.State, model.DateOf(at), model.UndoPackStateDays)
		}
	}
	cond, _, err := t.unitCondition(u)
	if err != nil {
		return nil, err
	}
	cond.Own = model.StatusActive
	if s := cond.Effective(); s == model.StatusRecalled || s == model.StatusExpired {
		return nil, model.Invalid("%s is %s: its %s state cannot be undone", u.Key, s, ps.State)
	}
	return ps, nil
}
