package contract

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/udiledger/udiledger/chaincode/model"
)

// kitDI is a kit product of the manufacturer (under mfrGCP).
var kitDI = gtin("0690123400002")

func kitCode(n int) string { return fmt.Sprintf("(01)%s(21)K%04d", kitDI, n) }

// seedKit registers the kit product and its lot K1.
func (e *env) seedKit() {
	e.t.Helper()
	e.must(nil, mfr, "product:Register", model.Product{DI: kitDI, Name: "Infusion kit", Model: "IK-2", Kind: model.KindDevice,
		RegistrationNumber: "国械注准20263140002", Storage: &model.TemperatureRange{Min: 2, Max: 30}})
	e.must(nil, mfr, "lot:Register", model.Lot{DI: kitDI, Lot: "K1", Expiry: e.day(200), Quantity: 1000})
}

func kitting(id string, inputs []string, outputs ...string) model.TransformRequest {
	return model.TransformRequest{EventHeader: model.EventHeader{EventID: id, Location: mfrGLN}, Inputs: inputs,
		Outputs: outputs, DI: kitDI, Lot: "K1", TransformationID: "urn:uuid:kitting-" + id}
}

func TestATransformationMakesAKitOfItsParts(t *testing.T) {
	cc, err := probeChaincode()
	if err != nil {
		t.Fatal(err)
	}
	e := newEnvWith(t, cc)
	e.seed()
	e.seedKit()
	e.commission("c1", 1, 1)
	e.commission("c2", 2, 1)
	e.commission("c3", 3, 1)
	foreign := "(01)04012345111118(21)PART-9" // another company's product, not on the ledger

	var res model.EventResult
	e.must(&res, mfr, "unit:Transform", kitting("k1", []string{deviceCode(1), deviceCode(2), foreign}, kitCode(1)))
	t.Run("the parts are consumed and answer not sellable", func(t *testing.T) {
		for _, c := range []string{deviceCode(1), deviceCode(2)} {
			if v := e.unitView(c); v.Status != model.StatusDecommissioned || v.Unit.LastEventID != "k1" {
				t.Fatalf("%s after kitting: %+v", c, v)
			}
			var ver model.Verification
			e.mustEval(&ver, hsp, "query:Verify", c)
			if ver.Sellable {
				t.Fatalf("a consumed part verifies as sellable: %+v", ver)
			}
		}
	})
	t.Run("the kit is a new unit of the caller's lot that records its parts", func(t *testing.T) {
		v := e.unitView(kitCode(1))
		want := &model.Lineage{EventID: "k1", By: mfr, TransformationID: "urn:uuid:kitting-k1",
			Inputs: []string{deviceCode(1), deviceCode(2), foreign}}
		if v.Status != model.StatusActive || v.Owner != mfr || v.Unit.Lot != "K1" || !sameLineage(v.Unit.Lineage, want) {
			t.Fatalf("kit %+v, lineage %+v", v, v.Unit.Lineage)
		}
		if res.UnitCount != 1 || !slices.Contains(res.Codes, kitCode(1)) || !slices.Contains(res.Codes, deviceCode(1)) {
			t.Fatalf("result %+v", res)
		}
	})
	t.Run("the kit's key carries its owner's endorsement policy", func(t *testing.T) {
		if got := e.keyOwner(t, otUnit, kitCode(1)); got != mfr {
			t.Fatalf("key policy owner %q", got)
		}
	})
	t.Run("the kit's provenance reaches back to each part's commissioning", func(t *testing.T) {
		var p model.Provenance
		e.mustEval(&p, mfr, "query:Provenance", kitCode(1))
		parts := map[string]string{}
		own := 0
		for _, en := range p.Events {
			if en.Part == "" {
				own++
				continue
			}
			parts[en.Event.EventID] = en.Part
		}
		if parts["c1"] != deviceCode(1) || parts["c2"] != deviceCode(2) || own != 1 {
			t.Fatalf("provenance %+v: want the kitting as the kit's own and c1, c2 as its parts'", p.Events)
		}
	})

	t.Run("a kit made of a kit reaches back through both", func(t *testing.T) {
		e.must(nil, mfr, "unit:Transform", kitting("k20", []string{kitCode(1)}, kitCode(20)))
		var p model.Provenance
		e.mustEval(&p, mfr, "query:Provenance", kitCode(20))
		parts := map[string]string{}
		for _, en := range p.Events {
			parts[en.Event.EventID] = en.Part
		}
		if parts["k20"] != "" || parts["k1"] != kitCode(1) || parts["c1"] != deviceCode(1) || parts["c2"] != deviceCode(2) {
			t.Fatalf("provenance %+v", parts)
		}
	})

	refused := []struct {
		name string
		as   string
		give model.TransformRequest
		want model.Code
	}{
		{"a consumed part cannot be used again", mfr, kitting("k2", []string{deviceCode(1)}, kitCode(2)), model.CodeInvalid},
		{"an output that exists is a conflict", mfr, kitting("k3", []string{deviceCode(3)}, kitCode(1)), model.CodeConflict},
		{"a part of a registered product never commissioned is not found", mfr, kitting("k9", []string{deviceCode(99)}, kitCode(9)), model.CodeNotFound},
		{"a party that may not commission the kit cannot transform", dst, kitting("k4", []string{foreign}, kitCode(4)), model.CodeForbidden},
		{"a code both input and output is invalid", mfr, kitting("k5", []string{kitCode(5)}, kitCode(5)), model.CodeInvalid},
		{"no inputs is invalid", mfr, kitting("k6", nil, kitCode(6)), model.CodeInvalid},
	}
	for _, tt := range refused {
		t.Run(tt.name, func(t *testing.T) {
			_, err := e.submit(tt.as, "unit:Transform", tt.give)
			wantCode(t, err, tt.want)
		})
	}

	t.Run("a part the caller does not hold is refused", func(t *testing.T) {
		e.commission("c7", 7, 1)
		e.shipAndReceive("s7", mfr, dst, deviceCode(7))
		_, err := e.submit(mfr, "unit:Transform", kitting("k7", []string{deviceCode(7)}, kitCode(7)))
		wantCode(t, err, model.CodeForbidden)
		if err := e.eval(nil, reg, "query:Unit", kitCode(7)); model.CodeOf(err) != model.CodeNotFound {
			t.Fatalf("the refused kit: %v, want NOT_FOUND", err)
		}
	})
	t.Run("a quarantined part is refused", func(t *testing.T) {
		e.commission("c8", 8, 1)
		e.must(nil, mfr, "unit:ReportSensor", model.SensorRequest{EventHeader: model.EventHeader{EventID: "t8"}, Codes: []string{deviceCode(8)}, SensorElementList: reading(45)})
		_, err := e.submit(mfr, "unit:Transform", kitting("k8", []string{deviceCode(8)}, kitCode(8)))
		wantCode(t, err, model.CodeInvalid)
	})
}

