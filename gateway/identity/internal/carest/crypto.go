package carest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"

	"github.com/udiledger/udiledger/gateway/ledger/localmsp"
)

// Token is the Authorization header of a request by an enrolled identity:
//
//	base64(cert PEM) "." base64(signature)
//
// where the signature is a low-S ECDSA signature over SHA-256 of
//
//	method "." base64(uri) "." base64(body) "." base64(cert PEM)
//
// and uri is the request's path and query as the server receives it (/api/v1/…). Base64 is
// the standard encoding with padding.
func Token(certPEM []byte, key *ecdsa.PrivateKey, method, uri string, body []byte) (string, error) {
	if len(certPEM) == 0 || key == nil {
		return "", errors.New("token: no certificate or key")
	}
	b64 := base64.StdEncoding.EncodeToString
	cert := b64(certPEM)
	sig, err := localmsp.Sign(key, []byte(TokenPayload(method, uri, body, certPEM)))
	if err != nil {
		return "", fmt.Errorf("token: %w", err)
	}
	return cert + "." + b64(sig), nil
}

// TokenPayload is the text a token signs.
func TokenPayload(method, uri string, body, certPEM []byte) string {
	b64 := base64.StdEncoding.EncodeToString
	return method + "." + b64([]byte(uri)) + "." + b64(body) + "." + b64(certPEM)
}

// NewKey returns a fresh ECDSA P-256 key, the curve Fabric's default crypto uses.
func NewKey() (*ecdsa.PrivateKey, error) {
	return ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
}

// CSR is a PEM certificate request for name signed by key. The CA writes the subject's
// organisational units itself, from the identity's type and affiliation.
func CSR(key *ecdsa.PrivateKey, name string) ([]byte, error) {
	der, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{
		Subject:            pkix.Name{CommonName: name},
		SignatureAlgorithm: x509.ECDSAWithSHA256,
	}, key)
	if err != nil {
		return nil, fmt.Errorf("certificate request: %w", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: der}), nil
}
