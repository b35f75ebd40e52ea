package embedded_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/udiledger/udiledger/gateway/ledger"
	"github.com/udiledger/udiledger/gateway/ledger/embedded"
	"github.com/udiledger/udiledger/gateway/ledger/localmsp"
)

func Example() {
	dir, _ := os.MkdirTemp("", "udi-example")
	defer os.RemoveAll(dir)

	// Organisations and users are created on first start and read back afterwards.
	orgs, err := localmsp.Open(filepath.Join(dir, "msp"), localmsp.DefaultOrgs())
	if err != nil {
		fmt.Println(err)
		return
	}
	// The chaincode object is the one the peer would run (here a test contract).
	engine, err := embedded.Open(filepath.Join(dir, "ledger"), newTestChaincode(), embedded.Config{MSPs: orgs.MSPs()})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer engine.Close()

	maker, _ := orgs.Identity("ManufacturerOrg/admin")
	ctx := context.Background()
	res, err := engine.Submit(ctx, ledger.Proposal{Identity: maker, Function: "asset:Create", Args: []string{"unit1", "acme"}})
	if err != nil {
		fmt.Println(err)
		return
	}
	owner, _ := engine.Evaluate(ctx, ledger.Proposal{Identity: maker, Function: "asset:Get", Args: []string{"unit1"}})
	fmt.Println("committed in block", res.BlockNumber, "owner", string(owner))

	_, err = engine.Submit(ctx, ledger.Proposal{Identity: maker, Function: "asset:Create", Args: []string{"unit1", "acme"}})
	fmt.Println(err)
	// Output:
	// committed in block 1 owner acme
	// CONFLICT: asset unit1 exists
}