func TestATransformationTakesLotQuantitiesFromStock(t *testing.T) {
	e := newEnv(t)
	e.seed()
	e.seedKit()
	e.must(nil, mfr, "unit:Commission", model.CommissionRequest{EventHeader: model.EventHeader{EventID: "q1"}, DI: deviceDI, Lot: "L1", Quantity: 10})
	lot := "(01)" + deviceDI + "(10)L1"
	req := kitting("k1", nil, kitCode(1), kitCode(2))
	req.InputQuantities = []model.QuantityElement{{Code: lot, Quantity: 4}}
	e.must(nil, mfr, "unit:Transform", req)
	var sv model.StockView
	e.mustEval(&sv, mfr, "query:Stock", lot)
	if len(sv.InStock) != 1 || sv.InStock[0].Quantity != 6 {
		t.Fatalf("stock after kitting 4: %+v", sv)
	}
	if v := e.unitView(kitCode(2)); v.Unit.Lineage == nil || len(v.Unit.Lineage.InputQuantities) != 1 {
		t.Fatalf("kit %+v", v.Unit)
	}
	req = kitting("k2", nil, kitCode(3))
	req.InputQuantities = []model.QuantityElement{{Code: lot, Quantity: 7}}
	_, err := e.submit(mfr, "unit:Transform", req)
	wantCode(t, err, model.CodeInvalid)
}

func TestATransformationEventIsCapturedAsATransform(t *testing.T) {
	e := newEnv(t)
	e.seed()
	e.seedKit()
	e.commission("c1", 1, 2)
	at := e.clock().Add(-time.Minute).Format(time.RFC3339)
	sent := epcisEvent(t, map[string]any{
		"type": "TransformationEvent", "eventID": "urn:uuid:epcis-kit-1", "bizStep": "assembling", "disposition": "active",
		"eventTime": at, "eventTimeZoneOffset": "+00:00",
		"inputEPCList":  []string{deviceURI(1), deviceURI(2)},
		"outputEPCList": []string{fmt.Sprintf("https://id.gs1.org/01/%s/21/K0001", kitDI)},
		"ilmd":          map[string]any{"cbvmda:lotNumber": "K1"}, "transformationID": "urn:uuid:kitting-e1",
	})
	var res model.EPCISResult
	e.must(&res, mfr, "epcis:Capture", sent)
	if res.Operation != "unit:Transform" || res.Observation || res.UnitCount != 1 {
		t.Fatalf("result %+v", res)
	}
	if v := e.unitView(kitCode(1)); v.Unit.Lineage == nil || v.Unit.Lineage.EventID != "urn:uuid:epcis-kit-1" {
		t.Fatalf("kit %+v", v.Unit)
	}
	var ev model.Event
	e.mustEval(&ev, mfr, "query:Event", "urn:uuid:epcis-kit-1", "")
	if !sameJSON(t, ev.Captured, sent.Event) || ev.Type != model.TransformationEvent || len(ev.ChildEPCs) != 2 {
		t.Fatalf("kept %+v", ev)
	}
}

func sameLineage(a, b *model.Lineage) bool {
	return a != nil && b != nil && a.EventID == b.EventID && a.By == b.By && a.TransformationID == b.TransformationID &&
		slices.Equal(a.Inputs, b.Inputs)
}
