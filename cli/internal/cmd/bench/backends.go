package bench

import (
	"context"

	"github.com/udiledger/udiledger/cli/bench"
	"github.com/udiledger/udiledger/cli/internal/backend"
)

// addBackend gives env what only the backend has: the reference chaincode, the memory of its
// processes, profiles. The returned function releases them.
func addBackend(_ context.Context, _ *Options, _ *backend.Backend, env *bench.Env) (func(), error) {
	env.Memory = func() (map[string]float64, error) { return map[string]float64{"udi": bench.SelfRSSMB()}, nil }
	return func() {}, nil
}
