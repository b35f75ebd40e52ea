package identity_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/udiledger/udiledger/chaincode/model"
	"github.com/udiledger/udiledger/gateway/identity"
)

// fakeCA answers enrolments by signing the request's CSR and every other call with the
// refusal in refuse[path] (a Fabric CA envelope with success false).
type fakeCA struct {
	cert   *x509.Certificate
	key    *ecdsa.PrivateKey
	refuse map[string]string
}

func (f *fakeCA) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	if ans, ok := f.refuse[r.URL.Path]; ok {
		w.WriteHeader(http.StatusBadRequest)
		_, _ = io.WriteString(w, ans)
		return
	}
	if r.URL.Path != "/api/v1/enroll" {
		http.NotFound(w, r)
		return
	}
	var req struct {
		CSR string `json:"certificate_request"`
	}
	_ = json.NewDecoder(r.Body).Decode(&req)
	block, _ := pem.Decode([]byte(req.CSR))
	csr, err := x509.ParseCertificateRequest(block.Bytes)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	name, _, _ := r.BasicAuth()
	der, err := x509.CreateCertificate(rand.Reader, &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: name},
		NotBefore: time.Now().Add(-time.Minute), NotAfter: time.Now().Add(time.Hour),
	}, f.cert, csr.PublicKey, f.key)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	b64 := func(b []byte) string { return base64.StdEncoding.EncodeToString(b) }
	_ = json.NewEncoder(w).Encode(map[string]any{"success": true, "errors": []any{}, "result": map[string]any{
		"Cert":       b64(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})),
		"ServerInfo": map[string]any{"CAName": "ca1", "CAChain": b64(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: f.cert.Raw}))},
	}})
}

func newFakeCA(t *testing.T, refuse map[string]string) (*identity.Client, identity.Wallet) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "fake ca"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	srv := httptest.NewTLSServer(&fakeCA{cert: cert, key: key, refuse: refuse})
	t.Cleanup(srv.Close)
	wallet := identity.Wallet{Dir: t.TempDir()}
	c, err := identity.New(identity.CA{
		Org: "HospitalOrg", MSPID: "HospitalOrgMSP", Name: "ca1", URL: srv.URL,
		TLSCACert: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}),
		Registrar: identity.Registrar{Name: "registrar", Secret: "pw"},
	}, wallet)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c, wallet
}

func refusal(code int, msg string) string {
	return `{"success":false,"result":null,"errors":[{"code":` + strconv.Itoa(code) + `,"message":"` + msg + `"}],"messages":[]}`
}

func TestTheCAsRefusalsBecomeCAErrors(t *testing.T) {
	ctx := context.Background()
	t.Run("an already registered name", func(t *testing.T) {
		c, _ := newFakeCA(t, map[string]string{"/api/v1/register": refusal(74, "Identity 'nurse1' is already registered")})
		_, err := c.Register(ctx, identity.Registration{Name: "nurse1", Role: model.RoleHospital})
		var ce *identity.CAError
		if !errors.Is(err, identity.ErrAlreadyRegistered) || !errors.As(err, &ce) || ce.Op != "register nurse1" {
			t.Fatalf("error = %v, want ErrAlreadyRegistered from register nurse1", err)
		}
		if !strings.Contains(err.Error(), "Identity 'nurse1' is already registered") {
			t.Errorf("error %q lacks the CA's message", err)
		}
	})
	t.Run("a registrar the CA refuses is named", func(t *testing.T) {
		c, _ := newFakeCA(t, map[string]string{"/api/v1/enroll": refusal(20, "Authentication failure")})
		_, err := c.List(ctx)
		if !errors.Is(err, identity.ErrAuthentication) || !strings.Contains(err.Error(), "list: enroll registrar registrar") {
			t.Fatalf("error = %v, want an authentication failure of the registrar", err)
		}
	})
	t.Run("a refusal to list says why", func(t *testing.T) {
		c, _ := newFakeCA(t, map[string]string{"/api/v1/identities": refusal(71, "Authorization failure")})
		_, err := c.List(ctx)
		var ce *identity.CAError
		if !errors.As(err, &ce) || ce.Code != 71 || ce.Message != "Authorization failure" {
			t.Fatalf("error = %v, want the CA's code 71", err)
		}
	})
	t.Run("an enrolment lands in the wallet with the CA chain", func(t *testing.T) {
		c, wallet := newFakeCA(t, nil)
		id, err := c.Enroll(ctx, "nurse1", "pw")
		if err != nil {
			t.Fatal(err)
		}
		got, err := wallet.Get("HospitalOrgMSP", "nurse1")
		if err != nil || string(got.Certificate) != string(id.Certificate) || id.Name != "nurse1@HospitalOrgMSP" {
			t.Fatalf("wallet: %v, %v", got, err)
		}
		chain, err := os.ReadFile(filepath.Join(wallet.MSPDir("HospitalOrgMSP", "nurse1"), "cacerts", "ca.pem"))
		if err != nil || !strings.Contains(string(chain), "BEGIN CERTIFICATE") {
			t.Errorf("cacerts/ca.pem: %q, %v", chain, err)
		}
	})
}
