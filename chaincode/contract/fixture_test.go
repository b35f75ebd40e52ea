package contract

import (
	"fmt"

	"github.com/udiledger/udiledger/chaincode/model"
)

// party builds a party record with a licence valid a year either side of the test start.
func (e *env) partyRecord(msp string, roles ...model.Role) model.Party {
	p := model.Party{
		MSPID: msp, Name: orgNames[msp], Roles: roles,
		Licences: []model.Licence{{Type: "trade", Number: "L-" + msp, ValidFrom: e.day(-365), ValidTo: e.day(365)}},
	}
	switch msp {
	case mfr:
		p.CompanyPrefixes, p.DrugCodes = []string{mfrGCP}, []string{drugCode7}
		p.Locations = []model.Location{{GLN: mfrGLN, Name: "plant"}}
	case dst:
		p.Locations = []model.Location{{GLN: dstGLN}}
	case plt:
		p.Locations = []model.Location{{GLN: pltGLN}}
	case hsp:
		p.Locations = []model.Location{{GLN: hspGLN}}
	}
	return p
}

// seedParties initialises the ledger with the regulator and registers the other four.
func (e *env) seedParties() {
	e.t.Helper()
	e.must(nil, reg, "party:Init", e.partyRecord(reg, model.RoleRegulator))
	e.must(nil, reg, "party:Register", e.partyRecord(mfr, model.RoleManufacturer))
	e.must(nil, reg, "party:Register", e.partyRecord(dst, model.RoleDistributor))
	e.must(nil, reg, "party:Register", e.partyRecord(plt, model.RolePlatform))
	e.must(nil, reg, "party:Register", e.partyRecord(hsp, model.RoleHospital))
}

func (e *env) deviceProduct() model.Product {
	return model.Product{DI: deviceDI, Name: "Infusion set", Model: "IS-20", Kind: model.KindDevice,
		RegistrationNumber: "国械注准20263140001", Storage: &model.TemperatureRange{Min: 2, Max: 30}}
}

func (e *env) drugProduct() model.Product {
	return model.Product{DI: drugCode7, Name: "Insulin glargine", Model: "3 ml pen", Kind: model.KindDrug,
		RegistrationNumber: "国药准字S20260001", Prescription: true, Storage: &model.TemperatureRange{Min: 2, Max: 8}}
}

// seed registers parties, a device and a drug, and one lot of each expiring in a year.
func (e *env) seed() {
	e.t.Helper()
	e.seedParties()
	e.must(nil, mfr, "product:Register", e.deviceProduct())
	e.must(nil, mfr, "product:Register", e.drugProduct())
	e.must(nil, mfr, "lot:Register", model.Lot{DI: deviceDI, Lot: "L1", Expiry: e.day(365), ProductionDate: e.day(-1), Quantity: 100000})
	e.must(nil, mfr, "lot:Register", model.Lot{DI: drugCode7, Lot: "D1", Expiry: e.day(365), Quantity: 100000})
}

// deviceCode is the code of device unit n; drugCode of drug unit n.
func deviceCode(n int) string { return fmt.Sprintf("(01)%s(21)S%06d", deviceDI, n) }
func drugCode(n int) string   { return fmt.Sprintf("%s%09d%04d", drugCode7, n, n%10000) }
func caseCode(n int) string   { return fmt.Sprintf("(01)%s(21)C%04d", caseDI, n) }

func codes(f func(int) string, from, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = f(from + i)
	}
	return out
}

// commission commissions n device units from number from into lot L1.
func (e *env) commission(eventID string, from, n int) model.EventResult {
	e.t.Helper()
	var r model.EventResult
	e.must(&r, mfr, "unit:Commission", model.CommissionRequest{EventHeader: model.EventHeader{EventID: eventID, Location: mfrGLN}, DI: deviceDI, Lot: "L1", Codes: codes(deviceCode, from, n)})
	return r
}

// unitView reads a unit.
func (e *env) unitView(code string) model.UnitView {
	e.t.Helper()
	var v model.UnitView
	e.mustEval(&v, reg, "query:Unit", code)
	return v
}

// ship ships codes from one party to another and has the receiver receive them.
func (e *env) shipAndReceive(id, from, to string, cs ...string) {
	e.t.Helper()
	e.must(nil, from, "unit:Ship", model.ShipRequest{EventHeader: model.EventHeader{EventID: id + "-ship"}, To: to, Codes: cs})
	e.must(nil, to, "unit:Receive", model.ReceiveRequest{EventHeader: model.EventHeader{EventID: id + "-recv"}, Codes: cs})
}
