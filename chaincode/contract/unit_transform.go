package contract

import (
	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/udiledger/udiledger/chaincode/model"
)

// Transform records a transformation (EPCIS TransformationEvent): repackaging, kitting,
// relabelling. The inputs the ledger governs are consumed: serialized units the caller holds
// at top level, active and neither recalled, quarantined nor expired, are decommissioned with
// the transformation as their last event; lot quantities leave the caller's stock. Inputs of
// products the ledger does not know are only named. The outputs are commissioned as
// Commission does (the caller's own product and a lot neither recalled nor expired), each
// recording its lineage: the inputs and the transformation.
func (c *UnitContract) Transform(ctx contractapi.TransactionContextInterface, req model.TransformRequest) (*model.EventResult, error) {
	t, prev, hash, err := beginTrade(ctx, c.cfg, req, "transform units", model.RoleManufacturer)
	if err != nil || prev != nil {
		return replayOr(prev, err)
	}
	_, lot, err := t.commissionLot(req.DI, req.Lot)
	if err != nil {
		return nil, err
	}
	outputs, err := parseCodes(req.Outputs, model.MaxCommission)
	if err != nil {
		return nil, model.Invalid("outputs: %v", err)
	}
	var inputs []code
	if len(req.Inputs) > 0 {
		if inputs, err = parseCodes(req.Inputs, model.MaxEventCodes); err != nil {
			return nil, model.Invalid("inputs: %v", err)
		}
	}
	qs, err := parseQuantities(req.InputQuantities)
	if err != nil {
		return nil, err
	}
	if len(inputs) == 0 && len(qs) == 0 {
		return nil, model.Invalid("a transformation needs inputs: codes or quantities")
	}
	in := map[string]bool{}
	for _, cd := range inputs {
		in[cd.Key] = true
	}
	for _, cd := range outputs {
		if in[cd.Key] {
			return nil, model.Invalid("%s is both an input and an output", cd.Key)
		}
	}
	for _, cd := range inputs {
		if err := t.consume(cd, req.Location, req.EventID); err != nil {
			return nil, err
		}
	}
	for _, q := range qs {
		if err := t.consumeQuantity(q); err != nil {
			return nil, err
		}
	}
	lineage := &model.Lineage{EventID: req.EventID, By: t.caller, TransformationID: req.TransformationID,
		Inputs: keysOf(inputs), InputQuantities: quantityList(qs)}
	if len(lineage.Inputs) == 0 {
		lineage.Inputs = nil
	}
	if err := t.commissionUnits(outputs, lot, req.Location, req.EventID, lineage); err != nil {
		return nil, err
	}
	return t.record(&model.Event{
		EventID: req.EventID, Type: model.TransformationEvent,
		BizStep: model.BizStepCommissioning, Disposition: model.DispositionActive,
		EPCList: keysOf(outputs), ChildEPCs: lineage.Inputs, QuantityList: lineage.InputQuantities,
		TransformationID: req.TransformationID, ReadPoint: req.Location, BizLocation: req.Location,
		ILMD:   &model.ILMD{LotNumber: lot.Lot, ItemExpirationDate: lot.Expiry, ProductionDate: lot.ProductionDate},
		Detail: &model.EventDetail{UnitCount: len(outputs)},
	}, hash)
}

// consume takes a governed input unit out of the supply chain: the caller holds it at top
// level and it may move (not in transit, recalled, quarantined or expired). An input of a
// product the ledger does not know is left alone.
func (t *txn) consume(cd code, location, eventID string) error {
	governed, err := t.governed(cd)
	if err != nil || !governed {
		return err
	}
	it, err := t.lookup(cd)
	if err != nil {
		return err
	}
	if it.cont != nil {
		return model.Invalid("%s is a container: unpack it and transform its units", it.key())
	}
	if err := t.movable(it, "transform"); err != nil {
		return err
	}
	return t.retire(it, model.StatusDecommissioned, location, eventID)
}

// consumeQuantity takes a governed lot quantity out of the caller's stock.
func (t *txn) consumeQuantity(q qty) error {
	governed, err := t.governed(q.code)
	if err != nil || !governed {
		return err
	}
	if err := t.lotMovable(q.code); err != nil {
		return err
	}
	return t.addStock(otStock, q.code, -q.n, t.caller)
}
