package sensor

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/udiledger/udiledger/chaincode/model"
)

// Format says how to read a data logger's CSV export (see docs/cli.md, Sensor uploads).
type Format struct {
	TimeColumn  string         // "" : time, timestamp, datetime, date time…, or date and time columns joined
	ValueColumn string         // "" : temperature, temp, value… (a unit in brackets is allowed)
	Type        string         // the reading's GS1 measurement type; "" : gs1:Temperature
	UOM         string         // UN/CEFACT unit; "" : from the value column's header, else CEL
	TimeLayout  string         // a Go layout for times in none of the accepted forms
	Zone        *time.Location // for times without an offset; nil: UTC
}

// Reading is one row of the file: the reading and its line.
type Reading struct {
	model.SensorReport
	Line int
}

// timeNames, valueNames are the header names looked for, lower case, units stripped.
var (
	timeNames  = []string{"time", "timestamp", "datetime", "date time", "date/time", "date and time", "时间"}
	valueNames = []string{"temperature", "temp", "value", "reading", "温度"}
)

// layouts are the time forms read without --time-layout; a form without an offset is in Zone.
var layouts = []string{
	time.RFC3339Nano, "2006-01-02 15:04:05Z07:00", "2006-01-02T15:04:05", "2006-01-02 15:04:05",
	"2006-01-02T15:04", "2006-01-02 15:04", "2006/01/02 15:04:05", "2006/01/02 15:04",
}

// uoms maps the units logger exports write in a header to UN/CEFACT codes.
var uoms = map[string]string{
	"°c": "CEL", "c": "CEL", "℃": "CEL", "cel": "CEL", "deg c": "CEL", "degc": "CEL",
	"°f": "FAH", "f": "FAH", "℉": "FAH", "fah": "FAH", "deg f": "FAH", "degf": "FAH",
	"k": "KEL", "kel": "KEL",
}

// header is a column name split into its name and the unit in brackets, if any:
// "Temperature (°C)" is ("temperature", "°c").
func header(cell string) (name, unit string) {
	s := strings.ToLower(strings.TrimSpace(strings.TrimPrefix(cell, "\ufeff")))
	for _, br := range [][2]string{{"(", ")"}, {"[", "]"}, {"（", "）"}} {
		if i := strings.Index(s, br[0]); i >= 0 && strings.HasSuffix(s, br[1]) {
			return strings.TrimSpace(s[:i]), strings.TrimSpace(s[i+len(br[0]) : len(s)-len(br[1])])
		}
	}
	for _, sfx := range []string{"°c", "°f", "℃", "℉"} {
		if n, ok := strings.CutSuffix(s, sfx); ok {
			return strings.TrimSpace(n), sfx
		}
	}
	return s, ""
}

// columns are the positions of the file's columns; -1 when absent.
type columns struct {
	time, date, value, typ, uom int
	unit                        string // UN/CEFACT unit the value column's header names
}

