package fabricnet

import (
	"fmt"
	"net"
	"path/filepath"
	"strconv"
)

// Network describes a network brought up by Up, for its clients (the Fabric ledger backend,
// tests, scripts). Up writes it as JSON to <RunDir>/network.json; Load reads it back.
type Network struct {
	RunDir    string    `json:"runDir"`
	Channel   string    `json:"channel"`
	Chaincode string    `json:"chaincode"`
	Orgs      []Org     `json:"orgs"`
	Orderers  []Orderer `json:"orderers"`
	// OrdererTLSCA verifies every orderer's TLS certificate.
	OrdererTLSCA string `json:"ordererTlsCa"`
	// OrdererAdmin is the orderer organisation's admin (osnadmin client TLS pair).
	OrdererAdmin Identity `json:"ordererAdmin"`
	// Collections are the chaincode's private data collections.
	Collections []Collection `json:"collections,omitempty"`
	// Reference is the name of the reference chaincode once DeployReference has deployed it.
	Reference string `json:"reference,omitempty"`
}

// Org is one peer organisation and how to reach and act for it.
type Org struct {
	Name   string `json:"name"`
	MSPID  string `json:"mspId"`
	Domain string `json:"domain"`
	Host   string `json:"host"` // the organisation's loopback address
	Peer   Peer   `json:"peer"`
	// TLSCACert verifies the organisation's peer (and chaincode server) TLS certificates.
	TLSCACert string `json:"tlsCaCert"`
	// Admin and User are node-style identities from cryptogen; people's identities will come
	// from the organisation's Fabric CA.
	Admin Identity `json:"admin"`
	User  Identity `json:"user"`
	// ChaincodeServer is the address of the organisation's chaincode server.
	ChaincodeServer string `json:"chaincodeServer"`
	// PackageID is the organisation's chaincode package ID (its own connection.json).
	PackageID string `json:"packageId,omitempty"`
	// ChaincodeProfile is the chaincode server's net/http/pprof address (plain HTTP).
	ChaincodeProfile string `json:"chaincodeProfile"`
	// ReferenceServer and ReferenceProfile are the reference chaincode server's addresses,
	// ReferencePackageID its package ID once deployed (DeployReference).
	ReferenceServer    string `json:"referenceServer"`
	ReferenceProfile   string `json:"referenceProfile"`
	ReferencePackageID string `json:"referencePackageId,omitempty"`
}

// Peer is a peer node.
type Peer struct {
	Name       string `json:"name"`
	Endpoint   string `json:"endpoint"`   // gRPC host:port (gateway, endorsement, deliver)
	Operations string `json:"operations"` // https host:port of /healthz and /metrics
	Profile    string `json:"profile"`    // http host:port of /debug/pprof/ (peer.profile)
}

// Orderer is a Raft orderer node.
type Orderer struct {
	Name       string `json:"name"`
	Endpoint   string `json:"endpoint"`
	Admin      string `json:"admin"` // channel participation API
	Operations string `json:"operations"`
	Profile    string `json:"profile"` // http host:port of /debug/pprof/ (General.Profile)
}

// Identity is an MSP folder with its signing certificate and private key resolved.
type Identity struct {
	MSPID string `json:"mspId"`
	// MSPDir is the MSP folder (signcerts, keystore, cacerts, tlscacerts, config.yaml).
	MSPDir   string `json:"mspDir"`
	CertPath string `json:"certPath"`
	KeyPath  string `json:"keyPath"`
	// TLSCert and TLSKey are the identity's TLS client pair (mutual TLS where required).
	TLSCert string `json:"tlsCert"`
	TLSKey  string `json:"tlsKey"`
}

// Org returns the organisation with the given name or MSP ID.
func (n *Network) Org(nameOrMSPID string) (Org, bool) {
	for _, o := range n.Orgs {
		if o.Name == nameOrMSPID || o.MSPID == nameOrMSPID {
			return o, true
		}
	}
	return Org{}, false
}

// The layout below is internal: where each file of a node lives under the run directory.

type layout struct {
	cfg        Config
	ordererOrg ordererOrgLayout
	orgs       []orgLayout
	orderers   []ordererLayout
}

type ordererOrgLayout struct {
	Name, MSPID, Domain, MSPDir, TLSCA string
	Admin                              Identity
}

type orgLayout struct {
	Org
	Index    int // 0-based position in the configuration
	PeerPort int
	MSPDir   string // the organisation's MSP (for configtx)
	peer     peerLayout
	ccDir    string // chaincode server files: TLS pair, package
}

type peerLayout struct {
	Name, Endpoint, ChaincodeListen, Operations, Profile string
	DataDir, ConfigDir, MSPDir, TLSDir                   string
}

type ordererLayout struct {
	Orderer
	Host, TLSDir, TLSCert, MSPDir, DataDir, ConfigDir string
	Port                                              int
}

const ordererOrgName, ordererOrgDomain = "OrdererOrg", "orderer.udi.example"

