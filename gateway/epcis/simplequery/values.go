package simplequery

import (
	"encoding/json"
	"math"
	"strconv"
	"strings"
	"time"
)

// Reading events: members are read as decoded by encoding/json, with or without UseNumber.

func obj(m map[string]any, key string) map[string]any {
	o, _ := m[key].(map[string]any)
	return o
}

func str(m map[string]any, key string) string {
	s, _ := m[key].(string)
	return s
}

func list(m map[string]any, key string) []any {
	l, _ := m[key].([]any)
	return l
}

// number reads a JSON number, or a string holding one (extension fields are often strings).
func number(v any) (float64, bool) {
	switch v := v.(type) {
	case json.Number:
		f, err := v.Float64()
		return f, err == nil
	case float64:
		return v, true
	case int:
		return float64(v), true
	case int64:
		return float64(v), true
	case string:
		return parseNumber(v)
	}
	return 0, false
}

// parseNumber reads a decimal number; hexadecimal, digit separators, infinities and NaN
// are not numbers here.
func parseNumber(s string) (float64, bool) {
	if s == "" || strings.ContainsAny(s, "xXpP_") {
		return 0, false
	}
	f, err := strconv.ParseFloat(s, 64)
	return f, err == nil && !math.IsNaN(f) && !math.IsInf(f, 0)
}

// parseTime reads an xsd:dateTime with zone, as EPCIS times are written. A '+' of the zone
// that became a space in a URL query is taken back.
func parseTime(s string) (time.Time, bool) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil && strings.Count(s, " ") == 1 && len(s) > 19 {
		t, err = time.Parse(time.RFC3339Nano, strings.Replace(s, " ", "+", 1))
	}
	return t, err == nil
}

func timeOf(v any) (time.Time, bool) {
	s, ok := v.(string)
	if !ok {
		return time.Time{}, false
	}
	return parseTime(s)
}

// scalar is a parameter value of an extension field: compared as a number or a time when it
// is one, else as text.
type scalar struct {
	text string
	num  float64
	t    time.Time
	kind byte // 'n' number, 't' time, 's' text
}

func parseScalar(s string) scalar {
	if f, ok := parseNumber(s); ok {
		return scalar{text: s, num: f, kind: 'n'}
	}
	if t, ok := parseTime(s); ok {
		return scalar{text: s, t: t, kind: 't'}
	}
	return scalar{text: s, kind: 's'}
}

// compare compares an event value with the scalar: -1, 0 or 1, and whether they compare
// at all (a number with a number, a time with a time, text with text).
func (p scalar) compare(v any) (int, bool) {
	switch p.kind {
	case 'n':
		f, ok := number(v)
		if !ok {
			return 0, false
		}
		return cmpFloat(f, p.num), true
	case 't':
		t, ok := timeOf(v)
		if !ok {
			return 0, false
		}
		return t.Compare(p.t), true
	}
	switch v := v.(type) {
	case string:
		return strings.Compare(v, p.text), true
	case bool:
		return strings.Compare(strconv.FormatBool(v), p.text), true
	}
	return 0, false
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// op is a comparison of a relational parameter.
type op string

func (o op) holds(c int) bool {
	switch o {
	case "EQ":
		return c == 0
	case "GT":
		return c > 0
	case "GE":
		return c >= 0
	case "LT":
		return c < 0
	case "LE":
		return c <= 0
	}
	return false
}

// anyValue calls f on v, or on each item when v is a list, until f is true.
func anyValue(v any, f func(any) bool) bool {
	if l, ok := v.([]any); ok {
		for _, x := range l {
			if f(x) {
				return true
			}
		}
		return false
	}
	return f(v)
}
