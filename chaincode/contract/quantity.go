package contract

import (
	"fmt"

	"github.com/udiledger/udiledger/chaincode/model"
)

// Lot-controlled items without serials are traced as quantities: one key per holder and lot
// (stock) and one per sender, receiver and lot while on the way (transit). Each key is touched
// only by its holder's or its shipment's transactions.
const (
	otStock          = "stock"          // [DI, lot, holder] -> model.Stock
	otTransit        = "transit"        // [DI, lot, to, from] -> model.Stock
	otReturning      = "rtransit"       // [DI, lot, to, from] -> model.Stock: a return on its way
	otReturned       = "returned"       // [DI, lot, holder] -> model.Stock: returns received, not in sellable stock
	otDestroyed      = "destroyed"      // [DI, lot, holder] -> model.Stock: destroyed by the holder
	otDecommissioned = "decommissioned" // [DI, lot, holder] -> model.Stock: decommissioned by the holder
	// [party, DI, lot, state(, counterparty)] -> 0x00: the lot-level records of a party, one
	// entry per side of a record on its way; written and deleted by addStock with the record.
	otStockBy = "stockby"
)

// lotRecords names, per lot-level record type, its state for the holder (the first party of
// its key) and, for a record on its way, for the sender (the second).
var lotRecords = []struct {
	objectType     string
	held, sentFrom model.StockState
}{
	{otStock, model.StockInStock, ""},
	{otTransit, model.StockInTransitIn, model.StockInTransitOut},
	{otReturning, model.StockReturningIn, model.StockReturningOut},
	{otReturned, model.StockReturned, ""},
	{otDestroyed, model.StockDestroyed, ""},
	{otDecommissioned, model.StockDecommissioned, ""},
}

// qty is a parsed quantity element.
type qty struct {
	code code
	n    int
	from string
}

// parseQuantities parses lot-level quantity elements, refusing serialized codes, amounts out
// of range and repeated elements.
func parseQuantities(in []model.QuantityElement) ([]qty, error) {
	if len(in) > model.MaxQuantityElements {
		return nil, model.Invalid("%d quantity elements given, at most %d allowed", len(in), model.MaxQuantityElements)
	}
	out := make([]qty, 0, len(in))
	seen := map[string]bool{}
	for _, q := range in {
		c, err := parseCode(q.Code)
		if err != nil {
			return nil, err
		}
		if c.serialized() || c.SSCC != "" || c.Lot == "" || c.DI == "" {
			return nil, model.Invalid("quantity code %s must name a DI and a lot without a serial", c.Key)
		}
		if q.Quantity <= 0 || q.Quantity > model.MaxQuantity {
			return nil, model.Invalid("quantity of %s must be 1 to %d", c.Key, model.MaxQuantity)
		}
		if seen[c.Key+"\x00"+q.From] {
			return nil, model.Invalid("quantity of %s given twice", c.Key)
		}
		seen[c.Key+"\x00"+q.From] = true
		out = append(out, qty{code: c, n: q.Quantity, from: q.From})
	}
	return out, nil
}

// lotKey returns the canonical lot-level key of a GS1 DI and lot.
func lotKey(di, lot string) (code, error) {
	c, err := parseCode("(01)" + di + "(10)" + lot)
	if err != nil {
		return code{}, err
	}
	return c, nil
}

// stockAt reads a stock or transit record; a missing one has quantity 0.
func (t *txn) stockAt(objectType string, c code, parties ...string) (*model.Stock, string, error) {
	k, err := t.key(objectType, append([]string{c.DI, c.Lot}, parties...)...)
	if err != nil {
		return nil, "", err
	}
	if s, ok := t.stocks[k]; ok {
		return s, k, nil
	}
	s := &model.Stock{Key: c.Key, DI: c.DI, Lot: c.Lot, Holder: parties[0]}
	if len(parties) > 1 {
		s.From = parties[1]
	}
	if _, err := t.getJSON(k, s); err != nil {
		return nil, "", err
	}
	t.stocks[k] = s
	return s, k, nil
}

