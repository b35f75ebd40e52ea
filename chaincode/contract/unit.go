package contract

import (
	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/udiledger/udiledger/chaincode/model"
)

// UnitContract records the life of serialized units and containers as EPCIS events:
// commissioning, packing and unpacking, shipping and receiving, dispensing, returns,
// decommissioning, destruction, sensor readings and inspections.
type UnitContract struct {
	contractapi.Contract
	cfg *Config
}

func newUnitContract(cfg *Config) *UnitContract {
	c := &UnitContract{cfg: cfg}
	c.Name = "unit"
	return c
}

// GetEvaluateTransactions lists the read-only transactions.
func (c *UnitContract) GetEvaluateTransactions() []string {
	return []string{"DispenseDetails"}
}

// Commission brings up to model.MaxCommission serialized units of one lot onto the ledger.
// Only the manufacturer whose prefix covers the DI commissions, with a valid licence, for a
// registered lot that is neither recalled nor expired.
func (c *UnitContract) Commission(ctx contractapi.TransactionContextInterface, req model.CommissionRequest) (*model.EventResult, error) {
	t, prev, hash, err := beginTrade(ctx, c.cfg, req, "commission units", model.RoleManufacturer)
	if err != nil || prev != nil {
		return replayOr(prev, err)
	}
	p, lot, err := t.commissionLot(req.DI, req.Lot)
	if err != nil {
		return nil, err
	}
	if req.Quantity != 0 {
		if len(req.Codes) > 0 {
			return nil, model.Invalid("give codes or a quantity, not both")
		}
		return t.commissionQuantity(req, p, lot, hash)
	}
	codes, err := parseCodes(req.Codes, model.MaxCommission)
	if err != nil {
		return nil, err
	}
	if err := t.commissionUnits(codes, lot, req.Location, req.EventID, nil); err != nil {
		return nil, err
	}
	return t.record(&model.Event{
		EventID: req.EventID, Type: model.ObjectEvent, Action: model.ActionAdd,
		BizStep: model.BizStepCommissioning, Disposition: model.DispositionActive,
		EPCList: keysOf(codes), ReadPoint: req.Location, BizLocation: req.Location,
		ILMD:   &model.ILMD{LotNumber: lot.Lot, ItemExpirationDate: lot.Expiry, ProductionDate: lot.ProductionDate},
		Detail: &model.EventDetail{UnitCount: len(codes)},
	}, hash)
}

// commissionLot checks that the caller may commission units of a lot: it owns the prefix of
// the product's DI and makes the product, and the lot is neither recalled nor expired.
func (t *txn) commissionLot(di, lotNo string) (*model.Product, *model.Lot, error) {
	p, err := t.product(di)
	if err != nil {
		return nil, nil, err
	}
	owner, err := t.diOwner(p.Scheme, p.DI)
	if err != nil {
		return nil, nil, err
	}
	if owner != t.caller || p.Manufacturer != t.caller {
		return nil, nil, model.Forbidden("%s does not own the prefix of %s", t.caller, p.DI)
	}
	lot, err := t.lot(di, lotNo)
	if err != nil {
		return nil, nil, err
	}
	if lot.Status == model.LotRecalled {
		return nil, nil, model.Invalid("lot %s is recalled", lot.Lot)
	}
	if lot.ExpiredAt(t.now) {
		return nil, nil, model.Invalid("lot %s is expired (expiry %s)", lot.Lot, lot.Expiry)
	}
	return p, lot, nil
}

// commissionUnits brings new serialized units of lot onto the ledger, held by the caller at
// location, each with its key-level endorsement policy (putUnit) and lineage, if any.
func (t *txn) commissionUnits(codes []code, lot *model.Lot, location, eventID string, lineage *model.Lineage) error {
	for _, cd := range codes {
		if err := commissionable(cd, lot); err != nil {
			return err
		}
		u, err := t.unit(cd.Key)
		if err != nil {
			return err
		}
		if u != nil {
			return model.Conflict("code %s is already commissioned", cd.Key)
		}
		u = &model.Unit{
			Key: cd.Key, Scheme: cd.Scheme, DI: lot.DI, Lot: lot.Lot, Serial: cd.Serial, Expiry: lot.Expiry,
			Status: model.StatusActive, Owner: t.caller, Custodian: t.caller, Location: location,
			Lineage: lineage, LastEventID: eventID, LastEventBy: t.caller,
		}
		if err := t.putUnit(u); err != nil {
			return err
		}
		if err := t.putIndex(otLotUnit, lot.DI, lot.Lot, cd.Key); err != nil {
			return err
		}
		if err := t.putIndex(otHeld, t.caller, heldUnit, cd.Key); err != nil {
			return err
		}
	}
	return nil
}

// commissionQuantity brings a quantity of a lot-controlled item (no serials) into the
// manufacturer's stock.
func (t *txn) commissionQuantity(req model.CommissionRequest, p *model.Product, lot *model.Lot, hash string) (*model.EventResult, error) {
	if p.Scheme != model.SchemeGS1 {
		return nil, model.Invalid("product %s is identified by serialized codes only", p.DI)
	}
	if req.Quantity < 0 || req.Quantity > model.MaxQuantity {
		return nil, model.Invalid("quantity must be 1 to %d", model.MaxQuantity)
	}
	c, err := lotKey(lot.DI, lot.Lot)
	if err != nil {
		return nil, err
	}
	if err := t.addStock(otStock, c, req.Quantity, t.caller); err != nil {
		return nil, err
	}
	return t.record(&model.Event{
		EventID: req.EventID, Type: model.ObjectEvent, Action: model.ActionAdd,
		BizStep: model.BizStepCommissioning, Disposition: model.DispositionActive,
		QuantityList: []model.QuantityElement{{Code: c.Key, Quantity: req.Quantity}},
		ReadPoint:    req.Location, BizLocation: req.Location,
		ILMD:   &model.ILMD{LotNumber: lot.Lot, ItemExpirationDate: lot.Expiry, ProductionDate: lot.ProductionDate},
		Detail: &model.EventDetail{UnitCount: req.Quantity},
	}, hash)
}

// commissionable checks that a code is a serialized code of the lot's product, and that any
// lot or expiry it carries matches the lot record.
func commissionable(cd code, lot *model.Lot) error {
	if !cd.serialized() || cd.SSCC != "" {
		return model.Invalid("code %s is not a serialized unit code", cd.Key)
	}
	if cd.DI != lot.DI {
		return model.Invalid("code %s is not of product %s", cd.Key, lot.DI)
	}
	if cd.Lot != "" && cd.Lot != lot.Lot {
		return model.Invalid("code %s carries lot %s, not %s", cd.Key, cd.Lot, lot.Lot)
	}
	if cd.Expiry != "" && cd.Expiry != lot.Expiry {
		return model.Invalid("code %s carries expiry %s, the lot says %s", cd.Key, cd.Expiry, lot.Expiry)
	}
	return nil
}

// replayOr returns the first result of a replayed event, or err.
func replayOr(prev *model.Event, err error) (*model.EventResult, error) {
	if err != nil {
		return nil, err
	}
	return replayed(prev), nil
}
