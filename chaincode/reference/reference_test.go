package reference

import (
	"context"
	"testing"

	"github.com/udiledger/udiledger/gateway/ledger"
	"github.com/udiledger/udiledger/gateway/ledger/embedded"
	"github.com/udiledger/udiledger/gateway/ledger/localmsp"
)

func TestPutThenGetOnTheEmbeddedLedger(t *testing.T) {
	cc, err := New()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	store, err := localmsp.Open(dir+"/msp", []localmsp.OrgSpec{{Name: "Org1", MSPID: "Org1MSP", Users: []localmsp.UserSpec{{Name: "admin"}}}})
	if err != nil {
		t.Fatal(err)
	}
	id, err := store.Identity("Org1/admin")
	if err != nil {
		t.Fatal(err)
	}
	eng, err := embedded.Open(dir+"/ledger", cc, embedded.Config{ChaincodeName: "udi-reference", MSPs: store.MSPs(), NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = eng.Close() })
	ctx := context.Background()

	if _, err := eng.Evaluate(ctx, ledger.Proposal{Identity: id, Function: "reference:Get", Args: []string{"k1"}}); err == nil {
		t.Fatal("Get of a key never put succeeded")
	}
	for _, v := range []string{"first", "second"} {
		if _, err := eng.Submit(ctx, ledger.Proposal{Identity: id, Function: "reference:Put", Args: []string{"k1", v}}); err != nil {
			t.Fatalf("Put %s: %v", v, err)
		}
		got, err := eng.Evaluate(ctx, ledger.Proposal{Identity: id, Function: "reference:Get", Args: []string{"k1"}})
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != v {
			t.Fatalf("Get = %q, want %q", got, v)
		}
	}
}

func TestOnlyGetIsAnEvaluate(t *testing.T) {
	r := Reference{}
	if got := r.GetEvaluateTransactions(); len(got) != 1 || got[0] != "Get" {
		t.Fatalf("evaluate transactions %v", got)
	}
}
