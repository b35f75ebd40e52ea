package contract

import (
	"fmt"
	"slices"
	"strings"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/udiledger/udiledger/chaincode/model"
)

// QueryContract answers the read-only questions: provenance, verification, holdings, events
// by time and alerts. Every function is an evaluate transaction.
type QueryContract struct {
	contractapi.Contract
	cfg *Config
}

func newQueryContract(cfg *Config) *QueryContract {
	c := &QueryContract{cfg: cfg}
	c.Name = "query"
	return c
}

// GetEvaluateTransactions lists the read-only transactions: all of them.
func (c *QueryContract) GetEvaluateTransactions() []string {
	return []string{"Provenance", "Verify", "UnitsByHolder", "StockByHolder", "EventsByTime", "EventsByIndex", "Alerts", "Event", "Unit", "Stock"}
}

// Verify answers at a point of sale or dispensing: is the code genuine, what is its status,
// is it expired or recalled, is it a suspected clone? It records nothing; unit:Inspect
// records the scan and raises alerts.
func (c *QueryContract) Verify(ctx contractapi.TransactionContextInterface, code string) (*model.Verification, error) {
	t, err := begin(ctx, c.cfg)
	if err != nil {
		return nil, err
	}
	v, _, err := t.verify(code)
	if err != nil {
		return nil, err
	}
	if v.Owner != "" {
		r, err := t.reader()
		if err != nil {
			return nil, err
		}
		di, _ := diOf(v.Key)
		if ok, err := t.seesHolder(r, di, v.Owner); err != nil || !ok {
			v.Owner = "" // who holds goods is for the holder, their manufacturer and regulators
		}
	}
	return &v, nil
}

// Unit returns a unit with its effective status, holder, place and containers.
func (c *QueryContract) Unit(ctx contractapi.TransactionContextInterface, code string) (*model.UnitView, error) {
	t, err := begin(ctx, c.cfg)
	if err != nil {
		return nil, err
	}
	v, err := t.unitView(code)
	if err != nil {
		return nil, err
	}
	r, err := t.reader()
	if err != nil {
		return nil, err
	}
	sees, err := t.seesHolder(r, v.Unit.DI, v.Owner)
	if err != nil || sees || r.msp == v.Unit.ShipTo {
		return v, err
	}
	v.HideHolder()
	return v, nil
}

func (t *txn) unitView(raw string) (*model.UnitView, error) {
	cd, err := parseCode(raw)
	if err != nil {
		return nil, err
	}
	u, err := t.unit(cd.Key)
	if err != nil {
		return nil, err
	}
	if u == nil {
		return nil, model.NotFound("unit %s is not on the ledger", cd.Key)
	}
	cond, chain, err := t.unitCondition(u)
	if err != nil {
		return nil, err
	}
	v := &model.UnitView{Unit: *u, Status: cond.Effective(), Stage: cond.Stage(), Owner: u.Owner, Location: u.Location,
		Expired: model.Expired(cond.Expiry, t.now), Recalled: cond.Recalled || cond.LotStatus == model.LotRecalled}
	for _, c := range chain {
		v.Chain = append(v.Chain, c.Key)
	}
	if len(chain) > 0 {
		top := chain[len(chain)-1]
		v.Owner, v.Location = top.Owner, top.Location
	}
	if v.RecallIDs, err = t.recallIDs(u); err != nil {
		return nil, err
	}
	return v, nil
}

// Stock returns where the quantity of a lot-controlled item (a lot-level code such as
// "(01)<gtin>(10)<lot>") is: in stock per holder and in transit per sender and receiver.
func (c *QueryContract) Stock(ctx contractapi.TransactionContextInterface, code string) (*model.StockView, error) {
	t, err := begin(ctx, c.cfg)
	if err != nil {
		return nil, err
	}
	cd, err := parseCode(code)
	if err != nil {
		return nil, err
	}
	if cd.Lot == "" || cd.serialized() {
		return nil, model.Invalid("code %s must name a DI and a lot without a serial", cd.Key)
	}
	sv, err := t.stockView(cd)
	if err != nil {
		return nil, err
	}
	r, err := t.reader()
	if err != nil {
		return nil, err
	}
	all, err := t.seesAllOf(r, cd.DI)
	if err != nil || all {
		return sv, err
	}
	r.ownStock(sv)
	return sv, nil
}

