package subscriptions

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// ParamError is a query or subscription parameter that cannot be taken.
type ParamError struct {
	Param, Reason string
}

func (e *ParamError) Error() string { return e.Param + " " + e.Reason }

// paramName is the syntax of a SimpleEventQuery parameter's name: a standard name
// (EQ_bizStep, MATCH_epc, GE_eventTime, EQ_bizTransaction_po …) or one over an extension
// field (EQ_ILMD_ex:lot, GT_ex:temperature).
var paramName = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9]*(_[A-Za-z0-9]+)*(_[A-Za-z][A-Za-z0-9]*:[A-Za-z0-9_.\-]+)?$`)

// queryNameSyntax bounds a query's name: it is a path segment.
var queryNameSyntax = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.\-]{0,99}$`)

// CheckName checks a query's name.
func CheckName(name string) error {
	if !queryNameSyntax.MatchString(name) {
		return &ParamError{Param: "name", Reason: "is 1 to 100 letters, digits, '_', '.' or '-', starting with a letter or digit"}
	}
	return nil
}

// ParseQuery checks the shape of a named query's JSON object (the binding's `query`):
// parameter names of SimpleEventQuery syntax, each a string, number, boolean or list of
// strings and numbers. What the parameters mean is the Source's to judge.
func ParseQuery(raw json.RawMessage) (url.Values, error) { return paramValues(raw) }

func paramValues(raw json.RawMessage) (url.Values, error) {
	var obj map[string]json.RawMessage
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	if err := d.Decode(&obj); err != nil || obj == nil {
		return nil, &ParamError{Param: "query", Reason: "is not a JSON object"}
	}
	if len(obj) > 64 {
		return nil, &ParamError{Param: "query", Reason: "has more than 64 parameters"}
	}
	out := url.Values{}
	for name, v := range obj {
		if name == "@context" {
			continue // JSON-LD context of the query: no parameter
		}
		if !paramName.MatchString(name) || len(name) > 200 {
			return nil, &ParamError{Param: name, Reason: "is not a SimpleEventQuery parameter name"}
		}
		vals, err := scalarOrList(v)
		if err != nil {
			return nil, &ParamError{Param: name, Reason: err.Error()}
		}
		out[name] = vals
	}
	return out, nil
}

func scalarOrList(raw json.RawMessage) ([]string, error) {
	if s, ok := scalar(raw); ok {
		return []string{s}, nil
	}
	var list []json.RawMessage
	if err := json.Unmarshal(raw, &list); err != nil || len(list) == 0 || len(list) > 1000 {
		return nil, fmt.Errorf("is a string, a number, a boolean or a list of 1 to 1000 strings or numbers")
	}
	out := make([]string, len(list))
	for i, m := range list {
		s, ok := scalar(m)
		if !ok || s == "true" || s == "false" {
			return nil, fmt.Errorf("member %d is not a string or a number", i)
		}
		out[i] = s
	}
	return out, nil
}

func scalar(raw json.RawMessage) (string, bool) {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s, s != ""
	}
	var n json.Number
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	if d.Decode(&n) == nil {
		return n.String(), true
	}
	var b bool
	if json.Unmarshal(raw, &b) == nil {
		return strconv.FormatBool(b), true
	}
	return "", false
}

// ParseSpec reads a WebSocket subscription's query parameters, as the binding names them:
// stream=true, or schedule fields (second, minute, hour, dayOfMonth, month, dayOfWeek);
// reportIfEmpty; initialRecordTime (RFC 3339; default now).
func ParseSpec(q url.Values, now time.Time) (Spec, error) {
	var sp Spec
	var err error
	boolean := func(name string) bool {
		v := q.Get(name)
		if v == "" || err != nil {
			return false
		}
		b, perr := strconv.ParseBool(v)
		if perr != nil {
			err = &ParamError{Param: name, Reason: "is true or false"}
		}
		return b
	}
	sp.Stream, sp.ReportIfEmpty = boolean("stream"), boolean("reportIfEmpty")
	if err != nil {
		return sp, err
	}
	if q.Has("stream") && !sp.Stream {
		return sp, &ParamError{Param: "stream", Reason: "can only be true: a subscription without a schedule must say stream=true"}
	}
	var sch Schedule
	for _, f := range sch.fields() {
		*f.value = q.Get(f.name)
	}
	if !sch.empty() {
		sp.Schedule = &sch
	}
	if v := q.Get("initialRecordTime"); v != "" {
		t, perr := time.Parse(time.RFC3339Nano, v)
		if perr != nil {
			return sp, &ParamError{Param: "initialRecordTime", Reason: "is not an RFC 3339 date-time"}
		}
		sp.InitialRecordTime = t.UTC()
	}
	return sp, sp.Check(now)
}

// Check checks that sp says when to report (stream or schedule, not both) and fills
// InitialRecordTime with now when it is unset, as the binding says.
func (sp *Spec) Check(now time.Time) error {
	switch {
	case sp.Stream && sp.Schedule != nil:
		return &ParamError{Param: "schedule", Reason: "and stream exclude each other"}
	case !sp.Stream && sp.Schedule == nil:
		return &ParamError{Param: "stream", Reason: "must be true when there is no schedule (the binding's rule against accidental streams)"}
	}
	if sp.Schedule != nil {
		if err := sp.Schedule.check(); err != nil {
			return err
		}
	}
	if sp.InitialRecordTime.IsZero() {
		sp.InitialRecordTime = now.UTC()
	}
	return nil
}

func splitTokens(v string) []string {
	var out []string
	for _, t := range strings.Split(v, ",") {
		out = append(out, strings.TrimSpace(t))
	}
	return out
}
