package contract

import (
	"slices"
	"strconv"
	"time"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/udiledger/udiledger/chaincode/model"
)

// CaseContract follows alerts as cases (ADR 027): the product's manufacturer (or a regulator
// that takes the case) investigates and closes it, and closing decides the goods.
type CaseContract struct {
	contractapi.Contract
	cfg *Config
}

func newCaseContract(cfg *Config) *CaseContract {
	c := &CaseContract{cfg: cfg}
	c.Name = "case"
	return c
}

// GetEvaluateTransactions lists the read-only transactions.
func (c *CaseContract) GetEvaluateTransactions() []string { return []string{"Get", "List"} }

// openCase files alert a in the open case of its kind about one of its codes, or opens one.
func (t *txn) openCase(a *model.Alert) error {
	var c *model.Case
	for _, code := range a.Codes {
		k, err := t.key(otCaseBy, string(a.Kind), code)
		if err != nil {
			return err
		}
		id, err := t.stub.GetState(k)
		if err != nil {
			return err
		}
		if len(id) > 0 {
			if c, err = t.caseRecord(string(id)); err != nil {
				return err
			}
			break
		}
	}
	if c == nil {
		id := "case-" + t.txID
		if len(t.txID) > 16 {
			id = "case-" + t.txID[:16]
		}
		if t.batchIndex > 0 { // each scan of a unit:Scans transaction opens its own
			id += "-" + strconv.Itoa(t.batchIndex)
		}
		c = &model.Case{ID: id, Kind: a.Kind, State: model.CaseOpen, OpenedAt: t.nowText, Codes: []string{}}
		if err := t.describeGoods(c, a.Codes); err != nil {
			return err
		}
		c.History = append(c.History, t.change("opened"))
	}
	c.Alerts = append(c.Alerts, model.CaseLink{EventID: a.ID, Party: a.Party, Location: a.Location, Time: a.Time})
	for _, code := range a.Codes {
		if slices.Contains(c.Codes, code) {
			continue
		}
		c.Codes = append(c.Codes, code)
		k, err := t.key(otCaseBy, string(a.Kind), code)
		if err != nil {
			return err
		}
		if err := t.stub.PutState(k, []byte(c.ID)); err != nil {
			return err
		}
	}
	a.CaseID = c.ID
	return t.putCase(c)
}

// describeGoods sets the product, lot and owner of a new case from the first code the ledger
// knows: the owner is the product's manufacturer, none (the regulators' inbox) for a product
// nobody registered.
func (t *txn) describeGoods(c *model.Case, codes []string) error {
	for _, raw := range codes {
		cd, err := parseCode(raw)
		if err != nil || cd.DI == "" {
			continue
		}
		p, err := t.product(cd.DI)
		if model.CodeOf(err) == model.CodeNotFound {
			continue
		}
		if err != nil {
			return err
		}
		c.DI, c.Owner, c.Lot = cd.DI, p.Manufacturer, cd.Lot
		it, err := t.lookup(cd)
		if err == nil && it.unit != nil {
			c.Lot = it.unit.Lot
		} else if err != nil && model.CodeOf(err) != model.CodeNotFound {
			return err
		}
		return nil
	}
	return nil
}

func (t *txn) change(action string) model.CaseChange {
	return model.CaseChange{Action: action, By: t.caller, At: t.nowText, TxID: t.txID}
}

func (t *txn) caseRecord(id string) (*model.Case, error) {
	k, err := t.key(otCase, id)
	if err != nil {
		return nil, err
	}
	var c model.Case
	ok, err := t.getJSON(k, &c)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, model.NotFound("case %s not found", id)
	}
	return &c, nil
}

func (t *txn) putCase(c *model.Case) error {
	k, err := t.key(otCase, c.ID)
	if err != nil {
		return err
	}
	c.Overdue = false
	return t.putJSON(k, c)
}

// seesCase reports whether the reader may see c: a regulator, its owner, the manufacturer of
// its product, or a party that reported one of its alerts.
func (t *txn) seesCase(r reader, c *model.Case) (bool, error) {
	if r.regulator || c.Owner == r.msp || slices.ContainsFunc(c.Alerts, func(l model.CaseLink) bool { return l.Party == r.msp }) {
		return true, nil
	}
	if c.DI == "" {
		return false, nil
	}
	ok, err := t.manufactures(c.DI, r.msp)
	if model.CodeOf(err) == model.CodeNotFound {
		return false, nil
	}
	return ok, err
}

