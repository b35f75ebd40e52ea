package simplequery

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
