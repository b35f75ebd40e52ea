package contract

import (
	"testing"

	"github.com/udiledger/udiledger/gateway/ledger"
	"github.com/udiledger/udiledger/gateway/ledger/matrix"
)

// TestTheAuthorisationMatrix runs ADR 012's matrix (every write and every read as every
// organisation) on the embedded engine; the integration suite runs the same on Fabric.
func TestTheAuthorisationMatrix(t *testing.T) {
	e := newEnv(t)
	e.seed()
	ids := map[string]*ledger.Identity{}
	for msp := range orgNames {
		ids[msp] = e.identity(msp)
	}
	matrix.Check(t, matrix.World{Ledger: e.eng, Identities: ids, DI: deviceDI, Run: "E1"})
}