// overdue reports whether the regulator was not told of suspect product within
// model.NotifyWithin hours of the case opening, as of now.
func overdue(c *model.Case, now time.Time) bool {
	if !c.NeedsNotice() || c.Resolution == model.ResolutionFalsePositive {
		return false
	}
	opened, err := model.ParseTime(c.OpenedAt)
	if err != nil {
		return false
	}
	deadline := opened.Add(model.NotifyWithin * time.Hour)
	if c.NotifiedAt == "" {
		return now.After(deadline)
	}
	at, err := model.ParseTime(c.NotifiedAt)
	return err == nil && at.After(deadline)
}

// visibleCase reads a case for the reader: NOT_FOUND when the read policy hides it.
func (t *txn) visibleCase(id string) (*model.Case, error) {
	c, err := t.caseRecord(id)
	if err != nil {
		return nil, err
	}
	r, err := t.reader()
	if err != nil {
		return nil, err
	}
	ok, err := t.seesCase(r, c)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, model.NotFound("case %s not found", id)
	}
	c.Overdue = overdue(c, t.now)
	return c, nil
}

// Get returns a case its reader may see.
func (c *CaseContract) Get(ctx contractapi.TransactionContextInterface, caseID string) (*model.Case, error) {
	t, err := begin(ctx, c.cfg)
	if err != nil {
		return nil, err
	}
	return t.visibleCase(caseID)
}

// List returns a page of the cases the caller may see, in case ID order, optionally only
// those in one state.
func (c *CaseContract) List(ctx contractapi.TransactionContextInterface, state string, pageSize int, bookmark string) (*model.CasePage, error) {
	t, err := begin(ctx, c.cfg)
	if err != nil {
		return nil, err
	}
	switch model.CaseState(state) {
	case "", model.CaseOpen, model.CaseInvestigating, model.CaseClosed:
	default:
		return nil, model.Invalid("state %q is not open, investigating or closed", state)
	}
	r, err := t.reader()
	if err != nil {
		return nil, err
	}
	out := &model.CasePage{Cases: []model.Case{}}
	out.Page, err = t.scanPage(otCase, nil, pageSize, bookmark, func(_ string, v []byte) error {
		var cs model.Case
		if err := jsonUnmarshal(v, &cs); err != nil {
			return err
		}
		if state != "" && cs.State != model.CaseState(state) {
			return nil
		}
		ok, err := t.seesCase(r, &cs)
		if err != nil || !ok {
			return err
		}
		cs.Overdue = overdue(&cs, t.now)
		out.Cases = append(out.Cases, cs)
		return nil
	})
	out.Count = len(out.Cases)
	return out, err
}

// acting begins a write on a case the caller may see and that is not closed.
func (c *CaseContract) acting(ctx contractapi.TransactionContextInterface, action, id string, roles ...model.Role) (*txn, *model.Party, *model.Case, error) {
	t, err := begin(ctx, c.cfg)
	if err != nil {
		return nil, nil, nil, err
	}
	me, err := t.meAs(action, roles...)
	if err != nil {
		return nil, nil, nil, err
	}
	cs, err := t.visibleCase(id)
	if err != nil {
		return nil, nil, nil, err
	}
	if cs.State == model.CaseClosed {
		return nil, nil, nil, model.Invalid("case %s is closed", id)
	}
	return t, me, cs, nil
}

// mayDecide returns FORBIDDEN unless the caller is a regulator or owns the case.
func (t *txn) mayDecide(me *model.Party, cs *model.Case, action string) error {
	if me.HasRole(model.RoleRegulator) || cs.Owner == t.caller {
		return nil
	}
	return model.Forbidden("%s may not %s case %s: it is %s's", t.caller, action, cs.ID, cs.Owner)
}

