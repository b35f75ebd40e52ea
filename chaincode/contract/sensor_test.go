package contract

import (
	"testing"

	"github.com/udiledger/udiledger/chaincode/model"
)

func reading(celsius float64) []model.SensorElement {
	return []model.SensorElement{{DeviceID: "urn:logger:1", Reports: []model.SensorReport{
		{Type: model.TemperatureType, Value: 5, UOM: "CEL"},
		{Type: model.TemperatureType, Value: celsius, UOM: "CEL"},
	}}}
}

func TestSensorExcursionQuarantines(t *testing.T) {
	e := newEnv(t)
	e.seed()
	pallet := e.packPallet()
	e.must(nil, mfr, "unit:Ship", model.ShipRequest{EventHeader: model.EventHeader{EventID: "s1"}, To: dst, Codes: []string{pallet}})

	var ok model.EventResult
	e.must(&ok, dst, "unit:ReportSensor", model.SensorRequest{EventHeader: model.EventHeader{EventID: "t1"}, Codes: []string{caseCode(1)}, SensorElementList: reading(20)})
	t.Run("a reading within the storage range raises nothing", func(t *testing.T) {
		if ok.AlertID != "" || e.unitView(deviceCode(1)).Unit.Quarantined {
			t.Fatalf("got %+v", ok)
		}
	})

	_, err := e.submit(hsp, "unit:ReportSensor", model.SensorRequest{EventHeader: model.EventHeader{EventID: "t0"}, Codes: []string{caseCode(1)}, SensorElementList: reading(40)})
	t.Run("a party with nothing to do with the goods cannot report", func(t *testing.T) { wantCode(t, err, model.CodeForbidden) })

	var hot model.EventResult
	e.must(&hot, dst, "unit:ReportSensor", model.SensorRequest{EventHeader: model.EventHeader{EventID: "t2"}, Codes: []string{deviceCode(1)}, SensorElementList: reading(35)})
	t.Run("a reading outside the range raises an alert", func(t *testing.T) {
		var alerts model.AlertPage
		e.mustEval(&alerts, reg, "query:Alerts", "0", "")
		if hot.AlertID != "t2" || len(alerts.Alerts) != 1 || alerts.Alerts[0].Kind != model.AlertTemperature {
			t.Fatalf("result %+v, alerts %+v", hot, alerts)
		}
	})
	t.Run("an excursion on a packed unit quarantines its case and everything in it", func(t *testing.T) {
		for _, c := range codes(deviceCode, 1, 3) {
			if s := e.unitView(c).Status; s != model.StatusQuarantined {
				t.Fatalf("%s is %s", c, s)
			}
		}
		if s := e.unitView(deviceCode(4)).Status; s != model.StatusInTransit {
			t.Fatalf("unit in the other case is %s", s)
		}
	})

	e.must(nil, dst, "unit:Receive", model.ReceiveRequest{EventHeader: model.EventHeader{EventID: "r1"}, Codes: []string{pallet}})
	_, err = e.submit(dst, "unit:Ship", model.ShipRequest{EventHeader: model.EventHeader{EventID: "s2"}, To: hsp, Codes: []string{pallet}})
	t.Run("a pallet holding a quarantined case cannot be shipped", func(t *testing.T) {
		wantCode(t, err, model.CodeInvalid)
	})

	e.must(nil, dst, "unit:Unpack", model.UnpackRequest{EventHeader: model.EventHeader{EventID: "u1"}, Parent: pallet})
	e.must(nil, dst, "unit:Unpack", model.UnpackRequest{EventHeader: model.EventHeader{EventID: "u2"}, Parent: caseCode(1)})
	t.Run("units unpacked from a quarantined case stay quarantined", func(t *testing.T) {
		if s := e.unitView(deviceCode(2)).Status; s != model.StatusQuarantined {
			t.Fatalf("status = %s", s)
		}
	})
	e.shipAndReceive("ok", dst, hsp, caseCode(2))
	t.Run("the case that was not exposed moves on", func(t *testing.T) {
		if o := e.unitView(deviceCode(4)).Owner; o != hsp {
			t.Fatalf("owner = %s", o)
		}
	})
	e.must(nil, reg, "unit:Release", model.DisposeRequest{EventHeader: model.EventHeader{EventID: "rel1"}, Codes: []string{deviceCode(2)}, Reason: "lab test passed"})
	t.Run("a regulator releases a quarantined unit", func(t *testing.T) {
		if s := e.unitView(deviceCode(2)).Status; s != model.StatusActive {
			t.Fatalf("status = %s", s)
		}
	})
}
