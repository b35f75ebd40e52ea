package fabricca_test

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/udiledger/udiledger/chaincode/orgs"
	"github.com/udiledger/udiledger/network/fabricca"
	"github.com/udiledger/udiledger/network/fabricca/fabriccatest"
	"github.com/udiledger/udiledger/network/fabricnet"
)

var hospital = fabriccatest.OrgAt(orgs.Hospital, "127.0.103.21")

func TestDefaultPortsDoNotCollideWithTheNetwork(t *testing.T) {
	p := fabricnet.DefaultPorts
	network := []int{p.Peer, p.PeerChaincode, p.PeerOperations, p.ChaincodeServer, p.Orderer, p.OrdererAdmin, p.OrdererOps}
	for _, ca := range []int{fabricca.DefaultPorts.CA, fabricca.DefaultPorts.Operations} {
		for _, n := range network {
			if ca == n {
				t.Errorf("CA port %d is also a port of fabricnet.DefaultPorts %+v", ca, p)
			}
		}
	}
}

func TestConfigIsChecked(t *testing.T) {
	org := fabricca.Org{Name: hospital.Name, MSPID: orgs.Hospital, Host: hospital.Host}
	tests := []struct {
		name string
		give fabricca.Config
		want string
	}{
		{name: "a run directory is required", give: fabricca.Config{Orgs: []fabricca.Org{org}}, want: "no run directory"},
		{
			name: "an address that is not loopback is refused",
			give: fabricca.Config{RunDir: t.TempDir(), Orgs: []fabricca.Org{{Name: "A", MSPID: "AMSP", Host: "10.0.0.1"}}},
			want: "not a loopback address",
		},
		{
			name: "an organisation listed twice is refused",
			give: fabricca.Config{RunDir: t.TempDir(), Orgs: []fabricca.Org{org, org}},
			want: "listed twice",
		},
		{
			name: "a missing fabric-ca-server is named",
			give: fabricca.Config{RunDir: t.TempDir(), BinDir: t.TempDir(), Orgs: []fabricca.Org{org}},
			want: "fabric-ca-server not found",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := fabricca.Start(context.Background(), tt.give, nil)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Start error = %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestLoadWithoutCAsSaysSo(t *testing.T) {
	if _, err := fabricca.Load(t.TempDir()); !errors.Is(err, fabricca.ErrNoCAs) {
		t.Fatalf("Load error = %v, want ErrNoCAs", err)
	}
}

// TestCAServerLifecycle runs a real fabric-ca-server on the organisation's cryptogen CA.
func TestCAServerLifecycle(t *testing.T) {
	cas, cfg := fabriccatest.Start(t, hospital)
	ctx := context.Background()
	ca := cas[0]
	org := cfg.Orgs[0]

	t.Run("it listens with TLS on the organisation's address and signs with the MSP's CA", func(t *testing.T) {
		if ca.URL != "https://"+hospital.Host+":7054" {
			t.Errorf("URL = %s", ca.URL)
		}
		info, err := fabricca.CAInfo(ctx, ca.URL, ca.TLSCACert)
		if err != nil {
			t.Fatal(err)
		}
		mspCA, err := os.ReadFile(org.CACert)
		if err != nil {
			t.Fatal(err)
		}
		if !samePEM(info.CAChain, mspCA) {
			t.Errorf("the CA's chain is not the organisation's MSP CA:\n%s", info.CAChain)
		}
		if info.CAName != "ca-hospitalorg" || info.Version != "1.5.15" {
			t.Errorf("cainfo = %s %s", info.CAName, info.Version)
		}
		if _, err := fabricca.CAInfo(ctx, ca.URL, org.CACert); err == nil {
			t.Error("the CA's TLS certificate verified against the signing CA, want only the TLS CA")
		}
	})

	t.Run("status reports it running and healthy with its memory", func(t *testing.T) {
		st, err := fabricca.Status(ctx, cfg)
		if err != nil {
			t.Fatal(err)
		}
		if len(st) != 1 || !st[0].Running || !st[0].Healthy || st[0].RSSKiB == 0 {
			t.Fatalf("status = %+v", st)
		}
		t.Logf("fabric-ca-server RSS at rest: %.1f MiB", float64(st[0].RSSKiB)/1024)
	})

	t.Run("load returns what start wrote, the registrar's secret included", func(t *testing.T) {
		got, err := fabricca.Load(cfg.RunDir)
		if err != nil {
			t.Fatal(err)
		}
		c, ok := fabricca.Find(got, orgs.Hospital)
		if !ok || c != ca || c.Registrar.Name != fabricca.RegistrarName || len(c.Registrar.Secret) < 32 {
			t.Fatalf("loaded %+v, want %+v", got, ca)
		}
		fi, err := os.Stat(filepath.Join(cfg.RunDir, "ca", "cas.json"))
		if err != nil || fi.Mode().Perm() != 0o600 {
			t.Errorf("cas.json: %v, mode %v, want 0600", err, fi.Mode())
		}
	})

	t.Run("a start for other organisations keeps this one in cas.json", func(t *testing.T) {
		other := cfg
		other.Orgs = nil
		if _, err := fabricca.Start(ctx, other, nil); err != nil {
			t.Fatal(err)
		}
		got, err := fabricca.Load(cfg.RunDir)
		if err != nil || len(got) != 1 || got[0] != ca {
			t.Fatalf("loaded %+v, %v", got, err)
		}
	})

	t.Run("start again leaves the running server alone", func(t *testing.T) {
		before := pidOf(t, cfg)
		var progress bytes.Buffer
		again, err := fabricca.Start(ctx, cfg, &progress)
		if err != nil {
			t.Fatal(err)
		}
		if again[0] != ca || pidOf(t, cfg) != before || progress.Len() != 0 {
			t.Errorf("second start changed something: %+v, progress %q", again, progress.String())
		}
	})

	t.Run("stop then start resumes with the same registrar", func(t *testing.T) {
		if err := fabricca.Stop(ctx, cfg); err != nil {
			t.Fatal(err)
		}
		if err := fabricca.Stop(ctx, cfg); err != nil {
			t.Fatalf("second stop: %v", err)
		}
		st, err := fabricca.Status(ctx, cfg)
		if err != nil || st[0].Running || st[0].Healthy {
			t.Fatalf("status after stop = %+v, %v", st, err)
		}
		start := time.Now()
		again, err := fabricca.Start(ctx, cfg, nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("restart in %s", time.Since(start).Round(time.Millisecond))
		if again[0].Registrar != ca.Registrar {
			t.Errorf("registrar changed on restart")
		}
	})
}

func pidOf(t *testing.T, cfg fabricca.Config) int {
	t.Helper()
	st, err := fabricca.Status(context.Background(), cfg)
	if err != nil || len(st) == 0 {
		t.Fatalf("status: %v", err)
	}
	return st[0].PID
}

func samePEM(a, b []byte) bool {
	pa, _ := pem.Decode(a)
	pb, _ := pem.Decode(b)
	if pa == nil || pb == nil {
		return false
	}
	ca, err1 := x509.ParseCertificate(pa.Bytes)
	cb, err2 := x509.ParseCertificate(pb.Bytes)
	return err1 == nil && err2 == nil && ca.Equal(cb)
}
