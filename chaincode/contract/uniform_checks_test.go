package contract

import (
	"testing"

	"github.com/udiledger/udiledger/chaincode/model"
)

// Every write checks the same three things: the caller's organisation has a role the action
// takes, the caller's certificate carries such a role, and the organisation holds a licence
// valid now (regulators need none).
func TestEveryWriteChecksRoleCertificateAndLicence(t *testing.T) {
	e := newEnv(t)
	e.seed()
	pallet := e.packPallet()
	e.must(nil, mfr, "unit:Ship", model.ShipRequest{EventHeader: model.EventHeader{EventID: "s1"}, To: dst, Codes: []string{pallet}})
	e.must(nil, dst, "unit:Receive", model.ReceiveRequest{EventHeader: model.EventHeader{EventID: "r1"}, Codes: []string{pallet}})
	e.must(nil, dst, "unit:ReportSensor", model.SensorRequest{EventHeader: model.EventHeader{EventID: "hot"}, Codes: []string{deviceCode(1)}, SensorElementList: reading(35)})

	clerk := e.user(dst, "clerk", "") // a certificate without a role attribute
	h := func(id string) model.EventHeader { return model.EventHeader{EventID: id} }
	writes := []struct {
		name string
		fn   string
		req  any
	}{
		{"unpack", "unit:Unpack", model.UnpackRequest{EventHeader: h("w1"), Parent: pallet}},
		{"decommission", "unit:Decommission", model.DisposeRequest{EventHeader: h("w2"), Codes: []string{deviceCode(3)}, Reason: "damaged"}},
		{"destroy", "unit:Destroy", model.DisposeRequest{EventHeader: h("w3"), Codes: []string{deviceCode(3)}, Reason: "damaged"}},
		{"report a reading", "unit:ReportSensor", model.SensorRequest{EventHeader: h("w4"), Codes: []string{deviceCode(3)}, SensorElementList: reading(5)}},
		{"release a quarantine", "unit:Release", model.DisposeRequest{EventHeader: h("w5"), Codes: []string{caseCode(1)}, Reason: "ok"}},
		{"inspect", "unit:Inspect", model.InspectRequest{EventHeader: h("w6"), Code: deviceCode(3)}},
		{"change a lot's status", "lot:SetStatus", model.LotStatusRequest{DI: deviceDI, Lot: "L1", Status: model.LotQuarantined}},
	}
	for _, w := range writes {
		t.Run("a certificate without a role may not "+w.name, func(t *testing.T) {
			_, err := e.submitAs(clerk, w.fn, nil, w.req)
			wantCode(t, err, model.CodeForbidden)
		})
	}

	t.Run("the holder may not lift its own cold-chain quarantine", func(t *testing.T) {
		_, err := e.submit(dst, "unit:Release", model.DisposeRequest{EventHeader: h("rel-dst"), Codes: []string{caseCode(1)}, Reason: "looks fine"})
		wantCode(t, err, model.CodeForbidden)
	})
	t.Run("the manufacturer of the goods releases them", func(t *testing.T) {
		if _, err := e.submit(mfr, "unit:Release", model.DisposeRequest{EventHeader: h("rel-mfr"), Codes: []string{caseCode(1)}, Reason: "lab test passed"}); err != nil {
			t.Fatal(err)
		}
	})

	// A licence that has run out stops every write of the party.
	e.advance(5 * 365 * 24 * 3600 * 1e9)
	for _, w := range writes[:4] {
		t.Run("an unlicensed party may not "+w.name, func(t *testing.T) {
			_, err := e.submit(dst, w.fn, w.req)
			wantCode(t, err, model.CodeForbidden)
		})
	}
}
