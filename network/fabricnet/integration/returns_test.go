package integration

import (
	"fmt"
	"testing"
	"time"

	"github.com/udiledger/udiledger/gateway/ledger/matrix"
	"github.com/udiledger/udiledger/gateway/ledger/scenario"
)

// returns runs ADR 031's recall of a lot traced as units and as a quantity (returns confirmed
// by the firm's receipt, a re-work, destructions, 100 %) on the network: the same scenario the
// embedded engine runs (chaincode/contract TestTheReturnsScenario).
func (s *suite) returns(t *testing.T) {
	scenario.Returns(t, matrix.World{Ledger: s.client, Identities: s.ids, DI: fixtureGTIN,
		Run: fmt.Sprintf("R%d", time.Now().Unix()%1_000_000)})
}
