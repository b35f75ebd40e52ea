package contract

import (
	"slices"

	"github.com/udiledger/udiledger/chaincode/model"
)

// maxDepth bounds container nesting (unit in case in pallet in …).
const maxDepth = 8

// item is a unit or a container named by a code.
type item struct {
	code code
	unit *model.Unit
	cont *model.Container
}

func (it *item) key() string { return it.code.Key }

func (it *item) parent() string {
	if it.unit != nil {
		return it.unit.Parent
	}
	return it.cont.Parent
}

func (it *item) owner() string {
	if it.unit != nil {
		return it.unit.Owner
	}
	return it.cont.Owner
}

func (t *txn) unit(key string) (*model.Unit, error) {
	if u, ok := t.units[key]; ok {
		return u, nil
	}
	k, err := t.key(otUnit, key)
	if err != nil {
		return nil, err
	}
	var u model.Unit
	ok, err := t.getJSON(k, &u)
	if err != nil || !ok {
		return nil, err
	}
	t.committedOwner(k, u.Owner)
	t.units[key] = &u
	return &u, nil
}

func (t *txn) putUnit(u *model.Unit) error {
	k, err := t.key(otUnit, u.Key)
	if err != nil {
		return err
	}
	u.UpdatedAt = t.nowText
	t.units[u.Key] = u
	if err := t.putJSON(k, u); err != nil {
		return err
	}
	return t.guard(k, u.Owner)
}

func (t *txn) container(key string) (*model.Container, error) {
	if c, ok := t.containers[key]; ok {
		return c, nil
	}
	k, err := t.key(otContainer, key)
	if err != nil {
		return nil, err
	}
	var c model.Container
	ok, err := t.getJSON(k, &c)
	if err != nil || !ok {
		return nil, err
	}
	t.committedOwner(k, c.Owner)
	t.containers[key] = &c
	return &c, nil
}

func (t *txn) putContainer(c *model.Container) error {
	k, err := t.key(otContainer, c.Key)
	if err != nil {
		return err
	}
	c.UpdatedAt = t.nowText
	t.containers[c.Key] = c
	if err := t.putJSON(k, c); err != nil {
		return err
	}
	return t.guard(k, c.Owner)
}

// lookup finds the unit or container a code names, or NOT_FOUND. An SSCC is always a
// container; other codes are units unless a case container was created under them.
func (t *txn) lookup(c code) (*item, error) {
	it := &item{code: c}
	if c.SSCC == "" {
		u, err := t.unit(c.Key)
		if err != nil {
			return nil, err
		}
		if u != nil {
			it.unit = u
			return it, nil
		}
	}
	ct, err := t.container(c.Key)
	if err != nil {
		return nil, err
	}
	if ct == nil {
		return nil, model.NotFound("code %s is not on the ledger", c.Key)
	}
	it.cont = ct
	return it, nil
}

func (t *txn) lookupAll(codes []code) ([]*item, error) {
	out := make([]*item, len(codes))
	for i, c := range codes {
		it, err := t.lookup(c)
		if err != nil {
			return nil, err
		}
		out[i] = it
	}
	return out, nil
}

// chain returns the containers around parent, inner first.
func (t *txn) chain(parent string) ([]*model.Container, error) {
	var out []*model.Container
	for parent != "" {
		if len(out) == maxDepth {
			return nil, model.Invalid("containers nested deeper than %d", maxDepth)
		}
		c, err := t.container(parent)
		if err != nil {
			return nil, err
		}
		if c == nil {
			return nil, model.NotFound("container %s is not on the ledger", parent)
		}
		out = append(out, c)
		parent = c.Parent
	}
	return out, nil
}

