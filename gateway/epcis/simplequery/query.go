package simplequery

import (
	"encoding/json"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
)

// ParamError is the standard's QueryParameterException: a parameter that is unknown, given
// twice, of the wrong type or not allowed with another.
type ParamError struct {
	Param  string
	Reason string
}

func (e *ParamError) Error() string { return "epcis query parameter " + e.Param + ": " + e.Reason }

// TooLargeError is the standard's QueryTooLargeException: more events match than the
// query's maxEventCount allows.
type TooLargeError struct {
	MaxEventCount int
	Matched       int
}

func (e *TooLargeError) Error() string {
	return "epcis query too large: " + strconv.Itoa(e.Matched) + " events match, maxEventCount is " + strconv.Itoa(e.MaxEventCount)
}

// Locations is the hierarchy of sites and sub-locations (master data) that WD_readPoint and
// WD_bizLocation search within. Both arguments are in canonical form (CanonicalID).
type Locations interface {
	// Within reports whether child is a direct or indirect descendant of parent.
	Within(child, parent string) bool
}

// Attributes are the master-data attributes that HASATTR_ and EQATTR_ parameters read.
// Identifiers come in canonical form (CanonicalID; CBV terms bare).
type Attributes interface {
	// Attribute returns the values of the attribute attr of the vocabulary element id, and
	// whether the element has the attribute.
	Attribute(id, attr string) ([]string, bool)
}

// Option configures parsing.
type Option func(*Query)

// WithLocations gives WD_readPoint and WD_bizLocation the location hierarchy. Without it a
// location has no descendants, and WD_ parameters match like EQ_ ones.
func WithLocations(l Locations) Option { return func(q *Query) { q.locations = l } }

// WithAttributes gives HASATTR_ and EQATTR_ parameters their master data. Without it those
// parameters are refused.
func WithAttributes(a Attributes) Option { return func(q *Query) { q.attributes = a } }

// WithNamespaces binds JSON-LD prefixes to namespaces (ext1 → http://example.com/ext1/), so
// that extension field names compare by their full IRI: a parameter may then name a field
// by another prefix or by its IRI. Events' own @context bindings are read too.
func WithNamespaces(ns map[string]string) Option {
	return func(q *Query) {
		for p, v := range ns {
			q.namespaces[p] = v
		}
	}
}

// Query is a parsed SimpleEventQuery. All of its parameters must match (AND); a parameter
// given several values matches when one does (OR). A Query is safe for concurrent use when
// its Locations and Attributes are.
type Query struct {
	conds []func(ev map[string]any) bool
	hints Hints

	// OrderBy is eventTime, recordTime or an extension field name; "" when not given.
	OrderBy string
	// Descending is orderDirection DESC (the default when orderBy is given).
	Descending bool
	// EventCountLimit truncates the result after ordering; 0 when not given.
	EventCountLimit int
	// MaxEventCount makes Run fail with a *TooLargeError when more events match; 0 when not given.
	MaxEventCount int
	// PerPage and NextPageToken are the REST binding's paging, left to the caller (PerPage
	// 0 and NextPageToken "" when not given).
	PerPage       int
	NextPageToken string

	orderField *fieldName
	locations  Locations
	attributes Attributes
	namespaces map[string]string
	seen       map[string]bool
}

// Parse reads the query parameters of the REST binding (GET /events and the other query
// resources). A list parameter takes several values separated by '|' (the binding's
// pipe-delimited style) or repeated. Every error is a *ParamError.
func Parse(params url.Values, opts ...Option) (*Query, error) {
	q := newQuery(opts)
	names := make([]string, 0, len(params))
	for n := range params {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if err := q.add(n, params[n], true); err != nil {
			return nil, err
		}
	}
	if err := q.check(); err != nil {
		return nil, err
	}
	return q, nil
}

