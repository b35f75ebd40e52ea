package simplequery

import (
	"regexp"
	"strconv"
	"strings"
)

// kind is the type of a parameter's value.
type kind int

const (
	kList    kind = iota // one or more strings
	kNumbers             // one or more numbers
	kAny                 // one or more strings, numbers or date-times (EQ_fieldname)
	kTime                // one date-time
	kNumber              // one number
	kScalar              // one number or date-time (GT_fieldname …)
	kCount               // one whole number from 1
	kBool                // true or false
	kExists              // no value, null, or any one value
	kText                // one string
)

// values checks the count and type of a parameter's values.
func (k kind) values(raw []string, fromURL bool) ([]string, string) {
	switch k {
	case kList, kNumbers, kAny:
		if fromURL {
			raw = splitPipes(raw)
		}
		if len(raw) == 0 {
			return nil, "needs a value"
		}
		for _, v := range raw {
			if v == "" {
				return nil, "has an empty value"
			}
			if _, ok := parseNumber(v); k == kNumbers && !ok {
				return nil, quote(v) + " is not a number"
			}
		}
		return raw, ""
	case kExists:
		if len(raw) > 1 {
			return nil, "takes at most one value"
		}
		if len(raw) == 1 && fromURL && raw[0] != "" && raw[0] != "true" && raw[0] != "false" {
			return nil, quote(raw[0]) + " is not true or false"
		}
		return raw, ""
	}
	if len(raw) != 1 || raw[0] == "" && k != kText {
		return nil, "takes exactly one value"
	}
	v := raw[0]
	switch k {
	case kTime:
		if _, ok := parseTime(v); !ok {
			return nil, quote(v) + " is not a date-time with time zone (RFC 3339)"
		}
	case kNumber:
		if _, ok := parseNumber(v); !ok {
			return nil, quote(v) + " is not a number"
		}
	case kScalar:
		if parseScalar(v).kind == 's' {
			return nil, quote(v) + " is neither a number nor a date-time"
		}
	case kCount:
		if n, err := strconv.Atoi(v); err != nil || n < 1 {
			return nil, quote(v) + " is not a whole number from 1"
		}
	case kBool:
		if v != "true" && v != "false" {
			return nil, quote(v) + " is not true or false"
		}
	}
	return raw, ""
}

// handler builds a parameter's test from its checked values, or records a setting. A nil
// test with an empty reason restricts nothing.
type handler func(q *Query, name string, values []string) (func(map[string]any) bool, string)

type spec struct {
	kind kind
	h    handler
}

// standard are the parameters of fixed name.
var standard map[string]spec

