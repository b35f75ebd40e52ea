package contract

import (
	"testing"

	"github.com/udiledger/udiledger/gateway/ledger"
	"github.com/udiledger/udiledger/gateway/ledger/matrix"
	"github.com/udiledger/udiledger/gateway/ledger/scenario"
)

// TestTheReturnsScenario runs the backend-independent recall of a lot traced as units and as a
// quantity (ADR 031) on the embedded engine; the integration suite runs the same on Fabric.
func TestTheReturnsScenario(t *testing.T) {
	e := newEnv(t)
	e.seed()
	ids := map[string]*ledger.Identity{}
	for msp := range orgNames {
		ids[msp] = e.identity(msp)
	}
	scenario.Returns(t, matrix.World{Ledger: e.eng, Identities: ids, DI: deviceDI, Run: "E1"})
}
