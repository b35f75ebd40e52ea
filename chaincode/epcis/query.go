package epcis

import (
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/udiledger/udiledger/chaincode/identifier"
	"github.com/udiledger/udiledger/chaincode/model"
)

// QueryError says which query parameter is wrong and why (EPCIS QueryParameterException).
type QueryError struct {
	Param  string
	Reason string
}

func (e *QueryError) Error() string { return "epcis query parameter " + e.Param + ": " + e.Reason }

// MaxPerPage is the largest page a query may ask for (the chaincode's largest page).
const MaxPerPage = model.MaxPageSize

// EPCPattern matches the codes of events: one code by its canonical key, or, with GTIN set,
// every code of that product (an EPC pattern urn:epc:idpat:sgtin:…, a Digital Link or a
// bare GTIN without serial or lot).
type EPCPattern struct {
	Key  string
	GTIN string
}

// Matches reports whether a canonical key is matched.
func (p EPCPattern) Matches(key string) bool {
	if p.GTIN == "" {
		return key == p.Key
	}
	prefix := "(01)" + p.GTIN
	return key == prefix || strings.HasPrefix(key, prefix+"(")
}

// Filter is an EPCIS SimpleEventQuery as the standard's REST query parameters give it.
// Empty fields do not restrict; list fields match any of their values; the parameters
// together must all match.
type Filter struct {
	EventTypes   []string // eventType
	GEEventTime  time.Time
	LTEventTime  time.Time
	GERecordTime time.Time
	LTRecordTime time.Time
	Actions      []model.Action // EQ_action
	BizSteps     []string       // EQ_bizStep: bare CBV names, or URIs of other vocabularies
	Dispositions []string       // EQ_disposition: likewise
	ReadPoints   []string       // EQ_readPoint: GLNs
	BizLocations []string       // EQ_bizLocation: GLNs
	EventIDs     []string       // EQ_eventID
	EPCs         []EPCPattern   // MATCH_epc: epcList and childEPCs
	ParentIDs    []EPCPattern   // MATCH_parentID
	AnyEPCs      []EPCPattern   // MATCH_anyEPC: epcList, childEPCs and parentID
	EPCClasses   []EPCPattern   // MATCH_epcClass: quantityList
	// BizTransactions holds EQ_bizTransaction_<type>: the business transaction type (a bare
	// CBV name or a URI) to the accepted values.
	BizTransactions map[string][]string
	PerPage         int    // perPage; 0 when not given
	NextPageToken   string // nextPageToken, opaque

	// required are the codes set by RequireEPC, each matched like MATCH_anyEPC.
	required []EPCPattern
	// and are the filters set by Require, each of which must match too.
	and []*Filter
}

// unsupportedParams names the EPCIS query parameters the ledger cannot answer, and why.
var unsupportedParams = map[string]string{
	"MATCH_inputEPC":          "input EPCs belong to TransformationEvents, which the ledger does not record",
	"MATCH_outputEPC":         "output EPCs belong to TransformationEvents, which the ledger does not record",
	"MATCH_inputEPCClass":     "input EPC classes belong to TransformationEvents, which the ledger does not record",
	"MATCH_outputEPCClass":    "output EPC classes belong to TransformationEvents, which the ledger does not record",
	"EQ_transformationID":     "the ledger does not record TransformationEvents",
	"WD_readPoint":            "the ledger keeps no location hierarchy (master data) to search within",
	"WD_bizLocation":          "the ledger keeps no location hierarchy (master data) to search within",
	"EQ_errorReason":          "the ledger records no error declarations",
	"EQ_correctiveEventID":    "the ledger records no error declarations",
	"EXISTS_errorDeclaration": "the ledger records no error declarations",
}

const supportedParams = "eventType, GE_eventTime, LT_eventTime, GE_recordTime, LT_recordTime, EQ_action, EQ_bizStep, " +
	"EQ_disposition, EQ_readPoint, EQ_bizLocation, EQ_eventID, MATCH_epc, MATCH_parentID, MATCH_anyEPC, " +
	"MATCH_epcClass, EQ_bizTransaction_<type>, perPage, nextPageToken"

// ParseQuery reads the EPCIS 2.0 query parameters of GET /epcis/events. A list parameter
// takes several values separated by '|' (the REST binding's pipe-delimited form) or
// repeated. Every error names its parameter.
func ParseQuery(q url.Values) (*Filter, error) {
	f := &Filter{}
	for _, name := range sortedKeys(q) {
		if err := f.param(name, q[name]); err != nil {
			return nil, err
		}
	}
	return f, nil
}

