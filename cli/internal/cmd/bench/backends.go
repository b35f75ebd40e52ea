package bench

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"runtime/pprof"
	"sync"
	"time"

	"github.com/udiledger/udiledger/chaincode/orgs"
	"github.com/udiledger/udiledger/chaincode/reference"
	"github.com/udiledger/udiledger/cli/bench"
	"github.com/udiledger/udiledger/cli/internal/backend"
	"github.com/udiledger/udiledger/gateway/ledger"
	"github.com/udiledger/udiledger/gateway/ledger/embedded"
	"github.com/udiledger/udiledger/gateway/ledger/fabric"
	"github.com/udiledger/udiledger/network/fabricnet"
)

// addBackend gives env what only the backend has: the reference chaincode, the memory of its
// processes, profiles. The returned function releases them.
func addBackend(ctx context.Context, o *Options, b *backend.Backend, env *bench.Env) (func(), error) {
	if b.Network != nil {
		return addFabric(ctx, o, b, env)
	}
	ref, err := openReference(b)
	if err != nil {
		return nil, err
	}
	env.Reference = put(ref)
	env.Memory = func() (map[string]float64, error) { return map[string]float64{"udi": bench.SelfRSSMB()}, nil }
	if o.PProf != "" {
		env.Profiled = func(ctx context.Context, d time.Duration) {
			if err := profileSelf(ctx, filepath.Join(o.PProf, "cpu-udi-embedded.pprof"), d); err != nil {
				fmt.Fprintf(o.IO.ErrOut, "profile: %v\n", err)
			}
		}
	}
	return func() { _ = ref.Close() }, nil
}

// openReference runs the reference chaincode on a second embedded engine beside the ledger,
// with the same organisations and the same durability.
func openReference(b *backend.Backend) (*embedded.Engine, error) {
	cc, err := reference.New()
	if err != nil {
		return nil, err
	}
	return embedded.Open(filepath.Join(b.Dir, "reference"), cc, embedded.Config{
		ChaincodeName: fabricnet.ReferenceChaincode, MSPs: b.Dev.Store.MSPs(), NoSync: b.NoSync})
}

// put is one blind write on the reference chaincode of client.
func put(client ledger.Client) func(ctx context.Context, id *ledger.Identity, key, value string) error {
	return func(ctx context.Context, id *ledger.Identity, key, value string) error {
		_, err := client.Submit(ctx, ledger.Proposal{Identity: id, Function: reference.Put, Args: []string{key, value}})
		return err
	}
}

// addFabric deploys the reference chaincode beside ours (once per network) and reads the
// memory and profiles of the network's processes.
func addFabric(ctx context.Context, o *Options, b *backend.Backend, env *bench.Env) (func(), error) {
	root, err := fabricnet.FindModuleRoot("")
	if err != nil {
		return nil, fmt.Errorf("the reference chaincode is built from the udiledger repository: %w", err)
	}
	bins, err := fabricnet.EnsureBinaries(ctx, root, o.IO.ErrOut)
	if err != nil {
		return nil, err
	}
	fmt.Fprintln(o.IO.ErrOut, "reference chaincode …")
	if _, err := fabricnet.DeployReference(ctx, fabricnet.Config{RunDir: b.RunDir, ModuleRoot: root, BinDir: bins.Fabric, CABinDir: bins.FabricCA}, o.IO.ErrOut); err != nil {
		return nil, err
	}
	n, err := fabricnet.Load(b.RunDir)
	if err != nil {
		return nil, err
	}
	cfg, err := n.ReferenceClientConfig()
	if err != nil {
		return nil, err
	}
	ref, err := fabric.New(cfg)
	if err != nil {
		return nil, err
	}
	env.Reference = put(ref)
	env.Memory = func() (map[string]float64, error) {
		ps, err := n.Processes()
		if err != nil {
			return nil, err
		}
		m := map[string]float64{"udi": bench.SelfRSSMB()}
		for _, p := range ps {
			m[p.Kind] = max(m[p.Kind], float64(p.RSSKiB)/1024)
		}
		return m, nil
	}
	if o.PProf != "" {
		env.Profiled = func(ctx context.Context, d time.Duration) { profileNetwork(ctx, n, o.PProf, d, o.IO.ErrOut) }
	}
	return func() { _ = ref.Close() }, nil
}

// profileNetwork takes CPU profiles over d of the processes that serve the manufacturer's
// scans (its peer, which always endorses them, and its chaincode server) and of the
// orderers, plus this process.
func profileNetwork(ctx context.Context, n *fabricnet.Network, dir string, d time.Duration, log io.Writer) {
	ps, err := n.Processes()
	if err != nil {
		fmt.Fprintf(log, "profile: %v\n", err)
		return
	}
	var wg sync.WaitGroup
	for _, p := range ps {
		if p.Profile == "" || (p.Kind != fabricnet.KindOrderer && p.Org != orgs.Manufacturer) {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := fetchProfile(ctx, p.Profile, filepath.Join(dir, "cpu-"+p.Name+".pprof"), d); err != nil {
				fmt.Fprintf(log, "profile of %s: %v\n", p.Name, err)
			}
		}()
	}
	if err := profileSelf(ctx, filepath.Join(dir, "cpu-udi-fabric.pprof"), d); err != nil {
		fmt.Fprintf(log, "profile: %v\n", err)
	}
	wg.Wait()
}

// fetchProfile saves the CPU profile a process serves at addr (Go's /debug/pprof/profile).
func fetchProfile(ctx context.Context, addr, path string, d time.Duration) error {
	url := fmt.Sprintf("http://%s/debug/pprof/profile?seconds=%d", addr, max(1, int(d.Seconds())))
	req, err := http.NewRequestWithContext(context.WithoutCancel(ctx), http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	res, err := http.DefaultClient.Do(req) // #nosec G107 -- a loopback address the network saved
	if err != nil {
		return err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("%s: %s", url, res.Status)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return err
	}
	f, err := os.Create(path) // #nosec G304 -- under the directory the user named
	if err != nil {
		return err
	}
	if _, err := f.ReadFrom(res.Body); err != nil {
		_ = f.Close()
		return err
	}
	return f.Close()
}

// profileSelf writes this process's CPU profile over d into path.
func profileSelf(ctx context.Context, path string, d time.Duration) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return err
	}
	f, err := os.Create(path) // #nosec G304 -- under the directory the user named
	if err != nil {
		return err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		_ = f.Close()
		return err
	}
	select {
	case <-ctx.Done():
	case <-time.After(d):
	}
	pprof.StopCPUProfile()
	return f.Close()
}
