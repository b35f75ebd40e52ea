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
	if r.regulator || r.msp == holder {
		return true, nil
	}
	return t.manufactures(di, r.msp)
}
