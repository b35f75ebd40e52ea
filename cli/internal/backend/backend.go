// Package backend opens the ledger a CLI command plays on: a development ledger (the embedded
// engine, in a temporary directory unless one is named) or the Fabric network of
// `udi network up`, with one identity per organisation.
package backend

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/udiledger/udiledger/chaincode/orgs"
	"github.com/udiledger/udiledger/cli/demo"
	"github.com/udiledger/udiledger/gateway/ledger"
	"github.com/udiledger/udiledger/gateway/ledger/devledger"
	"github.com/udiledger/udiledger/gateway/ledger/fabric"
	"github.com/udiledger/udiledger/gateway/server"
	"github.com/udiledger/udiledger/network/fabricca"
	"github.com/udiledger/udiledger/network/fabricca/caclient"
	"github.com/udiledger/udiledger/network/fabricnet"
)

// The backends.
const (
	Embedded = "embedded"
	Fabric   = "fabric"
)

// Options say which ledger to open.
type Options struct {
	Backend string // Embedded (default) or Fabric
	// DataDir keeps the embedded ledger there; empty means a temporary directory, removed by
	// Close, written without fsync (nothing in it outlives the run).
	DataDir string
	// TempPrefix names the temporary directory ("udi-demo-").
	TempPrefix string
	// Durable syncs a temporary ledger's commits to disk too, as a kept one is (benchmarks
	// measure what users run).
	Durable bool
	// RunDir is the Fabric network's run directory; empty means network/run of the module.
	RunDir string
	// Log receives one line saying what was opened.
	Log io.Writer
}

// Backend is an open ledger.
type Backend struct {
	Client ledger.Client
	Actors demo.Actors
	// Dev is the development ledger (embedded only).
	Dev *devledger.Ledger
	// Dir is the embedded ledger's directory; NoSync says whether its commits skip fsync.
	Dir    string
	NoSync bool
	// Network is the Fabric network and RunDir its directory (Fabric only).
	Network *fabricnet.Network
	RunDir  string

	close func()
}

// Close closes the client and removes a temporary ledger.
func (b *Backend) Close() {
	if b.close != nil {
		b.close()
	}
}

// Open opens the backend o names.
func Open(ctx context.Context, o Options) (*Backend, error) {
	if o.Log == nil {
		o.Log = io.Discard
	}
	switch o.Backend {
	case Fabric:
		return openFabric(ctx, o)
	case Embedded, "":
		return openEmbedded(o)
	}
	return nil, fmt.Errorf("unknown backend %q: want embedded or fabric", o.Backend)
}

func openEmbedded(o Options) (*Backend, error) {
	dir, cleanup := o.DataDir, func() {}
	if dir == "" {
		prefix := o.TempPrefix
		if prefix == "" {
			prefix = "udi-"
		}
		tmp, err := os.MkdirTemp("", prefix)
		if err != nil {
			return nil, err
		}
		dir, cleanup = tmp, func() { _ = os.RemoveAll(tmp) }
	}
	noSync := o.DataDir == "" && !o.Durable
	l, err := devledger.Open(dir, devledger.Options{NoSync: noSync})
	if err != nil {
		cleanup()
		return nil, err
	}
	actors, err := demo.ActorsOf(func(o orgs.Org) (*ledger.Identity, error) { return l.Admin(o.MSPID) })
	if err != nil {
		_ = l.Close()
		cleanup()
		return nil, err
	}
	fmt.Fprintf(o.Log, "embedded ledger in %s\n", dir)
	return &Backend{Client: l, Actors: actors, Dev: l, Dir: dir, NoSync: noSync, close: func() { _ = l.Close(); cleanup() }}, nil
}

// openFabric connects to the network of `udi network up`. Each organisation acts through a
// person enrolled at its Fabric CA with the organisation's role ("demo-<role>", kept in the
// network's wallet and reused by later runs).
func openFabric(ctx context.Context, o Options) (*Backend, error) {
	runDir := o.RunDir
	if runDir == "" {
		root, err := fabricnet.FindModuleRoot("")
		if err != nil {
			return nil, err
		}
		runDir = filepath.Join(root, "network", "run")
	}
	n, err := fabricnet.Load(runDir)
	if err != nil {
		return nil, fmt.Errorf("no Fabric network in %s (run 'udi network up' first): %w", runDir, err)
	}
	cas, err := fabricca.Load(runDir)
	if err != nil {
		return nil, fmt.Errorf("the network in %s has no certificate authorities (bring it up again with 'udi network up'): %w", runDir, err)
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
		return nil, err
	}
	cfg, err := n.ClientConfig()
	if err != nil {
		return nil, err
	}
	cfg.EventsIdentity = actors.Regulator
	client, err := fabric.New(cfg)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(o.Log, "Fabric network %s, channel %s\n", runDir, n.Channel)
	return &Backend{Client: client, Actors: actors, Network: n, RunDir: runDir, close: func() { _ = client.Close() }}, nil
}

// Loopback serves the backend through a REST gateway on a loopback port, with an API key for
// each of the five organisations, and logs its address. The caller closes it.
func (b *Backend) Loopback(log io.Writer) (*server.Loopback, error) {
	a := b.Actors
	gw, err := server.StartLoopback(b.Client, a.Regulator, a.Manufacturer, a.Distributor, a.Platform, a.Hospital)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(log, "gateway %s\n", gw.URL)
	return gw, nil
}
