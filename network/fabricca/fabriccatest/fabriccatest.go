// Package fabriccatest starts real Fabric CA servers for a test and stops them after.
//
// It follows the convention of fabricnettest: a test that calls Start runs when the Fabric
// binaries are cached on the machine or when UDI_FABRIC_IT=1 (which builds them); it is
// skipped with -short or when neither holds. Each package's tests take their own loopback
// address (127.0.103.21 network/fabricca, .22 network/fabricca/caclient, .23
// cli/internal/cmd/identity); tests that share one take turns.
package fabriccatest

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/udiledger/udiledger/chaincode/orgs"
	"github.com/udiledger/udiledger/network/fabricca"
	"github.com/udiledger/udiledger/network/fabricnet"
	"github.com/udiledger/udiledger/network/fabricnet/fabricnettest"
	"github.com/udiledger/udiledger/network/internal/proc"
)

// Binaries returns the cached Fabric binaries, builds them when UDI_FABRIC_IT=1, or skips the
// test.
func Binaries(t testing.TB) fabricnet.Binaries { return fabricnettest.Binaries(t) }

// OrgAt is the organisation with an MSP ID (package orgs) on a host of the test's own.
func OrgAt(mspID, host string) Org {
	o, ok := orgs.Find(mspID)
	if !ok {
		panic("fabriccatest: no organisation " + mspID)
	}
	return Org{Name: o.Name, Domain: o.Domain, Host: host}
}

// Org is an organisation of a test.
type Org struct {
	Name   string // e.g. HospitalOrg; the MSP ID is Name + "MSP"
	Domain string // e.g. hospital.udi.example
	Host   string // a loopback address of the test's own, e.g. 127.0.103.21
}

// Crypto runs cryptogen for orgs, as fabricnet does (node OUs on), into a temporary directory
// and returns the fabricca description of each organisation.
func Crypto(t testing.TB, bins fabricnet.Binaries, orgs ...Org) []fabricca.Org {
	t.Helper()
	dir := t.TempDir()
	var spec strings.Builder
	spec.WriteString("PeerOrgs:\n")
	for _, o := range orgs {
		fmt.Fprintf(&spec, "  - Name: %s\n    Domain: %s\n    EnableNodeOUs: true\n    Specs:\n      - Hostname: peer0\n    Users:\n      Count: 0\n", o.Name, o.Domain)
	}
	cfgFile := filepath.Join(dir, "crypto-config.yaml")
	if err := os.WriteFile(cfgFile, []byte(spec.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "crypto")
	// #nosec G204 -- the cached cryptogen
	cmd := exec.Command(filepath.Join(bins.Fabric, "cryptogen"), "generate", "--config", cfgFile, "--output", out)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("cryptogen: %v: %s", err, b)
	}
	var res []fabricca.Org
	for _, o := range orgs {
		res = append(res, fabricca.CryptogenOrg(o.Name, o.Name+"MSP", o.Host, filepath.Join(out, "peerOrganizations", o.Domain)))
	}
	return res
}

// Start makes crypto material for orgs, starts their CA servers under a temporary run
// directory (killed with the test process if it dies) and stops them when the test ends.
func Start(t testing.TB, orgs ...Org) ([]fabricca.CA, fabricca.Config) {
	t.Helper()
	bins := Binaries(t)
	for _, o := range orgs {
		unlock := lock(t, o.Host)
		t.Cleanup(unlock)
	}
	cfg := fabricca.Config{
		RunDir:          filepath.Join(t.TempDir(), "run"),
		BinDir:          bins.FabricCA,
		Orgs:            Crypto(t, bins, orgs...),
		StopWithProcess: true,
	}
	t.Cleanup(func() {
		if err := fabricca.Stop(context.Background(), cfg); err != nil {
			t.Errorf("stop fabric ca: %v", err)
		}
	})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	start := time.Now()
	cas, err := fabricca.Start(ctx, cfg, fabricnettest.LogWriter{T: t})
	if err != nil {
		t.Fatalf("start fabric ca: %v", err)
	}
	t.Logf("%d fabric ca server(s) up in %s", len(cas), time.Since(start).Round(time.Millisecond))
	return cas, cfg
}

// lock waits until no other test on this machine uses host.
func lock(t testing.TB, host string) func() {
	t.Helper()
	unlock, err := proc.TestLock("fabricca-test-" + host)
	if err != nil {
		t.Fatal(err)
	}
	return unlock
}
