package contract

import (
	"fmt"
	"strings"

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
	r, err := t.readRecall(id)
	if err != nil {
		return nil, err
	}
	out, err := t.recallStatus(r, withUnits)
	if err != nil {
		return nil, err
	}
	return out, t.onlyOwnScope(r, out)
}

// recallStatus computes a recall's scope and progress as every reader would see it. Each unit
// is counted at its level of distribution (a unit in transit at its receiver's), and the
// recall's depth says which levels must bring their units back (ADR 030).
func (t *txn) recallStatus(r *model.Recall, withUnits bool) (*model.RecallStatus, error) {
	id := r.ID
	holders := map[string]*model.HolderScope{}
	byHolder := map[string]model.LevelCounts{}
	out := &model.RecallStatus{Recall: *r, ByLevel: model.LevelCounts{}, Holders: []model.HolderScope{}, Acknowledgements: []model.Acknowledgement{}}
	holderLine := func(holder string) (*model.HolderScope, error) {
		if h := holders[holder]; h != nil {
			return h, nil
		}
		lv, err := t.partyLevel(holder)
		if err != nil {
			return nil, err
		}
		h := &model.HolderScope{Holder: holder, ByStatus: map[model.Status]int{}, Level: lv, InDepth: r.Depth.Reaches(lv)}
		holders[holder], byHolder[holder] = h, model.LevelCounts{}
		return h, nil
	}
	units := t.unitReader(true)
	visit := func(key string) error {
		u, err := units.read(key)
		if err != nil {
			return err
		}
		cond, chain, err := t.unitCondition(u)
		if err != nil {
			return err
		}
		holder, receiver := u.Owner, u.ShipTo
		if len(chain) > 0 {
			top := chain[len(chain)-1]
			holder, receiver = top.Owner, top.ShipTo
		}
		h, err := holderLine(holder)
		if err != nil {
			return err
		}
		stage, status := scopeStage(u, id, cond)
		quarantined := cond.Quarantined || cond.LotStatus == model.LotQuarantined
		var to model.RecallLevel
		if stage == model.StatusInTransit && receiver != "" {
			if to, err = t.partyLevel(receiver); err != nil {
				return err
			}
		}
		level := model.UnitLevel(stage, h.Level, to)
		h.Counts.Add(stage, quarantined)
		out.Counts.Add(stage, quarantined)
		byHolder[holder].Add(level, stage, quarantined)
		out.ByLevel.Add(level, stage, quarantined)
		h.ByStatus[status]++
		if withUnits {
			at, eventID, eventBy := lastChange(u, chain)
			h.Units = append(h.Units, model.ScopeUnit{Code: key, Stage: stage, Status: status,
				At: at, EventID: eventID, EventBy: eventBy})
		}
		return nil
	}
	if err := t.scopeUnits(r, visit); err != nil {
		return nil, err
	}
	if err := t.scopeQuantities(r, out, byHolder, holderLine); err != nil {
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
		h.Overdue = overdue && h.InDepth && !h.Acknowledged && h.Holder != r.InitiatedBy
		h.Required, h.Done, _ = model.Progress(r.Depth, byHolder[h.Holder])
		out.Holders = append(out.Holders, *h)
	}
	model.SortHolders(out.Holders)
	out.Required, out.Done, out.Progress = model.Progress(r.Depth, out.ByLevel)
	for _, s := range r.Scopes() {
		if s.Type != model.ScopeLot {
			continue
		}
		lk, err := lotKey(s.DI, s.Lot)
		if err != nil {
			continue
		}
		sv, err := t.stockView(lk)
		if err != nil {
			return nil, err
		}
		if out.Stock == nil {
			out.Stock = sv
		} else {
			out.MoreStock = append(out.MoreStock, *sv)
		}
	}
	return out, nil
}

// partyLevel is the level of distribution of msp's stock (model.PartyLevel); an unknown party
// is at wholesale level.
func (t *txn) partyLevel(msp string) (model.RecallLevel, error) {
	p, err := t.party(msp)
	switch {
	case model.CodeOf(err) == model.CodeNotFound:
		return model.PartyLevel(nil), nil
	case err != nil:
		return "", err
	}
	return model.PartyLevel(p), nil
}

// recallFirm is the manufacturer of every product a recall names when all its scopes name
// one maker's lots or products (the recalling firm, where returns under the recall go by
// default), else "" (a codes recall's goods go back to their own manufacturer).
func (t *txn) recallFirm(r *model.Recall) (string, error) {
	firm := ""
	for _, s := range r.Scopes() {
		if s.DI == "" {
			return "", nil
		}
		p, err := t.product(s.DI)
		if err != nil {
			return "", err
		}
		if firm != "" && p.Manufacturer != firm {
			return "", nil
		}
		firm = p.Manufacturer
	}
	return firm, nil
}

