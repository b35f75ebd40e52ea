package fabricnet_test

import (
	"context"
	"fmt"
	"log"
	"os"

	"github.com/udiledger/udiledger/network/fabricnet"
)

// A test or tool brings the network up, reaches an organisation's peer with the paths in the
// returned description, and tears the network down.
func ExampleUp() {
	ctx := context.Background()
	root, err := fabricnet.FindModuleRoot("")
	if err != nil {
		log.Fatal(err)
	}
	bins, err := fabricnet.EnsureBinaries(ctx, root, os.Stderr)
	if err != nil {
		log.Fatal(err)
	}
	cfg := fabricnet.Config{ModuleRoot: root, BinDir: bins.Fabric}
	n, err := fabricnet.Up(ctx, cfg, os.Stderr)
	if err != nil {
		log.Fatal(err)
	}
	defer func() {
		if err := fabricnet.Down(ctx, cfg, os.Stderr); err != nil {
			log.Print(err)
		}
	}()
	hospital, _ := n.Org("HospitalOrg")
	fmt.Println(hospital.Peer.Endpoint, hospital.TLSCACert, hospital.User.MSPDir)
}
