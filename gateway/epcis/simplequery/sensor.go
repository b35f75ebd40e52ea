package simplequery

import "strings"

// eachSensor calls fn on the sensorMetadata (meta) and the sensorReport entries (report) of
// every sensorElement of the event, until fn is true.
func eachSensor(ev map[string]any, meta, report bool, fn func(map[string]any) bool) bool {
	for _, x := range list(ev, "sensorElementList") {
		el, ok := x.(map[string]any)
		if !ok {
			continue
		}
		if md := obj(el, "sensorMetadata"); meta && md != nil && fn(md) {
			return true
		}
		if !report {
			continue
		}
		for _, r := range list(el, "sensorReport") {
			if rm, ok := r.(map[string]any); ok && fn(rm) {
				return true
			}
		}
	}
	return false
}

// sensorField says where a sensor parameter's field is: in sensorMetadata, in the reports,
// or both.
type sensorField struct {
	field        string
	meta, report bool
}

// sensorIDs are the EQ_ sensor parameters compared as identifiers.
var sensorIDs = map[string]sensorField{
	"EQ_deviceID":             {"deviceID", true, true},
	"EQ_deviceMetadata":       {"deviceMetadata", true, true},
	"EQ_rawData":              {"rawData", true, true},
	"EQ_dataProcessingMethod": {"dataProcessingMethod", true, true},
	"EQ_bizRules":             {"bizRules", true, false},
	"EQ_microorganism":        {"microorganism", false, true},
	"EQ_chemicalSubstance":    {"chemicalSubstance", false, true},
	"EQ_uriValue":             {"uriValue", false, true},
}

// sensorTimes are the sensor time parameters without their GE_/LT_.
var sensorTimes = map[string]sensorField{
	"time":      {"time", true, true},
	"startTime": {"startTime", true, false},
	"endTime":   {"endTime", true, false},
}

func sensorIDCond(f sensorField, values []string) func(map[string]any) bool {
	want := canonicalSet(values, CanonicalID)
	return func(ev map[string]any) bool {
		return eachSensor(ev, f.meta, f.report, func(m map[string]any) bool {
			s := str(m, f.field)
			return s != "" && want[CanonicalID(s)]
		})
	}
}

func sensorStringCond(field string, values []string, fold bool) func(map[string]any) bool {
	return func(ev map[string]any) bool {
		return eachSensor(ev, false, true, func(m map[string]any) bool {
			s, ok := m[field].(string)
			if !ok {
				return false
			}
			for _, v := range values {
				if s == v || fold && strings.EqualFold(s, v) {
					return true
				}
			}
			return false
		})
	}
}

// sensorNumberCond compares a report member given in unit uom ("" for percRank, which has
// none) with x, converting the report's unit where the two are of one dimension.
func sensorNumberCond(o op, member, uom string, xs []float64) func(map[string]any) bool {
	return func(ev map[string]any) bool {
		return eachSensor(ev, false, true, func(m map[string]any) bool {
			v, ok := number(m[member])
			if !ok {
				return false
			}
			if uom != "" {
				if v, ok = convert(v, str(m, "uom"), uom, member == "sDev"); !ok {
					return false
				}
			}
			for _, x := range xs {
				if o.holds(cmpNear(v, x)) {
					return true
				}
			}
			return false
		})
	}
}

// cmpNear compares two measurements, taking values within a rounding error of a unit
// conversion as equal.
func cmpNear(a, b float64) int {
	d := a - b
	tol := 1e-9 * (abs(a) + abs(b) + 1)
	switch {
	case d > tol:
		return 1
	case d < -tol:
		return -1
	}
	return 0
}

func abs(f float64) float64 {
	if f < 0 {
		return -f
	}
	return f
}

func canonicalSet(values []string, canon func(string) string) map[string]bool {
	m := make(map[string]bool, len(values))
	for _, v := range values {
		m[canon(v)] = true
	}
	return m
}

func sensorTypeParam(_ *Query, _ string, values []string) (func(map[string]any) bool, string) {
	ts, reason := terms(measurementTypes, values, false)
	if reason != "" {
		return nil, reason
	}
	want := set(ts...)
	return func(ev map[string]any) bool {
		return eachSensor(ev, false, true, func(m map[string]any) bool {
			s := str(m, "type")
			return s != "" && want[measurementTypes.canonical(s)]
		})
	}, ""
}

func sensorIDParam(_ *Query, name string, values []string) (func(map[string]any) bool, string) {
	if _, reason := ids(values); reason != "" {
		return nil, reason
	}
	return sensorIDCond(sensorIDs[name], values), ""
}

func sensorStringParam(field string, fold bool) handler {
	return func(_ *Query, _ string, values []string) (func(map[string]any) bool, string) {
		return sensorStringCond(field, values, fold), ""
	}
}

func sensorBoolParam(_ *Query, _ string, values []string) (func(map[string]any) bool, string) {
	want := values[0] == "true"
	return func(ev map[string]any) bool {
		return eachSensor(ev, false, true, func(m map[string]any) bool {
			b, ok := m["booleanValue"].(bool)
			return ok && b == want
		})
	}, ""
}

func sensorTimeParam(_ *Query, name string, values []string) (func(map[string]any) bool, string) {
	o, field, _ := strings.Cut(name, "_")
	f := sensorTimes[field]
	t, _ := parseTime(values[0])
	return func(ev map[string]any) bool {
		return eachSensor(ev, f.meta, f.report, func(m map[string]any) bool {
			st, ok := timeOf(m[f.field])
			return ok && (o == "GE" && !st.Before(t) || o == "LT" && st.Before(t))
		})
	}, ""
}

// sensorNumberParam builds (EQ|GT|GE|LT|LE)_(value|minValue|…)_<uom> and …_percRank.
func sensorNumberParam(_ *Query, name string, values []string) (func(map[string]any) bool, string) {
	o, rest, _ := strings.Cut(name, "_")
	member, uom, _ := strings.Cut(rest, "_")
	return sensorNumberCond(op(o), member, uom, numbers(values)), ""
}
