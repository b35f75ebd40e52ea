package demo

import (
	"context"
	"fmt"
	"path/filepath"

	"github.com/udiledger/udiledger/chaincode/model"
	"github.com/udiledger/udiledger/gateway/demo"
	"github.com/udiledger/udiledger/gateway/identity"
	"github.com/udiledger/udiledger/gateway/ledger"
	"github.com/udiledger/udiledger/gateway/ledger/devledger"
	"github.com/udiledger/udiledger/gateway/ledger/fabric"
	"github.com/udiledger/udiledger/network/fabricca"
	"github.com/udiledger/udiledger/network/fabricnet"
)

// demoRoles is the role each demo organisation's person acts in.
var demoRoles = map[string]model.Role{
	devledger.Regulator: model.RoleRegulator, devledger.Manufacturer: model.RoleManufacturer,
	devledger.Distributor: model.RoleDistributor, devledger.Platform: model.RolePlatform, devledger.Hospital: model.RoleHospital,
}

// connectFabric connects to the network of `udi network up`. Each organisation acts through
// a person enrolled at its Fabric CA with the organisation's role ("demo-<role>", kept in the
// network's wallet and reused by later runs).
func connectFabric(ctx context.Context, o *Options) (ledger.Client, demo.Actors, func(), error) {
	runDir := o.RunDir
	if runDir == "" {
		root, err := fabricnet.FindModuleRoot("")
		if err != nil {
			return nil, demo.Actors{}, nil, err
		}
		runDir = filepath.Join(root, "network", "run")
	}
	n, err := fabricnet.Load(runDir)
	if err != nil {
		return nil, demo.Actors{}, nil, fmt.Errorf("no Fabric network in %s (run 'udi network up' first): %w", runDir, err)
	}
	cas, err := fabricca.Load(runDir)
	if err != nil {
		return nil, demo.Actors{}, nil, fmt.Errorf("the network in %s has no certificate authorities (bring it up again with 'udi network up'): %w", runDir, err)
	}
	person := func(msp string) (*ledger.Identity, error) {
		ca, ok := fabricca.Find(cas, msp)
		if !ok {
			return nil, fmt.Errorf("no CA of %s in %s", msp, runDir)
		}
		c, err := identity.ForLocalCA(ca, filepath.Join(runDir, "wallet"))
		if err != nil {
			return nil, err
		}
		defer c.Close()
		role := demoRoles[msp]
		return c.Person(ctx, "demo-"+string(role), role)
	}
	actors, err := demoActors(person)
	if err != nil {
		return nil, demo.Actors{}, nil, err
	}
	cfg, err := n.ClientConfig()
	if err != nil {
		return nil, demo.Actors{}, nil, err
	}
	cfg.EventsIdentity = actors.Regulator
	client, err := fabric.New(cfg)
	if err != nil {
		return nil, demo.Actors{}, nil, err
	}
	fmt.Fprintf(o.IO.ErrOut, "Fabric network %s, channel %s\n", runDir, n.Channel)
	return client, actors, func() { _ = client.Close() }, nil
}
