package contract

import (
	"slices"

	"github.com/udiledger/udiledger/chaincode/model"
)

// What a recall's status counts besides each unit's stage: units re-worked under it, the
// last change of packed units, lot-level quantities.

// scopeQuantities counts the lot-level quantities (no serials) a lot or DI recall covers into
// the status's totals and each holder's line, adding lines for holders of quantities only:
// in stock, in transit (deliveries and returns, counted for the sender), returned to the
// receiver, destroyed and decommissioned. A codes recall names no quantities.
func (t *txn) scopeQuantities(s *model.RecallScope, out *model.RecallStatus, holders map[string]*model.HolderScope) error {
	var attrs []string
	switch s.Type {
	case model.ScopeLot:
		attrs = []string{s.DI, s.Lot}
	case model.ScopeDI:
		attrs = []string{s.DI}
	default:
		return nil
	}
	scan := t.scanPages
	if t.inSubmit {
		scan = t.scanAllBounded
	}
	for _, l := range []struct {
		objectType string
		add        func(c *model.StageCounts, n int)
	}{
		{otStock, func(c *model.StageCounts, n int) { c.InStock += n }},
		{otTransit, func(c *model.StageCounts, n int) { c.InTransit += n }},
		{otReturning, func(c *model.StageCounts, n int) { c.InTransit += n }},
		{otReturned, func(c *model.StageCounts, n int) { c.Returned += n }},
		{otDestroyed, func(c *model.StageCounts, n int) { c.Destroyed += n }},
		{otDecommissioned, func(c *model.StageCounts, n int) { c.Decommissioned += n }},
	} {
		err := scan(l.objectType, attrs, func(_ string, v []byte) error {
			var st model.Stock
			if err := jsonUnmarshal(v, &st); err != nil {
				return err
			}
			holder := st.Holder
			if st.From != "" { // on its way: the sender's, as a unit in transit is
				holder = st.From
			}
			h := holders[holder]
			if h == nil {
				h = &model.HolderScope{Holder: holder, ByStatus: map[model.Status]int{}}
				holders[holder] = h
			}
			for _, c := range []*model.StageCounts{&h.Quantities, &out.Quantities} {
				c.Total += st.Quantity
				l.add(c, st.Quantity)
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// scopeStage is where a unit stands in recall id's scope: re-worked under it, else its
// stage; and its effective status.
func scopeStage(u *model.Unit, id string, cond model.Condition) (stage, status model.Status) {
	if slices.Contains(u.ReworkedFor, id) {
		return model.StatusReworked, cond.Effective()
	}
	return cond.Stage(), cond.Effective()
}

// lastChange is the last change of a unit: its own last event, or, packed, its outermost
// container's when later (a container's moves do not rewrite the units inside).
func lastChange(u *model.Unit, chain []*model.Container) (at, eventID, eventBy string) {
	at, eventID, eventBy = u.UpdatedAt, u.LastEventID, u.LastEventBy
	if len(chain) > 0 {
		if c := chain[len(chain)-1]; c.UpdatedAt > at {
			return c.UpdatedAt, c.LastEventID, c.LastEventBy
		}
	}
	return at, eventID, eventBy
}