func init() {
	standard = map[string]spec{
		"eventType":                      {kList, eventTypeParam},
		"GE_eventTime":                   {kTime, timeParam("eventTime")},
		"LT_eventTime":                   {kTime, timeParam("eventTime")},
		"GE_recordTime":                  {kTime, timeParam("recordTime")},
		"LT_recordTime":                  {kTime, timeParam("recordTime")},
		"EQ_action":                      {kList, actionParam},
		"EQ_bizStep":                     {kList, termParam("bizStep", bizSteps)},
		"EQ_disposition":                 {kList, termParam("disposition", dispositions)},
		"EQ_persistentDisposition_set":   {kList, persistentParam("set")},
		"EQ_persistentDisposition_unset": {kList, persistentParam("unset")},
		"EQ_readPoint":                   {kList, locationParam("readPoint", false)},
		"WD_readPoint":                   {kList, locationParam("readPoint", true)},
		"EQ_bizLocation":                 {kList, locationParam("bizLocation", false)},
		"WD_bizLocation":                 {kList, locationParam("bizLocation", true)},
		"EQ_transformationID":            {kList, idParam("transformationID")},
		"MATCH_epc":                      {kList, matchParam(false, "epcList", "childEPCs")},
		"MATCH_parentID":                 {kList, matchParam(false, "parentID")},
		"MATCH_inputEPC":                 {kList, matchParam(false, "inputEPCList")},
		"MATCH_outputEPC":                {kList, matchParam(false, "outputEPCList")},
		"MATCH_anyEPC":                   {kList, matchParam(false, "epcList", "childEPCs", "parentID", "inputEPCList", "outputEPCList")},
		"MATCH_epcClass":                 {kList, matchParam(true, "quantityList", "childQuantityList")},
		"MATCH_inputEPCClass":            {kList, matchParam(true, "inputQuantityList")},
		"MATCH_outputEPCClass":           {kList, matchParam(true, "outputQuantityList")},
		"MATCH_anyEPCClass":              {kList, matchParam(true, "quantityList", "childQuantityList", "inputQuantityList", "outputQuantityList")},
		"EQ_quantity":                    {kNumbers, quantityParam("EQ", "")},
		"GT_quantity":                    {kNumber, quantityParam("GT", "")},
		"GE_quantity":                    {kNumber, quantityParam("GE", "")},
		"LT_quantity":                    {kNumber, quantityParam("LT", "")},
		"LE_quantity":                    {kNumber, quantityParam("LE", "")},
		"EQ_eventID":                     {kList, eventIDParam},
		"EXISTS_errorDeclaration":        {kExists, existsParam("errorDeclaration")},
		"GE_errorDeclarationTime":        {kTime, errorTimeParam},
		"LT_errorDeclarationTime":        {kTime, errorTimeParam},
		"GE_errorDeclaration_Time":       {kTime, errorTimeParam}, // the query schema's spelling
		"LT_errorDeclaration_Time":       {kTime, errorTimeParam},
		"EQ_errorReason":                 {kList, errorReasonParam},
		"EQ_correctiveEventID":           {kList, correctiveParam},
		"orderBy":                        {kText, orderByParam},
		"orderDirection":                 {kText, orderDirectionParam},
		"eventCountLimit":                {kCount, countParam},
		"maxEventCount":                  {kCount, countParam},
		"perPage":                        {kCount, countParam},
		"nextPageToken":                  {kText, pageTokenParam},
		"EXISTS_sensorElementList":       {kExists, existsParam("sensorElementList")},
		"EQ_type":                        {kList, sensorTypeParam},
		"EQ_stringValue":                 {kList, sensorStringParam("stringValue", false)},
		"EQ_hexBinaryValue":              {kList, sensorStringParam("hexBinaryValue", true)},
		"EQ_booleanValue":                {kBool, sensorBoolParam},
	}
	for name := range sensorIDs {
		standard[name] = spec{kList, sensorIDParam}
	}
	for field := range sensorTimes {
		standard["GE_"+field] = spec{kTime, sensorTimeParam}
		standard["LT_"+field] = spec{kTime, sensorTimeParam}
	}
	for _, o := range []string{"EQ", "GT", "GE", "LT", "LE"} {
		k := kNumber
		if o == "EQ" {
			k = kNumbers
		}
		standard[o+"_percRank"] = spec{k, sensorNumberParam}
	}
}

// measured matches EQ_value_CEL, GE_minValue_KGM, LT_quantity_KGM …
var measured = regexp.MustCompile(`^(EQ|GT|GE|LT|LE)_(value|minValue|maxValue|meanValue|sDev|percValue|quantity)_([A-Z0-9]{2,4})$`)

// add reads one parameter.
func (q *Query) add(name string, raw []string, fromURL bool) error {
	fail := func(reason string) error { return &ParamError{Param: name, Reason: reason} }
	k, h, ok := q.lookup(name)
	if !ok {
		return fail("is not a SimpleEventQuery parameter")
	}
	values, reason := k.values(raw, fromURL)
	if reason != "" {
		return fail(reason)
	}
	q.seen[name] = true
	test, reason := h(q, name, values)
	if reason != "" {
		return fail(reason)
	}
	if test != nil {
		q.conds = append(q.conds, test)
	}
	return nil
}

