package contract

import "github.com/udiledger/udiledger/chaincode/model"

// The read policy (ADR 012): a party sees its own goods and the events it took part in, a
// manufacturer follows its own products down the chain, a regulator sees everything, and
// anyone else learns only whether a code is genuine and sellable.

// reader is who reads, as the read policy sees them.
type reader struct {
	msp       string
	regulator bool
}

func (t *txn) reader() (reader, error) {
	r := reader{msp: t.caller}
	p, err := t.party(t.caller)
	switch {
	case err == nil:
		r.regulator = p.HasRole(model.RoleRegulator)
	case model.CodeOf(err) != model.CodeNotFound:
		return r, err
	}
	return r, nil
}

// tookPart reports whether the reader submitted ev or is named in it as a party.
func (r reader) tookPart(ev *model.Event) bool {
	if r.regulator || ev.Actor == r.msp {
		return true
	}
	for _, l := range [][]model.SourceDest{ev.SourceList, ev.DestinationList} {
		for _, sd := range l {
			if sd.Value == r.msp {
				return true
			}
		}
	}
	return ev.Detail != nil && ev.Detail.To == r.msp
}

// seesHolder reports whether the reader may know who holds goods of product di held by holder.
func (t *txn) seesHolder(r reader, di, holder string) (bool, error) {
	if r.msp == holder {
		return true, nil
	}
	return t.seesAllOf(r, di)
}

// seesEvent reports whether the reader may see ev: it took part in it, or ev is about a
// product the reader manufactures (a manufacturer follows its products down the chain).
func (t *txn) seesEvent(r reader, ev *model.Event) (bool, error) {
	if r.tookPart(ev) {
		return true, nil
	}
	codes := append(append([]string{}, ev.EPCList...), ev.ChildEPCs...)
	for _, q := range ev.QuantityList {
		codes = append(codes, q.Code)
	}
	return t.makesAny(r.msp, codes)
}

// seesAlert reports whether the reader may see a: it raised it, or a names a product the
// reader manufactures.
func (t *txn) seesAlert(r reader, a *model.Alert) (bool, error) {
	if r.regulator || a.Party == r.msp {
		return true, nil
	}
	return t.makesAny(r.msp, a.Codes)
}

// makesAny reports whether msp manufactures the product of any of codes; codes that do not
// parse or name no registered product count for nothing.
func (t *txn) makesAny(msp string, codes []string) (bool, error) {
	for _, c := range codes {
		di, err := diOf(c)
		if err != nil || di == "" {
			continue
		}
		ok, err := t.manufactures(di, msp)
		if model.CodeOf(err) == model.CodeNotFound {
			continue
		}
		if err != nil || ok {
			return ok, err
		}
	}
	return false, nil
}

// seesAllOf reports whether the reader sees everything about product di: a regulator, or
// its manufacturer.
func (t *txn) seesAllOf(r reader, di string) (bool, error) {
	if r.regulator {
		return true, nil
	}
	return t.manufactures(di, r.msp)
}

// ownStock keeps the reader's own stock lines: what it holds, and what it sends or is sent.
func (r reader) ownStock(sv *model.StockView) {
	own := func(ss []model.Stock) []model.Stock {
		out := []model.Stock{}
		for _, s := range ss {
			if s.Holder == r.msp || s.From == r.msp {
				out = append(out, s)
			}
		}
		return out
	}
	sv.InStock, sv.InTransit, sv.Returning = own(sv.InStock), own(sv.InTransit), own(sv.Returning)
	sv.Returned, sv.Destroyed, sv.Decommissioned = own(sv.Returned), own(sv.Destroyed), own(sv.Decommissioned)
}
