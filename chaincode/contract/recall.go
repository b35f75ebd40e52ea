package contract

import (
	"time"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/udiledger/udiledger/chaincode/model"
)

// RecallContract starts recalls, takes holders' acknowledgements and reports scope and
// progress.
type RecallContract struct {
	contractapi.Contract
	cfg *Config
}

func newRecallContract(cfg *Config) *RecallContract {
	c := &RecallContract{cfg: cfg}
	c.Name = "recall"
	return c
}

// GetEvaluateTransactions lists the read-only transactions.
func (c *RecallContract) GetEvaluateTransactions() []string {
	return []string{"Get", "List", "Scope", "Dispensed"}
}

// List returns the recalls a page at a time, in recall ID order; drafts only to their
// initiator and the regulators.
func (c *RecallContract) List(ctx contractapi.TransactionContextInterface, pageSize int, bookmark string) (*model.RecallPage, error) {
	t, err := begin(ctx, c.cfg)
	if err != nil {
		return nil, err
	}
	out := &model.RecallPage{Recalls: []model.Recall{}}
	out.Page, err = t.scanPage(otRecall, nil, pageSize, bookmark, func(_ string, v []byte) error {
		var r model.Recall
		if err := jsonUnmarshal(v, &r); err != nil {
			return err
		}
		if ok, err := t.seesRecall(&r); err != nil || !ok {
			return err // another party's draft is not listed
		}
		out.Recalls = append(out.Recalls, r)
		return nil
	})
	return out, err
}

// Start opens a recall: a regulator for any product, a manufacturer for its own. A lot recall
// writes the lot, a DI recall the product, a codes recall each named unit or container and
// the containers around it; no unit of a lot or DI is rewritten. The recall ID is also the
// initiator's event ID: starting the same recall again returns it, another recall under the
// ID, by anyone, is a CONFLICT. With Draft the recall is checked and kept as its initiator's
// draft (rewritten by each further draft request); a request without Draft starts the draft.
func (c *RecallContract) Start(ctx contractapi.TransactionContextInterface, req model.RecallRequest) (*model.Recall, error) {
	t, err := begin(ctx, c.cfg)
	if err != nil {
		return nil, err
	}
	prev, hash, err := t.replay(req.ID, req)
	if err != nil {
		return nil, err
	}
	if prev != nil {
		return t.recall(req.ID)
	}
	me, err := t.meAs("start a recall", model.RoleRegulator, model.RoleManufacturer)
	if err != nil {
		return nil, err
	}
	if err := req.Validate(); err != nil {
		return nil, err
	}
	// Event IDs are per submitter, recall IDs are one public namespace (ADR 015).
	draft, err := t.recall(req.ID)
	switch {
	case err == nil && (draft.Current() != model.RecallDraft || draft.InitiatedBy != t.caller):
		return nil, model.Conflict("recall %s already exists: choose another ID", req.ID)
	case err != nil && model.CodeOf(err) != model.CodeNotFound:
		return nil, err
	}
	r := &model.Recall{ID: req.ID, Class: req.Class, Depth: req.Depth, Reason: req.Reason, Scope: req.Scope,
		InitiatedBy: t.caller, TxID: t.txID, TargetPercent: req.TargetPercent}
	if draft != nil {
		r.DraftedAt = draft.DraftedAt
	}
	if req.Draft {
		if err := t.checkScope(&req.Scope, t.ownsToRecall(me)); err != nil {
			return nil, err
		}
		r.State = model.RecallDraft
		if r.DraftedAt == "" {
			r.DraftedAt = t.nowText
		}
		return r, t.putRecallRecord(r) // nobody is told of a draft
	}
	epcs, err := t.markScope(&req.Scope, req.ID, t.ownsToRecall(me))
	if err != nil {
		return nil, err
	}
	r.StartedAt, r.AcknowledgeBy = t.nowText, t.hoursFromNow(req.AcknowledgeWithinHours)
	if err := t.putRecallRecord(r); err != nil {
		return nil, err
	}
	_, err = t.record(&model.Event{
		EventID: req.ID, Type: model.ObjectEvent, Action: model.ActionObserve,
		BizStep: model.BizStepRecalling, Disposition: model.DispositionRecalled, EPCList: epcs,
		Detail: &model.EventDetail{RecallID: r.ID, Reason: r.Reason},
	}, hash)
	return r, err
}

