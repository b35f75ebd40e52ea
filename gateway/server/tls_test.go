package server_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/udiledger/udiledger/gateway/server"
)

// pair is a certificate and its key, parsed and as PEM files.
type pair struct {
	cert     *x509.Certificate
	key      *ecdsa.PrivateKey
	certFile string
	keyFile  string
}

// issue makes a certificate for name, signed by parent (self-signed when nil), written to dir.
func issue(t *testing.T, dir, name string, parent *pair, tmpl x509.Certificate) *pair {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	serial, _ := rand.Int(rand.Reader, big.NewInt(1<<62))
	tmpl.SerialNumber, tmpl.Subject = serial, pkix.Name{CommonName: name}
	tmpl.NotBefore, tmpl.NotAfter = time.Now().Add(-time.Hour), time.Now().Add(time.Hour)
	signer, signerKey := &tmpl, key
	if parent != nil {
		signer, signerKey = parent.cert, parent.key
	}
	der, err := x509.CreateCertificate(rand.Reader, &tmpl, signer, &key.PublicKey, signerKey)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	p := &pair{cert: cert, key: key, certFile: filepath.Join(dir, name+".pem"), keyFile: filepath.Join(dir, name+".key")}
	if err := os.WriteFile(p.certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p.keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func (p *pair) tlsCert() tls.Certificate {
	return tls.Certificate{Certificate: [][]byte{p.cert.Raw}, PrivateKey: p.key, Leaf: p.cert}
}

// client trusts ca and presents cert when not nil.
func client(ca *pair, cert *pair) *http.Client {
	roots := x509.NewCertPool()
	roots.AddCert(ca.cert)
	cfg := &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12}
	if cert != nil {
		cfg.Certificates = []tls.Certificate{cert.tlsCert()}
	}
	return &http.Client{Transport: &http.Transport{TLSClientConfig: cfg, ForceAttemptHTTP2: true}, Timeout: 10 * time.Second}
}

func TestTLS(t *testing.T) {
	dir := t.TempDir()
	serverCert := issue(t, dir, "gateway", nil, x509.Certificate{IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}})
	clientCA := issue(t, dir, "his-clients", nil, x509.Certificate{IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign})
	his := issue(t, dir, "his-integration", clientCA, x509.Certificate{KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}})
	stranger := issue(t, dir, "stranger", nil, x509.Certificate{KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}})

	startTLS := func(t *testing.T, extra string) (url, key string, stop func()) {
		path, key := configured(t, extra)
		r := start(t, server.Config{File: path})
		if !r.g.TLS() {
			t.Fatal("a gateway with a tls section does not say it serves TLS")
		}
		return "https" + strings.TrimPrefix(r.url, "http"), key, func() {
			if err := r.stop(); err != nil {
				t.Error(err)
			}
		}
	}
	status := func(c *http.Client, url, key string) (int, error) {
		req, _ := http.NewRequest("GET", url, nil)
		if key != "" {
			req.Header.Set("Authorization", "Bearer "+key)
		}
		defer c.CloseIdleConnections() // a graceful shutdown would wait for it
		res, err := c.Do(req)
		if err != nil {
			return 0, err
		}
		_ = res.Body.Close()
		return res.StatusCode, nil
	}

	t.Run("the gateway serves HTTPS with its certificate", func(t *testing.T) {
		url, key, stop := startTLS(t, fmt.Sprintf("tls: {cert: %q, key: %q}\n", serverCert.certFile, serverCert.keyFile))
		defer stop()
		if st, err := status(client(serverCert, nil), url+"/v1/version", key); err != nil || st != 200 {
			t.Fatalf("GET /v1/version over TLS = %d, %v", st, err)
		}
		if st, err := status(http.DefaultClient, "http"+strings.TrimPrefix(url, "https")+"/healthz", ""); err == nil && st != 400 {
			t.Fatalf("plain HTTP to the TLS gateway = %d, want refused", st)
		}
	})
	t.Run("with client_ca, only clients with a certificate it signed are served", func(t *testing.T) {
		url, key, stop := startTLS(t, fmt.Sprintf("tls: {cert: %q, key: %q, client_ca: %q}\n", serverCert.certFile, serverCert.keyFile, clientCA.certFile))
		defer stop()
		if st, err := status(client(serverCert, his), url+"/v1/version", key); err != nil || st != 200 {
			t.Fatalf("a client with a certificate = %d, %v", st, err)
		}
		for name, c := range map[string]*http.Client{"no certificate": client(serverCert, nil), "a certificate of another CA": client(serverCert, stranger)} {
			// Under TLS 1.3 the client learns of the refusal after its side of the handshake:
			// as the server's alert, or as the connection it closed.
			if st, err := status(c, url+"/healthz", ""); err == nil {
				t.Fatalf("a client with %s = %d, want refused", name, st)
			}
		}
	})
	t.Run("an unreadable certificate is a configuration error", func(t *testing.T) {
		path, _ := configured(t, fmt.Sprintf("tls: {cert: %q, key: %q}\n", filepath.Join(dir, "missing.pem"), serverCert.keyFile))
		_, err := server.New(t.Context(), server.Config{File: path})
		var ce *server.ConfigError
		if !errors.As(err, &ce) || !strings.Contains(err.Error(), "tls") {
			t.Fatalf("New() = %v, want a *ConfigError naming tls", err)
		}
	})
}
