// Package orgs defines, once, the organisations UDI Ledger ships with: the five organisations
// of the local Fabric network (network/fabricnet), of the development ledger
// (gateway/ledger/devledger, `udi serve` without configuration) and of the demo story, with
// their MSP IDs, roles and host domains, the numbers they are registered with, and the
// private data collection they share. Everything else refers to these definitions instead of
// restating them.
//
// It imports nothing from Fabric, so the chaincode's shared packages, the gateway, the CLI and
// the network code can all use it.
package orgs

import (
	"slices"

	"github.com/udiledger/udiledger/chaincode/model"
)

// The organisations' MSP IDs.
const (
	Manufacturer = "ManufacturerOrgMSP"
	Distributor  = "DistributorOrgMSP"
	Platform     = "PlatformOrgMSP"
	Hospital     = "HospitalOrgMSP"
	Regulator    = "RegulatorOrgMSP"
)

// Org is one organisation.
type Org struct {
	// Name names the organisation's folders, hosts and CA, e.g. "ManufacturerOrg"; its MSP ID
	// is Name + "MSP".
	Name  string
	MSPID string
	// Role is what the organisation does, and the role its people act in.
	Role model.Role
	// Domain is the organisation's host domain on the network, e.g. "manufacturer.udi.example".
	Domain string

	// The numbers the organisation is registered with in development mode and in the demo.
	CompanyPrefixes []string // GS1 company prefixes
	DrugCodes       []string // 7-digit drug product codes (药品追溯码 product part)
	GLN             string   // GLN of its site; empty for the regulator
}

// All returns the five organisations in network address order (the manufacturer's peer on
// 127.0.0.2 … the regulator's on 127.0.0.6).
func All() []Org {
	return []Org{
		{Name: "ManufacturerOrg", MSPID: Manufacturer, Role: model.RoleManufacturer, Domain: "manufacturer.udi.example",
			CompanyPrefixes: []string{"6901234"}, DrugCodes: []string{"8123456", "8123457"}, GLN: "6901234000016"},
		{Name: "DistributorOrg", MSPID: Distributor, Role: model.RoleDistributor, Domain: "distributor.udi.example",
			GLN: "6905555000014"},
		{Name: "PlatformOrg", MSPID: Platform, Role: model.RolePlatform, Domain: "platform.udi.example",
			GLN: "6906666000016"},
		{Name: "HospitalOrg", MSPID: Hospital, Role: model.RoleHospital, Domain: "hospital.udi.example",
			GLN: "6907777000018"},
		{Name: "RegulatorOrg", MSPID: Regulator, Role: model.RoleRegulator, Domain: "regulator.udi.example"},
	}
}

// MSPIDs lists the organisations' MSP IDs, in the order of All.
func MSPIDs() []string {
	var out []string
	for _, o := range All() {
		out = append(out, o.MSPID)
	}
	return out
}

// Find returns the organisation with an MSP ID or a name.
func Find(mspIDOrName string) (Org, bool) {
	i := slices.IndexFunc(All(), func(o Org) bool { return o.MSPID == mspIDOrName || o.Name == mspIDOrName })
	if i < 0 {
		return Org{}, false
	}
	return All()[i], true
}

// Collection is a private data collection of the chaincode and the organisations whose peers
// keep its data.
type Collection struct {
	Name    string
	Members []string // MSP IDs
}

// DispenseDetails keeps dispense details (patient and prescription references) with the
// dispensing organisations and the regulator. Its members are also the endorsers a dispense
// needs.
func DispenseDetails() Collection {
	return Collection{Name: model.DispenseCollection, Members: []string{Hospital, Platform, Regulator}}
}

// Collections are the chaincode's private data collections.
func Collections() []Collection { return []Collection{DispenseDetails()} }
