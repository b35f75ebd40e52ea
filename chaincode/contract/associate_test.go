package contract

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/udiledger/udiledger/chaincode/model"
)

const loggerURN = "urn:epc:id:giai:4000001.111"

// ssccURI is the Digital Link of an SSCC given as "(00)…".
func ssccURI(sscc string) string { return "https://id.gs1.org/00/" + strings.TrimPrefix(sscc, "(00)") }

// loggerReport is a sensor report of the logger alone: its GIAI in epcList and as deviceID,
// a summary of readings with a minimum and a maximum.
func loggerReport(t *testing.T, id string, at time.Time, min, max float64) model.EPCISCapture {
	return epcisEvent(t, map[string]any{
		"type": "ObjectEvent", "eventID": id, "action": "OBSERVE", "bizStep": "sensor_reporting",
		"eventTime": at.Format(time.RFC3339Nano), "eventTimeZoneOffset": "+00:00", "epcList": []string{loggerURN},
		"sensorElementList": []any{map[string]any{"sensorMetadata": map[string]any{"deviceID": loggerURN},
			"sensorReport": []any{map[string]any{"type": "Temperature", "minValue": min, "maxValue": max, "uom": "CEL"}}}},
	})
}

func association(t *testing.T, id, action string, at time.Time, children ...string) model.EPCISCapture {
	ev := map[string]any{
		"type": "AssociationEvent", "eventID": id, "action": action, "parentID": loggerURN,
		"eventTime": at.Format(time.RFC3339Nano), "eventTimeZoneOffset": "+00:00",
	}
	if len(children) > 0 {
		ev["childEPCs"] = children
	}
	return epcisEvent(t, ev)
}

func TestADataLoggerMakesItsReadingsApplyToThePallet(t *testing.T) {
	e := newEnv(t)
	e.seed()
	pallet := e.packPallet()
	start := e.clock().Add(-time.Hour)

	_, err := e.submit(dst, "epcis:Capture", association(t, "urn:uuid:a0", "ADD", start, ssccURI(pallet)))
	t.Run("a party that does not hold the goods cannot associate a logger with them", func(t *testing.T) {
		wantCode(t, err, model.CodeForbidden)
	})

	var added model.EPCISResult
	e.must(&added, mfr, "epcis:Capture", association(t, "urn:uuid:a1", "ADD", start, ssccURI(pallet)))
	t.Run("the holder associates the logger", func(t *testing.T) {
		if added.Operation != "unit:Associate" || added.Observation || !slices.Contains(added.Codes, pallet) {
			t.Fatalf("result %+v", added)
		}
	})

	var cool model.EPCISResult
	e.must(&cool, mfr, "epcis:Capture", loggerReport(t, "urn:uuid:r1", start.Add(10*time.Minute), 4, 8))
	t.Run("readings within range apply to the pallet and raise nothing", func(t *testing.T) {
		if cool.Operation != "unit:ReportSensor" || cool.Observation || cool.AlertID != "" || !slices.Contains(cool.Codes, pallet) {
			t.Fatalf("result %+v", cool)
		}
	})

	var hot model.EPCISResult
	e.must(&hot, mfr, "epcis:Capture", loggerReport(t, "urn:uuid:r2", start.Add(20*time.Minute), 4, 35))
	t.Run("an excursion of the logger raises an alert on the pallet and quarantines its units", func(t *testing.T) {
		if hot.Operation != "unit:ReportSensor" || hot.AlertID != "urn:uuid:r2" {
			t.Fatalf("result %+v", hot)
		}
		var alerts model.AlertPage
		e.mustEval(&alerts, reg, "query:Alerts", "0", "")
		if len(alerts.Alerts) != 1 || !slices.Equal(alerts.Alerts[0].Codes, []string{pallet}) || !strings.Contains(alerts.Alerts[0].Message, "maxValue") {
			t.Fatalf("alerts %+v", alerts.Alerts)
		}
		for _, c := range codes(deviceCode, 1, 6) {
			if s := e.unitView(c).Status; s != model.StatusQuarantined {
				t.Fatalf("%s is %s", c, s)
			}
		}
		var ev model.Event
		e.mustEval(&ev, mfr, "query:Event", "urn:uuid:r2", "")
		if !slices.Equal(ev.EPCList, []string{pallet}) || len(ev.Captured) == 0 {
			t.Fatalf("the recorded report %+v: want it to name the pallet and keep the logger's event", ev)
		}
	})

	var observed model.EPCISResult
	e.must(&observed, mfr, "epcis:Capture", association(t, "urn:uuid:a2", "OBSERVE", start.Add(25*time.Minute)))
	t.Run("OBSERVE confirms the association", func(t *testing.T) {
		if observed.Operation != "unit:Associate" {
			t.Fatalf("result %+v", observed)
		}
	})

	e.must(nil, mfr, "epcis:Capture", association(t, "urn:uuid:a3", "DELETE", start.Add(30*time.Minute)))
	var after model.EPCISResult
	e.must(&after, mfr, "epcis:Capture", loggerReport(t, "urn:uuid:r3", start.Add(40*time.Minute), 4, 35))
	t.Run("after DELETE the logger's readings are observations again", func(t *testing.T) {
		if !after.Observation || after.Operation != "" || after.AlertID != "" {
			t.Fatalf("result %+v", after)
		}
	})
	stored := epcisEvent(t, map[string]any{
		"type": "ObjectEvent", "eventID": "urn:uuid:r5", "action": "OBSERVE", "bizStep": "storing",
		"eventTime": start.Add(50 * time.Minute).Format(time.RFC3339Nano), "eventTimeZoneOffset": "+00:00", "epcList": []string{loggerURN},
		"sensorElementList": []any{map[string]any{"sensorReport": []any{map[string]any{"type": "Temperature", "value": 40, "uom": "CEL"}}}},
	})
	var storing model.EPCISResult
	e.must(&storing, mfr, "epcis:Capture", stored)
	t.Run("a logger event of a step no sensor report takes, after DELETE, is an observation too", func(t *testing.T) {
		if !storing.Observation {
			t.Fatalf("result %+v", storing)
		}
	})
	var late model.EPCISResult
	e.must(&late, mfr, "epcis:Capture", loggerReport(t, "urn:uuid:r4", start.Add(28*time.Minute), 4, 6))
	t.Run("readings taken while it travelled still apply when they come late", func(t *testing.T) {
		if late.Observation || late.Operation != "unit:ReportSensor" || !slices.Contains(late.Codes, pallet) {
			t.Fatalf("result %+v", late)
		}
	})
	_, err = e.submit(mfr, "epcis:Capture", association(t, "urn:uuid:a4", "DELETE", start.Add(45*time.Minute), ssccURI(pallet)))
	t.Run("an ended association cannot be ended again", func(t *testing.T) { wantCode(t, err, model.CodeInvalid) })
}

