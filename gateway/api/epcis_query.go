package api

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/udiledger/udiledger/chaincode/epcis"
	"github.com/udiledger/udiledger/chaincode/model"
	"github.com/udiledger/udiledger/chaincode/ops"
	"github.com/udiledger/udiledger/gateway/epcis/simplequery"
	"github.com/udiledger/udiledger/gateway/ledger"
	"github.com/udiledger/udiledger/gateway/problem"
)

// The SimpleEventQuery of the REST binding (GET /epcis/events, the resources' /events, named
// queries): the query is parsed and matched by package simplequery on each event as the
// reader gets it (captured events as captured), and candidate events are read from the
// ledger's event indexes (ADR 019) when the query names one value of one: an event ID, an
// EPC, a business step, a location or an event type; else from the time index.

// orderedToken marks a page token of an ordered answer (orderBy, eventCountLimit,
// maxEventCount): its Skip is the offset into the ordered result.
const orderedToken = "ordered"

// parseEPCISQuery reads the query parameters of a SimpleEventQuery.
func parseEPCISQuery(params url.Values) (*simplequery.Query, error) {
	return simplequery.Parse(params, simplequery.WithLocations(glnHierarchy{}))
}

// glnHierarchy is the location master data the ledger has: a GLN with an extension
// ((414)<gln>(254)<ext>, a sub-location) lies within its GLN (the site).
type glnHierarchy struct{}

func (glnHierarchy) Within(child, parent string) bool {
	return child == parent || strings.HasPrefix(child, parent+"(254)")
}

// epcisQueryProblem answers a query the ledger cannot run: a QueryParameterException (400
// naming the parameter) or a QueryTooLargeException (413).
func epcisQueryProblem(c *gin.Context, err error) {
	var pe *simplequery.ParamError
	var tl *simplequery.TooLargeError
	switch {
	case errors.As(err, &pe):
		problem.Write(c, problem.Invalid("query parameter exception", problem.FieldError{Field: pe.Param, Reason: pe.Reason}))
	case errors.As(err, &tl):
		problem.Write(c, problem.New(http.StatusRequestEntityTooLarge, "query-too-large", "Query too large", tl.Error()))
	default:
		problem.Write(c, problem.Invalid(err.Error()))
	}
}

// eventSource is where a query reads its candidate events: one value of an event index, or
// the time index (index "").
type eventSource struct {
	index, value string
}

// sourceOf picks the narrowest index the query's hints allow: one business step, one
// location, one event type; else the time index.
func sourceOf(h simplequery.Hints) eventSource {
	switch {
	case len(h.BizSteps) == 1:
		return eventSource{model.IndexBizStep, h.BizSteps[0]}
	case len(h.ReadPoints) == 1 && glnOf(h.ReadPoints[0]) != "":
		return eventSource{model.IndexLocation, glnOf(h.ReadPoints[0])}
	case len(h.BizLocations) == 1 && glnOf(h.BizLocations[0]) != "":
		return eventSource{model.IndexLocation, glnOf(h.BizLocations[0])}
	case len(h.EventTypes) == 1:
		return eventSource{model.IndexType, h.EventTypes[0]}
	}
	return eventSource{}
}

// glnOf is the GLN of a canonical location "(414)<gln>", "" for anything else (a location
// with extension is not indexed apart from its site).
func glnOf(loc string) string {
	gln, ok := strings.CutPrefix(loc, "(414)")
	if !ok || strings.Contains(gln, "(") {
		return ""
	}
	return gln
}

// recordTimes are the record times a query's events can have: its record time bounds, and
// its event time's lower bound less the clock skew the ledger allows (an event is recorded
// after it happens).
func recordTimes(h simplequery.Hints) (from, to time.Time) {
	from, to = h.GERecordTime, h.LTRecordTime
	if e := h.GEEventTime; !e.IsZero() {
		if f := e.Add(-model.MaxClockSkew); f.After(from) {
			from = f
		}
	}
	return from, to
}

// matcher renders ledger events as the reader gets them and matches them with a query.
type matcher struct {
	q   *simplequery.Query
	opt epcis.RenderOptions
}

// view is an event as the query sees it.
func (m matcher) view(ev model.Event) (map[string]any, error) {
	b, err := json.Marshal(epcis.Render(ev, m.opt))
	if err != nil {
		return nil, err
	}
	var v map[string]any
	d := json.NewDecoder(strings.NewReader(string(b)))
	d.UseNumber()
	return v, d.Decode(&v)
}

