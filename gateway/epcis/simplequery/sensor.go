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

// unit is a UN/ECE Recommendation 20 unit: value in the dimension's base unit is
// value*scale + offset.
type unit struct {
	dim           string
	scale, offset float64
}

// units are the common units that convert into each other; others compare only with
// themselves.
var units = map[string]unit{
	"KEL": {"temperature", 1, 0}, "CEL": {"temperature", 1, 273.15}, "FAH": {"temperature", 5.0 / 9, 273.15 - 32*5.0/9},
	"KGM": {"mass", 1, 0}, "GRM": {"mass", 1e-3, 0}, "MGM": {"mass", 1e-6, 0}, "TNE": {"mass", 1e3, 0}, "LBR": {"mass", 0.45359237, 0}, "ONZ": {"mass", 0.028349523125, 0},
	"MTR": {"length", 1, 0}, "CMT": {"length", 1e-2, 0}, "MMT": {"length", 1e-3, 0}, "KMT": {"length", 1e3, 0}, "INH": {"length", 0.0254, 0}, "FOT": {"length", 0.3048, 0},
	"LTR": {"volume", 1e-3, 0}, "MLT": {"volume", 1e-6, 0}, "MTQ": {"volume", 1, 0},
	"PAL": {"pressure", 1, 0}, "KPA": {"pressure", 1e3, 0}, "BAR": {"pressure", 1e5, 0}, "MBR": {"pressure", 1e2, 0},
	"SEC": {"time", 1, 0}, "MIN": {"time", 60, 0}, "HUR": {"time", 3600, 0}, "DAY": {"time", 86400, 0},
	"P1": {"ratio", 1e-2, 0}, "C62": {"ratio", 1, 0},
}

// convert expresses v, given in unit from, in unit to. A difference (sDev) converts
// without the offset.
func convert(v float64, from, to string, difference bool) (float64, bool) {
	if from == to {
		return v, true
	}
	f, okf := units[from]
	t, okt := units[to]
	if !okf || !okt || f.dim != t.dim {
		return 0, false
	}
	if difference {
		return v * f.scale / t.scale, true
	}
	return (v*f.scale + f.offset - t.offset) / t.scale, true
}

func canonicalSet(values []string, canon func(string) string) map[string]bool {
	m := make(map[string]bool, len(values))
	for _, v := range values {
		m[canon(v)] = true
	}
	return m
}