// lookup finds a parameter's kind and handler by its name.
func (q *Query) lookup(name string) (kind, handler, bool) {
	if s, ok := standard[name]; ok {
		return s.kind, s.h, true
	}
	if m := measured.FindStringSubmatch(name); m != nil {
		k := kNumber
		if m[1] == "EQ" {
			k = kNumbers
		}
		if m[2] == "quantity" {
			return k, quantityParam(op(m[1]), m[3]), true
		}
		return k, sensorNumberParam, true
	}
	for _, p := range []struct {
		prefix string
		h      handler
	}{
		{"EQ_bizTransaction_", bizTransactionParam},
		{"EQ_source_", sourceDestParam("sourceList", "source")},
		{"EQ_destination_", sourceDestParam("destinationList", "destination")},
		{"HASATTR_", hasAttrParam},
		{"EQATTR_", eqAttrParam},
		{"EQ_ATTR_", eqAttrParam},
	} {
		if rest, ok := strings.CutPrefix(name, p.prefix); ok && rest != "" {
			return kList, p.h, true
		}
	}
	p, ok := q.parseFieldParam(name)
	if !ok {
		return 0, nil, false
	}
	h := func(_ *Query, _ string, values []string) (func(map[string]any) bool, string) {
		return p.test(values), ""
	}
	switch p.op {
	case "EQ":
		return kAny, h, true
	case "EXISTS":
		return kExists, h, true
	}
	return kScalar, h, true
}

var eventTypes = set("ObjectEvent", "AggregationEvent", "TransactionEvent", "TransformationEvent", "AssociationEvent")

func eventTypeParam(q *Query, _ string, values []string) (func(map[string]any) bool, string) {
	for _, v := range values {
		if !eventTypes[v] && !isURI(v) {
			return nil, quote(v) + " is not an EPCIS event type (ObjectEvent, AggregationEvent, TransactionEvent, TransformationEvent, AssociationEvent) nor an extension type's URI"
		}
	}
	q.hints.EventTypes = hintNarrow(q.hints.EventTypes, values)
	want := set(values...)
	return func(ev map[string]any) bool { return want[str(ev, "type")] }, ""
}

func timeParam(field string) handler {
	return func(q *Query, name string, values []string) (func(map[string]any) bool, string) {
		t, _ := parseTime(values[0])
		ge := strings.HasPrefix(name, "GE_")
		switch {
		case field == "eventTime" && ge:
			q.hints.GEEventTime = t
		case field == "eventTime":
			q.hints.LTEventTime = t
		case ge:
			q.hints.GERecordTime = t
		default:
			q.hints.LTRecordTime = t
		}
		return func(ev map[string]any) bool {
			et, ok := timeOf(ev[field])
			return ok && (ge && !et.Before(t) || !ge && et.Before(t))
		}, ""
	}
}

func actionParam(_ *Query, _ string, values []string) (func(map[string]any) bool, string) {
	for _, v := range values {
		if v != "ADD" && v != "OBSERVE" && v != "DELETE" {
			return nil, quote(v) + " is not ADD, OBSERVE or DELETE"
		}
	}
	want := set(values...)
	return func(ev map[string]any) bool { return want[str(ev, "action")] }, ""
}

// terms reads CBV terms of a parameter into their canonical forms.
func terms(v vocabulary, values []string, open bool) ([]string, string) {
	out := make([]string, len(values))
	for i, s := range values {
		c, reason := v.param(s, open)
		if reason != "" {
			return nil, reason
		}
		out[i] = c
	}
	return out, ""
}

func termParam(field string, v vocabulary) handler {
	return func(q *Query, _ string, values []string) (func(map[string]any) bool, string) {
		ts, reason := terms(v, values, false)
		if reason != "" {
			return nil, reason
		}
		if field == "bizStep" {
			q.hints.BizSteps = hintNarrow(q.hints.BizSteps, ts)
		} else {
			q.hints.Dispositions = hintNarrow(q.hints.Dispositions, ts)
		}
		want := set(ts...)
		return func(ev map[string]any) bool {
			s := str(ev, field)
			return s != "" && want[v.canonical(s)]
		}, ""
	}
}