func (f *Filter) param(name string, raw []string) error {
	fail := func(reason string) error { return &QueryError{Param: name, Reason: reason} }
	if reason, ok := unsupportedParams[name]; ok {
		return fail("is not supported: " + reason)
	}
	given := raw
	single := func() (string, error) {
		if len(given) != 1 || given[0] == "" {
			return "", fail("takes exactly one non-empty value")
		}
		return given[0], nil
	}
	var values []string
	switch name {
	case "GE_eventTime", "LT_eventTime", "GE_recordTime", "LT_recordTime", "perPage", "nextPageToken":
		raw = nil // single values, never split: a page token is opaque
	}
	for _, r := range raw {
		for _, v := range strings.Split(r, "|") {
			if v == "" {
				return fail("has an empty value")
			}
			values = append(values, v)
		}
	}
	switch {
	case name == "eventType":
		for _, v := range values {
			switch model.EventType(v) {
			case model.ObjectEvent, model.AggregationEvent, model.TransactionEvent, TypeTransformation, TypeAssociation:
				f.EventTypes = append(f.EventTypes, v)
			default:
				return fail(quote(v) + " is not an EPCIS event type")
			}
		}
	case name == "GE_eventTime", name == "LT_eventTime", name == "GE_recordTime", name == "LT_recordTime":
		s, err := single()
		if err != nil {
			return err
		}
		t, reason := timeField(s, true)
		if reason != "" {
			return fail(reason)
		}
		switch name {
		case "GE_eventTime":
			f.GEEventTime = t
		case "LT_eventTime":
			f.LTEventTime = t
		case "GE_recordTime":
			f.GERecordTime = t
		default:
			f.LTRecordTime = t
		}
	case name == "EQ_action":
		for _, v := range values {
			switch a := model.Action(v); a {
			case model.ActionAdd, model.ActionObserve, model.ActionDelete:
				f.Actions = append(f.Actions, a)
			default:
				return fail(quote(v) + " is not ADD, OBSERVE or DELETE")
			}
		}
	case name == "EQ_bizStep", name == "EQ_disposition":
		voc := vocBizStep
		if name == "EQ_disposition" {
			voc = vocDisposition
		}
		for _, v := range values {
			n, reason := voc.normalize(v)
			if reason != "" {
				return fail(reason)
			}
			if name == "EQ_bizStep" {
				f.BizSteps = append(f.BizSteps, n)
			} else {
				f.Dispositions = append(f.Dispositions, n)
			}
		}
	case name == "EQ_readPoint", name == "EQ_bizLocation":
		for _, v := range values {
			gln, reason := queryGLN(v)
			if reason != "" {
				return fail(reason)
			}
			if name == "EQ_readPoint" {
				f.ReadPoints = append(f.ReadPoints, gln)
			} else {
				f.BizLocations = append(f.BizLocations, gln)
			}
		}
	case name == "EQ_eventID":
		for _, v := range values {
			// Rendered IDs (EventURI) and ledger IDs alike.
			f.EventIDs = append(f.EventIDs, EventIDOf(v))
		}
	case name == "MATCH_epc", name == "MATCH_parentID", name == "MATCH_anyEPC", name == "MATCH_epcClass":
		for _, v := range values {
			p, reason := pattern(v, name == "MATCH_epcClass")
			if reason != "" {
				return fail(reason)
			}
			switch name {
			case "MATCH_epc":
				f.EPCs = append(f.EPCs, p)
			case "MATCH_parentID":
				f.ParentIDs = append(f.ParentIDs, p)
			case "MATCH_anyEPC":
				f.AnyEPCs = append(f.AnyEPCs, p)
			default:
				f.EPCClasses = append(f.EPCClasses, p)
			}
		}
	case strings.HasPrefix(name, "EQ_bizTransaction_"):
		typ, reason := vocBizTransactionType.normalize(name[len("EQ_bizTransaction_"):])
		if reason != "" {
			return fail(reason)
		}
		if f.BizTransactions == nil {
			f.BizTransactions = map[string][]string{}
		}
		f.BizTransactions[typ] = append(f.BizTransactions[typ], values...)
	case name == "perPage":
		s, err := single()
		if err != nil {
			return err
		}
		n, perr := strconv.Atoi(s)
		if perr != nil || n < 1 || n > MaxPerPage {
			return fail(quote(s) + " is not a whole number from 1 to " + strconv.Itoa(MaxPerPage))
		}
		f.PerPage = n
	case name == "nextPageToken":
		s, err := single()
		if err != nil {
			return err
		}
		f.NextPageToken = s
	default:
		return fail("is not a query parameter this ledger answers (supported: " + supportedParams + ")")
	}
	return nil
}

// queryGLN reads a location of EQ_readPoint or EQ_bizLocation: a location URI or a bare GLN.
func queryGLN(v string) (string, string) {
	if len(v) == 13 && identifier.ValidateGLN(v) == nil {
		return v, ""
	}
	gln, ext, reason := placeGLN(v)
	if reason != "" {
		return "", reason
	}
	if ext != "" {
		return "", quote(v) + " has the GLN extension " + quote(ext) + ": the ledger records locations as GLNs without extension"
	}
	return gln, ""
}

