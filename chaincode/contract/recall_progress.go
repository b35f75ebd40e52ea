package contract

import (
	"slices"

	"github.com/udiledger/udiledger/chaincode/model"
)

// What a recall's status counts besides each unit's stage: units re-worked under it, the
// last change of packed units, lot-level quantities.

// scopeQuantities counts the lot-level quantities (no serials) the lot and DI scopes of a
// recall cover into the status's totals and each holder's line (holderLine adds lines for
// holders of quantities only): in stock, in transit (deliveries and returns, counted for the
// sender), returned to the receiver, destroyed and decommissioned. Each quantity is at the
// level of the party whose key holds it (the receiver's while in transit, as for units). A
// codes recall names no quantities; a lot whose product is recalled is counted once.
func (t *txn) scopeQuantities(r *model.Recall, out *model.RecallStatus, byHolder map[string]model.LevelCounts,
	holderLine func(msp string) (*model.HolderScope, error)) error {
	scan := t.scanPages
	if t.inSubmit {
		scan = t.scanAllBounded
	}
	var ranges [][]string
	for _, s := range r.Scopes() {
		switch {
		case s.Type == model.ScopeDI:
			ranges = append(ranges, []string{s.DI})
		case s.Type == model.ScopeLot && !model.AnyCovers(r.Scopes(), s.DI, "", ""):
			ranges = append(ranges, []string{s.DI, s.Lot})
		}
	}
	for _, attrs := range ranges {
		for _, l := range []struct {
			objectType string
			stage      func(n int) model.StageCounts
		}{
			{otStock, func(n int) model.StageCounts { return model.StageCounts{Total: n, InStock: n} }},
			{otTransit, func(n int) model.StageCounts { return model.StageCounts{Total: n, InTransit: n} }},
			{otReturning, func(n int) model.StageCounts { return model.StageCounts{Total: n, InTransit: n} }},
			{otReturned, func(n int) model.StageCounts { return model.StageCounts{Total: n, Returned: n} }},
			{otDestroyed, func(n int) model.StageCounts { return model.StageCounts{Total: n, Destroyed: n} }},
			{otDecommissioned, func(n int) model.StageCounts { return model.StageCounts{Total: n, Decommissioned: n} }},
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
				h, err := holderLine(holder)
				if err != nil {
					return err
				}
				level, err := t.partyLevel(st.Holder)
				if err != nil {
					return err
				}
				q := l.stage(st.Quantity)
				h.Quantities = h.Quantities.Plus(q)
				out.Quantities = out.Quantities.Plus(q)
				byHolder[holder][level] = byHolder[holder][level].Plus(q)
				out.ByLevel[level] = out.ByLevel[level].Plus(q)
				return nil
			})
			if err != nil {
				return err
			}
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
