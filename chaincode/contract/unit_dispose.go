package contract

import (
	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/udiledger/udiledger/chaincode/model"
)

// Return sends units or containers, and quantities of lot-controlled items from the caller's
// stock, back: to the party named, else under a recall to the recalling firm, else to the
// manufacturer of their product. The holder returns stock in any state but in transit or
// disposed of (recalled, quarantined and expired goods are what returns are for); the
// dispenser returns units it dispensed. A return under a recall needs the recall open and
// covering the goods. A return is a shipment: the goods are in transit to the party they go
// to, which accepts them with unit:Receive (its confirmation of receipt); only then are they
// in that party's books, with status returned.
func (c *UnitContract) Return(ctx contractapi.TransactionContextInterface, req model.ReturnRequest) (*model.EventResult, error) {
	t, prev, hash, err := beginTrade(ctx, c.cfg, req, "return", tradingRoles...)
	if err != nil || prev != nil {
		return replayOr(prev, err)
	}
	codes, items, qs, err := t.requestGoods(req.Codes, req.Quantities)
	if err != nil {
		return nil, err
	}
	firm, err := t.underRecall(req.RecallID, items, qs)
	if err != nil {
		return nil, err
	}
	goTo := req.To
	if goTo == "" {
		goTo = firm
	}
	units := sumQuantities(qs)
	var tos []string
	for _, q := range qs {
		to, err := t.returnTo(q.code.Key, []string{q.code.DI}, goTo)
		if err != nil {
			return nil, err
		}
		tos = insertSorted(tos, to)
		if err := t.returnQuantities([]qty{q}, to, req.RecallID); err != nil {
			return nil, err
		}
	}
	for _, it := range items {
		if err := t.returnable(it); err != nil {
			return nil, err
		}
		to, err := t.returnTo(it.key(), it.dis(), goTo)
		if err != nil {
			return nil, err
		}
		tos = insertSorted(tos, to)
		if it.status() == model.StatusDispensed { // back on the dispenser's list while on its way
			if err := t.setHolder(it, "", t.caller); err != nil {
				return nil, err
			}
		}
		it.setState(model.StatusInTransit, t.caller, "", req.Location, to, t.caller)
		it.setReturning(true)
		it.setReturnRecall(req.RecallID)
		units += it.unitCount()
		if err := t.save(it, req.EventID); err != nil {
			return nil, err
		}
	}
	dest := make([]model.SourceDest, 0, len(tos))
	for _, to := range tos {
		dest = append(dest, model.SourceDest{Type: model.SDOwningParty, Value: to})
	}
	return t.record(&model.Event{
		EventID: req.EventID, Type: model.ObjectEvent, Action: model.ActionObserve,
		BizStep: model.BizStepReturning, Disposition: model.DispositionInTransit, EPCList: keysOf(codes),
		QuantityList: quantityList(qs), ReadPoint: req.Location,
		SourceList:      []model.SourceDest{{Type: model.SDOwningParty, Value: t.caller}},
		DestinationList: dest,
		Detail:          &model.EventDetail{To: joinSorted(tos), RecallID: req.RecallID, Reason: req.Reason, UnitCount: units},
	}, hash)
}

// returnable checks that the caller may return it.
func (t *txn) returnable(it *item) error {
	if p := it.parent(); p != "" {
		return model.Invalid("%s is packed in %s: return the container or unpack it first", it.key(), p)
	}
	switch s := it.status(); s {
	case model.StatusDispensed:
		if it.unit == nil || it.unit.Dispense == nil || it.unit.Dispense.By != t.caller {
			return model.Forbidden("%s was dispensed by another party", it.key())
		}
		return nil
	case model.StatusActive:
	default:
		return model.Invalid("%s is %s", it.key(), s)
	}
	if it.owner() != t.caller {
		return model.Forbidden("%s is not held by %s", it.key(), t.caller)
	}
	return nil
}

