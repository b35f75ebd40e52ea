package bench

import (
	"context"

	"github.com/udiledger/udiledger/cli/bench"
	"github.com/udiledger/udiledger/cli/internal/backend"
	"github.com/udiledger/udiledger/network/fabricnet"
)

// addBackend gives env what only the backend has (bench.OnEmbedded, bench.OnFabric). The
// returned function releases it.
func addBackend(ctx context.Context, o *Options, b *backend.Backend, env *bench.Env) (func(), error) {
	if b.Network == nil {
		return bench.OnEmbedded(env, b.Dev, b.Dir, b.NoSync, o.PProf, o.IO.ErrOut)
	}
	// The reference chaincode is built from the repository with the network's Fabric tools.
	root, err := fabricnet.FindModuleRoot("")
	if err != nil {
		return nil, err
	}
	bins, err := fabricnet.EnsureBinaries(ctx, root, o.IO.ErrOut)
	if err != nil {
		return nil, err
	}
	cfg := fabricnet.Config{RunDir: b.RunDir, ModuleRoot: root, BinDir: bins.Fabric, CABinDir: bins.FabricCA}
	return bench.OnFabric(ctx, env, cfg, o.PProf, o.IO.ErrOut)
}