// onlyOwnScope keeps a holder to its own part of a recall's scope (ADR 012): the regulators,
// the party that started the recall and the recalling firm (the manufacturer of every
// product it names) see every holder; anyone else its own line and acknowledgement, and the
// recall's totals.
func (t *txn) onlyOwnScope(r *model.Recall, st *model.RecallStatus) error {
	rd, err := t.reader()
	if err != nil || rd.regulator || r.InitiatedBy == rd.msp {
		return err
	}
	if firm, err := t.recallFirm(r); err != nil || firm == rd.msp {
		return err
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
	for i := range st.MoreStock {
		rd.ownStock(&st.MoreStock[i])
	}
	return nil
}

// scopeUnits visits the key of every unit a recall covers, in all its scopes, containers'
// contents included; a unit two scopes cover is visited once.
func (t *txn) scopeUnits(r *model.Recall, visit func(key string) error) error {
	scan := t.scanPages
	if t.inSubmit {
		scan = t.scanAllBounded
	}
	scopes := r.Scopes()
	if len(scopes) == 1 && (scopes[0].Type == model.ScopeLot || scopes[0].Type == model.ScopeDI) {
		// One index scan names each unit once: nothing to remember.
		return t.scopeIndex(scan, scopes[0], visit)
	}
	seen := map[string]bool{}
	once := func(key string) error {
		if seen[key] {
			return nil
		}
		seen[key] = true
		return visit(key)
	}
	walked := map[string]bool{}
	var walk func(key string, depth int) error
	walk = func(key string, depth int) error {
		if walked[key] || depth > maxDepth {
			return nil
		}
		walked[key] = true
		ct, err := t.container(key)
		if err != nil {
			return err
		}
		if ct == nil {
			return once(key)
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
	for _, s := range scopes {
		var err error
		switch s.Type {
		case model.ScopeLot, model.ScopeDI:
			err = t.scopeIndex(scan, s, once)
		default:
			for _, k := range s.Codes {
				if err = walk(k, 0); err != nil {
					break
				}
			}
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// scopeIndex visits the key of every unit of a lot or product scope, from the lot index.
func (t *txn) scopeIndex(scan func(string, []string, func(string, []byte) error) error, s model.RecallScope, visit func(key string) error) error {
	attrs := []string{s.DI, s.Lot}
	if s.Type == model.ScopeDI {
		attrs = attrs[:1]
	}
	return scan(otLotUnit, attrs, func(k string, _ []byte) error {
		key, ok := lastAttribute(k, 3)
		if !ok {
			return model.Invalid("bad lot index key %q", k)
		}
		return visit(key)
	})
}

// lastAttribute is the last attribute of a composite key of n attributes, "\x00type\x00a1\x00…\x00an\x00"
// (attributes hold no U+0000), read without splitting the others off.
func lastAttribute(k string, n int) (string, bool) {
	if len(k) < 2 || k[0] != 0 || k[len(k)-1] != 0 || strings.Count(k, "\x00") != n+2 {
		return "", false
	}
	body := k[:len(k)-1]
	return body[strings.LastIndexByte(body, 0)+1:], true
}

// unitState is the part of a unit record that says where it is and what state it is in:
// what scans over many units need. Decoding only these fields skips the rest of each record.
type unitState struct {
	DI          string              `json:"di"`
	Lot         string              `json:"lot"`
	Expiry      string              `json:"expiry"`
	Status      model.Status        `json:"status"`
	Quarantined bool                `json:"quarantined"`
	Owner       string              `json:"owner"`
	Location    string              `json:"location"`
	Parent      string              `json:"parent"`
	ShipTo      string              `json:"shipTo"`
	RecallIDs   []string            `json:"recallIds"`
	LastEventID string              `json:"lastEventId"`
	LastEventBy string              `json:"lastEventBy"`
	UpdatedAt   string              `json:"updatedAt"`
	ReworkedFor []string            `json:"reworkedFor"`
	Dispense    *model.DispenseInfo `json:"dispense"`
}

// unitNoCache reads the state of a unit (unitState's fields of model.Unit only) without
// keeping it, for scans over many units.
func (t *txn) unitNoCache(key string) (*model.Unit, error) {
	return t.unitReader(false).read(key)
}

// unitReader reads the state of many units (unitNoCache); shared, it lets the units share the
// strings that repeat from one to the next (product, lot, holder, event, time).
type unitReader struct {
	t     *txn
	names map[string]string
}

func (t *txn) unitReader(shared bool) *unitReader {
	r := &unitReader{t: t}
	if shared {
		r.names = map[string]string{}
	}
	return r
}

func (r *unitReader) read(key string) (*model.Unit, error) {
	k, err := r.t.key(otUnit, key)
	if err != nil {
		return nil, err
	}
	b, err := r.t.stub.GetState(k)
	if err != nil {
		return nil, fmt.Errorf("read state: %w", err)
	}
	if b == nil {
		return nil, model.NotFound("unit %s is not on the ledger", key)
	}
	u := &model.Unit{}
	if err := decodeUnitState(b, u, r.names); err != nil {
		return nil, fmt.Errorf("decode %q: %w", k, err)
	}
	u.Key = key
	return u, nil
}
