package caclient_test

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"encoding/asn1"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/goccy/go-yaml"

	"github.com/udiledger/udiledger/chaincode/model"
	"github.com/udiledger/udiledger/chaincode/orgs"
	"github.com/udiledger/udiledger/gateway/identity"
	"github.com/udiledger/udiledger/gateway/ledger/localmsp"
	"github.com/udiledger/udiledger/network/fabricca"
	"github.com/udiledger/udiledger/network/fabricca/caclient"
	"github.com/udiledger/udiledger/network/fabricca/fabriccatest"
)

// hospital's CA runs on an address of this package's own.
var hospital = fabriccatest.OrgAt(orgs.Hospital, "127.0.103.22")

// attributeOID is the extension in which Fabric CA writes attributes.
var attributeOID = asn1.ObjectIdentifier{1, 2, 3, 4, 5, 6, 7, 8, 1}

// clientOf returns a client of a CA of the local network.
func clientOf(t *testing.T, ca fabricca.CA, wallet identity.Wallet) *identity.Client {
	t.Helper()
	c, err := caclient.New(ca, wallet.Dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// TestPeopleAtARealFabricCA registers, enrols and lists people at a real fabric-ca-server
// that signs with the organisation's cryptogen CA.
func TestPeopleAtARealFabricCA(t *testing.T) {
	cas, cfg := fabriccatest.Start(t, hospital)
	ca, org := cas[0], cfg.Orgs[0]
	wallet := identity.Wallet{Dir: filepath.Join(t.TempDir(), "wallet")}
	c := clientOf(t, ca, wallet)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	start := time.Now()
	secret, err := c.Register(ctx, identity.Registration{Name: "nurse1", Role: model.RoleHospital, Secret: "s3cret-nurse1"})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("registrar enrolled and nurse1 registered in %s", time.Since(start).Round(time.Millisecond))
	if secret != "s3cret-nurse1" {
		t.Errorf("secret = %q, want the one asked for", secret)
	}
	start = time.Now()
	id, err := c.Enroll(ctx, "nurse1", secret)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("nurse1 enrolled in %s", time.Since(start).Round(time.Millisecond))
	cert, err := localmsp.ParseCertificate(id.Certificate)
	if err != nil {
		t.Fatal(err)
	}

	t.Run("the certificate carries role=hospital in Fabric CA's attribute extension", func(t *testing.T) {
		var raw []byte
		for _, ext := range cert.Extensions {
			if ext.Id.Equal(attributeOID) {
				raw = ext.Value
			}
		}
		var got struct {
			Attrs map[string]string `json:"attrs"`
		}
		if err := json.Unmarshal(raw, &got); err != nil {
			t.Fatalf("extension %s: %v (%q)", attributeOID, err, raw)
		}
		if got.Attrs["role"] != "hospital" || got.Attrs["hf.EnrollmentID"] != "nurse1" || got.Attrs["hf.Type"] != "client" {
			t.Errorf("attrs = %v", got.Attrs)
		}
	})

	t.Run("localmsp reads the role as the chaincode's identity library does", func(t *testing.T) {
		attrs, _, err := localmsp.Attributes(cert)
		if err != nil || attrs["role"] != "hospital" {
			t.Fatalf("localmsp.Attributes = %v, %v", attrs, err)
		}
	})

	t.Run("the certificate chains to the CA in the organisation's MSP with the client OU", func(t *testing.T) {
		mspCA, err := os.ReadFile(filepath.Join(filepath.Dir(filepath.Dir(org.CACert)), "msp", "cacerts", filepath.Base(org.CACert)))
		if err != nil {
			t.Fatal(err)
		}
		v, err := localmsp.NewVerifier([]localmsp.MSP{{ID: ca.MSPID, RootCerts: [][]byte{mspCA}}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := v.Validate(ca.MSPID, id.Certificate, time.Now()); err != nil {
			t.Errorf("the organisation's MSP does not accept the certificate: %v", err)
		}
		if ou := clientOU(t, filepath.Join(filepath.Dir(filepath.Dir(org.CACert)), "msp", "config.yaml")); !slices.Contains(cert.Subject.OrganizationalUnit, ou) {
			t.Errorf("subject OUs %v lack the MSP's client OU %q", cert.Subject.OrganizationalUnit, ou)
		}
		if cert.Subject.CommonName != "nurse1" || id.MSPID != orgs.Hospital {
			t.Errorf("subject %s, MSP %s", cert.Subject, id.MSPID)
		}
	})

	t.Run("the private key is PKCS#8, matches the certificate and signs", func(t *testing.T) {
		key, err := localmsp.ParsePrivateKey(id.PrivateKey)
		if err != nil {
			t.Fatal(err)
		}
		if !key.PublicKey.Equal(cert.PublicKey.(*ecdsa.PublicKey)) {
			t.Fatal("the key is not the certificate's")
		}
		sig, err := localmsp.Sign(key, []byte("proposal"))
		if err != nil {
			t.Fatal(err)
		}
		if err := localmsp.VerifySignature(cert, []byte("proposal"), sig); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("the wallet returns the same identity, its key readable by the owner only", func(t *testing.T) {
		got, err := wallet.Get(orgs.Hospital, "nurse1")
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got.Certificate, id.Certificate) || !bytes.Equal(got.PrivateKey, id.PrivateKey) || got.Name != id.Name {
			t.Error("the wallet's identity differs from the enrolled one")
		}
		fi, err := os.Stat(filepath.Join(wallet.MSPDir(orgs.Hospital, "nurse1"), "keystore", "key.pem"))
		if err != nil || fi.Mode().Perm() != 0o600 {
			t.Errorf("key file: %v, mode %v", err, fi.Mode())
		}
		names, err := wallet.Names(orgs.Hospital)
		if err != nil || !slices.Equal(names, []string{"nurse1"}) {
			t.Errorf("wallet names = %v, %v", names, err)
		}
	})

	t.Run("list shows nurse1 as a client with role hospital", func(t *testing.T) {
		list, err := c.List(ctx)
		if err != nil {
			t.Fatal(err)
		}
		i := slices.IndexFunc(list, func(i identity.Info) bool { return i.Name == "nurse1" })
		if i < 0 {
			t.Fatalf("nurse1 not in %+v", list)
		}
		if list[i].Role != "hospital" || list[i].Type != "client" {
			t.Errorf("nurse1 = %+v", list[i])
		}
	})

	t.Run("a bad secret is an authentication failure", func(t *testing.T) {
		_, err := c.Enroll(ctx, "nurse1", "wrong")
		if !errors.Is(err, identity.ErrAuthentication) {
			t.Fatalf("error = %v, want ErrAuthentication", err)
		}
		var ce *identity.CAError
		if !errors.As(err, &ce) || ce.Code != 20 || !strings.Contains(err.Error(), "enroll nurse1") {
			t.Errorf("error = %v, want a CAError with code 20 naming the operation", err)
		}
		if _, err := wallet.Get(orgs.Hospital, "nurse1"); err != nil {
			t.Errorf("the failed enrolment damaged the stored identity: %v", err)
		}
	})

	t.Run("registering a name twice is refused", func(t *testing.T) {
		_, err := c.Register(ctx, identity.Registration{Name: "nurse1", Role: model.RoleHospital})
		if !errors.Is(err, identity.ErrAlreadyRegistered) {
			t.Fatalf("error = %v, want ErrAlreadyRegistered", err)
		}
	})

	t.Run("without a secret the CA chooses one that enrols", func(t *testing.T) {
		secret, err := c.Register(ctx, identity.Registration{Name: "pharmacist.wang", Role: model.RolePharmacy})
		if err != nil || secret == "" {
			t.Fatalf("register: %q, %v", secret, err)
		}
		id, err := c.Enroll(ctx, "pharmacist.wang", secret)
		if err != nil {
			t.Fatal(err)
		}
		cert, _ := localmsp.ParseCertificate(id.Certificate)
		if attrs, _, _ := localmsp.Attributes(cert); attrs["role"] != "pharmacy" {
			t.Errorf("role = %q", attrs["role"])
		}
	})

	t.Run("a second client on the same wallet reuses the registrar's enrolment", func(t *testing.T) {
		before := registrarCert(t, wallet, ca)
		c2 := clientOf(t, ca, wallet)
		if _, err := c2.List(ctx); err != nil {
			t.Fatal(err)
		}
		if after := registrarCert(t, wallet, ca); !bytes.Equal(after, before) {
			t.Error("the registrar enrolled again")
		}
	})

	t.Run("a registrar enrolment the CA does not accept is renewed", func(t *testing.T) {
		// Another CA's certificate and key in the registrar's place: the token does not verify.
		other, err := localmsp.Open(t.TempDir(), localmsp.DefaultOrgs())
		if err != nil {
			t.Fatal(err)
		}
		stranger, err := other.Identity(other.Identities()[0])
		if err != nil {
			t.Fatal(err)
		}
		dir := filepath.Join(wallet.Dir, ".registrar", ca.MSPID, ca.Registrar.Name, "msp")
		for file, data := range map[string][]byte{"signcerts/cert.pem": stranger.Certificate, "keystore/key.pem": stranger.PrivateKey} {
			if err := os.WriteFile(filepath.Join(dir, file), data, 0o600); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := c.Register(ctx, identity.Registration{Name: "nurse2", Role: model.RoleHospital}); err != nil {
			t.Fatal(err)
		}
		if bytes.Equal(registrarCert(t, wallet, ca), stranger.Certificate) {
			t.Error("the registrar's rejected enrolment was kept")
		}
	})
}

func TestPersonIsEnrolledOnceAndReused(t *testing.T) {
	cas, _ := fabriccatest.Start(t, hospital)
	wallet := identity.Wallet{Dir: filepath.Join(t.TempDir(), "wallet")}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	first, err := clientOf(t, cas[0], wallet).Person(ctx, "pharmacist.li", model.RoleHospital)
	if err != nil {
		t.Fatal(err)
	}
	again, err := clientOf(t, cas[0], wallet).Person(ctx, "pharmacist.li", model.RoleHospital)
	if err != nil || !bytes.Equal(again.Certificate, first.Certificate) {
		t.Fatalf("second call: %v; want the wallet's identity again", err)
	}
	other := identity.Wallet{Dir: filepath.Join(t.TempDir(), "other")}
	_, err = clientOf(t, cas[0], other).Person(ctx, "pharmacist.li", model.RoleHospital)
	if !errors.Is(err, identity.ErrAlreadyRegistered) {
		t.Fatalf("a registered person missing from another wallet: %v, want ErrAlreadyRegistered", err)
	}
}

// clientOU reads the client OU of cryptogen's node OU configuration.
func clientOU(t *testing.T, file string) string {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var c struct {
		NodeOUs struct {
			Enable             bool `yaml:"Enable"`
			ClientOUIdentifier struct {
				OrganizationalUnitIdentifier string `yaml:"OrganizationalUnitIdentifier"`
			} `yaml:"ClientOUIdentifier"`
		} `yaml:"NodeOUs"`
	}
	if err := yaml.Unmarshal(b, &c); err != nil {
		t.Fatal(err)
	}
	if !c.NodeOUs.Enable || c.NodeOUs.ClientOUIdentifier.OrganizationalUnitIdentifier == "" {
		t.Fatalf("%s: node OUs not enabled: %s", file, b)
	}
	return c.NodeOUs.ClientOUIdentifier.OrganizationalUnitIdentifier
}

// registrarCert is the registrar's certificate as the client keeps it beside the wallet.
func registrarCert(t *testing.T, w identity.Wallet, ca fabricca.CA) []byte {
	t.Helper()
	id, err := identity.Wallet{Dir: filepath.Join(w.Dir, ".registrar")}.Get(ca.MSPID, ca.Registrar.Name)
	if err != nil {
		t.Fatal(err)
	}
	return id.Certificate
}
