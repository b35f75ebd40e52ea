package contract

import (
	"slices"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/udiledger/udiledger/chaincode/model"
)

// Rework records that returned units were re-worked (relabelled, repaired) under a recall:
// the recalling firm, manufacturer of their product, holding them returned at top level. The
// units are active again in its stock and record the recall (model.Unit.ReworkedFor): the
// recall's progress counts them done and no longer holds them back; any other recall still
// does. Lot-level quantities have no identity to record this on: they are destroyed.
func (c *UnitContract) Rework(ctx contractapi.TransactionContextInterface, req model.ReworkRequest) (*model.EventResult, error) {
	t, prev, hash, err := beginEvent(ctx, c.cfg, req.EventID, req)
	if err != nil || prev != nil {
		return replayOr(prev, err)
	}
	if _, err := t.trader("rework", model.RoleManufacturer); err != nil {
		return nil, err
	}
	if req.Reason == "" || req.RecallID == "" {
		return nil, model.Invalid("a recall ID and a reason are required")
	}
	if err := validGLN(req.Location); err != nil {
		return nil, err
	}
	codes, items, err := t.requestItems(req.Codes)
	if err != nil {
		return nil, err
	}
	if _, err := t.openRecall(req.RecallID); err != nil {
		return nil, err
	}
	for _, it := range items {
		if it.unit == nil {
			return nil, model.Invalid("%s is a container: unpack it and re-work its units", it.key())
		}
		if err := t.reworkable(it, req.RecallID); err != nil {
			return nil, err
		}
		it.unit.ReworkedFor = insertSorted(it.unit.ReworkedFor, req.RecallID)
		it.setState(model.StatusActive, t.caller, t.caller, req.Location, "", "")
		if err := t.save(it, req.EventID); err != nil {
			return nil, err
		}
	}
	return t.record(&model.Event{
		EventID: req.EventID, Type: model.ObjectEvent, Action: model.ActionObserve,
		BizStep: model.BizStepRepairing, Disposition: model.DispositionActive, EPCList: keysOf(codes),
		ReadPoint: req.Location, BizLocation: req.Location,
		Detail: &model.EventDetail{RecallID: req.RecallID, Reason: req.Reason, UnitCount: len(items)},
	}, hash)
}

// reworkable checks that the caller may re-work a unit under recall id.
func (t *txn) reworkable(it *item, id string) error {
	if p := it.parent(); p != "" {
		return model.Invalid("%s is packed in %s: unpack it first", it.key(), p)
	}
	if it.owner() != t.caller {
		return model.Forbidden("%s is not held by %s", it.key(), t.caller)
	}
	if err := t.madeBy(it, t.caller); err != nil {
		return err
	}
	if s := it.status(); s != model.StatusReturned {
		return model.Invalid("%s is %s: only returned units are re-worked", it.key(), s)
	}
	return t.coverItem(it, id)
}

// settleReworked clears the recall from a unit's condition when the unit was re-worked under
// every recall that covers it.
func (t *txn) settleReworked(u *model.Unit, cond *model.Condition) error {
	if len(u.ReworkedFor) == 0 || (!cond.Recalled && cond.LotStatus != model.LotRecalled) {
		return nil
	}
	ids, err := t.recallIDs(u)
	if err != nil {
		return err
	}
	for _, id := range ids {
		if !slices.Contains(u.ReworkedFor, id) {
			return nil
		}
	}
	cond.Recalled = false
	if cond.LotStatus == model.LotRecalled {
		cond.LotStatus = model.LotReleased
	}
	return nil
}

