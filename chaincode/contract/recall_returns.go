package contract

import (
	"slices"

	"github.com/udiledger/udiledger/chaincode/model"
)

// Returns, destructions and re-works under a recall: the recall they name must be open and
// cover the goods; a return goes by default to the recalling firm.

// openRecall reads a recall that goods are returned, destroyed or re-worked under: it exists,
// is started and is not terminated.
func (t *txn) openRecall(id string) (*model.Recall, error) {
	r, err := t.readRecall(id)
	if model.CodeOf(err) == model.CodeNotFound {
		return nil, model.Invalid("recall %s not found", id)
	}
	if err != nil {
		return nil, err
	}
	if s := r.Current(); s == model.RecallTerminated || s == model.RecallDraft {
		return nil, model.Invalid("recall %s is %s", id, s)
	}
	return r, nil
}

// coverItem returns INVALID unless recall id covers the item: it names the unit, a
// container around it or inside it, its lot or its product.
func (t *txn) coverItem(it *item, id string) error {
	var ids []string
	var err error
	if it.unit != nil {
		ids, err = t.recallIDs(it.unit)
	} else {
		ids, err = t.containerRecallIDs(it.cont)
	}
	if err != nil {
		return err
	}
	if !slices.Contains(ids, id) {
		return model.Invalid("recall %s does not cover %s", id, it.key())
	}
	return nil
}

// containerRecallIDs lists every recall that names c, a container around or inside it, or
// the lot or product of anything in it.
func (t *txn) containerRecallIDs(c *model.Container) ([]string, error) {
	ids := slices.Clone(c.RecallIDs)
	add := func(list []string) {
		for _, id := range list {
			ids = insertSorted(ids, id)
		}
	}
	chain, err := t.chain(c.Parent)
	if err != nil {
		return nil, err
	}
	for _, p := range chain {
		add(p.RecallIDs)
	}
	if err := t.walkInner(c, 0, func(in *model.Container) { add(in.RecallIDs) }); err != nil {
		return nil, err
	}
	for _, lc := range c.Contents {
		lot, err := t.lotRecallIDs(lc.DI, lc.Lot)
		if err != nil {
			return nil, err
		}
		add(lot)
	}
	return ids, nil
}

// lotRecallIDs lists the recalls of a lot and of its product.
func (t *txn) lotRecallIDs(di, lotNo string) ([]string, error) {
	l, err := t.lot(di, lotNo)
	if err != nil {
		return nil, err
	}
	p, err := t.product(di)
	if err != nil {
		return nil, err
	}
	ids := slices.Clone(l.RecallIDs)
	for _, id := range p.RecallIDs {
		ids = insertSorted(ids, id)
	}
	return ids, nil
}

// coverQuantities returns INVALID unless recall id covers the lot of every quantity.
func (t *txn) coverQuantities(qs []qty, id string) error {
	for _, q := range qs {
		ids, err := t.lotRecallIDs(q.code.DI, q.code.Lot)
		if err != nil {
			return err
		}
		if !slices.Contains(ids, id) {
			return model.Invalid("recall %s does not cover %s", id, q.code.Key)
		}
	}
	return nil
}

// underRecall checks the recall a return or a disposal names ("" for none) against its
// goods, and returns its recalling firm ("" without a recall or for a codes recall).
func (t *txn) underRecall(id string, items []*item, qs []qty) (string, error) {
	if id == "" {
		return "", nil
	}
	r, err := t.openRecall(id)
	if err != nil {
		return "", err
	}
	for _, it := range items {
		if err := t.coverItem(it, id); err != nil {
			return "", err
		}
	}
	if err := t.coverQuantities(qs, id); err != nil {
		return "", err
	}
	return t.recallFirm(r)
}

// setReturnRecall marks the recall a return goes back under; returnRecall reads it.
func (it *item) setReturnRecall(id string) {
	if it.unit != nil {
		it.unit.ReturnRecall = id
		return
	}
	it.cont.ReturnRecall = id
}

func (it *item) returnRecall() string {
	if it.unit != nil {
		return it.unit.ReturnRecall
	}
	return it.cont.ReturnRecall
}