func (m matcher) match(ev model.Event) bool {
	v, err := m.view(ev)
	return err == nil && m.q.Match(v)
}

// queryEvents answers one page of q for the reader: at most perPage matching events from tok
// on, and the token of the next page ("" at the end).
func (s *server) queryEvents(ctx context.Context, id *ledger.Identity, q *simplequery.Query, dir *directory, tok pageToken, perPage int) ([]model.Event, string, error) {
	m := matcher{q: q, opt: epcis.RenderOptions{PartyGLN: dir.partyGLN, CompanyPrefixes: dir.prefixes}}
	h := q.IndexHints()
	ordered := q.OrderBy != "" || q.EventCountLimit > 0 || q.MaxEventCount > 0
	var direct []model.Event
	switch {
	case len(h.EventIDs) > 0:
		for _, eid := range h.EventIDs {
			ev, err := evaluateAs(ctx, s, id, ops.Event, model.EventIDQuery{EventID: epcis.EventIDOf(eid)})
			if ledger.CodeOf(err) == model.CodeNotFound || ledger.CodeOf(err) == model.CodeConflict {
				continue
			}
			if err != nil {
				return nil, "", err
			}
			direct = append(direct, *ev)
		}
	case len(h.EPCs) == 1:
		evs, err := s.codeEvents(ctx, id, h.EPCs[0])
		if err != nil {
			return nil, "", err
		}
		direct = evs
	default:
		if !ordered {
			return s.scanQuery(ctx, id, m, sourceOf(h), tok, perPage)
		}
		all, err := s.scanAll(ctx, id, m, sourceOf(h))
		if err != nil {
			return nil, "", err
		}
		return pageOrdered(q, m, all, tok, perPage)
	}
	var matched []model.Event
	for _, ev := range direct {
		if m.match(ev) {
			matched = append(matched, ev)
		}
	}
	slices.SortStableFunc(matched, func(a, b model.Event) int { return strings.Compare(a.RecordTime, b.RecordTime) })
	if !ordered && q.OrderBy == "" {
		return pageOf(matched, tok, perPage)
	}
	return pageOrdered(q, m, matched, tok, perPage)
}

// codeEvents are the events that name a code: a governed code's history (its provenance,
// containers' events included: the query's match drops those that do not name it), and the
// observations that name it (the code index).
func (s *server) codeEvents(ctx context.Context, id *ledger.Identity, key string) ([]model.Event, error) {
	seen := map[[2]string]bool{}
	var out []model.Event
	add := func(ev model.Event) {
		k := [2]string{ev.EventID, ev.Actor}
		if !seen[k] {
			seen[k] = true
			out = append(out, ev)
		}
	}
	prov, err := evaluateAs(ctx, s, id, ops.Provenance, model.CodeQuery{Code: key})
	switch {
	case err == nil:
		for _, e := range prov.Events {
			add(e.Event)
		}
	case ledger.CodeOf(err) != model.CodeNotFound && ledger.CodeOf(err) != model.CodeInvalid:
		return nil, err
	}
	bookmark := ""
	for read := 0; read < epcisScanLimit; {
		page, err := evaluateAs(ctx, s, id, ops.EventsByIndex, model.IndexQuery{Index: model.IndexCode, Value: key,
			PageQuery: model.PageQuery{PageSize: epcisMaxPerPage, Bookmark: bookmark}})
		if err != nil {
			return nil, err
		}
		for _, ev := range page.Events {
			add(ev)
		}
		read += max(page.Scanned, len(page.Events))
		if page.Bookmark == "" || len(page.Events) == 0 {
			break
		}
		bookmark = page.Bookmark
	}
	return out, nil
}

// scanQuery reads a source in record-time order from tok and keeps the events that match,
// until the page is full or the scan limit is reached.
func (s *server) scanQuery(ctx context.Context, id *ledger.Identity, m matcher, src eventSource, tok pageToken, perPage int) ([]model.Event, string, error) {
	from, to := recordTimes(m.q.IndexHints())
	var events []model.Event
	next, err := s.scanEvents(ctx, id, src, from, to, tok, func(ev model.Event, _ int) (int, bool) {
		if m.match(ev) {
			events = append(events, ev)
		}
		return 0, len(events) >= perPage
	})
	return events, next, err
}

