package fabricnet

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"embed"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"text/template"
	"time"
)

//go:embed templates/*.tmpl
var templateFS embed.FS

//go:embed ccaas/bin/*
var builderFS embed.FS

var templates = template.Must(template.ParseFS(templateFS, "templates/*.tmpl"))

// render executes the named template into path.
func render(name, path string, data any) error {
	var buf bytes.Buffer
	if err := templates.ExecuteTemplate(&buf, name, data); err != nil {
		return fmt.Errorf("render %s: %w", name, err)
	}
	return writeFile(path, buf.Bytes(), 0o600)
}

// writeFile writes data to path, creating its directory, and leaves an identical file alone.
func writeFile(path string, data []byte, perm os.FileMode) error {
	// #nosec G304 -- paths under the run directory, built by the layout
	if old, err := os.ReadFile(path); err == nil && bytes.Equal(old, data) {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return err
	}
	return os.WriteFile(path, data, perm) // #nosec G703 -- path built by the layout, not from input
}

// writeBuilder installs the ccaas external builder scripts under the run directory.
func (l *layout) writeBuilder() (string, error) {
	dir := l.path("builders", "ccaas")
	for _, name := range []string{"detect", "build", "release"} {
		b, err := builderFS.ReadFile("ccaas/bin/" + name)
		if err != nil {
			return "", err
		}
		// #nosec G306 -- the peer executes these scripts
		if err := writeFile(filepath.Join(dir, "bin", name), b, 0o750); err != nil {
			return "", fmt.Errorf("write builder: %w", err)
		}
	}
	return dir, nil
}

// issueTLSPair writes a TLS key pair signed by the organisation's TLS CA, valid for host,
// 127.0.0.1 and localhost, usable by servers and clients.
func issueTLSPair(caCertFile, caKeyFile, cn, host, dir string) error {
	caPEM, err := os.ReadFile(caCertFile) // #nosec G304 -- cryptogen output of this network
	if err != nil {
		return err
	}
	caKeyPEM, err := os.ReadFile(caKeyFile) // #nosec G304 -- cryptogen output of this network
	if err != nil {
		return err
	}
	cb, _ := pem.Decode(caPEM)
	kb, _ := pem.Decode(caKeyPEM)
	if cb == nil || kb == nil {
		return errors.New("issue tls pair: no PEM in the CA files")
	}
	caCert, err := x509.ParseCertificate(cb.Bytes)
	if err != nil {
		return fmt.Errorf("issue tls pair: %w", err)
	}
	caKey, err := x509.ParsePKCS8PrivateKey(kb.Bytes)
	if err != nil {
		return fmt.Errorf("issue tls pair: %w", err)
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return fmt.Errorf("issue tls pair: %w", err)
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		return fmt.Errorf("issue tls pair: %w", err)
	}
	now := time.Now().Add(-5 * time.Minute)
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: cn},
		NotBefore:    now,
		NotAfter:     caCert.NotAfter,
		KeyUsage:     x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth},
		DNSNames:     []string{"localhost"},
		IPAddresses:  []net.IP{net.ParseIP(host), net.ParseIP("127.0.0.1")},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, caCert, &key.PublicKey, caKey)
	if err != nil {
		return fmt.Errorf("issue tls pair: %w", err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return fmt.Errorf("issue tls pair: %w", err)
	}
	if err := writeFile(filepath.Join(dir, "ca.crt"), caPEM, 0o600); err != nil {
		return err
	}
	if err := writeFile(filepath.Join(dir, "server.crt"), pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		return err
	}
	return writeFile(filepath.Join(dir, "server.key"), pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), 0o600)
}

// connection is the connection.json the ccaas builder hands to the peer.
type connection struct {
	Address            string `json:"address"`
	DialTimeout        string `json:"dial_timeout"`
	TLSRequired        bool   `json:"tls_required"`
	ClientAuthRequired bool   `json:"client_auth_required,omitempty"`
	RootCert           string `json:"root_cert,omitempty"`
	ClientKey          string `json:"client_key,omitempty"`
	ClientCert         string `json:"client_cert,omitempty"`
}

// chaincodePackage builds the ccaas package of one organisation: metadata.json and a
// code.tar.gz holding connection.json. The bytes are deterministic, so the package ID is
// stable across runs.
func chaincodePackage(label string, conn connection) ([]byte, error) {
	// #nosec G117 -- the ccaas contract carries the peer's client key in connection.json
	cj, err := json.MarshalIndent(conn, "", "  ")
	if err != nil {
		return nil, err
	}
	code, err := tgz(map[string][]byte{"connection.json": cj}, []string{"connection.json"})
	if err != nil {
		return nil, err
	}
	meta, err := json.Marshal(map[string]string{"type": "ccaas", "label": label})
	if err != nil {
		return nil, err
	}
	return tgz(map[string][]byte{"metadata.json": meta, "code.tar.gz": code},
		[]string{"metadata.json", "code.tar.gz"})
}

func tgz(files map[string][]byte, order []string) ([]byte, error) {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	for _, name := range order {
		data := files[name]
		hdr := &tar.Header{Name: name, Mode: 0o644, Size: int64(len(data)), ModTime: time.Unix(0, 0), Format: tar.FormatPAX}
		if err := tw.WriteHeader(hdr); err != nil {
			return nil, err
		}
		if _, err := tw.Write(data); err != nil {
			return nil, err
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// collectionConfig is one entry of the peer CLI's --collections-config file.
type collectionConfig struct {
	Name              string `json:"name"`
	Policy            string `json:"policy"`
	RequiredPeerCount int    `json:"requiredPeerCount"`
	MaxPeerCount      int    `json:"maxPeerCount"`
	BlockToLive       uint64 `json:"blockToLive"`
	MemberOnlyRead    bool   `json:"memberOnlyRead"`
	MemberOnlyWrite   bool   `json:"memberOnlyWrite"`
	// EndorsementPolicy, when set, replaces the chaincode's policy for the collection's keys.
	EndorsementPolicy *endorsementPolicy `json:"endorsementPolicy,omitempty"`
}

type endorsementPolicy struct {
	SignaturePolicy string `json:"signaturePolicy"`
}

func collectionsJSON(cols []Collection) ([]byte, error) {
	out := make([]collectionConfig, 0, len(cols))
	for _, c := range cols {
		policy := "OR("
		for i, m := range c.Members {
			if i > 0 {
				policy += ","
			}
			policy += "'" + m + ".member'"
		}
		policy += ")"
		var ep *endorsementPolicy
		if c.EndorsementPolicy != "" {
			ep = &endorsementPolicy{SignaturePolicy: c.EndorsementPolicy}
		}
		out = append(out, collectionConfig{
			Name: c.Name, Policy: policy, EndorsementPolicy: ep,
			// Every member endorses a write (the dispenser and the regulator, ADR 014), so no
			// dissemination is required for the transaction to succeed; a member's peer that
			// missed it gets it by gossip or reconciliation.
			RequiredPeerCount: 0, MaxPeerCount: len(c.Members) - 1,
			BlockToLive: c.BlockToLive, MemberOnlyRead: true, MemberOnlyWrite: true,
		})
	}
	return json.MarshalIndent(out, "", "  ")
}
