package contract

import (
	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/udiledger/udiledger/chaincode/model"
)

// verify answers whether the code on a pack is genuine and may be sold or dispensed now.
func (t *txn) verify(raw string) (model.Verification, *item, error) {
	v := model.Verification{Code: raw}
	cd, err := parseCode(raw)
	if err != nil {
		v.Reasons = append(v.Reasons, "not a valid code: "+model.MessageOf(err.Error()))
		return v, nil, nil
	}
	v.Key = cd.Key
	if cd.DI != "" {
		p, err := t.product(cd.DI)
		switch {
		case err == nil:
			v.KnownProduct, v.ProductName = true, p.Name
		case model.CodeOf(err) == model.CodeNotFound:
			v.Reasons = append(v.Reasons, "product "+cd.DI+" is not registered")
		default:
			return v, nil, err
		}
	}
	it, err := t.lookup(cd)
	if model.CodeOf(err) == model.CodeNotFound {
		v.Reasons = append(v.Reasons, "code was never commissioned on the ledger")
		return v, nil, nil
	}
	if err != nil {
		return v, nil, err
	}
	v.Genuine = true
	cond, err := t.condition(it)
	if err != nil {
		return v, nil, err
	}
	v.Status = cond.Effective()
	v.Expired = model.Expired(cond.Expiry, t.now)
	v.Recalled = cond.Recalled || cond.LotStatus == model.LotRecalled
	v.ExpiryDate = cond.Expiry
	owner, err := t.topOwner(it)
	if err != nil {
		return v, nil, err
	}
	v.Owner = owner
	if u := it.unit; u != nil {
		v.Lot = u.Lot
		v.CloneSuspected = u.CloneSuspected
		if cd.Lot != "" && cd.Lot != u.Lot {
			v.Genuine = false
			v.Reasons = append(v.Reasons, "lot on the pack "+cd.Lot+" differs from the ledger's "+u.Lot)
		}
		if cd.Expiry != "" && cd.Expiry != u.Expiry {
			v.Genuine = false
			v.Reasons = append(v.Reasons, "expiry on the pack "+cd.Expiry+" differs from the ledger's "+u.Expiry)
		}
		ids, err := t.recallIDs(u)
		if err != nil {
			return v, nil, err
		}
		v.RecallIDs = ids
	}
	if v.CloneSuspected {
		v.Reasons = append(v.Reasons, "the same code was presented after it left the supply chain or at another holder")
	}
	if v.Status != model.StatusActive {
		v.Reasons = append(v.Reasons, "status is "+string(v.Status))
	}
	v.Sellable = v.Genuine && v.Status == model.StatusActive && !v.CloneSuspected
	return v, it, nil
}

// topOwner returns the holder of an item: the owner of the outermost container around it.
func (t *txn) topOwner(it *item) (string, error) {
	chain, err := t.chain(it.parent())
	if err != nil {
		return "", err
	}
	if len(chain) > 0 {
		return chain[len(chain)-1].Owner, nil
	}
	return it.owner(), nil
}

// top returns the outermost item around it (it itself when not packed).
func (t *txn) top(it *item) (*item, error) {
	chain, err := t.chain(it.parent())
	if err != nil {
		return nil, err
	}
	if len(chain) == 0 {
		return it, nil
	}
	c := chain[len(chain)-1]
	return &item{code: code{Key: c.Key}, cont: c}, nil
}

// recallIDs lists every recall that names u, its containers, its lot or its product.
func (t *txn) recallIDs(u *model.Unit) ([]string, error) {
	var ids []string
	add := func(list []string) {
		for _, id := range list {
			ids = insertSorted(ids, id)
		}
	}
	add(u.RecallIDs)
	chain, err := t.chain(u.Parent)
	if err != nil {
		return nil, err
	}
	for _, c := range chain {
		add(c.RecallIDs)
	}
	l, err := t.lot(u.DI, u.Lot)
	if err != nil {
		return nil, err
	}
	add(l.RecallIDs)
	p, err := t.product(u.DI)
	if err != nil {
		return nil, err
	}
	add(p.RecallIDs)
	return ids, nil
}

