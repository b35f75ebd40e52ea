package matrix

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/udiledger/udiledger/chaincode/model"
	"github.com/udiledger/udiledger/chaincode/ops"
	"github.com/udiledger/udiledger/gateway/ledger"
)

// The roles of ADR 012's write table.
var (
	trading    = []model.Role{model.RoleManufacturer, model.RoleDistributor, model.RoleLogistics, model.RolePlatform, model.RoleHospital, model.RolePharmacy}
	dispensing = []model.Role{model.RoleHospital, model.RolePharmacy, model.RolePlatform}
	tradingAnd = func(r model.Role) []model.Role { return append(slices.Clone(trading), r) }
)

// writeRoles is who may attempt each write; state (holding, status, licence) decides the rest.
var writeRoles = map[string][]model.Role{
	"party:Init": {model.RoleRegulator}, "party:Register": {model.RoleRegulator}, "party:Update": {model.RoleRegulator},
	"product:Register": {model.RoleManufacturer}, "product:SetLinks": {model.RoleManufacturer}, "lot:Register": {model.RoleManufacturer},
	"unit:Commission": {model.RoleManufacturer},
	"lot:SetStatus":   {model.RoleManufacturer, model.RoleRegulator}, "unit:Release": {model.RoleManufacturer, model.RoleRegulator},
	"recall:Start": {model.RoleRegulator, model.RoleManufacturer},
	// Amend and Complete: the party that started the recall (the fixture's manufacturer) or a
	// regulator; Terminate and Check: a regulator.
	"recall:Amend": {model.RoleRegulator, model.RoleManufacturer}, "recall:Complete": {model.RoleRegulator, model.RoleManufacturer},
	"recall:Terminate": {model.RoleRegulator}, "recall:Check": {model.RoleRegulator},
	"unit:Pack": trading, "unit:Unpack": trading, "unit:Ship": trading, "unit:Receive": trading,
	"unit:Return": trading, "unit:ReportSensor": trading, "recall:Acknowledge": trading, "unit:Associate": trading,
	"unit:PrepareDispense": dispensing, "unit:Dispense": dispensing, "unit:UndoDispense": dispensing, "unit:EraseDispense": dispensing,
	"unit:Decommission": tradingAnd(model.RoleRegulator), "unit:Destroy": tradingAnd(model.RoleRegulator),
	"unit:Inspect": tradingAnd(model.RoleRegulator), "unit:Transform": {model.RoleManufacturer},
	// A batch of scans: each scan is judged by its single transaction (the batch's is an inspection).
	"unit:Scans": tradingAnd(model.RoleRegulator),
	// Cases (ADR 027): whoever sees a case notes on it; its owner or a regulator decides it.
	"case:Take": {model.RoleRegulator, model.RoleManufacturer}, "case:Investigate": {model.RoleRegulator, model.RoleManufacturer},
	"case:Close": {model.RoleRegulator, model.RoleManufacturer}, "case:Note": tradingAnd(model.RoleRegulator),
	"unit:SetPackState": tradingAnd(model.RoleRegulator), "unit:UndoPackState": trading, // a regulator reports stolen only
	"unit:CancelShipment": trading, "unit:RefuseShipment": trading, "unit:Relocate": trading,
	// Returned goods (ADR 031): the recalling firm re-works, the holder restocks.
	"unit:Rework": {model.RoleManufacturer}, "unit:Restock": trading,
	// An observation (goods the ledger does not govern); a governed event is judged by the
	// transaction it maps to.
	"epcis:Capture": tradingAnd(model.RoleRegulator),
}