// unitCondition gathers what decides a unit's status.
func (t *txn) unitCondition(u *model.Unit) (model.Condition, []*model.Container, error) {
	chain, err := t.chain(u.Parent)
	if err != nil {
		return model.Condition{}, nil, err
	}
	cond := model.Condition{Own: u.Status, Quarantined: u.Quarantined, Expiry: u.Expiry, Now: t.now,
		Recalled: len(u.RecallIDs) > 0}
	for _, c := range chain {
		cond.Chain = append(cond.Chain, c.Status)
		cond.Quarantined = cond.Quarantined || c.Quarantined
		cond.Recalled = cond.Recalled || len(c.RecallIDs) > 0
	}
	if err := t.addLotCondition(&cond, u.DI, u.Lot); err != nil {
		return model.Condition{}, nil, err
	}
	if err := t.settleReworked(u, &cond); err != nil {
		return model.Condition{}, nil, err
	}
	return cond, chain, nil
}

// addLotCondition folds the lot's and the product's state into cond.
func (t *txn) addLotCondition(cond *model.Condition, di, lot string) error {
	l, err := t.lot(di, lot)
	if err != nil {
		return err
	}
	p, err := t.product(di)
	if err != nil {
		return err
	}
	switch {
	case l.Status == model.LotRecalled || cond.LotStatus == model.LotRecalled:
		cond.LotStatus = model.LotRecalled
	case l.Status == model.LotQuarantined || cond.LotStatus == model.LotQuarantined:
		cond.LotStatus = model.LotQuarantined
	default:
		cond.LotStatus = model.LotReleased
	}
	cond.Recalled = cond.Recalled || len(p.RecallIDs) > 0 || len(l.RecallIDs) > 0
	if cond.Expiry == "" || (l.Expiry != "" && l.Expiry < cond.Expiry) {
		cond.Expiry = l.Expiry
	}
	return nil
}

// containerCondition gathers what decides a container's status: its own state, the
// containers around it, the containers inside it, and every lot of its contents.
func (t *txn) containerCondition(c *model.Container) (model.Condition, error) {
	chain, err := t.chain(c.Parent)
	if err != nil {
		return model.Condition{}, err
	}
	cond := model.Condition{Own: c.Status, Quarantined: c.Quarantined, Now: t.now, Recalled: len(c.RecallIDs) > 0}
	for _, p := range chain {
		cond.Chain = append(cond.Chain, p.Status)
		cond.Quarantined = cond.Quarantined || p.Quarantined
		cond.Recalled = cond.Recalled || len(p.RecallIDs) > 0
	}
	if err := t.walkInner(c, 0, func(in *model.Container) {
		cond.Quarantined = cond.Quarantined || in.Quarantined
		cond.Recalled = cond.Recalled || len(in.RecallIDs) > 0
	}); err != nil {
		return model.Condition{}, err
	}
	for _, lc := range c.Contents {
		if err := t.addLotCondition(&cond, lc.DI, lc.Lot); err != nil {
			return model.Condition{}, err
		}
	}
	if err := t.settleReworkedContainer(c, &cond); err != nil {
		return model.Condition{}, err
	}
	return cond, nil
}

// walkInner visits every container inside c.
func (t *txn) walkInner(c *model.Container, depth int, visit func(*model.Container)) error {
	if depth > maxDepth {
		return model.Invalid("containers nested deeper than %d", maxDepth)
	}
	for _, k := range c.Containers {
		in, err := t.container(k)
		if err != nil {
			return err
		}
		if in == nil {
			return model.NotFound("container %s is not on the ledger", k)
		}
		visit(in)
		if err := t.walkInner(in, depth+1, visit); err != nil {
			return err
		}
	}
	return nil
}

// condition returns the condition of an item.
func (t *txn) condition(it *item) (model.Condition, error) {
	if it.unit != nil {
		cond, _, err := t.unitCondition(it.unit)
		return cond, err
	}
	return t.containerCondition(it.cont)
}

