package model

import "slices"

// NoticeVisible is the read policy (ADR 012) for the notices of chaincode events: a regulator
// sees every notice; any other party the public notices (master data, recalls and their
// steps: holders learn of an amendment from the stream), the events
// it submitted or receives, and those about products it makes (makes reports whether a
// code's product is the party's). The gateway's event stream applies it.
func NoticeVisible(n Notification, msp string, regulator bool, makes func(code string) bool) bool {
	switch {
	case regulator:
		return true
	case n.Kind == "party", n.Kind == "product", n.Kind == "lot", n.Kind == "recall", n.BizStep == BizStepRecalling:
		return true
	case n.Actor == msp || n.To == msp:
		return true
	}
	return slices.ContainsFunc(n.Codes, makes)
}

// HideHolder leaves what anyone may learn of a unit (identity, lot, expiry, status, recalls,
// clone suspicion) and removes who holds it, where, its movements and its dispense (ADR 012).
func (v *UnitView) HideHolder() {
	u := &v.Unit
	u.Owner, u.Custodian, u.Location, u.Parent, u.ShipTo, u.ShipFrom = "", "", "", "", "", ""
	u.Returning, u.Dispense, u.LastEventID, u.LastEventBy, u.UpdatedAt = false, nil, "", "", ""
	u.PackState = nil // who set it, where: the status still names the state
	v.Owner, v.Location, v.Chain = "", "", nil
}