func persistentParam(member string) handler {
	return func(_ *Query, _ string, values []string) (func(map[string]any) bool, string) {
		ts, reason := terms(dispositions, values, false)
		if reason != "" {
			return nil, reason
		}
		want := set(ts...)
		return func(ev map[string]any) bool {
			for _, x := range list(obj(ev, "persistentDisposition"), member) {
				if s, ok := x.(string); ok && want[dispositions.canonical(s)] {
					return true
				}
			}
			return false
		}, ""
	}
}

// ids reads identifier values into their canonical forms.
func ids(values []string) ([]string, string) {
	out := make([]string, len(values))
	for i, v := range values {
		if !isURI(v) {
			return nil, quote(v) + " is not a URI"
		}
		out[i] = CanonicalID(v)
	}
	return out, ""
}

func locationParam(field string, withDescendants bool) handler {
	return func(q *Query, _ string, values []string) (func(map[string]any) bool, string) {
		locs, reason := ids(values)
		if reason != "" {
			return nil, reason
		}
		if !withDescendants || q.locations == nil {
			if field == "readPoint" {
				q.hints.ReadPoints = hintNarrow(q.hints.ReadPoints, locs)
			} else {
				q.hints.BizLocations = hintNarrow(q.hints.BizLocations, locs)
			}
		}
		want := set(locs...)
		within := q.locations
		return func(ev map[string]any) bool {
			id := str(obj(ev, field), "id")
			if id == "" {
				return false
			}
			c := CanonicalID(id)
			if want[c] {
				return true
			}
			if withDescendants && within != nil {
				for _, p := range locs {
					if within.Within(c, p) {
						return true
					}
				}
			}
			return false
		}, ""
	}
}

func idParam(field string) handler {
	return func(_ *Query, _ string, values []string) (func(map[string]any) bool, string) {
		vs, reason := ids(values)
		if reason != "" {
			return nil, reason
		}
		want := set(vs...)
		return func(ev map[string]any) bool {
			s := str(ev, field)
			return s != "" && want[CanonicalID(s)]
		}, ""
	}
}

func eventIDParam(q *Query, _ string, values []string) (func(map[string]any) bool, string) {
	for _, v := range values {
		if !isURI(v) {
			return nil, quote(v) + " is not a URI"
		}
	}
	q.hints.EventIDs = hintNarrow(q.hints.EventIDs, values)
	want := set(values...)
	return func(ev map[string]any) bool { return want[str(ev, "eventID")] }, ""
}

// quantityParam compares the quantity of any QuantityElement of the event; with a unit,
// only quantities in a unit convertible to it, converted.
func quantityParam(o op, uom string) handler {
	return func(_ *Query, _ string, values []string) (func(map[string]any) bool, string) {
		xs := numbers(values)
		return func(ev map[string]any) bool {
			for _, f := range [...]string{"quantityList", "childQuantityList", "inputQuantityList", "outputQuantityList"} {
				for _, x := range list(ev, f) {
					qe := asObj(x)
					v, ok := number(qe["quantity"])
					if !ok {
						continue
					}
					if uom != "" {
						from := str(qe, "uom")
						if v, ok = convert(v, from, uom, false); !ok {
							continue
						}
					}
					for _, x := range xs {
						if o.holds(cmpNear(v, x)) {
							return true
						}
					}
				}
			}
			return false
		}, ""
	}
}

func numbers(values []string) []float64 {
	xs := make([]float64, len(values))
	for i, v := range values {
		xs[i], _ = parseNumber(v)
	}
	return xs
}

func existsParam(field string) handler {
	return func(_ *Query, _ string, values []string) (func(map[string]any) bool, string) {
		if len(values) == 1 && !existsValue(values[0]) {
			return nil, ""
		}
		return func(ev map[string]any) bool {
			v, ok := ev[field]
			return ok && v != nil
		}, ""
	}
}

