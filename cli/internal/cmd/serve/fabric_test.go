package serve

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/udiledger/udiledger/chaincode/orgs"
	"github.com/udiledger/udiledger/cli/demo"
	"github.com/udiledger/udiledger/gateway/auth"
	"github.com/udiledger/udiledger/gateway/httpledger"
	"github.com/udiledger/udiledger/gateway/ledger"
	"github.com/udiledger/udiledger/network/fabricca"
	"github.com/udiledger/udiledger/network/fabricca/caclient"
	"github.com/udiledger/udiledger/network/fabricnet/fabricnettest"
)

// TestServeOnFabric runs `udi serve --config` on the Fabric backend of a real network, each
// API key mapped to a person enrolled at the organisation's CA (the wallet's MSP files), and
// plays the demo story through it.
func TestServeOnFabric(t *testing.T) {
	n, cfg := fabricnettest.Start(t, "127.0.104")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cas, err := fabricca.Load(cfg.RunDir)
	if err != nil {
		t.Fatal(err)
	}
	wallet := filepath.Join(cfg.RunDir, "wallet")
	var yaml strings.Builder
	fmt.Fprintf(&yaml, "listen: 127.0.0.1:1\nbackend: fabric\noutbox: outbox.db\nfabric:\n  channel: %s\n  chaincode: %s\n", n.Channel, n.Chaincode)
	fmt.Fprintf(&yaml, "  events_identity: %s\n  private_endorsers: [%s]\n  peers:\n", orgs.Regulator, orgs.Regulator)
	for _, o := range n.Orgs {
		fmt.Fprintf(&yaml, "    %s: {address: %q, tls_ca_cert: %q}\n", o.MSPID, o.Peer.Endpoint, o.TLSCACert)
	}
	keys := map[string]string{}
	var idLines, keyLines strings.Builder
	actors, err := demo.ActorsOf(func(o orgs.Org) (*ledger.Identity, error) {
		msp, role := o.MSPID, o.Role
		ca, ok := fabricca.Find(cas, msp)
		if !ok {
			t.Fatalf("no CA of %s", msp)
		}
		c, err := caclient.New(ca, wallet)
		if err != nil {
			t.Fatal(err)
		}
		id, err := c.Person(ctx, "desk-"+string(role), role)
		if err != nil {
			t.Fatal(err)
		}
		_ = c.Close()
		mspDir := c.Wallet().MSPDir(msp, "desk-"+string(role))
		fmt.Fprintf(&idLines, "  - {name: %s, msp_id: %s, cert: %q, key: %q}\n", msp, msp,
			filepath.Join(mspDir, "signcerts", "cert.pem"), filepath.Join(mspDir, "keystore", "key.pem"))
		key, hash, err := auth.NewKey()
		if err != nil {
			t.Fatal(err)
		}
		keys[msp] = key
		fmt.Fprintf(&keyLines, "  - {name: %s-desk, hash: %q, identity: %s, role: %s}\n", msp, hash, msp, role)
		return id, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	yaml.WriteString("identities:\n" + idLines.String() + "api_keys:\n" + keyLines.String())
	path := filepath.Join(t.TempDir(), "gateway.yaml")
	if err := os.WriteFile(path, []byte(yaml.String()), 0o600); err != nil {
		t.Fatal(err)
	}

	r := start(t, "--config", path)
	defer func() {
		if err := r.stop(); err != nil {
			t.Error(err)
		}
	}()
	if st, body := get(t, r.url+"/readyz", ""); st != 200 {
		t.Fatalf("readyz = %d %s", st, body)
	}
	client, err := httpledger.New(r.url, keys, nil)
	if err != nil {
		t.Fatal(err)
	}
	out, err := demo.Run(ctx, client, actors, demo.Options{})
	if err != nil {
		t.Fatalf("demo through the configured gateway: %v\n%s", err, r.errOut)
	}
	if out.Progress[len(out.Progress)-1] != 100 || !out.Private[orgs.Hospital] || out.Private[orgs.Distributor] {
		t.Fatalf("outcome %+v", out)
	}
}
