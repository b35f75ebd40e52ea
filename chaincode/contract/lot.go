package contract

import (
	"reflect"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/udiledger/udiledger/chaincode/model"
)

// LotContract registers lots and changes their release status.
type LotContract struct {
	contractapi.Contract
	cfg *Config
}

func newLotContract(cfg *Config) *LotContract {
	c := &LotContract{cfg: cfg}
	c.Name = "lot"
	return c
}

// GetEvaluateTransactions lists the read-only transactions.
func (c *LotContract) GetEvaluateTransactions() []string { return []string{"Get", "List"} }

// List returns the lots of one product, or of every product when di is empty, a page at a
// time in key order.
func (c *LotContract) List(ctx contractapi.TransactionContextInterface, di string, pageSize int, bookmark string) (*model.LotPage, error) {
	t, err := begin(ctx, c.cfg)
	if err != nil {
		return nil, err
	}
	var attrs []string
	if di != "" {
		attrs = []string{di}
	}
	out := &model.LotPage{Lots: []model.Lot{}}
	out.Page, err = t.scanPage(otLot, attrs, pageSize, bookmark, func(_ string, v []byte) error {
		var l model.Lot
		if err := jsonUnmarshal(v, &l); err != nil {
			return err
		}
		out.Lots = append(out.Lots, l)
		return nil
	})
	return out, err
}

// Register adds a lot of one of the caller's products. Registering the same record again
// returns it; another record for a registered lot is a CONFLICT.
func (c *LotContract) Register(ctx contractapi.TransactionContextInterface, l model.Lot) (*model.Lot, error) {
	t, err := begin(ctx, c.cfg)
	if err != nil {
		return nil, err
	}
	if _, err := t.trader("register lots", model.RoleManufacturer); err != nil {
		return nil, err
	}
	if err := l.Validate(); err != nil {
		return nil, err
	}
	p, err := t.product(l.DI)
	if err != nil {
		return nil, err
	}
	if p.Manufacturer != t.caller {
		return nil, model.Forbidden("product %s belongs to %s", l.DI, p.Manufacturer)
	}
	if l.Status == "" {
		l.Status = model.LotReleased
	}
	l.Manufacturer, l.RecallIDs, l.RegisteredAt = t.caller, nil, t.nowText
	old, err := t.lot(l.DI, l.Lot)
	switch {
	case err == nil:
		o := *old
		o.RegisteredAt = l.RegisteredAt
		if reflect.DeepEqual(&o, &l) {
			return old, nil
		}
		return nil, model.Conflict("lot %s of %s is already registered", l.Lot, l.DI)
	case model.CodeOf(err) != model.CodeNotFound:
		return nil, err
	}
	if err := t.putLot(&l); err != nil {
		return nil, err
	}
	return &l, t.emit(model.Notification{Kind: "lot", ID: l.DI + "/" + l.Lot})
}

// SetStatus quarantines or releases a lot: the manufacturer or a regulator. A recalled lot
// stays recalled.
func (c *LotContract) SetStatus(ctx contractapi.TransactionContextInterface, req model.LotStatusRequest) (*model.Lot, error) {
	t, err := begin(ctx, c.cfg)
	if err != nil {
		return nil, err
	}
	me, err := t.trader("change a lot's status", model.RoleManufacturer, model.RoleRegulator)
	if err != nil {
		return nil, err
	}
	l, err := t.lot(req.DI, req.Lot)
	if err != nil {
		return nil, err
	}
	if l.Manufacturer != t.caller && !me.HasRole(model.RoleRegulator) {
		return nil, model.Forbidden("only %s or a regulator changes lot %s", l.Manufacturer, l.Lot)
	}
	if req.Status != model.LotReleased && req.Status != model.LotQuarantined {
		return nil, model.Invalid("lot status must be released or quarantined, got %q", req.Status)
	}
	if l.Status == model.LotRecalled {
		return nil, model.Invalid("lot %s is recalled", l.Lot)
	}
	l.Status = req.Status
	if err := t.putLot(l); err != nil {
		return nil, err
	}
	return l, t.emit(model.Notification{Kind: "lot", ID: l.DI + "/" + l.Lot})
}

// Get returns a lot.
func (c *LotContract) Get(ctx contractapi.TransactionContextInterface, di, lot string) (*model.Lot, error) {
	t, err := begin(ctx, c.cfg)
	if err != nil {
		return nil, err
	}
	return t.lot(di, lot)
}