// checkWrites simulates every write as every organisation: a role the write does not take is
// refused for its role; any other role passes the role check and is judged on the state.
func checkWrites(t *testing.T, w World, f fixture) {
	missing(t, ops.Submit, writeRoles)
	h := model.EventHeader{EventID: w.Run + "-w"}
	today := time.Now().UTC()
	party := func(msp string, role model.Role) model.Party {
		return model.Party{MSPID: msp, Name: msp, Roles: []model.Role{role}, Licences: []model.Licence{{Type: "trade", Number: "M-" + msp,
			ValidFrom: model.DateOf(today.AddDate(-1, 0, 0)), ValidTo: model.DateOf(today.AddDate(1, 0, 0))}}}
	}
	parent := unitCode(w.DI, w.Run, 9)
	codes := []string{f.u1}
	requests := map[string]any{
		"party:Init": party(reg, model.RoleRegulator), "party:Register": party("MatrixOrgMSP", model.RoleDistributor),
		"party:Update":     party(dst, model.RoleDistributor),
		"product:Register": model.Product{DI: w.DI, Name: "Matrix", Model: "M", Kind: model.KindDevice, RegistrationNumber: "国械注准20263140077"},
		"product:SetLinks": model.ProductLinksRequest{DI: w.DI, Links: []model.ProductLink{{LinkType: model.LinkEPIL, Href: "https://example.com/epil"}}},
		"lot:Register":     model.Lot{DI: w.DI, Lot: "N" + w.Run, Expiry: model.DateOf(today.AddDate(1, 0, 0))},
		"lot:SetStatus":    model.LotStatusRequest{DI: w.DI, Lot: f.lot, Status: model.LotQuarantined},
		"unit:Commission":  model.CommissionRequest{EventHeader: h, DI: w.DI, Lot: f.lot, Codes: []string{unitCode(w.DI, w.Run, 8)}},
		"unit:Pack":        model.PackRequest{EventHeader: h, Parent: parent, Children: codes},
		"unit:Unpack":      model.UnpackRequest{EventHeader: h, Parent: parent},
		"unit:Ship":        model.ShipRequest{EventHeader: h, To: plt, Codes: codes},
		"unit:Receive":     model.ReceiveRequest{EventHeader: h, Codes: codes},
		"unit:Return":      model.ReturnRequest{EventHeader: h, Codes: codes},
		"unit:ReportSensor": model.SensorRequest{EventHeader: h, Codes: codes, SensorElementList: []model.SensorElement{{DeviceID: "urn:logger:m",
			Reports: []model.SensorReport{{Type: model.TemperatureType, Value: 5, UOM: "CEL"}}}}},
		"unit:Dispense": model.DispenseInput{DispenseRequest: model.DispenseRequest{EventHeader: h, Codes: codes},
			DispensePrivate: model.DispensePrivate{PatientRef: "p", Salt: "matrix-salt-0123456789"}},
		"unit:PrepareDispense": model.DispenseInput{DispenseRequest: model.DispenseRequest{EventHeader: h, Codes: codes},
			DispensePrivate: model.DispensePrivate{PatientRef: "p", Salt: "matrix-salt-0123456789"}},
		"unit:UndoDispense":  model.UndoDispenseRequest{EventHeader: h, Codes: []string{f.u2}},
		"unit:EraseDispense": model.EraseDispenseRequest{EventHeader: h, Dispense: f.dispense, Reason: "matrix"},
		"unit:Decommission":  model.DisposeRequest{EventHeader: h, Codes: codes, Reason: "matrix"},
		"unit:Destroy":       model.DisposeRequest{EventHeader: h, Codes: codes, Reason: "matrix"},
		"unit:Release":       model.DisposeRequest{EventHeader: h, Codes: codes, Reason: "matrix"},
		"unit:Inspect":       model.InspectRequest{EventHeader: h, Code: f.u1},
		"unit:Scans": model.ScanBatchRequest{Scans: []model.Scan{{Action: model.ScanInspect,
			Inspect: &model.InspectRequest{EventHeader: h, Code: f.u1}}}},
		"unit:Transform":     model.TransformRequest{EventHeader: h, Inputs: codes, Outputs: []string{unitCode(w.DI, w.Run, 7)}, DI: w.DI, Lot: f.lot},
		"unit:Associate":     model.AssociateRequest{EventHeader: h, Action: model.ActionAdd, Device: "urn:example:logger:" + w.Run, Codes: codes},
		"recall:Start":       model.RecallRequest{ID: w.Run + "-w", Class: model.RecallClassII, Depth: model.DepthRetail, Reason: "matrix", Scope: model.RecallScope{Type: model.ScopeLot, DI: w.DI, Lot: f.lot}},
		"recall:Acknowledge": model.AckRequest{RecallID: f.recall},
		"recall:Amend":       model.RecallAmendRequest{RecallID: f.recall, Class: model.RecallClassI, Reason: "matrix"},
		"recall:Complete":    model.RecallCloseRequest{RecallID: f.recall, Reason: "matrix"},
		"recall:Terminate":   model.RecallCloseRequest{RecallID: f.recall, Reason: "matrix", Override: true},
		"recall:Check":       model.EffectivenessCheckRequest{RecallID: f.recall, Holder: dst, Level: "B", Effective: true},
		"case:Take":          model.CaseRequest{CaseID: f.caseID},
		"case:Note":          model.CaseRequest{CaseID: f.caseID, Note: "matrix"},
		"case:Investigate":   model.CaseRequest{CaseID: f.caseID},
		"case:Close":         model.CloseCaseRequest{CaseID: f.caseID, Resolution: model.ResolutionFalsePositive, Reason: "matrix"},
		"epcis:Capture":      observation("urn:uuid:matrix-"+w.Run, today),

		// Pack states and shipment corrections (ADR 028).
		"unit:SetPackState":   model.PackStateRequest{EventHeader: h, Codes: codes, State: model.StatusStolen},
		"unit:UndoPackState":  model.UndoPackStateRequest{EventHeader: h, Codes: codes},
		"unit:CancelShipment": model.ShipmentRequest{EventHeader: h, Codes: codes},
		"unit:RefuseShipment": model.ShipmentRequest{EventHeader: h, Codes: codes},
		"unit:Relocate":       model.RelocateRequest{EventHeader: h, Codes: codes, Destination: "0614141000005"},
		"unit:Rework":         model.ReworkRequest{EventHeader: h, Codes: codes, RecallID: f.recall, Reason: "matrix"},
		"unit:Restock":        model.RestockRequest{EventHeader: h, Codes: codes},
	}
	for _, op := range ops.All {
		allowed, ok := writeRoles[op.Name()]
		if op.Kind() != ops.Submit || !ok {
			continue
		}
		req, ok := requests[op.Name()]
		if !ok {
			t.Errorf("%s has no request in the matrix", op.Name())
			continue
		}
		each(func(msp string) {
			role := roleOf(msp)
			_, err := evaluate(w, msp, op, req)
			if op.Name() == "party:Init" {
				// The world's ledger is initialised: nobody initialises it again. Who may
				// initialise a new one is TestPartyInit's (chaincode/contract).
				if ledger.CodeOf(err) != model.CodeConflict {
					t.Errorf("party:Init as %s on an initialised ledger: %v, want CONFLICT", role, err)
				}
				return
			}
			if want := !slices.Contains(allowed, role); refusedForRole(err) != want {
				t.Errorf("%s as %s: %v; refused for its role: %v, want %v", op.Name(), role, err, !want, want)
			}
		})
	}
}

// observation is the capture of an EPCIS event about another company's product, which the
// ledger keeps as an observation.
func observation(id string, at time.Time) model.EPCISCapture {
	ev := fmt.Sprintf(`{"type":"ObjectEvent","eventID":%q,"action":"OBSERVE","bizStep":"storing",`+
		`"eventTime":%q,"eventTimeZoneOffset":"+00:00","epcList":["urn:epc:id:sgtin:0614141.107346.2018"]}`,
		id, at.Add(-time.Minute).Format(time.RFC3339))
	return model.EPCISCapture{EventID: id, Event: []byte(ev)}
}