func errorTimeParam(_ *Query, name string, values []string) (func(map[string]any) bool, string) {
	t, _ := parseTime(values[0])
	ge := strings.HasPrefix(name, "GE_")
	return func(ev map[string]any) bool {
		dt, ok := timeOf(obj(ev, "errorDeclaration")["declarationTime"])
		return ok && (ge && !dt.Before(t) || !ge && dt.Before(t))
	}, ""
}

func errorReasonParam(_ *Query, _ string, values []string) (func(map[string]any) bool, string) {
	ts, reason := terms(errorReasons, values, false)
	if reason != "" {
		return nil, reason
	}
	want := set(ts...)
	return func(ev map[string]any) bool {
		s := str(obj(ev, "errorDeclaration"), "reason")
		return s != "" && want[errorReasons.canonical(s)]
	}, ""
}

func correctiveParam(_ *Query, _ string, values []string) (func(map[string]any) bool, string) {
	want := set(values...)
	return func(ev map[string]any) bool {
		for _, x := range list(obj(ev, "errorDeclaration"), "correctiveEventIDs") {
			if s, ok := x.(string); ok && want[s] {
				return true
			}
		}
		return false
	}, ""
}

func orderByParam(q *Query, _ string, values []string) (func(map[string]any) bool, string) {
	v := values[0]
	switch v {
	case "eventTime", "recordTime":
	default:
		f, ok := q.parseFieldName(v)
		if !ok {
			return nil, quote(v) + " is not eventTime, recordTime or an extension field's name"
		}
		q.orderField = f
	}
	q.OrderBy = v
	if !q.seen["orderDirection"] {
		q.Descending = true
	}
	return nil, ""
}

func orderDirectionParam(q *Query, _ string, values []string) (func(map[string]any) bool, string) {
	switch values[0] {
	case "ASC":
		q.Descending = false
	case "DESC":
		q.Descending = true
	default:
		return nil, quote(values[0]) + " is not ASC or DESC"
	}
	return nil, ""
}

func countParam(q *Query, name string, values []string) (func(map[string]any) bool, string) {
	n, _ := strconv.Atoi(values[0])
	switch name {
	case "eventCountLimit":
		q.EventCountLimit = n
	case "maxEventCount":
		q.MaxEventCount = n
	default:
		q.PerPage = n
	}
	return nil, ""
}

func pageTokenParam(q *Query, _ string, values []string) (func(map[string]any) bool, string) {
	q.NextPageToken = values[0]
	return nil, ""
}

func bizTransactionParam(_ *Query, name string, values []string) (func(map[string]any) bool, string) {
	typ, reason := bizTransactionTypes.param(strings.TrimPrefix(name, "EQ_bizTransaction_"), true)
	if reason != "" {
		return nil, reason
	}
	vs, reason := ids(values)
	if reason != "" {
		return nil, reason
	}
	want := set(vs...)
	return func(ev map[string]any) bool {
		for _, x := range list(ev, "bizTransactionList") {
			bt := asObj(x)
			if bizTransactionTypes.canonical(str(bt, "type")) == typ && want[CanonicalID(str(bt, "bizTransaction"))] {
				return true
			}
		}
		return false
	}, ""
}

func sourceDestParam(listField, member string) handler {
	return func(_ *Query, name string, values []string) (func(map[string]any) bool, string) {
		_, t, _ := strings.Cut(name[3:], "_")
		typ, reason := sourceDestTypes.param(t, true)
		if reason != "" {
			return nil, reason
		}
		vs, reason := ids(values)
		if reason != "" {
			return nil, reason
		}
		want := set(vs...)
		return func(ev map[string]any) bool {
			for _, x := range list(ev, listField) {
				sd := asObj(x)
				if sourceDestTypes.canonical(str(sd, "type")) == typ && want[CanonicalID(str(sd, member))] {
					return true
				}
			}
			return false
		}, ""
	}
}
