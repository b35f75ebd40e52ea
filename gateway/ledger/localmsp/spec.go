// Package localmsp creates and keeps the local organisations of a development ledger: per
// organisation an ECDSA P-256 certificate authority, and users whose X.509 certificates carry
// Fabric CA style attributes. It also checks identities against those authorities, as a Fabric
// MSP does.
package localmsp

import "github.com/udiledger/udiledger/chaincode/orgs"

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

// DefaultOrgs are the organisations of development mode (chaincode/orgs), each with an admin
// whose role attribute names the organisation's role.
func DefaultOrgs() []OrgSpec {
	var out []OrgSpec
	for _, o := range orgs.All() {
		out = append(out, OrgSpec{
			Name:  o.Name,
			MSPID: o.MSPID,
			Users: []UserSpec{{Name: "admin", Attrs: map[string]string{"role": string(o.Role)}}},
		})
	}
	return out
}