// addStock adds n (negative to take) to a stock or transit record, deleting it at zero.
func (t *txn) addStock(objectType string, c code, n int, parties ...string) error {
	s, k, err := t.stockAt(objectType, c, parties...)
	if err != nil {
		return err
	}
	if s.Quantity+n < 0 {
		where := "holds"
		if len(parties) > 1 {
			where = "has on the way from " + parties[1] + ":"
		}
		return model.Invalid("%s %s only %d of %s, not %d", parties[0], where, s.Quantity, c.Key, -n)
	}
	s.Quantity += n
	if err := t.indexStock(objectType, c, s.Quantity > 0, parties); err != nil {
		return err
	}
	if s.Quantity == 0 {
		return t.stub.DelState(k)
	}
	return t.putJSON(k, s)
}

// indexStock writes (present) or deletes the holder index entries of a lot-level record: the
// holder's, and the sender's for a record on its way. Every write of a positive quantity
// writes its entries, so a record older than the index is indexed when it next changes.
func (t *txn) indexStock(objectType string, c code, present bool, parties []string) error {
	write := t.delIndex
	if present {
		write = t.putIndex
	}
	for _, r := range lotRecords {
		if r.objectType != objectType {
			continue
		}
		entries := [][]string{{parties[0], c.DI, c.Lot, string(r.held)}}
		if r.sentFrom != "" {
			entries = [][]string{
				{parties[0], c.DI, c.Lot, string(r.held), parties[1]},
				{parties[1], c.DI, c.Lot, string(r.sentFrom), parties[0]},
			}
		}
		for _, e := range entries {
			if err := write(otStockBy, e...); err != nil {
				return err
			}
		}
		return nil
	}
	return fmt.Errorf("no holder index for %s records", objectType)
}

// lotStockOf reads the record a holder index entry [party, DI, lot, state(, counterparty)]
// points at; a record gone (nil) is skipped by the caller.
func (t *txn) lotStockOf(parts []string) (*model.LotStock, error) {
	if len(parts) < 4 || len(parts) > 5 {
		return nil, fmt.Errorf("stock index entry %q: want 4 or 5 parts", parts)
	}
	party, di, lot, state := parts[0], parts[1], parts[2], model.StockState(parts[3])
	counterparty := ""
	if len(parts) == 5 {
		counterparty = parts[4]
	}
	for _, r := range lotRecords {
		var key []string
		switch {
		case state == r.held && r.sentFrom == "":
			key = []string{di, lot, party}
		case state == r.held:
			key = []string{di, lot, party, counterparty}
		case state == r.sentFrom && state != "":
			key = []string{di, lot, counterparty, party}
		default:
			continue
		}
		k, err := t.key(r.objectType, key...)
		if err != nil {
			return nil, err
		}
		var s model.Stock
		ok, err := t.getJSON(k, &s)
		if err != nil || !ok {
			return nil, err
		}
		return &model.LotStock{Key: s.Key, DI: di, Lot: lot, State: state, Quantity: s.Quantity, Counterparty: counterparty}, nil
	}
	return nil, fmt.Errorf("stock index entry %q: unknown state %q", parts, state)
}

// lotMovable checks that a lot's items may move: not recalled, quarantined or expired.
func (t *txn) lotMovable(c code) error {
	cond := model.Condition{Own: model.StatusActive, Now: t.now}
	if err := t.addLotCondition(&cond, c.DI, c.Lot); err != nil {
		return err
	}
	return cond.CanMove("lot " + c.Lot + " of " + c.DI)
}

// quantityList is the EPCIS quantityList of parsed elements.
func quantityList(qs []qty) []model.QuantityElement {
	out := make([]model.QuantityElement, len(qs))
	for i, q := range qs {
		out[i] = model.QuantityElement{Code: q.code.Key, Quantity: q.n, From: q.from}
	}
	return out
}

func sumQuantities(qs []qty) int {
	n := 0
	for _, q := range qs {
		n += q.n
	}
	return n
}