func newLayout(cfg Config) *layout {
	l := &layout{cfg: cfg}
	crypto := l.path("crypto")
	od := filepath.Join(crypto, "ordererOrganizations", ordererOrgDomain)
	l.ordererOrg = ordererOrgLayout{
		Name: ordererOrgName, MSPID: ordererOrgName + "MSP", Domain: ordererOrgDomain,
		MSPDir: filepath.Join(od, "msp"),
		TLSCA:  filepath.Join(od, "tlsca", "tlsca."+ordererOrgDomain+"-cert.pem"),
		Admin:  userIdentity(ordererOrgName+"MSP", od, "Admin@"+ordererOrgDomain),
	}
	for i := 0; i < cfg.Orderers; i++ {
		name := "orderer" + strconv.Itoa(i+1)
		host := cfg.AddressPrefix + "." + strconv.Itoa(11+i)
		node := filepath.Join(od, "orderers", name+"."+ordererOrgDomain)
		l.orderers = append(l.orderers, ordererLayout{
			Orderer: Orderer{
				Name:       name,
				Endpoint:   hostPort(host, cfg.Ports.Orderer),
				Admin:      hostPort(host, cfg.Ports.OrdererAdmin),
				Operations: hostPort(host, cfg.Ports.OrdererOps),
				Profile:    hostPort(host, cfg.Ports.OrdererProfile),
			},
			Host: host, Port: cfg.Ports.Orderer,
			TLSDir: filepath.Join(node, "tls"), TLSCert: filepath.Join(node, "tls", "server.crt"),
			MSPDir: filepath.Join(node, "msp"), DataDir: l.path("nodes", name, "data"),
			ConfigDir: l.path("nodes", name),
		})
	}
	for i, spec := range cfg.Orgs {
		host := cfg.AddressPrefix + "." + strconv.Itoa(2+i)
		msp := spec.Name + "MSP"
		od := filepath.Join(crypto, "peerOrganizations", spec.Domain)
		peerName := "peer0." + spec.Domain
		node := filepath.Join(od, "peers", peerName)
		o := orgLayout{
			Org: Org{
				Name: spec.Name, MSPID: msp, Domain: spec.Domain, Host: host,
				Peer: Peer{
					Name:       peerName,
					Endpoint:   hostPort(host, cfg.Ports.Peer),
					Operations: hostPort(host, cfg.Ports.PeerOperations),
					Profile:    hostPort(host, cfg.Ports.PeerProfile),
				},
				TLSCACert:        filepath.Join(od, "tlsca", "tlsca."+spec.Domain+"-cert.pem"),
				Admin:            userIdentity(msp, od, "Admin@"+spec.Domain),
				User:             userIdentity(msp, od, "User1@"+spec.Domain),
				ChaincodeServer:  hostPort(host, cfg.Ports.ChaincodeServer),
				ChaincodeProfile: hostPort(host, cfg.Ports.ChaincodeProfile),
				ReferenceServer:  hostPort(host, cfg.Ports.ReferenceServer),
				ReferenceProfile: hostPort(host, cfg.Ports.ReferenceProfile),
			},
			Index: i, PeerPort: cfg.Ports.Peer, MSPDir: filepath.Join(od, "msp"),
			ccDir: l.path("chaincode", spec.Name),
		}
		o.peer = peerLayout{
			Name: peerName, Endpoint: o.Peer.Endpoint, Operations: o.Peer.Operations, Profile: o.Peer.Profile,
			ChaincodeListen: hostPort(host, cfg.Ports.PeerChaincode),
			DataDir:         l.path("nodes", peerName, "data"),
			ConfigDir:       l.path("nodes", peerName),
			MSPDir:          filepath.Join(node, "msp"),
			TLSDir:          filepath.Join(node, "tls"),
		}
		l.orgs = append(l.orgs, o)
	}
	return l
}

// userIdentity returns the cryptogen user folder of name in the organisation folder od.
func userIdentity(mspID, od, name string) Identity {
	u := filepath.Join(od, "users", name)
	return Identity{
		MSPID:    mspID,
		MSPDir:   filepath.Join(u, "msp"),
		CertPath: filepath.Join(u, "msp", "signcerts", name+"-cert.pem"),
		KeyPath:  filepath.Join(u, "msp", "keystore", "priv_sk"),
		TLSCert:  filepath.Join(u, "tls", "client.crt"),
		TLSKey:   filepath.Join(u, "tls", "client.key"),
	}
}

func (l *layout) path(elem ...string) string {
	return filepath.Join(append([]string{l.cfg.RunDir}, elem...)...)
}

func (l *layout) network() *Network {
	n := &Network{
		RunDir: l.cfg.RunDir, Channel: l.cfg.Channel, Chaincode: l.cfg.Chaincode,
		OrdererTLSCA: l.ordererOrg.TLSCA, OrdererAdmin: l.ordererOrg.Admin,
		Collections: l.cfg.Collections,
	}
	for _, o := range l.orgs {
		n.Orgs = append(n.Orgs, o.Org)
	}
	for _, o := range l.orderers {
		n.Orderers = append(n.Orderers, o.Orderer)
	}
	return n
}

func hostPort(host string, port int) string {
	return net.JoinHostPort(host, strconv.Itoa(port))
}

func (o ordererLayout) String() string { return fmt.Sprintf("%s (%s)", o.Name, o.Endpoint) }
