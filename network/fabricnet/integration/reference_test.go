package integration

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/udiledger/udiledger/chaincode/reference"

	"github.com/udiledger/udiledger/gateway/ledger"
	"github.com/udiledger/udiledger/gateway/ledger/fabric"
	"github.com/udiledger/udiledger/network/fabricnet"
	"github.com/udiledger/udiledger/network/fabricnet/fabricnettest"
)

// reference deploys the reference chaincode, deploys it again (nothing to do), and puts and
// gets a value through the Fabric backend with the reference's chaincode name.
func (s *suite) reference(t *testing.T) {
	start := time.Now()
	name, err := fabricnet.DeployReference(s.ctx, s.cfg, fabricnettest.LogWriter{T: t})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("reference chaincode %q deployed in %.1f s", name, time.Since(start).Seconds())
	saved := filepath.Join(s.cfg.RunDir, "network.json")
	before, err := os.ReadFile(saved)
	if err != nil {
		t.Fatal(err)
	}
	procs := func() map[string]int {
		t.Helper()
		ps, err := s.net.Processes()
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]int{}
		for _, p := range ps {
			if p.Kind == fabricnet.KindReference {
				out[p.Name] = p.PID
				if p.RSSKiB <= 0 || p.Profile == "" {
					t.Errorf("reference process %+v", p)
				}
			}
		}
		return out
	}
	first := procs()
	if len(first) != len(s.net.Orgs) {
		t.Fatalf("%d reference servers, want one per organisation", len(first))
	}

	start = time.Now()
	if again, err := fabricnet.DeployReference(s.ctx, s.cfg, nil); err != nil || again != name {
		t.Fatalf("second deploy: %q, %v", again, err)
	}
	took := time.Since(start)
	t.Logf("second deploy (nothing to do): %.1f s", took.Seconds())
	after, err := os.ReadFile(saved)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(before, after) {
		t.Errorf("the second deploy changed network.json")
	}
	for n, pid := range procs() {
		if first[n] != pid {
			t.Errorf("the second deploy restarted %s", n)
		}
	}
	if took > 30*time.Second {
		t.Errorf("the second deploy took %s", took)
	}
	n, err := fabricnet.Load(s.cfg.RunDir)
	if err != nil || n.Reference != name {
		t.Fatalf("saved reference %q (%v), want %q", n.Reference, err, name)
	}

	cfg, err := n.ReferenceClientConfig()
	if err != nil {
		t.Fatal(err)
	}
	c, err := fabric.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	res, err := c.Submit(s.ctx, ledger.Proposal{Identity: s.ids[mfr], Function: reference.Put, Args: []string{"k1", "v1"}})
	if err != nil {
		t.Fatalf("%s: %v", reference.Put, err)
	}
	got, err := c.Evaluate(s.ctx, ledger.Proposal{Identity: s.ids[reg], Function: reference.Get, Args: []string{"k1"}})
	if err != nil || string(got) != "v1" {
		t.Fatalf("%s: %q, %v", reference.Get, got, err)
	}
	t.Logf("reference put committed in block %d, endorsed by %v", res.BlockNumber, s.endorsers(t, mfr, res.TxID))
}
