package identity_test

import (
	"context"
	"encoding/json"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/udiledger/udiledger/chaincode/model"
	"github.com/udiledger/udiledger/gateway/identity"
	"github.com/udiledger/udiledger/gateway/ledger"
	"github.com/udiledger/udiledger/gateway/ledger/fabric"
	"github.com/udiledger/udiledger/network/fabricca"
	"github.com/udiledger/udiledger/network/fabricca/fabriccatest"
	"github.com/udiledger/udiledger/network/fabricnet/fabricnettest"
)

// TestPeersAcceptPeopleEnrolledAtTheCAs brings a real network up, starts the Fabric CAs of two
// organisations on their cryptogen CAs (as fabricnet.Up will), and signs transactions with
// people enrolled there: the peers accept them as clients of their organisation (the channel's
// Writers policy with node OUs) and the chaincode reads their role attribute.
func TestPeersAcceptPeopleEnrolledAtTheCAs(t *testing.T) {
	bins := fabriccatest.Binaries(t)
	start := time.Now()
	n, cfg := fabricnettest.Start(t, "127.0.103")
	t.Logf("network up in %s", time.Since(start).Round(time.Millisecond))
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()

	caCfg := fabricca.Config{RunDir: cfg.RunDir, BinDir: bins.FabricCA, StopWithProcess: true}
	for _, name := range []string{"HospitalOrg", "RegulatorOrg"} {
		o, ok := n.Org(name)
		if !ok {
			t.Fatalf("no %s in the network", name)
		}
		caCfg.Orgs = append(caCfg.Orgs, fabricca.CryptogenOrg(o.Name, o.MSPID, o.Host, filepath.Dir(filepath.Dir(o.TLSCACert))))
	}
	t.Cleanup(func() { _ = fabricca.Stop(context.Background(), caCfg) })
	start = time.Now()
	cas, err := fabricca.Start(ctx, caCfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("2 CAs up in %s", time.Since(start).Round(time.Millisecond))

	wallet := identity.Wallet{Dir: filepath.Join(cfg.RunDir, "wallet")}
	enrol := func(ca fabricca.CA, name string, role model.Role) *ledger.Identity {
		t.Helper()
		c := clientOf(t, ca, wallet)
		secret, err := c.Register(ctx, identity.Registration{Name: name, Role: role})
		if err != nil {
			t.Fatal(err)
		}
		id, err := c.Enroll(ctx, name, secret)
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	hospitalCA, _ := fabricca.Find(cas, "HospitalOrg")
	regulatorCA, _ := fabricca.Find(cas, "RegulatorOrg")
	nurse := enrol(hospitalCA, "nurse.chen", model.RoleHospital)
	inspector := enrol(regulatorCA, "inspector.zhao", model.RoleRegulator)

	ccfg, err := n.ClientConfig()
	if err != nil {
		t.Fatal(err)
	}
	client, err := fabric.New(ccfg)
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	regulator, err := json.Marshal(model.Party{MSPID: "RegulatorOrgMSP", Name: "Regulator", Roles: []model.Role{model.RoleRegulator}})
	if err != nil {
		t.Fatal(err)
	}
	initLedger := func(id *ledger.Identity) (*ledger.Result, error) {
		return client.Submit(ctx, ledger.Proposal{Identity: id, Function: "party:Init", Args: []string{string(regulator)}})
	}

	t.Run("a hospital's nurse reaches the chaincode, which reads role=hospital and refuses", func(t *testing.T) {
		_, err := initLedger(nurse)
		var ce *ledger.ChaincodeError
		if !errors.As(err, &ce) || !strings.Contains(ce.Message, "FORBIDDEN") || !strings.Contains(ce.Message, "role=regulator") {
			t.Fatalf("error = %v, want the chaincode's FORBIDDEN about the role", err)
		}
	})
	t.Run("the regulator's inspector initialises the ledger", func(t *testing.T) {
		res, err := initLedger(inspector)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("party:Init committed in block %d", res.BlockNumber)
	})
}
