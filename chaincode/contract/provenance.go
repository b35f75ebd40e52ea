package contract

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"time"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/udiledger/udiledger/chaincode/model"
)

// version is one write of a unit or container key, from its history.
type version struct {
	at      time.Time
	parent  string
	eventID string
	eventBy string // the event's submitter
}

// span is a time during which a key sat in a container: [from, to), to zero while still inside.
type span struct {
	parent   string
	from, to time.Time
}

// Provenance returns every event of a code in time order, with actor, place, time and
// transaction: the code's own events (from its key's history), the events of every container
// it was in while it was inside (from the containers' histories, limited to the time inside),
// and the recalls of its lot and product. Containers' packing and unpacking of other items
// are left out. A unit made of others (unit:Transform) adds its parts' provenance, each entry
// marked with its part, down to maxLineageDepth transformations; a part is always older than
// what it was made into, so lineage has no cycles.
func (c *QueryContract) Provenance(ctx contractapi.TransactionContextInterface, code string) (*model.Provenance, error) {
	t, err := begin(ctx, c.cfg)
	if err != nil {
		return nil, err
	}
	cd, err := parseCode(code)
	if err != nil {
		return nil, err
	}
	it, err := t.lookup(cd)
	if err != nil {
		return nil, err
	}
	p := &prov{t: t, seen: map[[2]string]bool{}, parts: map[string]bool{}}
	if err := p.walk(it, 0); err != nil {
		return nil, err
	}
	sort.SliceStable(p.entries, func(i, j int) bool {
		return recorded(p.entries[i].Event) < recorded(p.entries[j].Event)
	})
	entries, err := t.visibleProvenance(it, p.entries)
	if err != nil {
		return nil, err
	}
	return &model.Provenance{Code: code, Key: cd.Key, Events: entries}, nil
}

// maxLineageDepth bounds the transformations provenance follows back from a code.
const maxLineageDepth = 8

// walk adds the events of an item: its own, its containers' while inside, the recalls naming
// it and, for a unit made of others, its parts'.
func (p *prov) walk(it *item, depth int) error {
	objectType := otUnit
	if it.cont != nil {
		objectType = otContainer
	}
	versions, err := p.t.history(objectType, it.key())
	if err != nil {
		return err
	}
	for _, v := range versions {
		if err := p.add(v.eventID, v.eventBy, "", true); err != nil {
			return err
		}
	}
	for _, s := range spans(versions, time.Time{}, time.Time{}) {
		if err := p.inherit(s, 0); err != nil {
			return err
		}
	}
	if it.unit == nil {
		return nil
	}
	ids, err := p.t.recallIDs(it.unit)
	if err != nil {
		return err
	}
	for _, id := range ids {
		r, err := p.t.recall(id)
		if err != nil {
			return err
		}
		if err := p.add(id, r.InitiatedBy, "recall", true); err != nil {
			return err
		}
	}
	if it.unit.Lineage == nil || depth >= maxLineageDepth {
		return nil
	}
	for _, in := range it.unit.Lineage.Inputs {
		if p.parts[in] {
			continue
		}
		p.parts[in] = true
		cd, err := parseCode(in)
		if err != nil {
			return err
		}
		part, err := p.t.lookup(cd)
		if model.CodeOf(err) == model.CodeNotFound {
			continue // a part the ledger does not govern: named in the transformation only
		}
		if err != nil {
			return err
		}
		outer := p.part
		p.part = in
		err = p.walk(part, depth+1)
		p.part = outer
		if err != nil {
			return err
		}
	}
	return nil
}

// visibleProvenance keeps what the reader may see (ADR 012): all of it for a regulator, the
// code's own events for the manufacturer of every product in it and a part's for the part's
// manufacturer, else the events the reader took part in.
func (t *txn) visibleProvenance(it *item, entries []model.ProvenanceEntry) ([]model.ProvenanceEntry, error) {
	r, err := t.reader()
	if err != nil || r.regulator {
		return entries, err
	}
	sees := map[string]bool{} // by part, "" for the code itself
	seesAll := func(part string) (bool, error) {
		if v, ok := sees[part]; ok {
			return v, nil
		}
		var v bool
		if part == "" {
			err := t.madeBy(it, r.msp)
			if err != nil && model.CodeOf(err) != model.CodeForbidden {
				return false, err
			}
			v = err == nil
		} else if v, err = t.makesAny(r.msp, []string{part}); err != nil {
			return false, err
		}
		sees[part] = v
		return v, nil
	}
	out := []model.ProvenanceEntry{}
	for _, e := range entries {
		all, err := seesAll(e.Part)
		if err != nil {
			return nil, err
		}
		if all || r.tookPart(&e.Event) {
			out = append(out, e)
		}
	}
	return out, nil
}

