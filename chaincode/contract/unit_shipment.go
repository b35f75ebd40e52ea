package contract

import (
	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/udiledger/udiledger/chaincode/model"
)

// CancelShipment voids a shipment before its receipt: only the sender cancels, and the items
// are back in its stock, active, at the location given (else where they were shipped from).
func (c *UnitContract) CancelShipment(ctx contractapi.TransactionContextInterface, req model.ShipmentRequest) (*model.EventResult, error) {
	t, prev, hash, err := beginEvent(ctx, c.cfg, req.EventID, req)
	if err != nil || prev != nil {
		return replayOr(prev, err)
	}
	if _, err := t.trader("cancel a shipment", tradingRoles...); err != nil {
		return nil, err
	}
	items, codes, err := t.inTransit(req)
	if err != nil {
		return nil, err
	}
	units := 0
	for _, it := range items {
		if it.owner() != t.caller || it.shipFrom() != t.caller {
			return nil, model.Forbidden("%s was not shipped by %s: only the sender cancels", it.key(), t.caller)
		}
		it.setState(model.StatusActive, t.caller, t.caller, req.Location, "", "")
		units += it.unitCount()
		if err := t.save(it, req.EventID); err != nil {
			return nil, err
		}
	}
	return t.record(&model.Event{
		EventID: req.EventID, Type: model.ObjectEvent, Action: model.ActionObserve,
		BizStep: model.BizStepVoidShipping, Disposition: model.DispositionActive, EPCList: keysOf(codes),
		ReadPoint: req.Location, BizLocation: req.Location,
		Detail: &model.EventDetail{Reason: req.Reason, UnitCount: units},
	}, hash)
}

// RefuseShipment turns a shipment back: only its receiver refuses, and the items travel back
// to the sender, who receives them with unit:Receive as any delivery.
func (c *UnitContract) RefuseShipment(ctx contractapi.TransactionContextInterface, req model.ShipmentRequest) (*model.EventResult, error) {
	t, prev, hash, err := beginEvent(ctx, c.cfg, req.EventID, req)
	if err != nil || prev != nil {
		return replayOr(prev, err)
	}
	if _, err := t.trader("refuse a shipment", tradingRoles...); err != nil {
		return nil, err
	}
	items, codes, err := t.inTransit(req)
	if err != nil {
		return nil, err
	}
	units, back := 0, ""
	for _, it := range items {
		if it.shipTo() != t.caller {
			return nil, model.Forbidden("%s is not shipped to %s: only the receiver refuses", it.key(), t.caller)
		}
		if back != "" && it.owner() != back {
			return nil, model.Invalid("a refusal sends goods back to one sender: refuse %s on its own", it.key())
		}
		back = it.owner()
		it.setState(model.StatusInTransit, back, "", "", back, t.caller)
		units += it.unitCount()
		if err := t.save(it, req.EventID); err != nil {
			return nil, err
		}
	}
	return t.record(&model.Event{
		EventID: req.EventID, Type: model.ObjectEvent, Action: model.ActionObserve,
		BizStep: model.BizStepShipping, Disposition: model.DispositionInTransit, EPCList: keysOf(codes),
		ReadPoint:       req.Location,
		SourceList:      []model.SourceDest{{Type: model.SDOwningParty, Value: t.caller}},
		DestinationList: destinations(back, ""),
		Detail:          &model.EventDetail{To: back, Reason: req.Reason, UnitCount: units},
	}, hash)
}

// inTransit reads the top-level items of req, each in transit as a delivery (not a return).
func (t *txn) inTransit(req model.ShipmentRequest) ([]*item, []code, error) {
	if err := validGLN(req.Location); err != nil {
		return nil, nil, err
	}
	codes, err := parseCodes(req.Codes, model.MaxEventCodes)
	if err != nil {
		return nil, nil, err
	}
	items, err := t.lookupAll(codes)
	if err != nil {
		return nil, nil, err
	}
	for _, it := range items {
		if p := it.parent(); p != "" {
			return nil, nil, model.Invalid("%s is packed in %s: name the container", it.key(), p)
		}
		if it.status() != model.StatusInTransit {
			return nil, nil, model.Invalid("%s is not in transit (status %s)", it.key(), it.status())
		}
		// A return may carry dispensed units: undone, they would re-enter stock unchecked.
		if it.returning() {
			return nil, nil, model.Invalid("%s travels as a return: a return is received, then shipped anew", it.key())
		}
	}
	return items, codes, nil
}

// Relocate records a transfer between two of the caller's own sites (Location to
// Destination, both its registered GLNs): the owner does not change, the items must be active
// and at Location.
func (c *UnitContract) Relocate(ctx contractapi.TransactionContextInterface, req model.RelocateRequest) (*model.EventResult, error) {
	t, prev, hash, err := beginEvent(ctx, c.cfg, req.EventID, req)
	if err != nil || prev != nil {
		return replayOr(prev, err)
	}
	me, err := t.trader("relocate", tradingRoles...)
	if err != nil {
		return nil, err
	}
	for _, gln := range []string{req.Location, req.Destination} {
		if err := validGLN(gln); err != nil {
			return nil, err
		}
		if !me.HasLocation(gln) {
			return nil, model.Invalid("location %q is not a registered location of %s", gln, t.caller)
		}
	}
	if req.Location == req.Destination {
		return nil, model.Invalid("location and destination are the same")
	}
	codes, items, err := t.requestItems(req.Codes)
	if err != nil {
		return nil, err
	}
	units := 0
	for _, it := range items {
		if err := t.movable(it, "relocate"); err != nil {
			return nil, err
		}
		if at := it.location(); at != "" && at != req.Location {
			return nil, model.Invalid("%s is at %s, not at %s", it.key(), at, req.Location)
		}
		it.setState(model.StatusActive, t.caller, t.caller, req.Destination, "", "")
		units += it.unitCount()
		if err := t.save(it, req.EventID); err != nil {
			return nil, err
		}
	}
	return t.record(&model.Event{
		EventID: req.EventID, Type: model.ObjectEvent, Action: model.ActionObserve,
		BizStep: model.BizStepTransporting, Disposition: model.DispositionActive, EPCList: keysOf(codes),
		ReadPoint: req.Destination, BizLocation: req.Destination,
		SourceList:      []model.SourceDest{{Type: model.SDLocation, Value: req.Location}},
		DestinationList: []model.SourceDest{{Type: model.SDLocation, Value: req.Destination}},
		Detail:          &model.EventDetail{UnitCount: units},
	}, hash)
}

func (it *item) location() string {
	if it.unit != nil {
		return it.unit.Location
	}
	return it.cont.Location
}
