package localmsp

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"math/big"
	"sort"
	"time"
)

// attrOID is the extension in which Fabric CA writes a certificate's attributes.
var attrOID = asn1.ObjectIdentifier{1, 2, 3, 4, 5, 6, 7, 8, 1}

const validity = 20 * 365 * 24 * time.Hour

type keyPair struct {
	cert    *x509.Certificate
	certPEM []byte
	key     *ecdsa.PrivateKey
	keyPEM  []byte
}

func newCA(org OrgSpec, now time.Time) (*keyPair, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("localmsp: generate ca key: %w", err)
	}
	name := pkix.Name{CommonName: "ca." + org.Name, Organization: []string{org.Name}}
	tmpl := &x509.Certificate{
		SerialNumber:          serial(),
		Subject:               name,
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(validity),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
		SubjectKeyId:          ski(&key.PublicKey),
	}
	return sign(tmpl, tmpl, &key.PublicKey, key, key)
}

func newUser(ca *keyPair, org OrgSpec, user UserSpec, now time.Time) (*keyPair, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("localmsp: generate user key: %w", err)
	}
	attrs := map[string]string{
		"hf.Affiliation":  "",
		"hf.EnrollmentID": user.Name,
		"hf.Type":         "client",
	}
	for k, v := range user.Attrs {
		attrs[k] = v
	}
	ext, err := json.Marshal(struct {
		Attrs map[string]string `json:"attrs"`
	}{attrs})
	if err != nil {
		return nil, fmt.Errorf("localmsp: encode attributes: %w", err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial(),
		Subject: pkix.Name{
			CommonName:         user.Name,
			Organization:       []string{org.Name},
			OrganizationalUnit: []string{"client"},
		},
		NotBefore:       now.Add(-time.Hour),
		NotAfter:        now.Add(validity),
		KeyUsage:        x509.KeyUsageDigitalSignature,
		SubjectKeyId:    ski(&key.PublicKey),
		AuthorityKeyId:  ca.cert.SubjectKeyId,
		ExtraExtensions: []pkix.Extension{{Id: attrOID, Value: ext}},
	}
	return sign(tmpl, ca.cert, &key.PublicKey, ca.key, key)
}

func sign(tmpl, parent *x509.Certificate, pub *ecdsa.PublicKey, signer, own *ecdsa.PrivateKey) (*keyPair, error) {
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, pub, signer)
	if err != nil {
		return nil, fmt.Errorf("localmsp: create certificate: %w", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("localmsp: parse certificate: %w", err)
	}
	pk8, err := x509.MarshalPKCS8PrivateKey(own)
	if err != nil {
		return nil, fmt.Errorf("localmsp: encode key: %w", err)
	}
	return &keyPair{
		cert:    cert,
		certPEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		key:     own,
		keyPEM:  pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: pk8}),
	}, nil
}

func serial() *big.Int {
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		panic(fmt.Sprintf("localmsp: random serial: %v", err)) // crypto/rand never fails on Linux
	}
	return n
}

func ski(pub *ecdsa.PublicKey) []byte {
	raw, err := pub.Bytes()
	if err != nil {
		return nil
	}
	sum := sha256.Sum256(raw)
	return sum[:]
}

// parseKeyPair reads a PEM certificate and a PEM PKCS#8 ECDSA key.
func parseKeyPair(certPEM, keyPEM []byte) (*keyPair, error) {
	cert, err := ParseCertificate(certPEM)
	if err != nil {
		return nil, err
	}
	key, err := ParsePrivateKey(keyPEM)
	if err != nil {
		return nil, err
	}
	return &keyPair{cert: cert, certPEM: certPEM, key: key, keyPEM: keyPEM}, nil
}

// ParseCertificate decodes one PEM-encoded X.509 certificate.
func ParseCertificate(certPEM []byte) (*x509.Certificate, error) {
	block, _ := pem.Decode(certPEM)
	if block == nil || block.Type != "CERTIFICATE" {
		return nil, fmt.Errorf("localmsp: no PEM certificate")
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("localmsp: parse certificate: %w", err)
	}
	return cert, nil
}

// ParsePrivateKey decodes a PEM-encoded PKCS#8 ECDSA private key.
func ParsePrivateKey(keyPEM []byte) (*ecdsa.PrivateKey, error) {
	block, _ := pem.Decode(keyPEM)
	if block == nil {
		return nil, fmt.Errorf("localmsp: no PEM private key")
	}
	key, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("localmsp: parse private key: %w", err)
	}
	ec, ok := key.(*ecdsa.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("localmsp: private key is %T, want ECDSA", key)
	}
	return ec, nil
}

// Attributes returns the Fabric CA attributes of a certificate, sorted by name.
func Attributes(cert *x509.Certificate) (map[string]string, []string, error) {
	for _, ext := range cert.Extensions {
		if !ext.Id.Equal(attrOID) {
			continue
		}
		var v struct {
			Attrs map[string]string `json:"attrs"`
		}
		if err := json.Unmarshal(ext.Value, &v); err != nil {
			return nil, nil, fmt.Errorf("localmsp: attribute extension: %w", err)
		}
		names := make([]string, 0, len(v.Attrs))
		for k := range v.Attrs {
			names = append(names, k)
		}
		sort.Strings(names)
		return v.Attrs, names, nil
	}
	return map[string]string{}, nil, nil
}
