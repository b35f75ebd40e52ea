package localmsp

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/asn1"
	"errors"
	"fmt"
	"math/big"
	"time"
)

// MSP is the trust root of one organisation, as a channel's MSP definition holds it.
type MSP struct {
	ID        string
	RootCerts [][]byte // PEM-encoded CA certificates
}

// Verifier checks identities and signatures against known MSPs.
type Verifier struct {
	roots map[string]*x509.CertPool
}

// NewVerifier returns a Verifier trusting msps.
func NewVerifier(msps []MSP) (*Verifier, error) {
	v := &Verifier{roots: map[string]*x509.CertPool{}}
	for _, m := range msps {
		if m.ID == "" {
			return nil, errors.New("localmsp: MSP without ID")
		}
		pool := x509.NewCertPool()
		for _, pemCert := range m.RootCerts {
			cert, err := ParseCertificate(pemCert)
			if err != nil {
				return nil, fmt.Errorf("localmsp: MSP %s: %w", m.ID, err)
			}
			pool.AddCert(cert)
		}
		v.roots[m.ID] = pool
	}
	return v, nil
}

// Validate checks that certPEM chains to a root of the MSP mspID at time now.
func (v *Verifier) Validate(mspID string, certPEM []byte, now time.Time) (*x509.Certificate, error) {
	pool, ok := v.roots[mspID]
	if !ok {
		return nil, fmt.Errorf("localmsp: MSP %s is unknown", mspID)
	}
	cert, err := ParseCertificate(certPEM)
	if err != nil {
		return nil, err
	}
	_, err = cert.Verify(x509.VerifyOptions{
		Roots:       pool,
		CurrentTime: now,
		KeyUsages:   []x509.ExtKeyUsage{x509.ExtKeyUsageAny},
	})
	if err != nil {
		return nil, fmt.Errorf("localmsp: certificate of %q is not valid for MSP %s: %w", cert.Subject.CommonName, mspID, err)
	}
	return cert, nil
}

// Sign signs sha256(msg) with an ECDSA key and returns a low-S ASN.1 signature, as Fabric
// requires.
func Sign(key *ecdsa.PrivateKey, msg []byte) ([]byte, error) {
	digest := sha256.Sum256(msg)
	r, s, err := ecdsa.Sign(rand.Reader, key, digest[:])
	if err != nil {
		return nil, fmt.Errorf("localmsp: sign: %w", err)
	}
	half := new(big.Int).Rsh(key.Curve.Params().N, 1)
	if s.Cmp(half) > 0 {
		s.Sub(key.Curve.Params().N, s)
	}
	sig, err := asn1.Marshal(ecdsaSignature{R: r, S: s})
	if err != nil {
		return nil, fmt.Errorf("localmsp: sign: %w", err)
	}
	return sig, nil
}

// VerifySignature checks a low-S ECDSA signature over sha256(msg) by cert's key.
func VerifySignature(cert *x509.Certificate, msg, sig []byte) error {
	pub, ok := cert.PublicKey.(*ecdsa.PublicKey)
	if !ok {
		return fmt.Errorf("localmsp: public key is %T, want ECDSA", cert.PublicKey)
	}
	var es ecdsaSignature
	if rest, err := asn1.Unmarshal(sig, &es); err != nil || len(rest) != 0 {
		return errors.New("localmsp: malformed signature")
	}
	if es.S.Cmp(new(big.Int).Rsh(curveOrder(pub.Curve), 1)) > 0 {
		return errors.New("localmsp: signature is not low-S")
	}
	digest := sha256.Sum256(msg)
	if !ecdsa.Verify(pub, digest[:], es.R, es.S) {
		return errors.New("localmsp: signature does not verify")
	}
	return nil
}

type ecdsaSignature struct{ R, S *big.Int }

func curveOrder(c elliptic.Curve) *big.Int { return c.Params().N }