// Event returns one event by its ID and, when several organisations used the ID, by its
// submitter by (an MSP ID; empty: the caller's own event, else the one the caller may see).
func (c *QueryContract) Event(ctx contractapi.TransactionContextInterface, eventID, by string) (*model.Event, error) {
	t, err := begin(ctx, c.cfg)
	if err != nil {
		return nil, err
	}
	r, err := t.reader()
	if err != nil {
		return nil, err
	}
	ev, err := t.findEvent(r, eventID, by)
	if model.CodeOf(err) == model.CodeNotFound && len(eventID) <= model.MaxEventIDLength-len(declarationSuffix) {
		// An error declaration kept without its original answers under the original's ID.
		if d, derr := t.findEvent(r, eventID+declarationSuffix, by); derr == nil {
			return d, nil
		}
	}
	return ev, err
}

// beginHolderRead begins a read of what mspID holds: the party itself or a regulator.
func beginHolderRead(ctx contractapi.TransactionContextInterface, cfg *Config, mspID string) (*txn, error) {
	t, err := begin(ctx, cfg)
	if err != nil {
		return nil, err
	}
	r, err := t.reader()
	if err != nil {
		return nil, err
	}
	if !r.regulator && r.msp != mspID {
		return nil, model.Forbidden("what %s holds is for %s and regulators to see", mspID, mspID)
	}
	return t, nil
}

// UnitsByHolder returns a page of what a party holds at top level: loose units, and
// containers with their contents per lot. Items shipped by the party stay on its list, in
// transit, until they are received.
func (c *QueryContract) UnitsByHolder(ctx contractapi.TransactionContextInterface, mspID string, pageSize int, bookmark string) (*model.HoldingPage, error) {
	t, err := beginHolderRead(ctx, c.cfg, mspID)
	if err != nil {
		return nil, err
	}
	out := &model.HoldingPage{Holder: mspID, Holdings: []model.Holding{}}
	out.Page, err = t.scanPage(otHeld, []string{mspID}, pageSize, bookmark, func(k string, _ []byte) error {
		_, parts, err := t.stub.SplitCompositeKey(k)
		if err != nil || len(parts) != 3 {
			return model.Invalid("bad holder index key %q", k)
		}
		h, err := t.holding(parts[1], parts[2])
		if err != nil {
			return err
		}
		out.Holdings = append(out.Holdings, h)
		return nil
	})
	return out, err
}

// StockByHolder returns a page of a party's lot-level stock, by product, lot and state: in
// stock, on its way out or in (deliveries and returns, each a line for both ends with the other
// party), returned, destroyed and decommissioned. Read policy as UnitsByHolder.
func (c *QueryContract) StockByHolder(ctx contractapi.TransactionContextInterface, mspID string, pageSize int, bookmark string) (*model.LotStockPage, error) {
	t, err := beginHolderRead(ctx, c.cfg, mspID)
	if err != nil {
		return nil, err
	}
	out := &model.LotStockPage{Holder: mspID, Stock: []model.LotStock{}}
	out.Page, err = t.scanPage(otStockBy, []string{mspID}, pageSize, bookmark, func(k string, _ []byte) error {
		_, parts, err := t.stub.SplitCompositeKey(k)
		if err != nil {
			return fmt.Errorf("stock index key %q: %w", k, err)
		}
		s, err := t.lotStockOf(parts)
		if err != nil || s == nil {
			return err
		}
		out.Stock = append(out.Stock, *s)
		return nil
	})
	out.Count = len(out.Stock)
	return out, err
}

func (t *txn) holding(kind, key string) (model.Holding, error) {
	if kind == heldContainer {
		ct, err := t.container(key)
		if err != nil {
			return model.Holding{}, err
		}
		if ct == nil {
			return model.Holding{}, model.NotFound("container %s is not on the ledger", key)
		}
		cond, err := t.containerCondition(ct)
		if err != nil {
			return model.Holding{}, err
		}
		return model.Holding{Code: key, Container: true, Status: cond.Effective(), Location: ct.Location,
			Contents: ct.Contents, UnitCount: model.UnitCount(ct.Contents)}, nil
	}
	u, err := t.unitNoCache(key)
	if err != nil {
		return model.Holding{}, err
	}
	cond, _, err := t.unitCondition(u)
	if err != nil {
		return model.Holding{}, err
	}
	return model.Holding{Code: key, Status: cond.Effective(), Location: u.Location, DI: u.DI, Lot: u.Lot, UnitCount: 1}, nil
}

