package fabric

import (
	"context"
	"slices"
	"testing"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

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

func TestPrivateInputsGoAheadWithoutAnUnreachableCoEndorser(t *testing.T) {
	c := fiveOrgClient(t)
	gone := func(orgs string) error {
		return c.explain(context.Background(), translate(status.Error(codes.Unavailable, "failed to find any endorsing peers for org(s): "+orgs)), "HospitalOrgMSP")
	}
	both := []string{"HospitalOrgMSP", "RegulatorOrgMSP"}
	tests := []struct {
		name   string
		err    error
		want   []string
		wantOK bool
	}{
		{"the regulator's peer down: the hospital alone", gone("RegulatorOrgMSP"), []string{"HospitalOrgMSP"}, true},
		{"the submitter's own peer down: no endorsement without it", gone("HospitalOrgMSP"), both, false},
		{"both down: the submitter is kept", gone("HospitalOrgMSP, RegulatorOrgMSP"), []string{"HospitalOrgMSP"}, true},
		{"a chaincode rejection: no one left out", &ledger.ChaincodeError{Message: "INVALID: no"}, both, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := withoutUnreachable(both, "HospitalOrgMSP", tt.err)
			if ok != tt.wantOK || !slices.Equal(got, tt.want) {
				t.Fatalf("withoutUnreachable = %v, %v; want %v, %v", got, ok, tt.want, tt.wantOK)
			}
		})
	}
}
