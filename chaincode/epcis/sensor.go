package epcis

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/udiledger/udiledger/chaincode/model"
)

// reportSensor builds unit:ReportSensor from the readings sensorElements read.
func (e *event) reportSensor() (any, *fieldErr) {
	codes, _, err := e.goods(false)
	if err != nil {
		return nil, err
	}
	loc, err := e.location(true)
	if err != nil {
		return nil, err
	}
	e.use("sensorElementList")
	if e.disp != "" {
		e.note("disposition " + string(e.disp) + " not recorded: a sensor report changes no disposition")
	}
	return &model.SensorRequest{EventHeader: e.header(loc), Codes: codes, SensorElementList: e.sensors}, nil
}

// sensorElements reads a sensorElementList into the readings the ledger stores.
func (e *event) sensorElements() ([]model.SensorElement, *fieldErr) {
	l, _, err := e.list("sensorElementList")
	if err != nil {
		return nil, err
	}
	var out []model.SensorElement
	for i, v := range l {
		f := fmt.Sprintf("sensorElementList[%d]", i)
		m, ok := v.(map[string]any)
		if !ok {
			return nil, &fieldErr{f, "want a sensor element object, got " + jsonKind(v)}
		}
		var el model.SensorElement
		var defTime string
		for _, k := range sortedKeys(m) {
			switch {
			case k == "sensorMetadata", k == "sensorReport":
			case isURI(k):
				e.note(f + " extension field " + k + " not recorded")
			default:
				return nil, &fieldErr{f + "." + k, "is not a field of a sensor element"}
			}
		}
		if mv, present := m["sensorMetadata"]; present {
			md, ok := mv.(map[string]any)
			if !ok {
				return nil, &fieldErr{f + ".sensorMetadata", "want an object, got " + jsonKind(mv)}
			}
			for _, k := range sortedKeys(md) {
				mf := f + ".sensorMetadata." + k
				switch k {
				case "deviceID":
					s, ok := md[k].(string)
					if !ok || !isURI(s) {
						return nil, &fieldErr{mf, "want a URI, got " + describe(md[k])}
					}
					el.DeviceID = s
				case "time":
					t, reason := timeField(md[k], true)
					if reason != "" {
						return nil, &fieldErr{mf, reason}
					}
					defTime = model.FormatTime(t)
				case "startTime", "endTime":
					if _, reason := timeField(md[k], true); reason != "" {
						return nil, &fieldErr{mf, reason}
					}
					e.note(f + ".sensorMetadata " + k + " not recorded")
				default:
					e.note(f + ".sensorMetadata " + k + " not recorded")
				}
			}
		}
		rl, ok := m["sensorReport"].([]any)
		if !ok || len(rl) == 0 {
			return nil, &fieldErr{f + ".sensorReport", "is required: want an array of at least one report, got " + describe(m["sensorReport"])}
		}
		for j, rv := range rl {
			rs, ferr := e.report(fmt.Sprintf("%s.sensorReport[%d]", f, j), rv, defTime)
			if ferr != nil {
				return nil, ferr
			}
			el.Reports = append(el.Reports, rs...)
		}
		if len(el.Reports) > 0 {
			out = append(out, el)
		}
	}
	return out, nil
}

// Fields of a sensor report by what becomes of them.
var (
	reportFields = set("type", "exception", "deviceID", "deviceMetadata", "rawData", "dataProcessingMethod",
		"bizRules", "time", "microorganism", "chemicalSubstance", "coordinateReferenceSystem", "value",
		"component", "stringValue", "booleanValue", "hexBinaryValue", "uriValue", "minValue", "maxValue",
		"meanValue", "sDev", "percRank", "percValue", "uom")
)

// report reads one sensor report as the ledger's readings: its value, and its minValue,
// maxValue and meanValue each as a reading of that kind; none for a report without numbers
// (a string, boolean or URI value, kept with the event).
func (e *event) report(f string, v any, defTime string) ([]model.SensorReport, *fieldErr) {
	m, ok := v.(map[string]any)
	if !ok {
		return nil, &fieldErr{f, "want a sensor report object, got " + jsonKind(v)}
	}
	ts, ok := m["type"].(string)
	if !ok {
		return nil, &fieldErr{f + ".type", "is required: want a measurement type such as \"Temperature\", got " + jsonKind(m["type"])}
	}
	typ, reason := measurementType(ts)
	if reason != "" {
		return nil, &fieldErr{f + ".type", reason}
	}
	r := model.SensorReport{Type: typ, Time: defTime}
	var out []model.SensorReport
	for _, k := range sortedKeys(m) {
		switch {
		case k == "type":
		case k == "uom":
			s, ok := m[k].(string)
			if !ok {
				return nil, &fieldErr{f + ".uom", "want a string, got " + jsonKind(m[k])}
			}
			r.UOM = s
		case k == "time":
			t, reason := timeField(m[k], true)
			if reason != "" {
				return nil, &fieldErr{f + ".time", reason}
			}
			r.Time = model.FormatTime(t)
		case k == "value", k == "minValue", k == "maxValue", k == "meanValue":
			x, ferr := finite(f+"."+k, m[k])
			if ferr != nil {
				return nil, ferr
			}
			out = append(out, model.SensorReport{Type: typ, Value: x, Kind: strings.TrimPrefix(k, "value")})
		case reportFields[k], isURI(k):
			e.note(f + " " + k + " not read by the ledger's rules (kept with the event)")
		default:
			return nil, &fieldErr{f + "." + k, "is not a field of a sensor report"}
		}
	}
	for i := range out {
		out[i].UOM, out[i].Time = r.UOM, r.Time
	}
	return out, nil
}

// finite reads a JSON number that is a finite float.
func finite(field string, v any) (float64, *fieldErr) {
	num, ok := v.(json.Number)
	if !ok {
		return 0, &fieldErr{field, "want a number, got " + jsonKind(v)}
	}
	x, err := strconv.ParseFloat(num.String(), 64)
	if err != nil || math.IsInf(x, 0) {
		return 0, &fieldErr{field, num.String() + " is not a finite number"}
	}
	return x, nil
}
