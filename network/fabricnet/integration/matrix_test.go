package integration

import (
	"fmt"
	"testing"
	"time"

	"github.com/udiledger/udiledger/gateway/ledger/matrix"
)

// authorisationMatrix runs ADR 012's matrix, every write and every read as every
// organisation, on the network: the same table the embedded engine is held to
// (chaincode/contract TestTheAuthorisationMatrix).
func (s *suite) authorisationMatrix(t *testing.T) {
	matrix.Check(t, matrix.World{Ledger: s.client, Identities: s.ids, DI: fixtureGTIN,
		Run: fmt.Sprintf("F%d", time.Now().Unix()%1_000_000)})
}
