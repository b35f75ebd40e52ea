package server

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"os"

	"github.com/udiledger/udiledger/gateway/config"
)

// serverTLS is the TLS configuration the file describes: the gateway's certificate and key
// and, with a client CA, mutual TLS (a client without a certificate that CA signed is refused
// during the handshake, before any API key is read). TLS 1.2 at least.
func serverTLS(c *config.TLS) (*tls.Config, error) {
	cert, err := tls.LoadX509KeyPair(c.Cert, c.Key)
	if err != nil {
		return nil, fmt.Errorf("tls: %w", err)
	}
	out := &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	if c.ClientCA != "" {
		pem, err := os.ReadFile(c.ClientCA) // #nosec G304 -- named by the operator's configuration
		if err != nil {
			return nil, fmt.Errorf("tls: client_ca: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("tls: client_ca %s holds no PEM certificate", c.ClientCA)
		}
		out.ClientCAs, out.ClientAuth = pool, tls.RequireAndVerifyClientCert
	}
	return out, nil
}
