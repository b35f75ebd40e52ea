package contract

import (
	"testing"

	"github.com/udiledger/udiledger/chaincode/model"
)

// A container code lies under a GS1 company prefix (or a drug product code) like any unit's:
// nobody creates a pallet or a case under another company's prefix.
func TestContainersFollowPrefixOwnership(t *testing.T) {
	e := newEnv(t)
	e.seed()
	e.commission("c1", 1, 2)
	e.shipAndReceive("s1", mfr, dst, deviceCode(1))

	tests := []struct {
		name   string
		msp    string
		parent string
		child  string
		want   model.Code
	}{
		{"a distributor cannot create a pallet under the manufacturer's prefix", dst, sscc("06901234000000077"), deviceCode(1), model.CodeForbidden},
		{"a distributor cannot create a case under the manufacturer's prefix", dst, caseCode(77), deviceCode(1), model.CodeForbidden},
		{"a distributor may create a pallet under a prefix nobody registered", dst, sscc("09999999000000001"), deviceCode(1), ""},
		{"the manufacturer creates pallets under its own prefix", mfr, sscc("06901234000000078"), deviceCode(2), ""},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := e.submit(tt.msp, "unit:Pack", model.PackRequest{EventHeader: model.EventHeader{EventID: "p" + string(rune('a'+i))},
				Parent: tt.parent, Children: []string{tt.child}})
			if model.CodeOf(err) != tt.want {
				t.Fatalf("pack into %s as %s: %v, want %q", tt.parent, tt.msp, err, tt.want)
			}
		})
	}
}
