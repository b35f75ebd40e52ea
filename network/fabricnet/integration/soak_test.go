package integration

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/udiledger/udiledger/cli/soak"
	"github.com/udiledger/udiledger/network/fabricnet"
	"github.com/udiledger/udiledger/network/fabricnet/fabricnettest"
)

// soakPrefix is the loopback /24 of TestSoak's own network: it kills its parts.
const soakPrefix = "127.0.124"

// TestSoak is the short form of `make soak`: the gateway, run as the udi binary, takes a
// steady scan load while the Raft leader, a follower, a peer, a chaincode server and the
// gateway itself are killed and restarted in turn; nothing accepted may be lost or written
// twice, and every part must come back and carry writes again.
func TestSoak(t *testing.T) {
	n, cfg := fabricnettest.Start(t, soakPrefix, func(c *fabricnet.Config) { c.BatchTimeout = batchTimeout })
	udi, err := soak.BuildUdi(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	r, err := soak.Run(ctx, soak.Options{
		Backend: soak.Fabric, Network: cfg, Udi: []string{udi}, WorkDir: t.TempDir(), Log: fabricnettest.LogWriter{T: t},
		Duration: 2 * time.Minute, Rate: 15, Clients: 8, Units: 50, Down: 5 * time.Second, Settle: 8 * time.Second,
	})
	if err != nil {
		t.Fatalf("soak: %v", err)
	}
	var out strings.Builder
	_ = r.WriteText(&out)
	t.Logf("network %s\n%s", n.RunDir, out.String())
	if p := r.Problems(); len(p) > 0 {
		t.Fatalf("soak failed: %v", p)
	}
	seen := map[string]bool{}
	for _, f := range r.Faults {
		seen[f.Fault] = true
	}
	for _, f := range soak.FaultsOf(soak.Fabric) {
		if !seen[f] {
			t.Errorf("fault %s was not injected in the soak's %d faults", f, len(r.Faults))
		}
	}
	if r.Committed < r.Accepted || r.Sent < r.Accepted {
		t.Errorf("sent %d, accepted %d, committed %d: every accepted scan must be on the ledger", r.Sent, r.Accepted, r.Committed)
	}
}
