// Package fabricnettest brings a real Fabric network up for a test and tears it down after.
//
// A test that calls Start runs when the Fabric binaries are cached on the machine or when
// UDI_FABRIC_IT=1 (which builds them, a few minutes the first time); it is skipped with -short
// or when neither holds. Each package's tests take their own address prefix, so packages run
// by one `go test ./...` do not collide; runs that share a prefix take turns.
package fabricnettest

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/udiledger/udiledger/network/fabricnet"
	"github.com/udiledger/udiledger/network/internal/proc"
)

// Binaries returns the cached Fabric and Fabric CA binaries, builds them when UDI_FABRIC_IT=1,
// or skips the test (always with -short).
func Binaries(t testing.TB) fabricnet.Binaries {
	t.Helper()
	if testing.Short() {
		t.Skip("real Fabric: not with -short")
	}
	root, err := fabricnet.FindModuleRoot("")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	var bins fabricnet.Binaries
	if os.Getenv("UDI_FABRIC_IT") == "1" {
		bins, err = fabricnet.EnsureBinaries(ctx, root, LogWriter{t})
	} else {
		bins, err = fabricnet.CachedBinaries(ctx, root)
		if errors.Is(err, fabricnet.ErrNotBuilt) {
			t.Skip("fabric binaries not built: run network/scripts/build-fabric.sh or set UDI_FABRIC_IT=1")
		}
	}
	if err != nil {
		t.Fatal(err)
	}
	return bins
}

// Start brings a network up on the loopback addresses prefix.* (for example "127.0.101"; the
// default network of `udi network up` uses 127.0.0 and fabricnet's own test 127.0.100), lets
// configure adjust the configuration, and registers its teardown with t.Cleanup.
func Start(t testing.TB, prefix string, configure ...func(*fabricnet.Config)) (*fabricnet.Network, fabricnet.Config) {
	t.Helper()
	bins := Binaries(t)
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	root, err := fabricnet.FindModuleRoot("")
	if err != nil {
		t.Fatal(err)
	}

	unlock := lock(t, prefix)
	cfg := fabricnet.Config{
		ModuleRoot:      root,
		BinDir:          bins.Fabric,
		CABinDir:        bins.FabricCA,
		RunDir:          filepath.Join(t.TempDir(), "run"),
		StopWithProcess: true,
		AddressPrefix:   prefix,
	}
	for _, c := range configure {
		c(&cfg)
	}
	t.Cleanup(func() {
		defer unlock()
		if err := fabricnet.Down(context.Background(), cfg, LogWriter{t}); err != nil {
			t.Errorf("fabric network down: %v", err)
		}
	})
	start := time.Now()
	n, err := fabricnet.Up(ctx, cfg, LogWriter{t})
	if err != nil {
		t.Fatalf("fabric network up: %v", err)
	}
	t.Logf("fabric network up in %s on %s.*", time.Since(start).Round(time.Millisecond), prefix)
	return n, cfg
}

// lock waits until no other test on this machine uses prefix.
func lock(t testing.TB, prefix string) func() {
	t.Helper()
	unlock, err := proc.TestLock("fabricnet-test-" + prefix)
	if err != nil {
		t.Fatal(err)
	}
	return unlock
}

// LogWriter sends progress lines to the test log.
type LogWriter struct{ T testing.TB }

func (w LogWriter) Write(p []byte) (int, error) {
	w.T.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}
