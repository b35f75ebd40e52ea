package fabric

import (
	"slices"
	"testing"

	"github.com/udiledger/udiledger/gateway/ledger"
)

func TestPrivateInputsAreEndorsedByTheSubmitterAndTheCoEndorsers(t *testing.T) {
	c, err := New(Config{ChannelID: "udi", ChaincodeName: "udi", PrivateEndorsers: []string{"RegulatorOrgMSP"},
		Peers: map[string]Peer{"HospitalOrgMSP": {}, "PlatformOrgMSP": {}, "RegulatorOrgMSP": {}, "ManufacturerOrgMSP": {}}})
	if err != nil {
		t.Fatal(err)
	}
	hsp := &ledger.Identity{MSPID: "HospitalOrgMSP"}
	private := map[string][]byte{"dispense": []byte("{}")}
	tests := []struct {
		name string
		p    ledger.Proposal
		want []string
	}{
		{"a dispense: the hospital and the regulator", ledger.Proposal{Identity: hsp, Transient: private},
			[]string{"HospitalOrgMSP", "RegulatorOrgMSP"}},
		{"the regulator's own private call: the regulator alone", ledger.Proposal{Identity: &ledger.Identity{MSPID: "RegulatorOrgMSP"}, Transient: private},
			[]string{"RegulatorOrgMSP"}},
		{"named endorsers win", ledger.Proposal{Identity: hsp, Transient: private, EndorsingOrgs: []string{"PlatformOrgMSP"}},
			[]string{"PlatformOrgMSP"}},
		{"no private inputs: the gateway plans", ledger.Proposal{Identity: hsp}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := c.endorsers(tt.p); !slices.Equal(got, tt.want) {
				t.Fatalf("endorsers %v, want %v", got, tt.want)
			}
		})
	}
}
