package contract

import (
	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/udiledger/udiledger/chaincode/model"
)

// Scope lists every unit a recall affects, grouped by current holder, with counts in stock,
// in transit, dispensed, returned and destroyed, the holders' acknowledgements and the
// recall's progress (returned and destroyed units over the units that must come back).
// Progress is computed here from the units' own keys, never kept in a counter that every
// return would have to update. withUnits adds each unit's code, stage and status.
func (c *RecallContract) Scope(ctx contractapi.TransactionContextInterface, id string, withUnits bool) (*model.RecallStatus, error) {
	t, err := begin(ctx, c.cfg)
	if err != nil {
		return nil, err
	}
	r, err := t.recall(id)
	if err != nil {
		return nil, err
	}
	out, err := t.recallStatus(r, withUnits)
	if err != nil {
		return nil, err
	}
	return out, t.onlyOwnScope(r, out)
}

// recallStatus computes a recall's scope and progress as every reader would see it.
func (t *txn) recallStatus(r *model.Recall, withUnits bool) (*model.RecallStatus, error) {
	id := r.ID
	holders := map[string]*model.HolderScope{}
	out := &model.RecallStatus{Recall: *r, Holders: []model.HolderScope{}, Acknowledgements: []model.Acknowledgement{}}
	visit := func(key string) error {
		u, err := t.unitNoCache(key)
		if err != nil {
			return err
		}
		cond, chain, err := t.unitCondition(u)
		if err != nil {
			return err
		}
		holder := u.Owner
		if len(chain) > 0 {
			holder = chain[len(chain)-1].Owner
		}
		h := holders[holder]
		if h == nil {
			h = &model.HolderScope{Holder: holder, ByStatus: map[model.Status]int{}}
			holders[holder] = h
		}
		stage, status := scopeStage(u, id, cond)
		quarantined := cond.Quarantined || cond.LotStatus == model.LotQuarantined
		h.Counts.Add(stage, quarantined)
		out.Counts.Add(stage, quarantined)
		h.ByStatus[status]++
		if withUnits {
			at, eventID, eventBy := lastChange(u, chain)
			h.Units = append(h.Units, model.ScopeUnit{Code: key, Stage: stage, Status: status,
				At: at, EventID: eventID, EventBy: eventBy})
		}
		return nil
	}
	if err := t.scopeUnits(&r.Scope, visit); err != nil {
		return nil, err
	}
	if err := t.scopeQuantities(&r.Scope, out, holders); err != nil {
		return nil, err
	}
	if err := t.scanAll(otAck, []string{id}, func(_ string, v []byte) error {
		var a model.Acknowledgement
		if err := jsonUnmarshal(v, &a); err != nil {
			return err
		}
		out.Acknowledgements = append(out.Acknowledgements, a)
		if h := holders[a.MSPID]; h != nil {
			h.Acknowledged = true
		}
		return nil
	}); err != nil {
		return nil, err
	}
	overdue := r.AcknowledgeBy != "" && r.Current() == model.RecallStarted && t.nowText > r.AcknowledgeBy
	for _, h := range holders {
		h.Overdue = overdue && !h.Acknowledged && h.Holder != r.InitiatedBy
		out.Holders = append(out.Holders, *h)
	}
	model.SortHolders(out.Holders)
	out.Required, out.Done, out.Progress = model.Progress(r.Depth, out.Counts.Plus(out.Quantities))
	if r.Scope.Type == model.ScopeLot {
		if lk, err := lotKey(r.Scope.DI, r.Scope.Lot); err == nil {
			if out.Stock, err = t.stockView(lk); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

// onlyOwnScope keeps a holder to its own part of a recall's scope (ADR 012): the regulators,
// the party that started the recall and the manufacturer of its product see every holder;
// anyone else its own line and acknowledgement, and the recall's totals.
func (t *txn) onlyOwnScope(r *model.Recall, st *model.RecallStatus) error {
	rd, err := t.reader()
	if err != nil || rd.regulator || r.InitiatedBy == rd.msp {
		return err
	}
	if r.Scope.DI != "" {
		if all, err := t.seesAllOf(rd, r.Scope.DI); err != nil || all {
			return err
		}
	}
	holders := []model.HolderScope{}
	for _, h := range st.Holders {
		if h.Holder == rd.msp {
			holders = append(holders, h)
		}
	}
	acks := []model.Acknowledgement{}
	for _, a := range st.Acknowledgements {
		if a.MSPID == rd.msp {
			acks = append(acks, a)
		}
	}
	st.Holders, st.Acknowledgements = holders, acks
	if st.Stock != nil {
		rd.ownStock(st.Stock)
	}
	return nil
}

// scopeUnits visits the key of every unit a recall scope covers, containers' contents
// included.
func (t *txn) scopeUnits(s *model.RecallScope, visit func(key string) error) error {
	scan := t.scanPages
	if t.inSubmit {
		scan = t.scanAllBounded
	}
	fromIndex := func(attrs ...string) error {
		return scan(otLotUnit, attrs, func(k string, _ []byte) error {
			_, parts, err := t.stub.SplitCompositeKey(k)
			if err != nil || len(parts) != 3 {
				return model.Invalid("bad lot index key %q", k)
			}
			return visit(parts[2])
		})
	}
	switch s.Type {
	case model.ScopeLot:
		return fromIndex(s.DI, s.Lot)
	case model.ScopeDI:
		return fromIndex(s.DI)
	}
	seen := map[string]bool{}
	var walk func(key string, depth int) error
	walk = func(key string, depth int) error {
		if seen[key] || depth > maxDepth {
			return nil
		}
		seen[key] = true
		ct, err := t.container(key)
		if err != nil {
			return err
		}
		if ct == nil {
			return visit(key)
		}
		for _, k := range ct.Units {
			if err := walk(k, depth+1); err != nil {
				return err
			}
		}
		for _, k := range ct.Containers {
			if err := walk(k, depth+1); err != nil {
				return err
			}
		}
		return nil
	}
	for _, k := range s.Codes {
		if err := walk(k, 0); err != nil {
			return err
		}
	}
	return nil
}

// unitState is the part of a unit record that says where it is and what state it is in:
// what scans over many units need. Decoding only these fields skips the rest of each record.
type unitState struct {
	DI          string       `json:"di"`
	Lot         string       `json:"lot"`
	Expiry      string       `json:"expiry"`
	Status      model.Status `json:"status"`
	Quarantined bool         `json:"quarantined"`
	Owner       string       `json:"owner"`
	Location    string       `json:"location"`
	Parent      string       `json:"parent"`
	RecallIDs   []string     `json:"recallIds"`
	ReworkedFor []string     `json:"reworkedFor"`
	LastEventID string       `json:"lastEventId"`
	LastEventBy string       `json:"lastEventBy"`
	UpdatedAt   string       `json:"updatedAt"`
}

// unitNoCache reads the state of a unit (unitState's fields of model.Unit only) without
// keeping it, for scans over many units.
func (t *txn) unitNoCache(key string) (*model.Unit, error) {
	k, err := t.key(otUnit, key)
	if err != nil {
		return nil, err
	}
	var u unitState
	ok, err := t.getJSON(k, &u)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, model.NotFound("unit %s is not on the ledger", key)
	}
	return &model.Unit{Key: key, DI: u.DI, Lot: u.Lot, Expiry: u.Expiry, Status: u.Status, Quarantined: u.Quarantined,
		Owner: u.Owner, Location: u.Location, Parent: u.Parent, RecallIDs: u.RecallIDs, ReworkedFor: u.ReworkedFor,
		LastEventID: u.LastEventID, LastEventBy: u.LastEventBy, UpdatedAt: u.UpdatedAt}, nil
}
