package integration

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/udiledger/udiledger/gateway/ledger"
	"github.com/udiledger/udiledger/network/fabricnet"
)

// fabricCAAttributes is the certificate extension in which Fabric CA writes a user's
// attributes as {"attrs":{...}}; the chaincode reads it with the cid package.
var fabricCAAttributes = asn1.ObjectIdentifier{1, 2, 3, 4, 5, 6, 7, 8, 1}

// roleIdentity issues, with the organisation's cryptogen CA, a client certificate carrying the
// attribute role=<role>, as the organisation's Fabric CA would for an enrolled user.
// Every action needs it (the chaincode checks the role attribute) and cryptogen's own users
// carry none; issuing here keeps the suite independent of the Fabric CA servers.
func roleIdentity(t *testing.T, o fabricnet.Org, role string) *ledger.Identity {
	t.Helper()
	caDir := filepath.Join(filepath.Dir(filepath.Dir(o.TLSCACert)), "ca")
	caCert := readCert(t, filepath.Join(caDir, "ca."+o.Domain+"-cert.pem"))
	caKey := readKey(t, filepath.Join(caDir, "priv_sk"))

	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	attrs, err := json.Marshal(map[string]map[string]string{"attrs": {"role": role, "hf.EnrollmentID": role + "-it", "hf.Type": "client"}})
	if err != nil {
		t.Fatal(err)
	}
	sn, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		t.Fatal(err)
	}
	// Fabric's MSP checks the chain at the leaf's NotBefore, so the leaf may not start before
	// its CA (cryptogen made the CA moments ago).
	tmpl := &x509.Certificate{
		SerialNumber:    sn,
		Subject:         pkix.Name{CommonName: role + "-it@" + o.Domain, OrganizationalUnit: []string{"client"}},
		NotBefore:       caCert.NotBefore,
		NotAfter:        time.Now().Add(24 * time.Hour),
		KeyUsage:        x509.KeyUsageDigitalSignature,
		ExtraExtensions: []pkix.Extension{{Id: fabricCAAttributes, Value: attrs}},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, caCert, &key.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	pkcs8, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return &ledger.Identity{
		Name: o.Name + "/" + role + "-it", MSPID: o.MSPID,
		Certificate: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		PrivateKey:  pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: pkcs8}),
	}
}

func readCert(t *testing.T, path string) *x509.Certificate {
	t.Helper()
	b, err := os.ReadFile(path) // #nosec G304 -- crypto material of the test's own network
	if err != nil {
		t.Fatal(err)
	}
	block, _ := pem.Decode(b)
	if block == nil {
		t.Fatalf("%s: no PEM", path)
	}
	c, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func readKey(t *testing.T, path string) *ecdsa.PrivateKey {
	t.Helper()
	b, err := os.ReadFile(path) // #nosec G304 -- crypto material of the test's own network
	if err != nil {
		t.Fatal(err)
	}
	block, _ := pem.Decode(b)
	if block == nil {
		t.Fatalf("%s: no PEM", path)
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	ec, ok := k.(*ecdsa.PrivateKey)
	if !ok {
		t.Fatalf("%s: %T, want an ECDSA key", path, k)
	}
	return ec
}
