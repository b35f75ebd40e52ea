package contract

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/udiledger/udiledger/chaincode/epcis"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/udiledger/udiledger/chaincode/model"
)

// beginEvent starts an EPCIS event transaction: begin, then the replay check of the request's
// event ID. A non-nil prev is the stored event of the same request made before.
func beginEvent(ctx contractapi.TransactionContextInterface, cfg *Config, eventID string, req any) (t *txn, prev *model.Event, hash string, err error) {
	if t, err = begin(ctx, cfg); err != nil {
		return nil, nil, "", err
	}
	prev, hash, err = t.replay(eventID, req)
	return t, prev, hash, err
}

// beginTrade begins the transaction of a trading party's event: the replay check (as
// beginEvent), then the caller's role for action (a licensed party with one of roles) and
// the event's location (a GLN, when given).
func beginTrade[R model.EventRequest](ctx contractapi.TransactionContextInterface, cfg *Config, req R, action string, roles ...model.Role) (t *txn, prev *model.Event, hash string, err error) {
	h := req.Header()
	if t, prev, hash, err = beginEvent(ctx, cfg, h.EventID, req); err != nil || prev != nil {
		return t, prev, hash, err
	}
	if _, err := t.trader(action, roles...); err != nil {
		return nil, nil, "", err
	}
	if err := validGLN(h.Location); err != nil {
		return nil, nil, "", err
	}
	return t, nil, hash, nil
}

// replay looks up a client-supplied event ID among the caller's own events: event IDs are
// per submitter (ADR 015), so another organisation's event under the same ID neither conflicts
// nor answers. It returns the stored event when the same request was already recorded under
// that ID, a CONFLICT when another request was, and nil when the ID is new. hash is the
// request hash to record with a new event.
func (t *txn) replay(eventID string, req any) (prev *model.Event, hash string, err error) {
	if eventID == "" || len(eventID) > model.MaxEventIDLength {
		return nil, "", model.Invalid("eventId is required, at most %d characters", model.MaxEventIDLength)
	}
	fn, _ := t.stub.GetFunctionAndParameters()
	b, err := json.Marshal(req)
	if err != nil {
		return nil, "", fmt.Errorf("encode request: %w", err)
	}
	if d, ok := req.(model.EventRequest); ok {
		if err := t.declare(d.Header().EventTime); err != nil {
			return nil, "", err
		}
	}
	sum := sha256.Sum256(append([]byte(fn+"\x00"), b...))
	hash = hex.EncodeToString(sum[:])
	k, err := t.key(otEvent, eventID, t.caller)
	if err != nil {
		return nil, "", err
	}
	var ev model.Event
	ok, err := t.getJSON(k, &ev)
	if err != nil || !ok {
		return nil, hash, err
	}
	if ev.RequestHash != hash {
		return nil, "", model.Conflict("event %s was already recorded with other content", eventID)
	}
	return &ev, hash, nil
}

// declare takes the event time a request declares: RFC 3339 with an offset, not later than
// the transaction time plus model.MaxClockSkew.
func (t *txn) declare(s string) error {
	if s == "" {
		return nil
	}
	at, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return model.Invalid("eventTime %q must be an RFC 3339 time with an offset, e.g. 2026-11-30T09:15:00+08:00", s)
	}
	if at.After(t.now.Add(model.MaxClockSkew)) {
		return model.Invalid("eventTime %s is after the transaction time %s", s, t.nowText)
	}
	if at.Before(t.now.Add(-model.MaxEventAge)) {
		return model.Invalid("eventTime %s is more than %d days before the transaction time %s: events are recorded within that", s, int(model.MaxEventAge.Hours()/24), t.nowText)
	}
	t.declared, t.declaredOffset = model.FormatTime(at), at.Format("-07:00")
	return nil
}

// record stores ev with the transaction's facts, indexes it by time and emits the
// transaction's chaincode event.
func (t *txn) record(ev *model.Event, hash string) (*model.EventResult, error) {
	ev.Actor, ev.TxID, ev.RecordTime, ev.RequestHash = t.caller, t.txID, t.nowText, hash
	if c := t.captured; c != nil {
		ev.Captured, ev.Namespaces, ev.HashID = c.raw, c.namespaces, c.hashID
	}
	ev.EventTime = t.nowText
	if t.declared != "" {
		ev.EventTime, ev.EventTimeZoneOffset = t.declared, t.declaredOffset
	}
	k, err := t.key(otEvent, ev.EventID, ev.Actor)
	if err != nil {
		return nil, err
	}
	if err := t.putJSON(k, ev); err != nil {
		return nil, err
	}
	if err := t.stub.PutState(eventTimeKey(t.nowText, ev.EventID, ev.Actor), indexValue); err != nil {
		return nil, fmt.Errorf("write event time index: %w", err)
	}
	if err := t.indexEvent(ev); err != nil {
		return nil, err
	}
	res := resultOf(ev)
	codes := res.Codes
	if len(codes) > model.MaxNotifiedCodes {
		codes = codes[:model.MaxNotifiedCodes]
	}
	n := model.Notification{
		Kind: "event", ID: ev.EventID, Type: ev.Type, BizStep: ev.BizStep,
		Codes: codes, CodeCount: len(res.Codes), AlertID: res.AlertID,
	}
	if ev.Detail != nil {
		n.To = ev.Detail.To
	}
	if err := t.emit(n); err != nil {
		return nil, err
	}
	return res, nil
}

