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
	"github.com/udiledger/udiledger/gateway/ledger"
	"github.com/udiledger/udiledger/gateway/ledger/devledger"
	"github.com/udiledger/udiledger/gateway/ledger/embedded"
	"github.com/udiledger/udiledger/gateway/ledger/fabric"
	"github.com/udiledger/udiledger/network/fabricnet"
)

// OnEmbedded completes env for the development ledger l in dir: the reference chaincode on a
// second engine beside it (same organisations, same durability), this process's memory, and
// its CPU profile into pprofDir when set. close releases the reference engine.
func OnEmbedded(env *Env, l *devledger.Ledger, dir string, noSync bool, pprofDir string, log io.Writer) (closeFn func(), err error) {
	cc, err := reference.New()
	if err != nil {
		return nil, err
	}
	ref, err := embedded.Open(filepath.Join(dir, "reference"), cc, embedded.Config{
		ChaincodeName: fabricnet.ReferenceChaincode, MSPs: l.Store.MSPs(), NoSync: noSync})
	if err != nil {
		return nil, err
	}
	env.Reference = put(ref)
	env.Memory = func() (map[string]float64, error) { return SelfMemory(), nil }
	if pprofDir != "" {
		env.Profiled = func(ctx context.Context, d time.Duration) {
			if err := profileSelf(ctx, filepath.Join(pprofDir, "cpu-udi-embedded.pprof"), d); err != nil {
				fmt.Fprintf(log, "profile: %v\n", err)
			}
		}
	}
	return func() { _ = ref.Close() }, nil
}

// OnFabric completes env for the Fabric network cfg describes: the reference chaincode
// deployed beside ours (once per network), the memory of every kind of the network's
// processes, and CPU profiles of those serving the scans into pprofDir when set. close
// releases the reference's client.
func OnFabric(ctx context.Context, env *Env, cfg fabricnet.Config, pprofDir string, log io.Writer) (closeFn func(), err error) {
	fmt.Fprintln(log, "reference chaincode …")
	if _, err := fabricnet.DeployReference(ctx, cfg, log); err != nil {
		return nil, err
	}
	n, err := fabricnet.Load(cfg.RunDir)
	if err != nil {
		return nil, err
	}
	ccfg, err := n.ReferenceClientConfig()
	if err != nil {
		return nil, err
	}
	ref, err := fabric.New(ccfg)
	if err != nil {
		return nil, err
	}
	env.Reference = put(ref)
	env.Memory = func() (map[string]float64, error) {
		ps, err := n.Processes()
		if err != nil {
			return nil, err
		}
		m := SelfMemory()
		for _, p := range ps {
			m[p.Kind] = max(m[p.Kind], round(float64(p.RSSKiB)/1024, 1))
		}
		return m, nil
	}
	if pprofDir != "" {
		env.Profiled = func(ctx context.Context, d time.Duration) { profileNetwork(ctx, n, pprofDir, d, log) }
	}
	return func() { _ = ref.Close() }, nil
}

// put is one blind write on the reference chaincode of client.
func put(client ledger.Client) func(ctx context.Context, id *ledger.Identity, key, value string) error {
	return func(ctx context.Context, id *ledger.Identity, key, value string) error {
		_, err := client.Submit(ctx, ledger.Proposal{Identity: id, Function: reference.Put, Args: []string{key, value}})
		return err
	}
}

// profileNetwork takes CPU profiles over d of the processes that serve the manufacturer's
// scans (its peer, which endorses each of them, and its chaincode servers), of the orderers,
// and of this process.
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
	f, err := create(path)
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
	f, err := create(path)
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

// create creates path and its directory.
func create(path string) (*os.File, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return nil, err
	}
	return os.Create(path) // #nosec G304 -- under the directory the user named
}