// ParseJSON reads the query object of a named query (POST /queries, its "query" member):
// parameter names as in Parse, list values as JSON arrays, numbers as JSON numbers (from a
// decoder with or without UseNumber), EXISTS_ parameters with any value or null. An
// "@context" member binds extension prefixes, as WithNamespaces does.
func ParseJSON(query map[string]any, opts ...Option) (*Query, error) {
	q := newQuery(opts)
	if ctx, ok := query["@context"]; ok {
		contextNamespaces(ctx, q.namespaces)
	}
	names := make([]string, 0, len(query))
	for n := range query {
		if n != "@context" {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	for _, n := range names {
		values, reason := jsonValues(query[n])
		if reason != "" {
			return nil, &ParamError{Param: n, Reason: reason}
		}
		if err := q.add(n, values, false); err != nil {
			return nil, err
		}
	}
	if err := q.check(); err != nil {
		return nil, err
	}
	return q, nil
}

func newQuery(opts []Option) *Query {
	q := &Query{namespaces: map[string]string{}, seen: map[string]bool{}}
	for _, o := range opts {
		o(q)
	}
	return q
}

// jsonValues turns a JSON parameter value into text values.
func jsonValues(v any) ([]string, string) {
	switch v := v.(type) {
	case nil:
		return nil, ""
	case []any:
		out := make([]string, 0, len(v))
		for _, x := range v {
			s, ok := jsonScalar(x)
			if !ok {
				return nil, "list items must be strings, numbers or booleans"
			}
			out = append(out, s)
		}
		return out, ""
	case []string:
		return v, ""
	}
	s, ok := jsonScalar(v)
	if !ok {
		return nil, "must be a string, a number, a boolean or a list of them"
	}
	return []string{s}, ""
}

func jsonScalar(v any) (string, bool) {
	switch v := v.(type) {
	case string:
		return v, true
	case json.Number:
		return v.String(), true
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64), true
	case int:
		return strconv.Itoa(v), true
	case bool:
		return strconv.FormatBool(v), true
	}
	return "", false
}

// check applies the rules between parameters.
func (q *Query) check() error {
	switch {
	case q.EventCountLimit > 0 && q.MaxEventCount > 0:
		return &ParamError{Param: "eventCountLimit", Reason: "cannot be given with maxEventCount"}
	case q.EventCountLimit > 0 && q.OrderBy == "":
		return &ParamError{Param: "eventCountLimit", Reason: "needs orderBy"}
	}
	return nil
}

// Require adds a parameter that must hold besides those parsed (AND, even when the query
// has the same parameter), for the binding's resource paths: /epcs/{epc}/events is
// MATCH_anyEPC, /bizSteps/{bizStep}/events EQ_bizStep, /eventTypes/{eventType}/events
// eventType, and so on. Values are taken as they are ('|' does not split them). Call it
// before the query is used.
func (q *Query) Require(param string, values ...string) error {
	if err := q.add(param, values, false); err != nil {
		return err
	}
	return q.check()
}

// Match reports whether an event (as captured, decoded with json.Decoder.UseNumber or
// not) satisfies every parameter of the query.
func (q *Query) Match(event map[string]any) bool {
	for _, test := range q.conds {
		if !test(event) {
			return false
		}
	}
	return true
}

// Run filters events, orders them by orderBy and orderDirection, truncates them to
// eventCountLimit, and fails with a *TooLargeError when more than maxEventCount match. The
// order of events that compare equal, or lack the orderBy field (put last), is kept.
func (q *Query) Run(events []map[string]any) ([]map[string]any, error) {
	var out []map[string]any
	for _, ev := range events {
		if q.Match(ev) {
			out = append(out, ev)
		}
	}
	if q.MaxEventCount > 0 && len(out) > q.MaxEventCount {
		return nil, &TooLargeError{MaxEventCount: q.MaxEventCount, Matched: len(out)}
	}
	if q.OrderBy != "" {
		q.sort(out)
	}
	if q.EventCountLimit > 0 && len(out) > q.EventCountLimit {
		out = out[:q.EventCountLimit]
	}
	return out, nil
}

// Hints are what a store can look up in its indexes to pick candidate events before it
// calls Match on them. Each non-empty list is a necessary condition: a matching event has
// one of its values (in canonical form: CanonicalID, bare CBV terms). Zero times are open.
type Hints struct {
	EventTypes   []string
	EventIDs     []string
	EPCs         []string // in epcList, childEPCs, parentID, inputEPCList or outputEPCList
	EPCClasses   []string // in quantityList, childQuantityList, inputQuantityList or outputQuantityList
	BizSteps     []string
	Dispositions []string
	ReadPoints   []string // readPoint.id
	BizLocations []string // bizLocation.id
	// Event and record times lie in [GE, LT).
	GEEventTime, LTEventTime   time.Time
	GERecordTime, LTRecordTime time.Time
}

// IndexHints returns the query's Hints.
func (q *Query) IndexHints() Hints { return q.hints }

// hintNarrow keeps the shorter of two candidate lists of one kind.
func hintNarrow(cur, next []string) []string {
	if len(cur) == 0 || len(next) < len(cur) {
		return next
	}
	return cur
}

// text values of a URL parameter split at '|'.
func splitPipes(raw []string) []string {
	var out []string
	for _, r := range raw {
		out = append(out, strings.Split(r, "|")...)
	}
	return out
}