// indexEvent writes ev's entries in the event indexes.
func (t *txn) indexEvent(ev *model.Event) error {
	tail := t.nowText + ":" + ev.EventID + "\x00" + ev.Actor
	seen := map[string]bool{}
	put := func(index, value string) error {
		k := eventIndexPrefixOf(index, value) + tail
		if value == "" || seen[k] {
			return nil
		}
		seen[k] = true
		if err := t.stub.PutState(k, indexValue); err != nil {
			return fmt.Errorf("write event index %s: %w", index, err)
		}
		return nil
	}
	// The business step as EPCIS queries compare it: the captured event's, else the CBV
	// term of the ledger's (a return is shipping).
	step := epcis.CBVBizStep(ev.BizStep)
	if t.captured != nil {
		step = t.captured.bizStep
	}
	values := [][2]string{{model.IndexType, string(ev.Type)}, {model.IndexBizStep, step},
		{model.IndexLocation, ev.ReadPoint}, {model.IndexLocation, ev.BizLocation}}
	if ev.Observation {
		for _, c := range append(append(slices.Clone(ev.EPCList), ev.ChildEPCs...), ev.ParentID) {
			values = append(values, [2]string{model.IndexCode, c})
		}
		for _, q := range ev.QuantityList {
			values = append(values, [2]string{model.IndexCode, q.Code})
		}
	}
	for _, v := range values {
		if err := put(v[0], v[1]); err != nil {
			return err
		}
	}
	return nil
}

// resultOf builds the result of the transaction that recorded ev.
func resultOf(ev *model.Event) *model.EventResult {
	r := &model.EventResult{EventID: ev.EventID, TxID: ev.TxID, EventTime: ev.EventTime}
	switch ev.Type {
	case model.AggregationEvent, model.AssociationEvent:
		r.Codes = append([]string{ev.ParentID}, ev.ChildEPCs...)
	case model.TransformationEvent:
		r.Codes = append(slices.Clone(ev.ChildEPCs), ev.EPCList...)
	default:
		r.Codes = ev.EPCList
	}
	if ev.Detail != nil {
		r.UnitCount = ev.Detail.UnitCount
		r.AlertID = ev.Detail.AlertID
	}
	return r
}

// replayed returns the result of an earlier recording of the same request.
func replayed(ev *model.Event) *model.EventResult {
	r := resultOf(ev)
	r.Replayed = true
	return r
}

// event reads the event id of organisation by.
func (t *txn) event(id, by string) (*model.Event, error) {
	k, err := t.key(otEvent, id, by)
	if err != nil {
		return nil, err
	}
	var ev model.Event
	ok, err := t.getJSON(k, &ev)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, model.NotFound("event %s of %s not found", id, by)
	}
	ev.RequestHash = "" // the ledger's own bookkeeping, not part of any answer
	return &ev, nil
}

// findEvent resolves an event reference for the reader (ADR 015): with by, that
// organisation's event; without, the reader's own, else the one event under the ID the reader
// may see. Several visible is a CONFLICT naming their organisations; an event the reader may
// not see is NOT_FOUND, as if it did not exist. Scans: evaluate transactions only.
func (t *txn) findEvent(r reader, id, by string) (*model.Event, error) {
	if id == "" || len(id) > model.MaxEventIDLength {
		return nil, model.Invalid("eventId is required, at most %d characters", model.MaxEventIDLength)
	}
	notFound := model.NotFound("event %s not found", id)
	given := by != ""
	if !given {
		by = r.msp
	}
	ev, err := t.event(id, by)
	switch {
	case err == nil:
		ok, err := t.seesEvent(r, ev)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, notFound
		}
		return ev, nil
	case model.CodeOf(err) != model.CodeNotFound:
		return nil, err
	case given:
		return nil, notFound
	}
	// by was empty and the reader has no event of its own under id.
	var found []*model.Event
	var actors []string
	err = t.scanAll(otEvent, []string{id}, func(_ string, v []byte) error {
		var ev model.Event
		if err := jsonUnmarshal(v, &ev); err != nil {
			return err
		}
		ok, err := t.seesEvent(r, &ev)
		if ok {
			ev.RequestHash = ""
			found, actors = append(found, &ev), append(actors, ev.Actor)
		}
		return err
	})
	switch {
	case err != nil:
		return nil, err
	case len(found) == 0:
		return nil, notFound
	case len(found) > 1:
		return nil, model.Conflict("event ID %s names events of %s: choose one with by", id, strings.Join(actors, ", "))
	}
	return found[0], nil
}

func keysOf(codes []code) []string {
	out := make([]string, len(codes))
	for i, c := range codes {
		out[i] = c.Key
	}
	return out
}