// Take makes the caller the owner of a case: a regulator takes any case, a manufacturer a
// case about its own product (back from a regulator).
func (c *CaseContract) Take(ctx contractapi.TransactionContextInterface, req model.CaseRequest) (*model.Case, error) {
	t, me, cs, err := c.acting(ctx, "take a case", req.CaseID, model.RoleRegulator, model.RoleManufacturer)
	if err != nil {
		return nil, err
	}
	if !me.HasRole(model.RoleRegulator) && (cs.DI == "" || cs.Owner == t.caller) {
		return nil, model.Forbidden("%s may not take case %s: only a regulator, or the manufacturer from a regulator", t.caller, cs.ID)
	}
	if !me.HasRole(model.RoleRegulator) {
		if ok, err := t.manufactures(cs.DI, t.caller); err != nil || !ok {
			return nil, orForbidden(err, "%s does not manufacture %s", t.caller, cs.DI)
		}
	}
	cs.Owner = t.caller
	cs.History = append(cs.History, t.change("taken"))
	return t.noted(cs, req.Note)
}

// Note writes a remark on a case: anyone who sees it.
func (c *CaseContract) Note(ctx contractapi.TransactionContextInterface, req model.CaseRequest) (*model.Case, error) {
	if req.Note == "" {
		return nil, model.Invalid("note is required")
	}
	t, _, cs, err := c.acting(ctx, "note on a case", req.CaseID, append(tradingRoles, model.RoleRegulator)...)
	if err != nil {
		return nil, err
	}
	return t.noted(cs, req.Note)
}

// Investigate moves an open case to investigating: its owner or a regulator.
func (c *CaseContract) Investigate(ctx contractapi.TransactionContextInterface, req model.CaseRequest) (*model.Case, error) {
	t, me, cs, err := c.acting(ctx, "investigate a case", req.CaseID, model.RoleRegulator, model.RoleManufacturer)
	if err != nil {
		return nil, err
	}
	if err := t.mayDecide(me, cs, "investigate"); err != nil {
		return nil, err
	}
	if cs.State != model.CaseOpen {
		return nil, model.Invalid("case %s is %s, not open", cs.ID, cs.State)
	}
	cs.State = model.CaseInvestigating
	cs.History = append(cs.History, t.change("investigating"))
	return t.noted(cs, req.Note)
}

// noted adds an optional note, saves the case and answers it as its reader sees it.
func (t *txn) noted(cs *model.Case, note string) (*model.Case, error) {
	if note != "" {
		cs.Notes = append(cs.Notes, model.CaseNote{By: t.caller, At: t.nowText, Text: note})
	}
	if err := t.putCase(cs); err != nil {
		return nil, err
	}
	if err := t.emit(model.Notification{Kind: "case", ID: cs.ID}); err != nil {
		return nil, err
	}
	cs.Overdue = overdue(cs, t.now)
	return cs, nil
}

// Close ends a case, its owner or a regulator deciding the goods as unit:Release does: a
// false positive clears the clone flag or lifts the quarantine the alerts put, on the word of
// the manufacturer of every product concerned or a regulator; a confirmed case keeps them
// blocked (marking a suspected clone) and, for suspect or illegitimate product, records the
// notification to the regulator. A change of the goods is an inspecting event of the closer,
// event ID "<case ID>-closed".
func (c *CaseContract) Close(ctx contractapi.TransactionContextInterface, req model.CloseCaseRequest) (*model.Case, error) {
	t, me, cs, err := c.acting(ctx, "close a case", req.CaseID, model.RoleRegulator, model.RoleManufacturer)
	if err != nil {
		return nil, err
	}
	if err := t.mayDecide(me, cs, "close"); err != nil {
		return nil, err
	}
	if req.Reason == "" {
		return nil, model.Invalid("reason is required")
	}
	falsePositive := req.Resolution == model.ResolutionFalsePositive
	if !falsePositive && req.Resolution != model.ResolutionConfirmed {
		return nil, model.Invalid("resolution %q is not confirmed or false_positive", req.Resolution)
	}
	changed, err := t.decideGoods(me, cs, falsePositive)
	if err != nil {
		return nil, err
	}
	// A closed case frees its code: the next alert about it, by anyone, opens a new case.
	for _, code := range cs.Codes {
		if err := t.delIndex(otCaseBy, string(cs.Kind), code); err != nil {
			return nil, err
		}
		for _, l := range cs.Alerts {
			if err := t.delIndex(otAlertBy, string(cs.Kind), code, l.Party); err != nil {
				return nil, err
			}
		}
	}
	cs.State, cs.Resolution, cs.Reason, cs.ClosedAt = model.CaseClosed, req.Resolution, req.Reason, t.nowText
	cs.History = append(cs.History, t.change("closed"))
	if !falsePositive && cs.NeedsNotice() {
		cs.NotifiedAt = t.nowText
		cs.Notice = t.notice(cs)
	}
	if err := t.putCase(cs); err != nil {
		return nil, err
	}
	if len(changed) > 0 {
		disp := model.DispositionConformant
		if !falsePositive {
			disp = model.DispositionNonConformant
		}
		eventID := cs.ID + "-closed"
		_, hash, err := t.replay(eventID, req)
		if err != nil {
			return nil, err
		}
		// The event's chaincode notification stands for the case's.
		if _, err := t.record(&model.Event{
			EventID: eventID, Type: model.ObjectEvent, Action: model.ActionObserve,
			BizStep: model.BizStepInspecting, Disposition: disp, EPCList: changed,
			Detail: &model.EventDetail{Reason: string(req.Resolution) + ": " + req.Reason},
		}, hash); err != nil {
			return nil, err
		}
	} else if err := t.emit(model.Notification{Kind: "case", ID: cs.ID}); err != nil {
		return nil, err
	}
	cs.Overdue = overdue(cs, t.now)
	return cs, nil
}

