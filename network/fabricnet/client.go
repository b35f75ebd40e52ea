package fabricnet

import (
	"errors"
	"fmt"
	"os"
	"slices"

	"github.com/udiledger/udiledger/gateway/ledger"
	"github.com/udiledger/udiledger/gateway/ledger/fabric"
)

// ClientConfig is how the Fabric ledger backend reaches this network: each organisation
// through its own peer; proposals with private inputs endorsed by the submitter and the
// organisations that are members of every private data collection (the regulator), so by
// the members of the submitter's own collection only.
func (n *Network) ClientConfig() (fabric.Config, error) {
	cfg := fabric.Config{ChannelID: n.Channel, ChaincodeName: n.Chaincode, Peers: map[string]fabric.Peer{}}
	for i, c := range n.Collections {
		if i == 0 {
			cfg.PrivateEndorsers = slices.Clone(c.Members)
			continue
		}
		cfg.PrivateEndorsers = slices.DeleteFunc(cfg.PrivateEndorsers, func(m string) bool { return !slices.Contains(c.Members, m) })
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

// ReferenceClientConfig is how the Fabric ledger backend reaches the reference chaincode
// once DeployReference has deployed it: ClientConfig with the reference's name and no
// private data.
func (n *Network) ReferenceClientConfig() (fabric.Config, error) {
	if n.Reference == "" {
		return fabric.Config{}, errors.New("fabricnet: the reference chaincode is not deployed (DeployReference)")
	}
	cfg, err := n.ClientConfig()
	cfg.ChaincodeName, cfg.PrivateEndorsers = n.Reference, nil
	return cfg, err
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