// putRecallRecord writes a recall's record.
func (t *txn) putRecallRecord(r *model.Recall) error {
	k, err := t.key(otRecall, r.ID)
	if err != nil {
		return err
	}
	return t.putJSON(k, r)
}

// checkScope checks what a draft's scope names, as markScope would, marking nothing: the
// lot, the product or each code exists, and own allows each product.
func (t *txn) checkScope(s *model.RecallScope, own func(di string) error) error {
	switch s.Type {
	case model.ScopeLot:
		if err := own(s.DI); err != nil {
			return err
		}
		_, err := t.lot(s.DI, s.Lot)
		return err
	case model.ScopeDI:
		return own(s.DI)
	}
	_, items, err := t.requestItems(s.Codes)
	if err != nil {
		return err
	}
	for _, it := range items {
		for _, di := range it.dis() {
			if err := own(di); err != nil {
				return err
			}
		}
	}
	return nil
}

// ownsToRecall is the ownership rule of recalls: a regulator recalls any product, a
// manufacturer its own.
func (t *txn) ownsToRecall(me *model.Party) func(di string) error {
	regulator := me.HasRole(model.RoleRegulator)
	return func(di string) error {
		p, err := t.product(di)
		if err != nil {
			return err
		}
		if !regulator && p.Manufacturer != t.caller {
			return model.Forbidden("product %s belongs to %s: only its manufacturer or a regulator recalls it", di, p.Manufacturer)
		}
		return nil
	}
}

// markScope marks what scope s covers as recalled by recall id: a lot scope the lot, a DI
// scope the product, a codes scope each named unit or container and the containers around
// it (its codes become their canonical keys, which it answers). own checks each product.
func (t *txn) markScope(s *model.RecallScope, id string, own func(di string) error) ([]string, error) {
	switch s.Type {
	case model.ScopeLot:
		if err := own(s.DI); err != nil {
			return nil, err
		}
		l, err := t.lot(s.DI, s.Lot)
		if err != nil {
			return nil, err
		}
		l.Status, l.RecallIDs = model.LotRecalled, insertSorted(l.RecallIDs, id)
		return nil, t.putLot(l)
	case model.ScopeDI:
		if err := own(s.DI); err != nil {
			return nil, err
		}
		p, err := t.product(s.DI)
		if err != nil {
			return nil, err
		}
		p.RecallIDs = insertSorted(p.RecallIDs, id)
		return nil, t.putProduct(p)
	}
	codes, err := parseCodes(s.Codes, model.MaxRecallCodes)
	if err != nil {
		return nil, err
	}
	s.Codes = keysOf(codes)
	return s.Codes, t.markRecalled(codes, id, own)
}

// markRecalled adds the recall to each code's record and to the containers around it, so a
// container holding a recalled unit cannot move.
func (t *txn) markRecalled(codes []code, id string, own func(di string) error) error {
	items, err := t.lookupAll(codes)
	if err != nil {
		return err
	}
	for _, it := range items {
		if it.unit != nil {
			if err := own(it.unit.DI); err != nil {
				return err
			}
			it.unit.RecallIDs = insertSorted(it.unit.RecallIDs, id)
		} else {
			for _, lc := range it.cont.Contents {
				if err := own(lc.DI); err != nil {
					return err
				}
			}
			it.cont.RecallIDs = insertSorted(it.cont.RecallIDs, id)
		}
		if err := t.stamp(it); err != nil {
			return err
		}
		chain, err := t.chain(it.parent())
		if err != nil {
			return err
		}
		for _, c := range chain {
			c.RecallIDs = insertSorted(c.RecallIDs, id)
			if err := t.putContainer(c); err != nil {
				return err
			}
		}
	}
	return nil
}

// stamp writes an item without changing its last event (a change of master data, not an
// event of the item).
func (t *txn) stamp(it *item) error {
	if it.unit != nil {
		return t.putUnit(it.unit)
	}
	return t.putContainer(it.cont)
}

// hoursFromNow is the transaction time plus hours (model.DefaultAcknowledgeHours for 0).
func (t *txn) hoursFromNow(hours int) string {
	if hours <= 0 {
		hours = model.DefaultAcknowledgeHours
	}
	return model.FormatTime(t.now.Add(time.Duration(hours) * time.Hour))
}

func (t *txn) recall(id string) (*model.Recall, error) {
	k, err := t.key(otRecall, id)
	if err != nil {
		return nil, err
	}
	var r model.Recall
	ok, err := t.getJSON(k, &r)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, model.NotFound("recall %s not found", id)
	}
	return &r, nil
}