// decideGoods applies a closing to the goods of a case and returns the keys it changed. Only
// clone and temperature cases block goods; a counterfeit code is nobody's stock.
func (t *txn) decideGoods(me *model.Party, cs *model.Case, falsePositive bool) ([]string, error) {
	if cs.Kind != model.AlertClone && cs.Kind != model.AlertTemperature {
		return nil, nil
	}
	var changed []string
	for _, raw := range cs.Codes {
		cd, err := parseCode(raw)
		if err != nil {
			continue
		}
		it, err := t.lookup(cd)
		if model.CodeOf(err) == model.CodeNotFound {
			continue
		}
		if err != nil {
			return nil, err
		}
		if cs.Kind == model.AlertTemperature {
			if it, err = t.exposed(it); err != nil {
				return nil, err
			}
		}
		if !me.HasRole(model.RoleRegulator) {
			if err := t.madeBy(it, t.caller); err != nil {
				return nil, err
			}
		}
		if !decide(it, cs.Kind, falsePositive) {
			continue
		}
		changed = insertSorted(changed, it.key())
		if err := t.save(it, cs.ID+"-closed"); err != nil {
			return nil, err
		}
	}
	return changed, nil
}

// decide sets the block an alert of kind put on it: lifted for a false positive, kept (a
// clone marked) when confirmed. It reports whether it changed.
func decide(it *item, kind model.AlertKind, falsePositive bool) bool {
	if kind == model.AlertClone {
		if it.unit == nil || it.unit.CloneSuspected == !falsePositive {
			return false
		}
		it.unit.CloneSuspected = !falsePositive
		return true
	}
	if !falsePositive {
		return false
	}
	if it.unit != nil && it.unit.Quarantined {
		it.unit.Quarantined = false
		return true
	}
	if it.cont != nil && it.cont.Quarantined {
		it.cont.Quarantined = false
		return true
	}
	return false
}

// notice is what the regulator is told of confirmed suspect product.
func (t *txn) notice(cs *model.Case) *model.CaseNotice {
	n := &model.CaseNotice{DI: cs.DI, Lot: cs.Lot, Codes: cs.Codes, Finders: []string{}, Reason: cs.Reason}
	for _, l := range cs.Alerts {
		if l.Location != "" && !slices.Contains(n.Locations, l.Location) {
			n.Locations = append(n.Locations, l.Location)
		}
		if !slices.Contains(n.Finders, l.Party) {
			n.Finders = append(n.Finders, l.Party)
		}
	}
	return n
}

// orForbidden returns err, or FORBIDDEN with the message when err is nil.
func orForbidden(err error, format string, args ...any) error {
	if err != nil {
		return err
	}
	return model.Forbidden(format, args...)
}
