package carest_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/udiledger/udiledger/gateway/identity/internal/carest"
)

func TestTokenVerifiesWithTheCertificatesKey(t *testing.T) {
	certPEM, key := selfSigned(t)
	body := []byte(`{"id":"nurse1"}`)
	uri := "/api/v1/register"
	for i := range 20 { // enough signatures that a high S would appear if it were not lowered
		tok, err := carest.Token(certPEM, key, "POST", uri, body)
		if err != nil {
			t.Fatal(err)
		}
		if err := verifyToken(tok, "POST", uri, body); err != nil {
			t.Fatalf("token %d: %v", i, err)
		}
	}
	t.Run("the signature covers method, uri and body", func(t *testing.T) {
		tok, err := carest.Token(certPEM, key, "POST", uri, body)
		if err != nil {
			t.Fatal(err)
		}
		for name, err := range map[string]error{
			"method": verifyToken(tok, "GET", uri, body),
			"uri":    verifyToken(tok, "POST", "/api/v1/identities", body),
			"body":   verifyToken(tok, "POST", uri, []byte(`{"id":"nurse2"}`)),
		} {
			if err == nil {
				t.Errorf("a token verifies with another %s", name)
			}
		}
	})
	t.Run("the payload is method.b64(uri).b64(body).b64(cert)", func(t *testing.T) {
		got := carest.TokenPayload("GET", "/api/v1/identities?ca=x", nil, []byte("C"))
		if want := "GET." + b64("/api/v1/identities?ca=x") + ".." + b64("C"); got != want {
			t.Errorf("payload = %q, want %q", got, want)
		}
	})
}

func TestRequests(t *testing.T) {
	certPEM, key := selfSigned(t)
	signer := carest.Signer{Cert: certPEM, Key: key}
	var seen struct {
		path, user, pass string
		body             map[string]any
	}
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen.path = r.URL.RequestURI()
		seen.user, seen.pass, _ = r.BasicAuth()
		raw, _ := io.ReadAll(r.Body)
		seen.body = nil
		_ = json.Unmarshal(raw, &seen.body)
		if r.URL.Path != "/api/v1/enroll" {
			if err := verifyToken(r.Header.Get("Authorization"), r.Method, r.URL.RequestURI(), raw); err != nil {
				answer(w, 401, `{"success":false,"result":null,"errors":[{"code":20,"message":"Authentication failure"}],"messages":[]}`)
				return
			}
		}
		switch r.URL.Path {
		case "/api/v1/enroll":
			answer(w, 201, `{"success":true,"result":{"Cert":"`+b64(string(certPEM))+`","ServerInfo":{"CAName":"ca1","CAChain":"`+b64("CHAIN")+`"}},"errors":[],"messages":[]}`)
		case "/api/v1/register":
			answer(w, 201, `{"success":true,"result":{"secret":"s3"},"errors":[],"messages":[]}`)
		case "/api/v1/identities":
			answer(w, 200, `{"success":true,"result":{"identities":[{"id":"nurse1","type":"client","affiliation":"","attrs":[{"name":"role","value":"hospital","ecert":true}],"max_enrollments":-1}],"caname":"ca1"},"errors":[],"messages":[]}`)
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	c := client(t, srv)
	ctx := context.Background()

	t.Run("enroll sends basic auth, the CSR and the CA name", func(t *testing.T) {
		csr, err := carest.CSR(key, "nurse1")
		if err != nil {
			t.Fatal(err)
		}
		res, err := c.Enroll(ctx, "nurse1", "pw", csr)
		if err != nil {
			t.Fatal(err)
		}
		if seen.user != "nurse1" || seen.pass != "pw" || seen.body["caname"] != "ca1" || seen.body["certificate_request"] != string(csr) {
			t.Errorf("request: user %q pass %q body %v", seen.user, seen.pass, seen.body)
		}
		if chain, _ := res.ServerInfo.Chain(); string(res.Cert) != string(certPEM) || string(chain) != "CHAIN" {
			t.Errorf("answer = %+v", res)
		}
	})
	t.Run("register is signed and sends the attributes", func(t *testing.T) {
		secret, err := c.Register(ctx, signer, carest.Registration{ID: "nurse1", Type: "client",
			Attributes: []carest.Attribute{{Name: "role", Value: "hospital", ECert: true}}})
		if err != nil || secret != "s3" {
			t.Fatalf("register: %q, %v", secret, err)
		}
		attrs, _ := seen.body["attrs"].([]any)
		if seen.body["id"] != "nurse1" || seen.body["caname"] != "ca1" || len(attrs) != 1 {
			t.Errorf("body = %v", seen.body)
		}
	})
	t.Run("identities is signed over its query", func(t *testing.T) {
		ids, err := c.Identities(ctx, signer)
		if err != nil {
			t.Fatal(err)
		}
		if seen.path != "/api/v1/identities?ca=ca1" || len(ids) != 1 || ids[0].Attributes[0].Value != "hospital" {
			t.Errorf("path %s, identities %+v", seen.path, ids)
		}
	})
	t.Run("a token by another key is refused", func(t *testing.T) {
		_, other := selfSigned(t)
		_, err := c.Register(ctx, carest.Signer{Cert: certPEM, Key: other}, carest.Registration{ID: "x"})
		var ce *carest.Error
		if !errors.As(err, &ce) || ce.Code != 20 {
			t.Fatalf("error = %v, want the server's code 20", err)
		}
	})
}

func TestRefusalsCarryTheCAsMessages(t *testing.T) {
	tests := []struct {
		name, answer string
		status       int
		wantCode     int
		wantText     []string
	}{
		{"success false", `{"success":false,"result":null,"errors":[{"code":74,"message":"Identity 'nurse1' is already registered"}],"messages":[]}`,
			400, 74, []string{"74", "Identity 'nurse1' is already registered"}},
		{"several errors", `{"success":false,"errors":[{"code":20,"message":"Authentication failure"},{"code":0,"message":"second"}]}`,
			401, 20, []string{"Authentication failure; second"}},
		{"no message", `{"success":false,"errors":[]}`, 500, 0, []string{"without an error message", "http 500"}},
		{"errors beside success", `{"success":true,"result":{},"errors":[{"code":19,"message":"CA 'x' does not exist"}]}`,
			200, 19, []string{"CA 'x' does not exist"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				answer(w, tt.status, tt.answer)
			}))
			defer srv.Close()
			_, err := client(t, srv).Enroll(context.Background(), "nurse1", "pw", []byte("csr"))
			var ce *carest.Error
			if !errors.As(err, &ce) || ce.Code != tt.wantCode || ce.Status != tt.status {
				t.Fatalf("error = %#v, want code %d, http %d", err, tt.wantCode, tt.status)
			}
			for _, s := range tt.wantText {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q lacks %q", err, s)
				}
			}
		})
	}
	t.Run("an answer that is not JSON is quoted", func(t *testing.T) {
		srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			answer(w, 502, "<html>bad gateway</html>")
		}))
		defer srv.Close()
		_, err := client(t, srv).CAInfo(context.Background())
		if err == nil || !strings.Contains(err.Error(), "http 502") || !strings.Contains(err.Error(), "bad gateway") {
			t.Fatalf("error = %v", err)
		}
	})
	t.Run("a server the TLS CA did not certify is refused", func(t *testing.T) {
		srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {}))
		defer srv.Close()
		other, _ := selfSigned(t)
		c, err := carest.New(srv.URL, "", other)
		if err != nil {
			t.Fatal(err)
		}
		var unknown x509.UnknownAuthorityError
		if _, err := c.CAInfo(context.Background()); !errors.As(err, &unknown) {
			t.Fatalf("error = %v, want an unknown authority", err)
		}
	})
}