// EventsByTime returns a page of events recorded from from (inclusive) to to (exclusive),
// both RFC 3339, in time order. An empty from or to leaves that end open.
func (c *QueryContract) EventsByTime(ctx contractapi.TransactionContextInterface, from, to string, pageSize int, bookmark string) (*model.EventPage, error) {
	t, err := begin(ctx, c.cfg)
	if err != nil {
		return nil, err
	}
	r, err := t.reader()
	if err != nil {
		return nil, err
	}
	start, end, err := timeRange(eventTimePrefix, from, to)
	if err != nil {
		return nil, err
	}
	return t.eventPage(r, eventTimePrefix, start, end, pageSize, bookmark)
}

// EventsByIndex returns a page of the events with value in index (IndexType, IndexBizStep,
// IndexLocation, IndexCode of package model), recorded from from (inclusive) to to (exclusive), in time order.
func (c *QueryContract) EventsByIndex(ctx contractapi.TransactionContextInterface, index, value, from, to string, pageSize int, bookmark string) (*model.EventPage, error) {
	t, err := begin(ctx, c.cfg)
	if err != nil {
		return nil, err
	}
	r, err := t.reader()
	if err != nil {
		return nil, err
	}
	if !slices.Contains(model.EventIndexes, index) {
		return nil, model.Invalid("index %q: want one of %v", index, model.EventIndexes)
	}
	if value == "" || strings.ContainsRune(value, 0) {
		return nil, model.Invalid("value is required")
	}
	prefix := eventIndexPrefixOf(index, value)
	start, end, err := timeRange(prefix, from, to)
	if err != nil {
		return nil, err
	}
	return t.eventPage(r, prefix, start, end, pageSize, bookmark)
}

// eventPage reads one page of an event index's keys from start to end and answers the events
// the reader may see.
func (t *txn) eventPage(r reader, prefix, start, end string, pageSize int, bookmark string) (*model.EventPage, error) {
	n, err := pageSizeOf(pageSize)
	if err != nil {
		return nil, err
	}
	if err := checkBookmark(bookmark, start, end); err != nil {
		return nil, err
	}
	it, meta, err := t.stub.GetStateByRangeWithPagination(start, end, n, bookmark)
	if err != nil {
		return nil, err
	}
	defer it.Close()
	out := &model.EventPage{Events: []model.Event{}}
	scanned := 0
	for it.HasNext() {
		kv, err := it.Next()
		if err != nil {
			return nil, err
		}
		id, by, wellFormed := parseIndexTail(kv.Key, prefix)
		if !wellFormed {
			return nil, fmt.Errorf("event index: malformed key %q", kv.Key)
		}
		ev, err := t.event(id, by)
		if err != nil {
			return nil, err
		}
		scanned++
		ok, err := t.seesEvent(r, ev)
		if err != nil {
			return nil, err
		}
		if ok {
			out.Events = append(out.Events, *ev)
		}
	}
	out.Page = model.Page{Bookmark: meta.GetBookmark(), Count: len(out.Events), Scanned: scanned}
	return out, nil
}

// Alerts returns a page of alerts in ID order.
func (c *QueryContract) Alerts(ctx contractapi.TransactionContextInterface, pageSize int, bookmark string) (*model.AlertPage, error) {
	t, err := begin(ctx, c.cfg)
	if err != nil {
		return nil, err
	}
	r, err := t.reader()
	if err != nil {
		return nil, err
	}
	out := &model.AlertPage{Alerts: []model.Alert{}}
	out.Page, err = t.scanPage(otAlert, nil, pageSize, bookmark, func(_ string, v []byte) error {
		var a model.Alert
		if err := jsonUnmarshal(v, &a); err != nil {
			return err
		}
		ok, err := t.seesAlert(r, &a)
		if err != nil {
			return err
		}
		if ok { // a party sees the alerts it raised, a manufacturer those on its products
			out.Alerts = append(out.Alerts, a)
		}
		return nil
	})
	out.Count = len(out.Alerts)
	return out, err
}

// timeRange is the key range of an event index's keys under prefix from from (inclusive) to
// to (exclusive); an empty bound is open.
func timeRange(prefix, from, to string) (start, end string, err error) {
	start, end = prefix, prefix+"\x7f"
	if from != "" {
		f, err := model.ParseTime(from)
		if err != nil {
			return "", "", model.Invalid("from: %v", err)
		}
		start = prefix + model.FormatTime(f)
	}
	if to != "" {
		e, err := model.ParseTime(to)
		if err != nil {
			return "", "", model.Invalid("to: %v", err)
		}
		end = prefix + model.FormatTime(e)
	}
	return start, end, nil
}

// diOf returns the DI of a canonical key, "" when it has none.
func diOf(key string) (string, error) {
	cd, err := parseCode(key)
	return cd.DI, err
}
