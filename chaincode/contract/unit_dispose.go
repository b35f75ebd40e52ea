package contract

import (
	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/udiledger/udiledger/chaincode/model"
)

// Return sends units or containers back, by default to the manufacturer of their product.
// The holder returns stock in any state but in transit or disposed of (recalled, quarantined
// and expired goods are what returns are for); the dispenser returns units it dispensed. A
// return is a shipment: the item is in transit to the party it goes to, which accepts it with
// unit:Receive; only then is it in that party's books, with status returned.
func (c *UnitContract) Return(ctx contractapi.TransactionContextInterface, req model.ReturnRequest) (*model.EventResult, error) {
	t, prev, hash, err := beginEvent(ctx, c.cfg, req.EventID, req)
	if err != nil || prev != nil {
		return replayOr(prev, err)
	}
	if _, err := t.trader("return", tradingRoles...); err != nil {
		return nil, err
	}
	if err := validGLN(req.Location); err != nil {
		return nil, err
	}
	codes, items, err := t.requestItems(req.Codes)
	if err != nil {
		return nil, err
	}
	units := 0
	var tos []string
	for _, it := range items {
		if err := t.returnable(it); err != nil {
			return nil, err
		}
		to, err := t.returnTo(it, req.To)
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
		ReadPoint:       req.Location,
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

// returnTo is where an item goes back to: the named party, else the manufacturer of its
// product (the one manufacturer of a container's contents).
func (t *txn) returnTo(it *item, to string) (string, error) {
	if to == "" {
		for _, di := range it.dis() {
			p, err := t.product(di)
			if err != nil {
				return "", err
			}
			if to != "" && to != p.Manufacturer {
				return "", model.Invalid("%s holds products of several manufacturers: name the party to return to", it.key())
			}
			to = p.Manufacturer
		}
		if to == "" {
			return "", model.Invalid("%s is empty: name the party to return to", it.key())
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

// Destroy records the destruction of units or containers; returned and recalled goods end
// here.
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
	codes, items, err := t.requestItems(req.Codes)
	if err != nil {
		return nil, err
	}
	units := 0
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
		BizStep: step, Disposition: disp, EPCList: keysOf(codes),
		ReadPoint: req.Location, BizLocation: req.Location,
		Detail: &model.EventDetail{Reason: req.Reason, UnitCount: units},
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
