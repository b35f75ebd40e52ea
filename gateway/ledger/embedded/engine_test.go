package embedded_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/udiledger/udiledger/gateway/ledger"
)

func TestSubmitThenEvaluate(t *testing.T) {
	f := newFixture(t)
	r := f.mustSubmit(manufacturer, "Create", "a1", "acme")
	if r.TxID == "" || r.BlockNumber == 0 {
		t.Fatalf("result = %+v, want a tx ID and a block after the config block", r)
	}
	if got := f.mustEvaluate(manufacturer, "Get", "a1"); got != "acme" {
		t.Fatalf("Get = %q, want acme", got)
	}
}

func TestChaincodeErrorKeepsMessage(t *testing.T) {
	f := newFixture(t)
	f.mustSubmit(manufacturer, "Create", "a1", "acme")
	_, err := f.submit(manufacturer, "Create", "a1", "acme")
	var ce *ledger.ChaincodeError
	if !errors.As(err, &ce) || ce.Message != "CONFLICT: asset a1 exists" {
		t.Fatalf("err = %v, want ChaincodeError with the chaincode's message", err)
	}
	if !strings.HasPrefix(err.Error(), "CONFLICT:") {
		t.Fatalf("err = %q", err)
	}
}
