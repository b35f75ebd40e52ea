package contract

import (
	"strings"
	"testing"

	"github.com/udiledger/udiledger/chaincode/model"
)

// A retried event ID returns the first result only to the organisation that recorded it:
// another organisation replaying the same body learns nothing of it.
func TestAReplayIsAnsweredOnlyToItsSubmitter(t *testing.T) {
	e := newEnv(t)
	e.seed()
	e.commission("c1", 1, 1)
	ship := model.ShipRequest{EventHeader: model.EventHeader{EventID: "ship-secret"}, To: dst, Codes: []string{deviceCode(1)}}
	e.must(nil, mfr, "unit:Ship", ship)

	_, err := e.submit(plt, "unit:Ship", ship)
	wantCode(t, err, model.CodeConflict)
	if strings.Contains(err.Error(), dst) || strings.Contains(err.Error(), "txId") {
		t.Fatalf("the refusal %q tells another organisation about the event", err)
	}
	var again model.EventResult
	e.must(&again, mfr, "unit:Ship", ship)
	if !again.Replayed {
		t.Fatalf("the submitter's retry %+v, want its first result", again)
	}
}