// recorded is when the ledger recorded ev: the order of the ledger, whatever times events
// declare.
func recorded(ev model.Event) string {
	if ev.RecordTime != "" {
		return ev.RecordTime
	}
	return ev.EventTime
}

type prov struct {
	t       *txn
	seen    map[[2]string]bool // event ID and submitter
	parts   map[string]bool    // inputs walked
	part    string             // the part being walked, "" for the code itself
	entries []model.ProvenanceEntry
}

// add appends the event id of organisation by once. An aggregation inherited from a
// container is kept only when it packs or unpacks that container itself, not when it packs
// other items into it.
func (p *prov) add(id, by, via string, own bool) error {
	if id == "" || p.seen[[2]string{id, by}] {
		return nil
	}
	ev, err := p.t.event(id, by)
	if err != nil {
		return err
	}
	if !own && ev.Type == model.AggregationEvent && !slices.Contains(ev.ChildEPCs, via) {
		return nil
	}
	p.seen[[2]string{id, by}] = true
	p.entries = append(p.entries, model.ProvenanceEntry{Event: *ev, Via: via, Part: p.part})
	return nil
}

// inherit adds the events of s.parent during s, and of the containers around it then.
func (p *prov) inherit(s span, depth int) error {
	if s.parent == "" {
		return nil
	}
	if depth > maxDepth {
		return model.Invalid("containers nested deeper than %d", maxDepth)
	}
	versions, err := p.t.history(otContainer, s.parent)
	if err != nil {
		return err
	}
	for _, v := range versions {
		if !v.at.Before(s.from) && (s.to.IsZero() || v.at.Before(s.to)) {
			if err := p.add(v.eventID, v.eventBy, s.parent, false); err != nil {
				return err
			}
		}
	}
	for _, outer := range spans(versions, s.from, s.to) {
		if err := p.inherit(outer, depth+1); err != nil {
			return err
		}
	}
	return nil
}

// spans turns a key's versions (oldest first) into the times it had each parent, clipped to
// [from, to) (zero means unbounded).
func spans(versions []version, from, to time.Time) []span {
	var out []span
	for i, v := range versions {
		s := span{parent: v.parent, from: v.at}
		if i+1 < len(versions) {
			s.to = versions[i+1].at
		}
		if !from.IsZero() && s.from.Before(from) {
			s.from = from
		}
		if !to.IsZero() && (s.to.IsZero() || to.Before(s.to)) {
			s.to = to
		}
		if s.parent == "" || (!s.to.IsZero() && !s.from.Before(s.to)) {
			continue
		}
		if n := len(out); n > 0 && out[n-1].parent == s.parent && out[n-1].to.Equal(s.from) {
			out[n-1].to = s.to
			continue
		}
		out = append(out, s)
	}
	return out
}

// history reads a unit or container key's versions, oldest first (Fabric returns newest
// first).
func (t *txn) history(objectType, key string) ([]version, error) {
	k, err := t.key(objectType, key)
	if err != nil {
		return nil, err
	}
	it, err := t.stub.GetHistoryForKey(k)
	if err != nil {
		return nil, fmt.Errorf("read history of %s: %w", key, err)
	}
	defer it.Close()
	var out []version
	for it.HasNext() {
		m, err := it.Next()
		if err != nil {
			return nil, fmt.Errorf("read history of %s: %w", key, err)
		}
		if m.GetIsDelete() {
			continue
		}
		var rec struct {
			Parent      string `json:"parent"`
			LastEventID string `json:"lastEventId"`
			LastEventBy string `json:"lastEventBy"`
		}
		if err := json.Unmarshal(m.GetValue(), &rec); err != nil {
			return nil, fmt.Errorf("decode history of %s: %w", key, err)
		}
		out = append(out, version{at: m.GetTimestamp().AsTime(), parent: rec.Parent, eventID: rec.LastEventID, eventBy: rec.LastEventBy})
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out, nil
}
