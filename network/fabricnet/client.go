package fabricnet

import (
	"fmt"
	"os"
	"slices"

	"github.com/udiledger/udiledger/gateway/ledger"
	"github.com/udiledger/udiledger/gateway/ledger/fabric"
)

// ClientConfig is how the Fabric ledger backend reaches this network: each organisation
// through its own peer; proposals with private inputs endorsed by the members of the private
// data collections only.
func (n *Network) ClientConfig() (fabric.Config, error) {
	cfg := fabric.Config{ChannelID: n.Channel, ChaincodeName: n.Chaincode, Peers: map[string]fabric.Peer{}}
	for _, c := range n.Collections {
		for _, m := range c.Members {
			if !slices.Contains(cfg.PrivateEndorsers, m) {
				cfg.PrivateEndorsers = append(cfg.PrivateEndorsers, m)
			}
		}
	}
	slices.Sort(cfg.PrivateEndorsers)
	for _, o := range n.Orgs {
		ca, err := os.ReadFile(o.TLSCACert)
		if err != nil {
			return cfg, fmt.Errorf("%s: read peer TLS CA: %w", o.Name, err)
		}
		cfg.Peers[o.MSPID] = fabric.Peer{Address: o.Peer.Endpoint, TLSCACert: ca}
	}
	return cfg, nil
}

// AdminIdentity returns the admin identity of an organisation (by name or MSP ID).
func (n *Network) AdminIdentity(org string) (*ledger.Identity, error) {
	o, ok := n.Org(org)
	if !ok {
		return nil, fmt.Errorf("network has no organisation %q", org)
	}
	return o.Admin.ledgerIdentity(o.Name + "/admin")
}

func (id Identity) ledgerIdentity(name string) (*ledger.Identity, error) {
	cert, err := os.ReadFile(id.CertPath)
	if err != nil {
		return nil, fmt.Errorf("%s: read certificate: %w", name, err)
	}
	key, err := os.ReadFile(id.KeyPath)
	if err != nil {
		return nil, fmt.Errorf("%s: read private key: %w", name, err)
	}
	return &ledger.Identity{Name: name, MSPID: id.MSPID, Certificate: cert, PrivateKey: key}, nil
}