// Inspect records a verification scan (EPCIS inspecting) at a point of sale or dispensing and
// answers like query:Verify. A code never commissioned raises a counterfeit alert; a genuine
// unit presented after it was dispensed or disposed of, or by a party that neither holds it
// nor expects it, is marked as a suspected clone and raises a clone alert.
func (c *UnitContract) Inspect(ctx contractapi.TransactionContextInterface, req model.InspectRequest) (*model.InspectResult, error) {
	t, prev, hash, err := beginEvent(ctx, c.cfg, req.EventID, req)
	if err != nil {
		return nil, err
	}
	me, err := t.trader("inspect", append(tradingRoles, model.RoleRegulator)...)
	if err != nil {
		return nil, err
	}
	if err := validGLN(req.Location); err != nil {
		return nil, err
	}
	if len(req.Code) > model.MaxCodeLength {
		return nil, model.Invalid("code is %d characters, at most %d", len(req.Code), model.MaxCodeLength)
	}
	v, it, err := t.verify(req.Code)
	if err != nil {
		return nil, err
	}
	if prev != nil {
		return &model.InspectResult{EventResult: *replayed(prev), Verification: v}, nil
	}
	epc := req.Code
	if v.Key != "" {
		epc = v.Key
	}
	var alert *model.Alert
	switch {
	case !v.Genuine:
		alert = &model.Alert{Kind: model.AlertCounterfeit, Message: "suspected counterfeit: " + joinReasons(v.Reasons)}
	case it.unit != nil && !me.HasRole(model.RoleRegulator):
		top, err := t.top(it)
		if err != nil {
			return nil, err
		}
		stage := it.unit.Status
		if stage.Terminal() || !involved(top, t.caller) {
			// The alert, which its reporter reads, does not name the holder.
			reason := "presented to " + t.caller + " while " + string(stage)
			// A code that already left the chain (dispensed, destroyed) can be marked at once: it
			// is nobody's sellable stock. Goods another party holds are marked only on the word of
			// their manufacturer; anyone else's scan raises an alert for them to resolve.
			decisive := stage.Terminal()
			if !decisive {
				if decisive, err = t.manufactures(it.unit.DI, t.caller); err != nil {
					return nil, err
				}
			}
			if decisive {
				it.unit.CloneSuspected = true
				v.CloneSuspected, v.Sellable = true, false
				v.Reasons = append(v.Reasons, reason+" at "+top.owner())
				if err := t.save(it, req.EventID); err != nil {
					return nil, err
				}
			}
			alert = &model.Alert{Kind: model.AlertClone, Message: "suspected clone: " + reason}
		}
	}
	if alert == nil && v.Genuine && (v.Recalled || v.Expired) {
		alert = presented(v)
	}
	disp := model.DispositionConformant
	detail := &model.EventDetail{}
	if alert != nil {
		disp = model.DispositionNonConformant
		alert.ID, alert.Codes, alert.Party, alert.Location, alert.Time = req.EventID, []string{epc}, t.caller, req.Location, t.nowText
		if detail.AlertID, err = t.raiseOnce(alert); err != nil {
			return nil, err
		}
	}
	res, err := t.record(&model.Event{
		EventID: req.EventID, Type: model.ObjectEvent, Action: model.ActionObserve,
		BizStep: model.BizStepInspecting, Disposition: disp, EPCList: []string{epc},
		ReadPoint: req.Location, BizLocation: req.Location, Detail: detail,
	}, hash)
	if err != nil {
		return nil, err
	}
	return &model.InspectResult{EventResult: *res, Verification: v}, nil
}

// presented is the alert of a genuine code presented while recalled or expired.
func presented(v model.Verification) *model.Alert {
	if v.Recalled {
		return &model.Alert{Kind: model.AlertRecalledPresented, Message: "recalled code presented: " + joinReasons(v.RecallIDs)}
	}
	return &model.Alert{Kind: model.AlertExpiredPresented, Message: "expired code presented: expiry " + v.ExpiryDate}
}

func joinReasons(r []string) string {
	out := ""
	for i, s := range r {
		if i > 0 {
			out += "; "
		}
		out += s
	}
	return out
}

// manufactures reports whether msp is the manufacturer of product di.
func (t *txn) manufactures(di, msp string) (bool, error) {
	p, err := t.product(di)
	if err != nil {
		return false, err
	}
	return p.Manufacturer == msp, nil
}

// raiseOnce stores an alert unless the same party already raised one of the same kind for
// the same code; it returns the ID of the alert that stands.
func (t *txn) raiseOnce(a *model.Alert) (string, error) {
	k, err := t.key(otAlertBy, string(a.Kind), a.Codes[0], a.Party)
	if err != nil {
		return "", err
	}
	b, err := t.stub.GetState(k)
	if err != nil {
		return "", err
	}
	if len(b) > 0 {
		return string(b), nil
	}
	if err := t.stub.PutState(k, []byte(a.ID)); err != nil {
		return "", err
	}
	return a.ID, t.putAlert(a)
}
