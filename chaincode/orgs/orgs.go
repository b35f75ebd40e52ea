// Package orgs defines, once, the organisations UDI Ledger ships with: the five organisations
// of the local Fabric network (network/fabricnet), of the development ledger
// (gateway/ledger/devledger, `udi serve` without configuration) and of the demo story, with
// their MSP IDs, roles and host domains, the numbers they are registered with, and the
// private data collections of the dispensers. Everything else refers to these definitions instead of
// restating them.
//
// It imports nothing from Fabric, so the chaincode's shared packages, the gateway, the CLI and
// the network code can all use it.
package orgs

import (
	"slices"
	"time"

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
	// Writer is the organisation whose peer alone endorses writes to the collection: the
	// collection's own endorsement policy, in place of the chaincode's for its keys.
	Writer string
	// BlockToLive is how many blocks a value is kept after its last write; 0 keeps it forever.
	BlockToLive uint64
}

// Retention of dispense details. NMPA traceability records are kept for at least five years
// and at least one year past the product's expiry; with shelf lives of up to five years, six
// years after the dispense covers both. Fabric counts blockToLive in blocks, not time, so the
// figure assumes one block every AssumedBlockInterval on average over those years: a quieter
// channel keeps the data longer (erasure requests are served by purging), a busier one must
// raise it (fabricnet.Config.DispenseBlockToLive) so that no record goes before its time.
const (
	DispenseRetention    = 6 * 366 * 24 * time.Hour
	AssumedBlockInterval = 2 * time.Second
	DispenseBlockToLive  = uint64(DispenseRetention / AssumedBlockInterval) // 94,867,200 blocks
)

// Dispensers are the organisations with a dispensing role (model.DispensingRoles).
func Dispensers() []Org {
	var out []Org
	for _, o := range All() {
		if slices.Contains(model.DispensingRoles, o.Role) {
			out = append(out, o)
		}
	}
	return out
}

// DispenseCollection is the collection of an organisation's dispense details (patient and
// prescription references): kept by that organisation and the regulator only, so no other
// party, another dispenser included, can link two dispenses to one patient. Its members are
// also the only endorsers a dispense's private half (unit:PrepareDispense) may have, and the
// organisation's own peer alone endorses writes to it.
func DispenseCollection(msp string) Collection {
	return Collection{Name: model.DispenseCollectionOf(model.DispenseCollection, msp),
		Members: []string{msp, Regulator}, Writer: msp, BlockToLive: DispenseBlockToLive}
}

// Collections are the chaincode's private data collections: one per dispenser.
func Collections() []Collection {
	var out []Collection
	for _, o := range Dispensers() {
		out = append(out, DispenseCollection(o.MSPID))
	}
	return out
}
