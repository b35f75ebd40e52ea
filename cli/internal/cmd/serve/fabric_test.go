package serve

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/udiledger/udiledger/chaincode/model"
	"github.com/udiledger/udiledger/gateway/auth"
	"github.com/udiledger/udiledger/gateway/demo"
	"github.com/udiledger/udiledger/gateway/httpledger"
	"github.com/udiledger/udiledger/gateway/identity"
	"github.com/udiledger/udiledger/gateway/ledger"
	"github.com/udiledger/udiledger/network/fabricca"
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
	roles := map[string]model.Role{"RegulatorOrgMSP": model.RoleRegulator, "ManufacturerOrgMSP": model.RoleManufacturer,
		"DistributorOrgMSP": model.RoleDistributor, "PlatformOrgMSP": model.RolePlatform, "HospitalOrgMSP": model.RoleHospital}
	var yaml strings.Builder
	fmt.Fprintf(&yaml, "listen: 127.0.0.1:1\nbackend: fabric\noutbox: outbox.db\nfabric:\n  channel: %s\n  chaincode: %s\n", n.Channel, n.Chaincode)
	fmt.Fprintf(&yaml, "  events_identity: RegulatorOrgMSP\n  private_endorsers: [HospitalOrgMSP, PlatformOrgMSP, RegulatorOrgMSP]\n  peers:\n")
	for _, o := range n.Orgs {
		fmt.Fprintf(&yaml, "    %s: {address: %q, tls_ca_cert: %q}\n", o.MSPID, o.Peer.Endpoint, o.TLSCACert)
	}
	keys, ids := map[string]string{}, map[string]*ledger.Identity{}
	var idLines, keyLines strings.Builder
	for msp, role := range roles {
		ca, ok := fabricca.Find(cas, msp)
		if !ok {
			t.Fatalf("no CA of %s", msp)
		}
		c, err := identity.ForLocalCA(ca, wallet)
		if err != nil {
			t.Fatal(err)
		}
		if ids[msp], err = c.Person(ctx, "desk-"+string(role), role); err != nil {
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
	out, err := demo.Run(ctx, client, demo.Actors{Regulator: ids["RegulatorOrgMSP"], Manufacturer: ids["ManufacturerOrgMSP"],
		Distributor: ids["DistributorOrgMSP"], Platform: ids["PlatformOrgMSP"], Hospital: ids["HospitalOrgMSP"]}, demo.Options{})
	if err != nil {
		t.Fatalf("demo through the configured gateway: %v\n%s", err, r.errOut)
	}
	if out.Progress[len(out.Progress)-1] != 100 || !out.Private["HospitalOrgMSP"] || out.Private["DistributorOrgMSP"] {
		t.Fatalf("outcome %+v", out)
	}
}