// scanAll reads every matching event of a source, for an ordered answer; a query that would
// read more than epcisScanLimit events is too large.
func (s *server) scanAll(ctx context.Context, id *ledger.Identity, m matcher, src eventSource) ([]model.Event, error) {
	from, to := recordTimes(m.q.IndexHints())
	var events []model.Event
	next, err := s.scanEvents(ctx, id, src, from, to, pageToken{}, func(ev model.Event, _ int) (int, bool) {
		if m.match(ev) {
			events = append(events, ev)
		}
		return 0, false
	})
	if err != nil {
		return nil, err
	}
	if next != "" {
		return nil, &simplequery.TooLargeError{MaxEventCount: epcisScanLimit, Matched: len(events)}
	}
	return events, nil
}

// pageOrdered orders the matching events as the query says (orderBy, orderDirection),
// applies eventCountLimit and maxEventCount, and answers the page at tok's offset.
func pageOrdered(q *simplequery.Query, m matcher, events []model.Event, tok pageToken, perPage int) ([]model.Event, string, error) {
	views := make([]map[string]any, len(events))
	at := make(map[uintptr]model.Event, len(events))
	for i, ev := range events {
		v, err := m.view(ev)
		if err != nil {
			return nil, "", err
		}
		views[i] = v
		at[reflect.ValueOf(v).Pointer()] = ev
	}
	ran, err := q.Run(views)
	if err != nil {
		return nil, "", err
	}
	out := make([]model.Event, len(ran))
	for i, v := range ran {
		out[i] = at[reflect.ValueOf(v).Pointer()]
	}
	if tok.Bookmark != "" && tok.Bookmark != orderedToken {
		return nil, "", &simplequery.ParamError{Param: "nextPageToken", Reason: "is not a token of this query"}
	}
	return pageOf(out, pageToken{Bookmark: orderedToken, Skip: tok.Skip}, perPage)
}

// pageOf answers the page of events at tok's offset.
func pageOf(events []model.Event, tok pageToken, perPage int) ([]model.Event, string, error) {
	from := min(tok.Skip, len(events))
	to := min(from+perPage, len(events))
	next := ""
	if to < len(events) {
		b := tok.Bookmark
		if b == "" {
			b = orderedToken
		}
		next = pageToken{Bookmark: b, Skip: to}.String()
	}
	return events[from:to], next, nil
}

// eventsAfter answers the events of q recorded after after (a subscription's cursor), oldest
// first, at most limit, and the record time the next read starts after: that of the last
// event read, matching or not.
func (s *server) eventsAfter(ctx context.Context, id *ledger.Identity, q *simplequery.Query, dir *directory, after time.Time, limit int) ([]model.Event, time.Time, error) {
	m := matcher{q: q, opt: epcis.RenderOptions{PartyGLN: dir.partyGLN, CompanyPrefixes: dir.prefixes}}
	h := q.IndexHints()
	last := after
	later := func(ev model.Event) bool {
		t, err := model.ParseTime(ev.RecordTime)
		return err == nil && t.After(after)
	}
	if len(h.EventIDs) > 0 || len(h.EPCs) == 1 {
		all, _, err := s.queryEvents(ctx, id, q, dir, pageToken{}, epcisScanLimit)
		if err != nil {
			return nil, after, err
		}
		var out []model.Event
		for _, ev := range all {
			if later(ev) && len(out) < limit {
				out = append(out, ev)
				if t, err := model.ParseTime(ev.RecordTime); err == nil {
					last = t
				}
			}
		}
		return out, last, nil
	}
	from, to := recordTimes(h)
	if next := after.Add(time.Nanosecond); !after.IsZero() && next.After(from) {
		from = next
	}
	if !to.IsZero() && !from.Before(to) {
		return nil, after, nil
	}
	var events []model.Event
	_, err := s.scanEvents(ctx, id, sourceOf(h), from, to, pageToken{}, func(ev model.Event, _ int) (int, bool) {
		if t, err := model.ParseTime(ev.RecordTime); err == nil && t.After(last) {
			last = t
		}
		if m.match(ev) {
			events = append(events, ev)
		}
		return 0, len(events) >= limit
	})
	if err != nil {
		return nil, after, err
	}
	return events, last, nil
}