// returnTo is where goods (key, of the products dis) go back to: the named party, else the
// manufacturer of their product (the one manufacturer of a container's contents).
func (t *txn) returnTo(key string, dis []string, to string) (string, error) {
	if to == "" {
		for _, di := range dis {
			p, err := t.product(di)
			if err != nil {
				return "", err
			}
			if to != "" && to != p.Manufacturer {
				return "", model.Invalid("%s holds products of several manufacturers: name the party to return to", key)
			}
			to = p.Manufacturer
		}
		if to == "" {
			return "", model.Invalid("%s is empty: name the party to return to", key)
		}
	}
	if to == t.caller {
		return "", model.Invalid("cannot return to oneself")
	}
	p, err := t.party(to)
	if err != nil {
		return "", err
	}
	if !p.HasRole(tradingRoles...) {
		return "", model.Invalid("party %s does not take goods back", to)
	}
	return to, nil
}

// Decommission takes units or containers out of the supply chain (damaged, sample, stolen…).
func (c *UnitContract) Decommission(ctx contractapi.TransactionContextInterface, req model.DisposeRequest) (*model.EventResult, error) {
	return c.dispose(ctx, req, model.StatusDecommissioned, model.BizStepDecommissioning, model.DispositionInactive, model.ActionDelete)
}

// Destroy records the destruction of units or containers, and of quantities of the caller's
// stock (or, with FromReturned, of its returned goods); returned and recalled goods end here.
// A destruction under a recall names it (RecallID), open and covering the goods.
func (c *UnitContract) Destroy(ctx contractapi.TransactionContextInterface, req model.DisposeRequest) (*model.EventResult, error) {
	return c.dispose(ctx, req, model.StatusDestroyed, model.BizStepDestroying, model.DispositionDestroyed, model.ActionDelete)
}

func (c *UnitContract) dispose(ctx contractapi.TransactionContextInterface, req model.DisposeRequest,
	status model.Status, step model.BizStep, disp model.Disposition, action model.Action) (*model.EventResult, error) {
	t, prev, hash, err := beginEvent(ctx, c.cfg, req.EventID, req)
	if err != nil || prev != nil {
		return replayOr(prev, err)
	}
	if _, err := t.trader(string(step), append(tradingRoles, model.RoleRegulator)...); err != nil {
		return nil, err
	}
	if req.Reason == "" {
		return nil, model.Invalid("a reason is required")
	}
	if err := validGLN(req.Location); err != nil {
		return nil, err
	}
	codes, items, qs, err := t.requestGoods(req.Codes, req.Quantities)
	if err != nil {
		return nil, err
	}
	if _, err := t.underRecall(req.RecallID, items, qs); err != nil {
		return nil, err
	}
	from, into := otStock, otDestroyed
	if req.FromReturned {
		from = otReturned
	}
	if status == model.StatusDecommissioned {
		into = otDecommissioned
	}
	if err := t.moveQuantities(qs, from, into); err != nil {
		return nil, err
	}
	units := sumQuantities(qs)
	for _, it := range items {
		if p := it.parent(); p != "" {
			return nil, model.Invalid("%s is packed in %s: unpack it first", it.key(), p)
		}
		if it.owner() != t.caller {
			return nil, model.Forbidden("%s is not held by %s", it.key(), t.caller)
		}
		if s := it.status(); s != model.StatusActive && s != model.StatusReturned {
			return nil, model.Invalid("%s is %s", it.key(), s)
		}
		if err := t.retire(it, status, req.Location, req.EventID); err != nil {
			return nil, err
		}
		units += it.unitCount()
	}
	return t.record(&model.Event{
		EventID: req.EventID, Type: model.ObjectEvent, Action: action,
		BizStep: step, Disposition: disp, EPCList: keysOf(codes), QuantityList: quantityList(qs),
		ReadPoint: req.Location, BizLocation: req.Location,
		Detail: &model.EventDetail{Reason: req.Reason, RecallID: req.RecallID, UnitCount: units},
	}, hash)
}

// retire takes an item the caller holds at top level out of the supply chain with a final
// status, stamped with the caller's event.
func (t *txn) retire(it *item, status model.Status, location, eventID string) error {
	if err := t.setHolder(it, t.caller, ""); err != nil {
		return err
	}
	it.setState(status, t.caller, t.caller, location, "", "")
	return t.save(it, eventID)
}
