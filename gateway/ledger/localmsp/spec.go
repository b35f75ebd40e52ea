// Package localmsp creates and keeps the local organisations of a development ledger: per
// organisation an ECDSA P-256 certificate authority, and users whose X.509 certificates carry
// Fabric CA style attributes. It also checks identities against those authorities, as a Fabric
// MSP does.
package localmsp

// OrgSpec describes one organisation to create.
type OrgSpec struct {
	Name  string // e.g. "ManufacturerOrg"; also the directory name
	MSPID string // e.g. "ManufacturerOrgMSP"
	Users []UserSpec
}

// UserSpec describes one user of an organisation.
type UserSpec struct {
	Name  string            // e.g. "admin"
	Attrs map[string]string // Fabric CA attributes written into the certificate, e.g. role
}

// DefaultOrgs are the organisations of development mode, each with an admin whose role
// attribute names the organisation's role.
func DefaultOrgs() []OrgSpec {
	org := func(name, role string) OrgSpec {
		return OrgSpec{
			Name:  name,
			MSPID: name + "MSP",
			Users: []UserSpec{{Name: "admin", Attrs: map[string]string{"role": role}}},
		}
	}
	return []OrgSpec{
		org("ManufacturerOrg", "manufacturer"),
		org("DistributorOrg", "distributor"),
		org("PlatformOrg", "platform"),
		org("HospitalOrg", "hospital"),
		org("RegulatorOrg", "regulator"),
	}
}
