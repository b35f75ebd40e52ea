// Package caclient connects the identity client of the gateway (gateway/identity) to a CA
// server of the local network (package fabricca): `udi identity`, `udi demo --backend fabric`
// and the Fabric tests enrol people with it. It lives beside fabricca, not in the gateway,
// because a gateway is given its CA's address in its configuration and knows nothing of the
// local network's run directory.
package caclient

import (
	"fmt"
	"os"

	"github.com/udiledger/udiledger/gateway/identity"
	"github.com/udiledger/udiledger/network/fabricca"
)

// New returns a client of a CA server of the local network, keeping enrolled people in the
// wallet directory.
func New(ca fabricca.CA, walletDir string) (*identity.Client, error) {
	tlsCA, err := os.ReadFile(ca.TLSCACert)
	if err != nil {
		return nil, fmt.Errorf("tls ca of %s: %w", ca.Org, err)
	}
	return identity.New(identity.CA{
		Org: ca.Org, MSPID: ca.MSPID, Name: ca.Name, URL: ca.URL, TLSCACert: tlsCA,
		Registrar: identity.Registrar{Name: ca.Registrar.Name, Secret: ca.Registrar.Secret},
	}, identity.Wallet{Dir: walletDir})
}
