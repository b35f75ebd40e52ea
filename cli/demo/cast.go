package demo

import (
	"fmt"
	"time"

	"github.com/udiledger/udiledger/chaincode/gs1"
	"github.com/udiledger/udiledger/chaincode/model"
	"github.com/udiledger/udiledger/chaincode/orgs"
	"github.com/udiledger/udiledger/gateway/ledger"
)

// Actors are the identities the story acts as, one per organisation.
type Actors struct {
	Regulator, Manufacturer, Distributor, Platform, Hospital *ledger.Identity
}

// byRole lists the actors by the role they play.
func (a Actors) byRole() map[model.Role]*ledger.Identity {
	return map[model.Role]*ledger.Identity{
		model.RoleRegulator: a.Regulator, model.RoleManufacturer: a.Manufacturer, model.RoleDistributor: a.Distributor,
		model.RolePlatform: a.Platform, model.RoleHospital: a.Hospital,
	}
}

func (a Actors) check() error {
	for role, id := range a.byRole() {
		if id == nil || id.MSPID == "" {
			return fmt.Errorf("demo: no %s identity", role)
		}
	}
	return nil
}

// ActorsOf casts the five organisations of package orgs: each acts as the identity that
// identity returns for it (its admin on a development ledger, a person enrolled with its role
// at its CA on Fabric).
func ActorsOf(identity func(orgs.Org) (*ledger.Identity, error)) (Actors, error) {
	cast := map[model.Role]*ledger.Identity{}
	for _, o := range orgs.All() {
		id, err := identity(o)
		if err != nil {
			return Actors{}, err
		}
		cast[o.Role] = id
	}
	a := Actors{Regulator: cast[model.RoleRegulator], Manufacturer: cast[model.RoleManufacturer],
		Distributor: cast[model.RoleDistributor], Platform: cast[model.RolePlatform], Hospital: cast[model.RoleHospital]}
	return a, a.check()
}

// The fixed facts of the story: the organisations' numbers (package orgs), product codes and
// places.
var (
	maker         = org(orgs.Manufacturer)
	companyPrefix = maker.CompanyPrefixes[0] // GS1 China company prefix of the manufacturer
	drugProduct   = maker.DrugCodes[0]       // 7-digit product code of the drug's unit of sale
	drugCase      = maker.DrugCodes[1]       // 7-digit code of its case of 100
	deviceGTIN    = withCheck("0" + companyPrefix + "00001")

	mfrGLN = maker.GLN
	dstGLN = org(orgs.Distributor).GLN
	pltGLN = org(orgs.Platform).GLN
	hspGLN = org(orgs.Hospital).GLN
)

// Story sizes.
const (
	unitsPerCase = 100
	cases        = 10
	devices      = 20
)

func org(msp string) orgs.Org {
	o, ok := orgs.Find(msp)
	if !ok {
		panic("demo: no organisation " + msp)
	}
	return o
}

func withCheck(base string) string {
	d, err := gs1.CheckDigit(base)
	if err != nil {
		panic(fmt.Sprintf("demo: fixed code %s: %v", base, err))
	}
	return base + string(d)
}

// The story's drug: codes of its units and cases and the SSCCs of its pallets, by serial
// number (at most 9 digits), for programs that make their own goods of it.
var (
	DrugProduct = drugProduct
	DrugCase    = drugCase
)

// DrugCode is the 20-digit trace code of the drug unit with the serial number.
func DrugCode(serial int) string { return fmt.Sprintf("%s%09d%04d", drugProduct, serial, serial%9973) }

// DrugCaseCode is the 20-digit trace code of the drug's case with the serial number.
func DrugCaseCode(serial int) string { return fmt.Sprintf("%s%09d%04d", drugCase, serial, serial%9973) }

// SSCC is the manufacturer's pallet with the serial number, in brackets as a label reads.
func SSCC(serial int) string {
	return "(00)" + withCheck(fmt.Sprintf("0%s%09d", companyPrefix, serial))
}