// movable checks that the caller owns a top-level item that is active.
func (t *txn) movable(it *item, verb string) error {
	if p := it.parent(); p != "" {
		return model.Invalid("%s is packed in %s: %s the container or unpack it first", it.key(), p, verb)
	}
	if it.owner() != t.caller {
		return model.Forbidden("%s is not held by %s", it.key(), t.caller)
	}
	cond, err := t.condition(it)
	if err != nil {
		return err
	}
	return cond.CanMove(it.key())
}

// unitCount is the number of units an item stands for.
func (it *item) unitCount() int {
	if it.unit != nil {
		return 1
	}
	return model.UnitCount(it.cont.Contents)
}

// contents is what an item adds to a container's contents.
func (it *item) contents() []model.LotCount {
	if it.unit != nil {
		return []model.LotCount{{DI: it.unit.DI, Lot: it.unit.Lot, Count: 1}}
	}
	return it.cont.Contents
}

// heldKind is the kind of an item in the held index.
func (it *item) heldKind() string {
	if it.unit != nil {
		return heldUnit
	}
	return heldContainer
}

// setHolder moves an item's entry in the held index from one party to another; "" means none.
func (t *txn) setHolder(it *item, from, to string) error {
	if from == to {
		return nil
	}
	if from != "" {
		if err := t.delIndex(otHeld, from, it.heldKind(), it.key()); err != nil {
			return err
		}
	}
	if to != "" {
		return t.putIndex(otHeld, to, it.heldKind(), it.key())
	}
	return nil
}

// save writes an item after its fields changed, stamped with the caller's event.
func (t *txn) save(it *item, eventID string) error {
	if it.unit != nil {
		it.unit.LastEventID, it.unit.LastEventBy = eventID, t.caller
		return t.putUnit(it.unit)
	}
	it.cont.LastEventID, it.cont.LastEventBy = eventID, t.caller
	return t.putContainer(it.cont)
}

// setState changes the fields every move changes.
func (it *item) setState(status model.Status, owner, custodian, location, shipTo, shipFrom string) {
	if it.unit != nil {
		u := it.unit
		u.Status, u.Owner, u.Custodian, u.ShipTo, u.ShipFrom = status, owner, custodian, shipTo, shipFrom
		if location != "" {
			u.Location = location
		}
		return
	}
	c := it.cont
	c.Status, c.Owner, c.Custodian, c.ShipTo, c.ShipFrom = status, owner, custodian, shipTo, shipFrom
	if location != "" {
		c.Location = location
	}
}

func (it *item) status() model.Status {
	if it.unit != nil {
		return it.unit.Status
	}
	return it.cont.Status
}

func (it *item) shipTo() string {
	if it.unit != nil {
		return it.unit.ShipTo
	}
	return it.cont.ShipTo
}

func (it *item) shipFrom() string {
	if it.unit != nil {
		return it.unit.ShipFrom
	}
	return it.cont.ShipFrom
}

// insertSorted adds s to a sorted list.
func insertSorted(list []string, s string) []string {
	i, found := slices.BinarySearch(list, s)
	if found {
		return list
	}
	return slices.Insert(list, i, s)
}

// removeSorted removes s from a sorted list.
func removeSorted(list []string, s string) []string {
	i, found := slices.BinarySearch(list, s)
	if !found {
		return list
	}
	return slices.Delete(list, i, i+1)
}

// returning reports whether it travels as a return; setReturning marks or clears it.
func (it *item) returning() bool {
	if it.unit != nil {
		return it.unit.Returning
	}
	return it.cont.Returning
}

func (it *item) setReturning(r bool) {
	if it.unit != nil {
		it.unit.Returning = r
		return
	}
	it.cont.Returning = r
}

// dis lists the DIs of the products in it, sorted, each once: a unit's own, a container's
// contents'.
func (it *item) dis() []string {
	if it.unit != nil {
		return []string{it.unit.DI}
	}
	var out []string
	for _, lc := range it.cont.Contents {
		out = insertSorted(out, lc.DI)
	}
	return out
}
