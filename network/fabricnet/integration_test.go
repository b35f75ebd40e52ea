package fabricnet

import (
	"context"
	"crypto/x509"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hyperledger/fabric-gateway/pkg/client"
	"github.com/hyperledger/fabric-gateway/pkg/identity"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"

	"github.com/udiledger/udiledger/chaincode/orgs"
)

// TestNetworkUpDown brings a whole network up from nothing, checks it and tears it down. It
// runs when the Fabric binaries are cached, or when UDI_FABRIC_IT=1 (which builds them); never
// with -short. It uses the 127.0.100.x addresses so that a network of `udi network up` on
// 127.0.0.x can keep running.
func TestNetworkUpDown(t *testing.T) {
	if testing.Short() {
		t.Skip("real Fabric network: not with -short")
	}
	root, err := FindModuleRoot("")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	var bins Binaries
	if os.Getenv("UDI_FABRIC_IT") == "1" {
		start := time.Now()
		bins, err = EnsureBinaries(ctx, root, testWriter{t})
		t.Logf("fabric binaries ready in %s", time.Since(start).Round(time.Millisecond))
	} else {
		bins, err = CachedBinaries(ctx, root)
		if errors.Is(err, ErrNotBuilt) {
			t.Skip("fabric binaries not built: run network/scripts/build-fabric.sh or set UDI_FABRIC_IT=1")
		}
	}
	if err != nil {
		t.Fatal(err)
	}

	// Two test runs on one machine (several engineers, or go test of several checkouts) would
	// fight over the same addresses: take turns.
	cache, err := os.UserCacheDir()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(cache, "udiledger"), 0o750); err != nil {
		t.Fatal(err)
	}
	unlock, err := lockFile(filepath.Join(cache, "udiledger", "fabricnet-test-127.0.100.lock"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(unlock)

	cfg := Config{
		ModuleRoot:      root,
		BinDir:          bins.Fabric,
		RunDir:          filepath.Join(t.TempDir(), "run"),
		StopWithProcess: true,
		AddressPrefix:   "127.0.100",
	}
	t.Cleanup(func() {
		if err := Down(context.Background(), cfg, testWriter{t}); err != nil {
			t.Errorf("down: %v", err)
		}
		// Nothing may outlive Down.
		if _, err := os.Stat(cfg.RunDir); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("run directory still there after down: %v", err)
		}
	})

	start := time.Now()
	n, err := Up(ctx, cfg, testWriter{t})
	if err != nil {
		t.Fatalf("up: %v", err)
	}
	t.Logf("bring-up from nothing: %s", time.Since(start).Round(time.Millisecond))

	t.Run("every process is healthy", func(t *testing.T) {
		st, err := Status(ctx, cfg)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := len(st.Processes), 3+5+5; got != want {
			t.Errorf("got %d processes, want %d", got, want)
		}
		for _, p := range st.Processes {
			if !p.Healthy {
				t.Errorf("%s is not healthy: %s", p.Name, p.Error)
			}
			t.Logf("%-32s %-9s rss %6.1f MiB", p.Name, p.Kind, float64(p.RSSKiB)/1024)
		}
		if !st.Up {
			t.Error("status does not report the network up")
		}
	})

	u := &upper{layout: newLayout(mustDefaults(t, cfg))}
	t.Run("every peer joined the channel and sees the chaincode committed", func(t *testing.T) {
		for _, o := range u.orgs {
			out, err := u.peerCLI(ctx, o, "channel", "list")
			if err != nil || !channelListed(out, n.Channel) {
				t.Errorf("%s: channel %s not joined: %v %s", o.Name, n.Channel, err, out)
			}
			out, err = u.peerCLI(ctx, o, "lifecycle", "chaincode", "querycommitted",
				"--channelID", n.Channel, "--name", n.Chaincode, "--output", "json")
			if err != nil {
				t.Errorf("%s: querycommitted: %v", o.Name, err)
				continue
			}
			for _, c := range orgs.Collections() {
				if !strings.Contains(string(out), `"`+c.Name+`"`) {
					t.Errorf("%s: committed definition has no %s collection: %s", o.Name, c.Name, out)
				}
			}
		}
	})

	t.Run("a client evaluates through every organisation's gateway", func(t *testing.T) {
		for _, o := range n.Orgs {
			got, err := evaluate(ctx, o, n.Channel, n.Chaincode, "info:Version")
			if err != nil {
				t.Errorf("%s: %v", o.Name, err)
				continue
			}
			if len(got) == 0 {
				t.Errorf("%s: empty version", o.Name)
			}
		}
	})

	t.Run("the channel orders transactions with one orderer down, and up restarts it", func(t *testing.T) {
		if err := u.stop(u.orderers[0].Name, 10*time.Second); err != nil {
			t.Fatal(err)
		}
		// Any ordered write will do: an approval of a next sequence is harmless on a test network.
		o := u.orgs[0]
		args := []string{"lifecycle", "chaincode", "approveformyorg", "--package-id", n.Orgs[0].PackageID,
			"--channelID", n.Channel, "--name", n.Chaincode, "--version", "1.1", "--sequence", "2",
			"--collections-config", u.path("config", "collections.json"),
			"-o", u.orderers[1].Endpoint, "--tls", "--cafile", u.ordererOrg.TLSCA}
		if err := retry(ctx, 30*time.Second, func() error { _, err := u.peerCLI(ctx, o, args...); return err }); err != nil {
			t.Fatalf("approve with orderer1 down: %v", err)
		}
		if _, err := u.peerCLI(ctx, o, "lifecycle", "chaincode", "queryapproved",
			"--channelID", n.Channel, "--name", n.Chaincode, "--sequence", "2"); err != nil {
			t.Errorf("approval not committed: %v", err)
		}
		if _, err := Up(ctx, cfg, nil); err != nil {
			t.Fatal(err)
		}
		st, err := Status(ctx, cfg)
		if err != nil || !st.Up {
			t.Errorf("network not up again after restarting orderer1: %v %+v", err, st)
		}
	})

	t.Run("up again is a no-op on a running network", func(t *testing.T) {
		start := time.Now()
		if _, err := Up(ctx, cfg, nil); err != nil {
			t.Fatal(err)
		}
		t.Logf("second up: %s", time.Since(start).Round(time.Millisecond))
	})
}

