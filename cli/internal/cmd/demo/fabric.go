package demo

import (
	"context"
	"fmt"
	"path/filepath"

	"github.com/udiledger/udiledger/chaincode/orgs"
	"github.com/udiledger/udiledger/cli/demo"
	"github.com/udiledger/udiledger/gateway/ledger"
	"github.com/udiledger/udiledger/gateway/ledger/fabric"
	"github.com/udiledger/udiledger/network/fabricca"
	"github.com/udiledger/udiledger/network/fabricca/caclient"
	"github.com/udiledger/udiledger/network/fabricnet"
)

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
	person := func(o orgs.Org) (*ledger.Identity, error) {
		ca, ok := fabricca.Find(cas, o.MSPID)
		if !ok {
			return nil, fmt.Errorf("no CA of %s in %s", o.MSPID, runDir)
		}
		c, err := caclient.New(ca, filepath.Join(runDir, "wallet"))
		if err != nil {
			return nil, err
		}
		defer c.Close()
		return c.Person(ctx, "demo-"+string(o.Role), o.Role)
	}
	actors, err := demo.ActorsOf(person)
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