func TestAssociateRules(t *testing.T) {
	e := newEnv(t)
	e.seed()
	e.commission("c1", 1, 2)
	add := model.AssociateRequest{EventHeader: model.EventHeader{EventID: "a1"}, Action: model.ActionAdd, Device: loggerURN, Codes: []string{deviceCode(1)}}
	e.must(nil, mfr, "unit:Associate", add)
	tests := []struct {
		name string
		as   string
		give model.AssociateRequest
		want model.Code
	}{
		{"a device already travelling is a conflict until its association ends", mfr,
			model.AssociateRequest{EventHeader: model.EventHeader{EventID: "a2"}, Action: model.ActionAdd, Device: "https://id.gs1.org/8004/4000001111", Codes: []string{deviceCode(2)}}, model.CodeConflict},
		{"ending it for goods it does not travel with is invalid", mfr,
			model.AssociateRequest{EventHeader: model.EventHeader{EventID: "a3"}, Action: model.ActionDelete, Device: loggerURN, Codes: []string{deviceCode(2)}}, model.CodeInvalid},
		{"a party that neither associated it nor holds the goods cannot end it", dst,
			model.AssociateRequest{EventHeader: model.EventHeader{EventID: "a4"}, Action: model.ActionDelete, Device: loggerURN}, model.CodeForbidden},
		{"an ADD without goods is invalid", mfr,
			model.AssociateRequest{EventHeader: model.EventHeader{EventID: "a5"}, Action: model.ActionAdd, Device: "urn:example:logger:2"}, model.CodeInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := e.submit(tt.as, "unit:Associate", tt.give)
			wantCode(t, err, tt.want)
		})
	}
	t.Run("the receiver of the goods may end it", func(t *testing.T) {
		e.shipAndReceive("s1", mfr, dst, deviceCode(1))
		e.must(nil, dst, "unit:Associate", model.AssociateRequest{EventHeader: model.EventHeader{EventID: "a6"}, Action: model.ActionDelete, Device: loggerURN})
	})
}