// evaluate calls a read-only transaction with fabric-gateway as the organisation's user.
func evaluate(ctx context.Context, o Org, channel, chaincode, fn string, args ...string) ([]byte, error) {
	caPEM, err := os.ReadFile(o.TLSCACert)
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(caPEM)
	conn, err := grpc.NewClient(o.Peer.Endpoint, grpc.WithTransportCredentials(credentials.NewClientTLSFromCert(pool, "")))
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	certPEM, err := os.ReadFile(o.User.CertPath)
	if err != nil {
		return nil, err
	}
	cert, err := identity.CertificateFromPEM(certPEM)
	if err != nil {
		return nil, err
	}
	id, err := identity.NewX509Identity(o.MSPID, cert)
	if err != nil {
		return nil, err
	}
	keyPEM, err := os.ReadFile(o.User.KeyPath)
	if err != nil {
		return nil, err
	}
	key, err := identity.PrivateKeyFromPEM(keyPEM)
	if err != nil {
		return nil, err
	}
	sign, err := identity.NewPrivateKeySign(key)
	if err != nil {
		return nil, err
	}
	gw, err := client.Connect(id, client.WithSign(sign), client.WithClientConnection(conn),
		client.WithEvaluateTimeout(10*time.Second))
	if err != nil {
		return nil, err
	}
	defer gw.Close()
	return gw.GetNetwork(channel).GetContract(chaincode).EvaluateWithContext(ctx, fn, client.WithArguments(args...))
}

func mustDefaults(t *testing.T, cfg Config) Config {
	t.Helper()
	cfg, err := cfg.withDefaults()
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// testWriter sends progress lines to the test log.
type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}