func TestNewRefusesABadConfiguration(t *testing.T) {
	certPEM, _ := selfSigned(t)
	for name, give := range map[string][2]string{
		"plain http":  {"http://127.0.0.1:7054", string(certPEM)},
		"no host":     {"https://", string(certPEM)},
		"no TLS cert": {"https://127.0.0.1:7054", "not pem"},
	} {
		if _, err := carest.New(give[0], "", []byte(give[1])); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func client(t *testing.T, srv *httptest.Server) *carest.Client {
	t.Helper()
	tlsCA := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	c, err := carest.New(srv.URL, "ca1", tlsCA)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c
}

func answer(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, body)
}

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

// verifyToken checks a token as Fabric CA does, with the public key of the certificate it
// carries, and that the signature is low-S.
func verifyToken(tok, method, uri string, body []byte) error {
	certB64, sigB64, ok := strings.Cut(tok, ".")
	if !ok {
		return errors.New("no '.' in token")
	}
	certPEM, err := base64.StdEncoding.DecodeString(certB64)
	if err != nil {
		return err
	}
	sig, err := base64.StdEncoding.DecodeString(sigB64)
	if err != nil {
		return err
	}
	block, _ := pem.Decode(certPEM)
	if block == nil {
		return errors.New("no PEM certificate")
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		return err
	}
	var rs struct{ R, S *big.Int }
	if _, err := asn1.Unmarshal(sig, &rs); err != nil {
		return err
	}
	pub := cert.PublicKey.(*ecdsa.PublicKey)
	if rs.S.Cmp(new(big.Int).Rsh(pub.Curve.Params().N, 1)) > 0 {
		return errors.New("high S")
	}
	payload := method + "." + b64(uri) + "." + base64.StdEncoding.EncodeToString(body) + "." + certB64
	digest := sha256.Sum256([]byte(payload))
	if !ecdsa.VerifyASN1(pub, digest[:], sig) {
		return errors.New("signature does not verify")
	}
	return nil
}

func selfSigned(t *testing.T) ([]byte, *ecdsa.PrivateKey) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "registrar"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), key
}
