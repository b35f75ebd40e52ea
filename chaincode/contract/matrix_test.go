package contract

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/udiledger/udiledger/chaincode/model"
	"github.com/udiledger/udiledger/chaincode/ops"
	"github.com/udiledger/udiledger/gateway/ledger"
)

// writeRoles is who may attempt each write (ADR 012's write matrix); state (holding, status,
// licence) decides the rest.
var writeRoles = map[string][]model.Role{
	"party:Init": {model.RoleRegulator}, "party:Register": {model.RoleRegulator}, "party:Update": {model.RoleRegulator},
	"product:Register": {model.RoleManufacturer}, "lot:Register": {model.RoleManufacturer},
	"lot:SetStatus":   {model.RoleManufacturer, model.RoleRegulator},
	"unit:Commission": {model.RoleManufacturer},
	"unit:Pack":       tradingRoles, "unit:Unpack": tradingRoles, "unit:Ship": tradingRoles, "unit:Receive": tradingRoles,
	"unit:Return": tradingRoles, "unit:ReportSensor": tradingRoles,
	"unit:Dispense": dispensingRoles, "unit:UndoDispense": dispensingRoles, "unit:EraseDispense": dispensingRoles,
	"unit:Decommission":  append(slices.Clone(tradingRoles), model.RoleRegulator),
	"unit:Destroy":       append(slices.Clone(tradingRoles), model.RoleRegulator),
	"unit:Inspect":       append(slices.Clone(tradingRoles), model.RoleRegulator),
	"unit:Release":       {model.RoleManufacturer, model.RoleRegulator},
	"recall:Start":       {model.RoleRegulator, model.RoleManufacturer},
	"recall:Acknowledge": tradingRoles,
}

// TestTheWriteMatrix tries every write of the catalogue as every role: a role the write does
// not take is FORBIDDEN for its role, any other is judged on the state instead.
func TestTheWriteMatrix(t *testing.T) {
	e := newEnv(t)
	e.seed()
	e.commission("c1", 1, 2)
	roles := map[string]model.Role{mfr: model.RoleManufacturer, dst: model.RoleDistributor, plt: model.RolePlatform,
		hsp: model.RoleHospital, reg: model.RoleRegulator}
	h := model.EventHeader{EventID: "m1"}
	requests := map[string]any{
		"party:Init": e.partyRecord(reg, model.RoleRegulator), "party:Register": e.partyRecord("NewOrgMSP", model.RoleDistributor),
		"party:Update": e.partyRecord(dst, model.RoleDistributor), "product:Register": e.deviceProduct(),
		"lot:Register":    model.Lot{DI: deviceDI, Lot: "L9", Expiry: e.day(300)},
		"lot:SetStatus":   model.LotStatusRequest{DI: deviceDI, Lot: "L1", Status: model.LotQuarantined},
		"unit:Commission": model.CommissionRequest{EventHeader: h, DI: deviceDI, Lot: "L1", Codes: []string{deviceCode(9)}},
		"unit:Pack":       model.PackRequest{EventHeader: h, Parent: caseCode(9), Children: []string{deviceCode(1)}},
		"unit:Unpack":     model.UnpackRequest{EventHeader: h, Parent: caseCode(9)},
		"unit:Ship":       model.ShipRequest{EventHeader: h, To: dst, Codes: []string{deviceCode(1)}},
		"unit:Receive":    model.ReceiveRequest{EventHeader: h, Codes: []string{deviceCode(1)}},
		"unit:Return":     model.ReturnRequest{EventHeader: h, Codes: []string{deviceCode(1)}},
		"unit:ReportSensor": model.SensorRequest{EventHeader: h, Codes: []string{deviceCode(1)},
			SensorElementList: reading(5)},
		"unit:Dispense":      model.DispenseRequest{EventHeader: h, Codes: []string{deviceCode(1)}},
		"unit:UndoDispense":  model.UndoDispenseRequest{EventHeader: h, Codes: []string{deviceCode(1)}},
		"unit:EraseDispense": model.EraseDispenseRequest{EventHeader: h, Dispense: "c1"},
		"unit:Decommission":  model.DisposeRequest{EventHeader: h, Codes: []string{deviceCode(1)}, Reason: "r"},
		"unit:Destroy":       model.DisposeRequest{EventHeader: h, Codes: []string{deviceCode(1)}, Reason: "r"},
		"unit:Inspect":       model.InspectRequest{EventHeader: h, Code: deviceCode(1)},
		"unit:Release":       model.DisposeRequest{EventHeader: h, Codes: []string{deviceCode(1)}, Reason: "r"},
		"recall:Start":       lotRecall("RM", model.DepthRetail),
		"recall:Acknowledge": model.AckRequest{RecallID: "RM"},
	}
	for _, op := range ops.All {
		if op.Kind() != ops.Submit {
			continue
		}
		allowed, ok := writeRoles[op.Name()]
		if !ok {
			t.Errorf("%s has no row in the write matrix", op.Name())
			continue
		}
		req, ok := requests[op.Name()]
		if !ok {
			t.Errorf("%s has no request in the matrix test", op.Name())
			continue
		}
		arg, _ := json.Marshal(req)
		for msp, role := range roles {
			t.Run(op.Name()+" as "+string(role), func(t *testing.T) {
				p := ledger.Proposal{Identity: e.identity(msp), Function: op.Name(), Args: []string{string(arg)},
					Transient: dispenseTransient("p", "rx")}
				env := e
				if op.Name() == "party:Init" {
					env = newEnv(t) // the first regulator opens a new ledger, once
				}
				p.Identity = env.identity(msp)
				_, err := env.eng.Evaluate(context.Background(), p) // simulated: the state stays as it is
				byRole := model.CodeOf(err) == model.CodeForbidden && (strings.Contains(err.Error(), ": needs role") || strings.Contains(err.Error(), "role="))
				if want := !slices.Contains(allowed, role); byRole != want {
					t.Fatalf("%s as %s: %v; refused for its role: %v, want %v", op.Name(), role, err, byRole, want)
				}
			})
		}
	}
}