// pattern reads a MATCH_ value: an EPC, an EPC pattern or class, a Digital Link, or any code
// identifier.Parse accepts. A product without serial or lot matches every code of it.
func pattern(v string, class bool) (EPCPattern, string) {
	var c identifier.Code
	if strings.HasPrefix(v, CodeURIPrefix) {
		var reason string
		if c, reason = parseCode(v); reason != "" {
			return EPCPattern{}, reason
		}
	} else {
		var err error
		if c, err = identifier.Parse(v); err != nil {
			return EPCPattern{}, quote(v) + ": " + err.Error()
		}
	}
	if c.Scheme == identifier.SchemeGS1 && c.GTIN != "" && c.Serial == "" && c.Lot == "" {
		return EPCPattern{GTIN: c.GTIN}, ""
	}
	if class && (c.Serial != "" || c.SSCC != "") {
		return EPCPattern{}, quote(v) + " names one object, not a class: want a lot (urn:epc:class:lgtin:…) or a product"
	}
	return EPCPattern{Key: c.Key}, ""
}

// RequireEPC restricts the filter to events that name the code in epcList, childEPCs or
// parentID, besides any MATCH_ parameters; GET /epcis/epcs/{epc}/events uses it.
func (f *Filter) RequireEPC(epc string) error {
	p, reason := pattern(epc, false)
	if reason != "" {
		return &QueryError{Param: "epc", Reason: reason}
	}
	f.required = append(f.required, p)
	return nil
}

// TimeRange is the window of record times to scan (query:EventsByTime, to exclusive) that
// holds every event the filter can match. The ledger's time index is by record time; a
// declared event time is at most model.MaxClockSkew after its record time, so GE_eventTime
// bounds the record time from below too. Zero times are unbounded.
func (f *Filter) TimeRange() (from, to time.Time) {
	from, to = f.GERecordTime, f.LTRecordTime
	if !f.GEEventTime.IsZero() {
		if lo := f.GEEventTime.Add(-model.MaxClockSkew); lo.After(from) {
			from = lo
		}
	}
	return from, to
}

// within reports whether the time text s lies in [from, to); zero bounds are open.
func within(s string, from, to time.Time) bool {
	if from.IsZero() && to.IsZero() {
		return true
	}
	t, err := model.ParseTime(s)
	return err == nil && (from.IsZero() || !t.Before(from)) && (to.IsZero() || t.Before(to))
}

// Match reports whether a ledger event satisfies every parameter of the filter, compared
// with the event as Render shows it.
func (f *Filter) Match(ev model.Event) bool {
	if len(f.EventTypes) > 0 && !contains(f.EventTypes, string(ev.Type)) {
		return false
	}
	if !within(ev.EventTime, f.GEEventTime, f.LTEventTime) || !within(recordTime(ev), f.GERecordTime, f.LTRecordTime) {
		return false
	}
	if len(f.Actions) > 0 && !contains(f.Actions, ev.Action) {
		return false
	}
	if len(f.BizSteps) > 0 && !contains(f.BizSteps, cbvBizStep(ev.BizStep)) {
		return false
	}
	if len(f.Dispositions) > 0 && !contains(f.Dispositions, cbvDisposition(ev)) {
		return false
	}
	if len(f.ReadPoints) > 0 && !contains(f.ReadPoints, ev.ReadPoint) {
		return false
	}
	if len(f.BizLocations) > 0 && !contains(f.BizLocations, ev.BizLocation) {
		return false
	}
	if len(f.EventIDs) > 0 && !contains(f.EventIDs, ev.EventID) {
		return false
	}
	parent := []string{}
	if ev.ParentID != "" {
		parent = []string{ev.ParentID}
	}
	if len(f.EPCs) > 0 && !anyMatch(f.EPCs, ev.EPCList, ev.ChildEPCs) {
		return false
	}
	if len(f.ParentIDs) > 0 && !anyMatch(f.ParentIDs, parent) {
		return false
	}
	if len(f.AnyEPCs) > 0 && !anyMatch(f.AnyEPCs, ev.EPCList, ev.ChildEPCs, parent) {
		return false
	}
	for _, sub := range f.and {
		if !sub.Match(ev) {
			return false
		}
	}
	for _, p := range f.required {
		if !anyMatch([]EPCPattern{p}, ev.EPCList, ev.ChildEPCs, parent) {
			return false
		}
	}
	if len(f.EPCClasses) > 0 {
		classes := make([]string, len(ev.QuantityList))
		for i, q := range ev.QuantityList {
			classes[i] = q.Code
		}
		if !anyMatch(f.EPCClasses, classes) {
			return false
		}
	}
	for typ, values := range f.BizTransactions {
		found := false
		for _, bt := range ev.BizTransactionList {
			if string(bt.Type) == typ && contains(values, bt.Value) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

func contains[T comparable](list []T, v T) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

func anyMatch(ps []EPCPattern, lists ...[]string) bool {
	for _, l := range lists {
		for _, k := range l {
			for _, p := range ps {
				if p.Matches(k) {
					return true
				}
			}
		}
	}
	return false
}