// Restock puts goods returned to the caller back into its sellable stock: units and
// containers it holds returned at top level, and quantities of its returned lot-level goods.
// Each must be what query:Verify would answer sellable once back in stock (genuine, not
// recalled, quarantined, expired or a suspected clone); the refusal gives verify's reasons.
func (c *UnitContract) Restock(ctx contractapi.TransactionContextInterface, req model.RestockRequest) (*model.EventResult, error) {
	t, prev, hash, err := beginTrade(ctx, c.cfg, req, "restock", tradingRoles...)
	if err != nil || prev != nil {
		return replayOr(prev, err)
	}
	codes, items, qs, err := t.requestGoods(req.Codes, req.Quantities)
	if err != nil {
		return nil, err
	}
	for _, q := range qs {
		if err := t.lotMovable(q.code); err != nil {
			return nil, model.Invalid("%s cannot re-enter stock: %s", q.code.Key, model.MessageOf(err.Error()))
		}
	}
	if err := t.moveQuantities(qs, otReturned, otStock); err != nil {
		return nil, err
	}
	units := sumQuantities(qs)
	for _, it := range items {
		if p := it.parent(); p != "" {
			return nil, model.Invalid("%s is packed in %s: restock the container", it.key(), p)
		}
		if it.owner() != t.caller {
			return nil, model.Forbidden("%s is not held by %s", it.key(), t.caller)
		}
		if s := it.status(); s != model.StatusReturned {
			return nil, model.Invalid("%s is %s: only returned goods are restocked", it.key(), s)
		}
		it.setState(model.StatusActive, t.caller, t.caller, req.Location, "", "")
		// Verify reads the same records, now active: its answer is the one a buyer would get.
		v, _, err := t.verify(it.code.Raw)
		if err != nil {
			return nil, err
		}
		if !v.Sellable {
			return nil, model.Invalid("%s cannot re-enter stock: %s", it.key(), joinReasons(v.Reasons))
		}
		units += it.unitCount()
		if err := t.save(it, req.EventID); err != nil {
			return nil, err
		}
	}
	return t.record(&model.Event{
		EventID: req.EventID, Type: model.ObjectEvent, Action: model.ActionObserve,
		BizStep: model.BizStepStocking, Disposition: model.DispositionSellableAccessible,
		EPCList: keysOf(codes), QuantityList: quantityList(qs), ReadPoint: req.Location, BizLocation: req.Location,
		Detail: &model.EventDetail{Reason: req.Reason, UnitCount: units},
	}, hash)
}

// settleReworkedContainer clears the recall from a container's condition when every unit in
// it was re-worked under every recall that covers the container (its contents' lots and
// products, itself and the containers around and inside it). It reads the units only for a
// recalled container, and stops at the first unit not settled.
func (t *txn) settleReworkedContainer(c *model.Container, cond *model.Condition) error {
	if !cond.Recalled && cond.LotStatus != model.LotRecalled {
		return nil
	}
	ids, err := t.containerRecallIDs(c)
	if err != nil {
		return err
	}
	settled, err := t.unitsSettle(c, ids, 0)
	if err != nil || !settled {
		return err
	}
	cond.Recalled = false
	if cond.LotStatus == model.LotRecalled {
		cond.LotStatus = model.LotReleased
	}
	return nil
}

// unitsSettle reports whether every unit in c, at any depth, was re-worked under every
// recall of ids and names no other recall itself.
func (t *txn) unitsSettle(c *model.Container, ids []string, depth int) (bool, error) {
	if depth > maxDepth {
		return false, model.Invalid("containers nested deeper than %d", maxDepth)
	}
	for _, k := range c.Units {
		u, err := t.unit(k)
		if err != nil || u == nil {
			return false, err
		}
		for _, id := range append(slices.Clone(ids), u.RecallIDs...) {
			if !slices.Contains(u.ReworkedFor, id) {
				return false, nil
			}
		}
	}
	for _, k := range c.Containers {
		in, err := t.container(k)
		if err != nil || in == nil {
			return false, err
		}
		if ok, err := t.unitsSettle(in, ids, depth+1); err != nil || !ok {
			return false, err
		}
	}
	return len(c.Units)+len(c.Containers) > 0, nil
}