// findColumns reads a row as the header; ok is false when the row is not it (no time or no
// value column).
func (f Format) findColumns(row []string) (columns, bool, error) {
	c := columns{time: -1, date: -1, value: -1, typ: -1, uom: -1}
	for i, cell := range row {
		name, unit := header(cell)
		switch {
		case f.TimeColumn != "" && strings.EqualFold(strings.TrimSpace(cell), f.TimeColumn):
			c.time = i
		case f.TimeColumn == "" && c.time < 0 && contains(timeNames, name):
			c.time = i
		case f.TimeColumn == "" && name == "date":
			c.date = i
		case f.ValueColumn != "" && (strings.EqualFold(strings.TrimSpace(cell), f.ValueColumn) || name == strings.ToLower(f.ValueColumn)):
			c.value = i
			c.unit = unit
		case f.ValueColumn == "" && c.value < 0 && (contains(valueNames, name) || strings.HasPrefix(name, "temperature")):
			c.value = i
			c.unit = unit
		case name == "type":
			c.typ = i
		case name == "uom" || name == "unit":
			c.uom = i
		}
	}
	if c.time < 0 || c.value < 0 {
		return c, false, nil
	}
	if c.unit != "" {
		code, ok := uoms[c.unit]
		if !ok && f.UOM == "" {
			return c, false, fmt.Errorf("column %q: unit %q unknown: give --uom", row[c.value], c.unit)
		}
		c.unit = code
	}
	return c, true, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// separators are the field separators a header row is tried with.
var separators = []rune{',', ';', '\t'}

// split reads one line as a CSV row with the separator sep.
func split(line string, sep rune) ([]string, error) {
	cr := csv.NewReader(strings.NewReader(line))
	cr.Comma, cr.FieldsPerRecord, cr.LazyQuotes = sep, -1, true
	return cr.Read()
}

// MaxReadings bounds one file.
const MaxReadings = 1_000_000

// Read reads a logger's CSV export: lines before the header row (the logger's own preamble:
// serial number, start time…) and blank lines are skipped; the header row's separator (comma,
// semicolon or tab) is the file's; every row after it must be a reading. The first bad row is
// the error, with its line.
func Read(r io.Reader, name string, f Format) ([]Reading, error) {
	var lines []string
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		lines = append(lines, sc.Text())
		if len(lines) > MaxReadings+100 {
			return nil, fmt.Errorf("%s: more than %d lines", name, MaxReadings)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	var cols columns
	var sep rune
	found := false
	var out []Reading
	for i, line := range lines {
		n := i + 1
		if strings.TrimSpace(line) == "" {
			continue
		}
		if !found {
			// The header names the separator: the preamble may use another one.
			for _, d := range separators {
				row, err := split(line, d)
				if err != nil || len(row) < 2 {
					continue
				}
				c, ok, err := f.findColumns(row)
				if err != nil {
					return nil, fmt.Errorf("%s:%d: %w", name, n, err)
				}
				if ok {
					cols, sep, found = c, d, true
					break
				}
			}
			continue
		}
		row, err := split(line, sep)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %w", name, n, err)
		}
		rd, err := f.reading(row, cols, sep)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %w", name, n, err)
		}
		rd.Line = n
		out = append(out, rd)
	}
	if !found {
		return nil, fmt.Errorf("%s: no header row with a time and a value column (--time-column, --value-column name them)", name)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no readings", name)
	}
	return out, nil
}

func cell(row []string, i int) string {
	if i < 0 || i >= len(row) {
		return ""
	}
	return strings.TrimSpace(row[i])
}

func (f Format) reading(row []string, c columns, sep rune) (Reading, error) {
	ts := cell(row, c.time)
	if c.date >= 0 {
		ts = cell(row, c.date) + " " + ts
	}
	t, err := f.parseTime(ts)
	if err != nil {
		return Reading{}, err
	}
	v := cell(row, c.value)
	if sep == ';' {
		v = strings.Replace(v, ",", ".", 1) // a decimal comma, as European exports write
	}
	value, err := strconv.ParseFloat(v, 64)
	if err != nil {
		return Reading{}, fmt.Errorf("value %q is not a number", cell(row, c.value))
	}
	rep := model.SensorReport{Type: f.Type, Value: value, UOM: f.UOM, Time: t.Format(time.RFC3339)}
	if rep.Type == "" {
		rep.Type = model.TemperatureType
	}
	if s := cell(row, c.typ); s != "" {
		rep.Type = s
		if !strings.Contains(s, ":") {
			rep.Type = "gs1:" + s
		}
	}
	if rep.UOM == "" {
		rep.UOM = c.unit
	}
	if s := cell(row, c.uom); s != "" {
		if code, ok := uoms[strings.ToLower(s)]; ok {
			s = code
		}
		rep.UOM = s
	}
	if rep.UOM == "" && rep.Type == model.TemperatureType {
		rep.UOM = "CEL"
	}
	if len(rep.Type) > 64 || len(rep.UOM) > 8 {
		return Reading{}, errors.New("type or unit too long")
	}
	return Reading{SensorReport: rep}, nil
}

func (f Format) parseTime(s string) (time.Time, error) {
	zone := f.Zone
	if zone == nil {
		zone = time.UTC
	}
	if f.TimeLayout != "" {
		t, err := time.ParseInLocation(f.TimeLayout, s, zone)
		if err != nil {
			return time.Time{}, fmt.Errorf("time %q does not match --time-layout %q", s, f.TimeLayout)
		}
		return t, nil
	}
	for _, l := range layouts {
		if t, err := time.ParseInLocation(l, s, zone); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("time %q: want RFC 3339 or YYYY-MM-DD hh:mm[:ss] (--time-layout for another form)", s)
}
