package orgs_test

import (
	"testing"

	"github.com/udiledger/udiledger/chaincode/identifier"
	"github.com/udiledger/udiledger/chaincode/orgs"
)

func TestTheOrganisationsAreConsistent(t *testing.T) {
	seen := map[string]bool{}
	for _, o := range orgs.All() {
		if o.MSPID != o.Name+"MSP" {
			t.Errorf("%s: MSP ID %s is not the name + MSP", o.Name, o.MSPID)
		}
		if !o.Role.Valid() {
			t.Errorf("%s: role %q", o.Name, o.Role)
		}
		if seen[string(o.Role)] {
			t.Errorf("%s: a second %s", o.Name, o.Role)
		}
		seen[string(o.Role)] = true
		if o.GLN != "" {
			if err := identifier.ValidateGLN(o.GLN); err != nil {
				t.Errorf("%s: GLN %s: %v", o.Name, o.GLN, err)
			}
		}
		if got, ok := orgs.Find(o.MSPID); !ok || got.Name != o.Name {
			t.Errorf("Find(%s) = %v, %v", o.MSPID, got.Name, ok)
		}
		if got, ok := orgs.Find(o.Name); !ok || got.MSPID != o.MSPID {
			t.Errorf("Find(%s) = %v, %v", o.Name, got.MSPID, ok)
		}
	}
	if _, ok := orgs.Find("NobodyMSP"); ok {
		t.Error("Find found an organisation that does not exist")
	}
	for _, c := range orgs.Collections() {
		for _, m := range c.Members {
			if _, ok := orgs.Find(m); !ok {
				t.Errorf("collection %s: member %s is no organisation", c.Name, m)
			}
		}
	}
}