// shipQuantities takes quantities from the caller's stock into transit to to.
func (t *txn) shipQuantities(qs []qty, to string) error {
	for _, q := range qs {
		if err := t.lotMovable(q.code); err != nil {
			return err
		}
		if err := t.addStock(otStock, q.code, -q.n, t.caller); err != nil {
			return err
		}
		if err := t.addStock(otTransit, q.code, q.n, to, t.caller); err != nil {
			return err
		}
	}
	return nil
}

// receiveQuantities takes quantities on their way to the caller into its stock, or, when the
// sender returns the lot to it (a return from that sender is on its way), into its returned
// goods. It reports which, and the recalls the returns go back under.
func (t *txn) receiveQuantities(qs []qty) (returns bool, recallIDs []string, err error) {
	for i, q := range qs {
		if q.from == "" {
			return false, nil, model.Invalid("quantity of %s needs the sender in from", q.code.Key)
		}
		r, _, err := t.stockAt(otReturning, q.code, t.caller, q.from)
		if err != nil {
			return false, nil, err
		}
		isReturn := r.Quantity > 0
		if i > 0 && isReturn != returns {
			return false, nil, model.Invalid("a receipt takes returns or deliveries, not both: receive %s on its own", q.code.Key)
		}
		returns = isReturn
		from, into := otTransit, otStock
		if isReturn {
			from, into = otReturning, otReturned
			for _, id := range r.RecallIDs {
				recallIDs = insertSorted(recallIDs, id)
			}
		}
		if err := t.addStock(from, q.code, -q.n, t.caller, q.from); err != nil {
			return false, nil, err
		}
		if err := t.addStock(into, q.code, q.n, t.caller); err != nil {
			return false, nil, err
		}
	}
	return returns, recallIDs, nil
}

// returnQuantities takes quantities from the caller's stock onto their way back to to, under
// recall (none: "").
func (t *txn) returnQuantities(qs []qty, to, recall string) error {
	for _, q := range qs {
		if err := t.addStock(otStock, q.code, -q.n, t.caller); err != nil {
			return err
		}
		if recall != "" {
			r, _, err := t.stockAt(otReturning, q.code, to, t.caller)
			if err != nil {
				return err
			}
			r.RecallIDs = insertSorted(r.RecallIDs, recall)
		}
		if err := t.addStock(otReturning, q.code, q.n, to, t.caller); err != nil {
			return err
		}
	}
	return nil
}

// moveQuantities moves the caller's quantities from one of its records to another (stock,
// returned, destroyed, decommissioned).
func (t *txn) moveQuantities(qs []qty, from, into string) error {
	for _, q := range qs {
		if err := t.addStock(from, q.code, -q.n, t.caller); err != nil {
			return err
		}
		if err := t.addStock(into, q.code, q.n, t.caller); err != nil {
			return err
		}
	}
	return nil
}

// stockView lists where the quantity of one lot-controlled item is.
func (t *txn) stockView(c code) (*model.StockView, error) {
	out := &model.StockView{Key: c.Key, InStock: []model.Stock{}, InTransit: []model.Stock{}, Returning: []model.Stock{},
		Returned: []model.Stock{}, Destroyed: []model.Stock{}, Decommissioned: []model.Stock{}}
	collect := func(objectType string, into *[]model.Stock) error {
		return t.scanAll(objectType, []string{c.DI, c.Lot}, func(_ string, v []byte) error {
			var s model.Stock
			if err := jsonUnmarshal(v, &s); err != nil {
				return err
			}
			*into = append(*into, s)
			return nil
		})
	}
	for _, l := range []struct {
		objectType string
		into       *[]model.Stock
	}{{otStock, &out.InStock}, {otTransit, &out.InTransit}, {otReturning, &out.Returning}, {otReturned, &out.Returned},
		{otDestroyed, &out.Destroyed}, {otDecommissioned, &out.Decommissioned}} {
		if err := collect(l.objectType, l.into); err != nil {
			return nil, err
		}
	}
	return out, nil
}
