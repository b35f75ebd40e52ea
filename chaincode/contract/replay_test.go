package contract

import (
	"strings"
	"testing"

	"github.com/udiledger/udiledger/chaincode/model"
)

// A retried event ID returns the first result only to the organisation that recorded it:
// another organisation sending the same body makes its own request (event IDs are per
// submitter, ADR 015), judged on its own merits, and learns nothing of the first.
func TestAReplayIsAnsweredOnlyToItsSubmitter(t *testing.T) {
	e := newEnv(t)
	e.seed()
	e.commission("c1", 1, 1)
	ship := model.ShipRequest{EventHeader: model.EventHeader{EventID: "ship-secret"}, To: dst, Codes: []string{deviceCode(1)}}
	var first model.EventResult
	e.must(&first, mfr, "unit:Ship", ship)

	b, err := e.submit(plt, "unit:Ship", ship)
	wantCode(t, err, model.CodeForbidden) // the platform holds nothing to ship
	if strings.Contains(err.Error(), dst) || strings.Contains(err.Error(), first.TxID) || strings.Contains(string(b), first.TxID) {
		t.Fatalf("the refusal %q tells another organisation about the event", err)
	}
	var again model.EventResult
	e.must(&again, mfr, "unit:Ship", ship)
	if !again.Replayed || again.TxID != first.TxID {
		t.Fatalf("the submitter's retry %+v, want its first result %+v", again, first)
	}
}