// codes names every code of one run. Batch keeps runs on one ledger apart.
type codes struct{ batch int }

func (c codes) drugLot() string   { return fmt.Sprintf("D%02d%03d", 26, c.batch) }
func (c codes) deviceLot() string { return fmt.Sprintf("V%02d%03d", 26, c.batch) }

// serial numbers a run's items: batch in the high digits, n in the low.
func (c codes) serial(n int) int { return c.batch*100000 + n }

// drug is the 20-digit trace code of drug unit n (1-based).
func (c codes) drug(n int) string { return DrugCode(c.serial(n)) }

// drugCaseCode is the 20-digit code of case n.
func (c codes) drugCaseCode(n int) string { return DrugCaseCode(c.serial(n)) }

// counterfeit is a well-formed drug code that was never commissioned.
func (c codes) counterfeit() string { return c.drug(99999) }

// pallet is the SSCC of the run's pallet.
func (c codes) pallet() string { return SSCC(c.serial(1)) }

// device is the GS1 UDI of device n, as a scanner reads the label: DI, expiry, lot, serial.
func (c codes) device(n int, expiry time.Time) string {
	return fmt.Sprintf("(01)%s(17)%s(10)%s(21)%d", deviceGTIN, expiry.Format("060102"), c.deviceLot(), c.serial(n))
}

func (c codes) drugRange(from, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = c.drug(from + i)
	}
	return out
}

func licence(kind, number string, from, to time.Time) []model.Licence {
	return []model.Licence{{Type: kind, Number: number, ValidFrom: model.DateOf(from), ValidTo: model.DateOf(to)}}
}

// parties are the five organisations of the story, licensed from a year ago for five years.
func (a Actors) parties(now time.Time) []model.Party {
	from, to := now.AddDate(-1, 0, 0), now.AddDate(4, 0, 0)
	return []model.Party{
		{MSPID: a.Regulator.MSPID, Name: "Provincial Medical Products Administration", Roles: []model.Role{model.RoleRegulator}},
		{MSPID: a.Manufacturer.MSPID, Name: "Huaxin Pharmaceutical Co.", Roles: []model.Role{model.RoleManufacturer},
			Licences:        licence("drug-manufacturing", "沪20260001", from, to),
			CompanyPrefixes: []string{companyPrefix}, DrugCodes: []string{drugProduct, drugCase},
			Locations: []model.Location{{GLN: mfrGLN, Name: "Plant 1, Shanghai"}}},
		{MSPID: a.Distributor.MSPID, Name: "Eastern Medicine Distribution", Roles: []model.Role{model.RoleDistributor},
			Licences:  licence("drug-wholesale", "沪AA0210001", from, to),
			Locations: []model.Location{{GLN: dstGLN, Name: "Cold store, Suzhou"}}},
		{MSPID: a.Platform.MSPID, Name: "JianKang Online Pharmacy", Roles: []model.Role{model.RolePlatform},
			Licences:  licence("online-drug-retail", "沪B20260088", from, to),
			Locations: []model.Location{{GLN: pltGLN, Name: "Fulfilment centre, Kunshan"}}},
		{MSPID: a.Hospital.MSPID, Name: "Renji People's Hospital", Roles: []model.Role{model.RoleHospital},
			Licences:  licence("medical-institution", "PDY00001231010", from, to),
			Locations: []model.Location{{GLN: hspGLN, Name: "Central pharmacy"}}},
	}
}

func products() []model.Product {
	return []model.Product{
		{DI: drugProduct, Name: "Insulin glargine injection", Model: "3 ml:300 IU pen", Kind: model.KindDrug,
			RegistrationNumber: "国药准字S20260001", Prescription: true, Storage: &model.TemperatureRange{Min: 2, Max: 8}},
		{DI: deviceGTIN, Name: "Coronary stent system", Model: "CS-3.0x18", Kind: model.KindDevice,
			RegistrationNumber: "国械注准20263130001", Prescription: true, Storage: &model.TemperatureRange{Min: 0, Max: 30}},
	}
}