// readRecall is recall id as the caller may read it: a draft is its initiator's and the
// regulators', NOT_FOUND for anyone else.
func (t *txn) readRecall(id string) (*model.Recall, error) {
	r, err := t.recall(id)
	if err != nil {
		return nil, err
	}
	ok, err := t.seesRecall(r)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, model.NotFound("recall %s not found", id)
	}
	return r, nil
}

// seesRecall reports whether the caller may read r: any started recall; a draft if it
// drafted it or is a regulator.
func (t *txn) seesRecall(r *model.Recall) (bool, error) {
	if r.Current() != model.RecallDraft || r.InitiatedBy == t.caller {
		return true, nil
	}
	rd, err := t.reader()
	return rd.regulator, err
}

// Acknowledge records that the caller's organisation received the recall notice. Each
// organisation writes its own key, so acknowledgements never conflict.
func (c *RecallContract) Acknowledge(ctx contractapi.TransactionContextInterface, req model.AckRequest) (*model.Acknowledgement, error) {
	t, err := begin(ctx, c.cfg)
	if err != nil {
		return nil, err
	}
	if _, err := t.meAs("acknowledge a recall", tradingRoles...); err != nil {
		return nil, err
	}
	r, err := t.readRecall(req.RecallID)
	if err != nil {
		return nil, err
	}
	if r.Current() == model.RecallDraft {
		return nil, model.Conflict("recall %s is a draft: it is acknowledged once started", r.ID)
	}
	k, err := t.key(otAck, req.RecallID, t.caller)
	if err != nil {
		return nil, err
	}
	var old model.Acknowledgement
	ok, err := t.getJSON(k, &old)
	if err != nil {
		return nil, err
	}
	if ok {
		return &old, nil
	}
	holds, err := t.holdsScope(r, t.caller)
	if err != nil {
		return nil, err
	}
	if !holds {
		return nil, model.Forbidden("%s holds nothing recall %s covers: only holders acknowledge", t.caller, r.ID)
	}
	a := &model.Acknowledgement{RecallID: req.RecallID, MSPID: t.caller, Note: req.Note, At: t.nowText, TxID: t.txID}
	if err := t.putJSON(k, a); err != nil {
		return nil, err
	}
	return a, t.emit(model.Notification{Kind: "acknowledgement", ID: req.RecallID})
}

// Get returns a recall.
func (c *RecallContract) Get(ctx contractapi.TransactionContextInterface, id string) (*model.Recall, error) {
	t, err := begin(ctx, c.cfg)
	if err != nil {
		return nil, err
	}
	return t.readRecall(id)
}

// holdsScope reports whether msp holds goods a recall covers, in any of its scopes: a unit or
// container at top level (or a unit directly inside one), or stock of a recalled lot. It
// reads msp's own holdings index, so it runs in a submit.
func (t *txn) holdsScope(r *model.Recall, msp string) (bool, error) {
	scopes := r.Scopes()
	covers := func(di, lot, key string) bool { return model.AnyCovers(scopes, di, lot, key) }
	found := false
	err := t.scanAll(otHeld, []string{msp}, func(k string, _ []byte) error {
		if found {
			return nil
		}
		_, parts, err := t.stub.SplitCompositeKey(k)
		if err != nil || len(parts) != 3 {
			return model.Invalid("bad holder index key %q", k)
		}
		if parts[1] == heldUnit {
			u, err := t.unit(parts[2])
			if err != nil || u == nil {
				return err
			}
			found = covers(u.DI, u.Lot, u.Key)
			return nil
		}
		ct, err := t.container(parts[2])
		if err != nil || ct == nil {
			return err
		}
		found = covers("", "", ct.Key)
		for _, lc := range ct.Contents {
			found = found || covers(lc.DI, lc.Lot, "")
		}
		for _, u := range ct.Units {
			found = found || covers("", "", u)
		}
		return nil
	})
	if err != nil || found {
		return found, err
	}
	for _, s := range scopes {
		if s.Type != model.ScopeLot {
			continue
		}
		k, err := t.key(otStock, s.DI, s.Lot, msp)
		if err != nil {
			return false, err
		}
		b, err := t.stub.GetState(k)
		if err != nil || len(b) > 0 {
			return len(b) > 0, err
		}
	}
	return false, nil
}
