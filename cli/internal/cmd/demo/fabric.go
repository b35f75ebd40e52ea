package demo

import (
	"context"
	"fmt"

	"github.com/udiledger/udiledger/gateway/demo"
	"github.com/udiledger/udiledger/gateway/ledger"
	"github.com/udiledger/udiledger/gateway/ledger/fabric"
	"github.com/udiledger/udiledger/network/fabricnet"
)

// connectFabric connects to the network of `udi network up` as each organisation's admin.
func connectFabric(_ context.Context, o *Options) (ledger.Client, demo.Actors, func(), error) {
	runDir := o.RunDir
	if runDir == "" {
		root, err := fabricnet.FindModuleRoot("")
		if err != nil {
			return nil, demo.Actors{}, nil, err
		}
		runDir = root + "/network/run"
	}
	n, err := fabricnet.Load(runDir)
	if err != nil {
		return nil, demo.Actors{}, nil, fmt.Errorf("no Fabric network in %s (run 'udi network up' first): %w", runDir, err)
	}
	cfg, err := n.ClientConfig()
	if err != nil {
		return nil, demo.Actors{}, nil, err
	}
	actors, err := demoActors(n.AdminIdentity)
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
