package embedded_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/udiledger/udiledger/gateway/ledger"
	"github.com/udiledger/udiledger/gateway/ledger/embedded"
	"github.com/udiledger/udiledger/gateway/ledger/localmsp"
)

func TestTransactionContext(t *testing.T) {
	clock := newClock()
	f := newFixture(t, func(c *embedded.Config) { c.Clock = clock.now })
	r := f.mustSubmit(regulator, "Whoami")
	want := strings.Join([]string{"RegulatorOrgMSP", "regulator", r.TxID, "udi", strconv.FormatInt(clock.now().UnixNano(), 10)}, "|")
	if got := string(r.Payload); got != want {
		t.Fatalf("context = %s, want %s (MSP ID, role attribute, tx ID, channel, proposal time)", got, want)
	}
	t.Run("the arguments are the function and its arguments, never the transient map", func(t *testing.T) {
		got, err := f.engine.Evaluate(context.Background(), ledger.Proposal{
			Identity: f.id(manufacturer), Function: "asset:Args", Args: []string{"x"},
			Transient: map[string][]byte{"secret": []byte("hidden")},
		})
		if err != nil || string(got) != "asset:Args,x" {
			t.Fatalf("args = %q, %v", got, err)
		}
	})
}

func TestCreatorMustBelongToAKnownOrganisation(t *testing.T) {
	f := newFixture(t)
	stranger, err := localmsp.Open(t.TempDir(), localmsp.DefaultOrgs())
	if err != nil {
		t.Fatal(err)
	}
	foreign, err := stranger.Identity(manufacturer)
	if err != nil {
		t.Fatal(err)
	}
	own := f.id(manufacturer)
	wrongMSP := *own
	wrongMSP.MSPID = "RegulatorOrgMSP"
	wrongKey := *own
	wrongKey.PrivateKey = f.id(regulator).PrivateKey
	unknown := *own
	unknown.MSPID = "NobodyMSP"
	tests := []struct {
		name string
		id   *ledger.Identity
		want string
	}{
		{name: "a certificate from another CA is rejected", id: foreign, want: "not valid for MSP"},
		{name: "a certificate claimed by another organisation's MSP is rejected", id: &wrongMSP, want: "not valid for MSP RegulatorOrgMSP"},
		{name: "an unknown MSP is rejected", id: &unknown, want: "MSP NobodyMSP is unknown"},
		{name: "a proposal signed with another key is rejected", id: &wrongKey, want: "signature does not verify"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			_, err := f.engine.Submit(ctx, ledger.Proposal{Identity: tt.id, Function: "asset:Put", Args: []string{"k", "v"}})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
		})
	}
}
