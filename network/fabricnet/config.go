// Package fabricnet brings up, describes and tears down a real Hyperledger Fabric network on one
// machine without Docker: five peer organisations with one LevelDB peer each, an orderer
// organisation with three Raft orderers, TLS on every connection, one application channel and
// the UDI Ledger chaincode run as a service (one chaincode server per peer organisation).
//
// Every node listens on its own loopback address (127.0.0.x) with port numbers from one
// PortMap, so the same configuration describes one organisation per host. Logs and state live
// under one run directory; Up, Down and Status are idempotent.
package fabricnet

import (
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/udiledger/udiledger/chaincode/orgs"
)

// PortMap holds every port the network listens on. Each node has its own loopback address,
// so nodes of the same kind share port numbers.
type PortMap struct {
	Peer            int // peer gRPC: endorsement, gateway, deliver, gossip
	PeerChaincode   int // peer chaincode listener (unused by chaincode as a service, bound anyway)
	PeerOperations  int // peer /healthz, /metrics, /logspec
	ChaincodeServer int // the chaincode server the peer dials
	Orderer         int // orderer gRPC: broadcast, deliver, Raft cluster
	OrdererAdmin    int // channel participation API (osnadmin)
	OrdererOps      int // orderer /healthz, /metrics
	// ReferenceServer is the reference chaincode's server (DeployReference).
	ReferenceServer int
	// Profiling listeners (net/http/pprof, plain HTTP on the node's loopback address).
	PeerProfile      int // peer.profile
	OrdererProfile   int // General.Profile
	ChaincodeProfile int // UDI_PPROF_ADDRESS of the chaincode server
	ReferenceProfile int // UDI_PPROF_ADDRESS of the reference chaincode server
}

// DefaultPorts is the port map of a default network.
var DefaultPorts = PortMap{
	Peer:            7051,
	PeerChaincode:   7052,
	PeerOperations:  9443,
	ChaincodeServer: 9999,
	Orderer:         7050,
	OrdererAdmin:    7053,
	OrdererOps:      8443,

	ReferenceServer:  9998,
	PeerProfile:      6060,
	OrdererProfile:   6061,
	ChaincodeProfile: 6062,
	ReferenceProfile: 6063,
}

// withDefaults fills every unset port from DefaultPorts.
func (p PortMap) withDefaults() PortMap {
	for _, f := range []struct {
		port *int
		def  int
	}{
		{&p.Peer, DefaultPorts.Peer}, {&p.PeerChaincode, DefaultPorts.PeerChaincode},
		{&p.PeerOperations, DefaultPorts.PeerOperations}, {&p.ChaincodeServer, DefaultPorts.ChaincodeServer},
		{&p.Orderer, DefaultPorts.Orderer}, {&p.OrdererAdmin, DefaultPorts.OrdererAdmin},
		{&p.OrdererOps, DefaultPorts.OrdererOps}, {&p.ReferenceServer, DefaultPorts.ReferenceServer},
		{&p.PeerProfile, DefaultPorts.PeerProfile}, {&p.OrdererProfile, DefaultPorts.OrdererProfile},
		{&p.ChaincodeProfile, DefaultPorts.ChaincodeProfile}, {&p.ReferenceProfile, DefaultPorts.ReferenceProfile},
	} {
		if *f.port == 0 {
			*f.port = f.def
		}
	}
	return p
}

// OrgSpec names a peer organisation; its MSP ID is Name + "MSP".
type OrgSpec struct {
	Name   string // e.g. ManufacturerOrg
	Domain string // e.g. manufacturer.udi.example
}

// DefaultOrgs are the five organisations of UDI Ledger (chaincode/orgs), in address order
// (127.0.0.2 …).
var DefaultOrgs = func() []OrgSpec {
	var out []OrgSpec
	for _, o := range orgs.All() {
		out = append(out, OrgSpec{Name: o.Name, Domain: o.Domain})
	}
	return out
}()

// Collection is a private data collection of the chaincode definition.
type Collection struct {
	Name    string   `json:"name"`
	Members []string `json:"members"` // MSP IDs
	// BlockToLive is how many blocks the data is kept; 0 keeps it forever.
	BlockToLive uint64 `json:"blockToLive,omitempty"`
	// EndorsementPolicy is the collection's own signature policy for writes to it; empty
	// means the chaincode's.
	EndorsementPolicy string `json:"endorsementPolicy,omitempty"`
}

// DefaultCollections are the chaincode's private data collections (chaincode/orgs): one per
// dispensing organisation, kept by it and the regulator for orgs.DispenseBlockToLive blocks.
var DefaultCollections = func() []Collection {
	var out []Collection
	for _, c := range orgs.Collections() {
		out = append(out, Collection{Name: c.Name, Members: c.Members, BlockToLive: c.BlockToLive,
			EndorsementPolicy: "OR('" + c.Writer + ".peer')"})
	}
	return out
}()

// Config describes the network to bring up. The zero value of every field but BinDir and
// ModuleRoot means its default.
type Config struct {
	// RunDir holds every file of the network: crypto material, configuration, ledgers, logs,
	// pid files. Default: <ModuleRoot>/network/run.
	RunDir string
	// BinDir holds peer, orderer, configtxgen, cryptogen and osnadmin (see EnsureBinaries).
	BinDir string
	// CABinDir holds fabric-ca-server (Binaries.FabricCA). When set, Up runs one Fabric CA per
	// peer organisation, signing with the organisation's cryptogen CA (network/fabricca), so
	// people get identities with role attributes.
	CABinDir string
	// ModuleRoot is the root of the udiledger module; the chaincode server is built from it
	// unless ChaincodeBinary is set.
	ModuleRoot string
	// ChaincodeBinary is a built udi-chaincode; default: built into RunDir/bin by Up.
	ChaincodeBinary string

	// AddressPrefix is the first three octets of the loopback addresses ("127.0.0"): peer
	// organisations take .2, .3, … and orderers .11, .12, .13.
	AddressPrefix string
	Ports         PortMap
	Orgs          []OrgSpec
	Orderers      int // number of Raft orderers; default 3

	Channel   string // default "udi"
	Chaincode string // chaincode name; default "udi"
	// EndorsementPolicy is the chaincode-level signature policy; empty means the channel's
	// /Channel/Application/Endorsement policy (MAJORITY Endorsement).
	EndorsementPolicy string
	// Collections default to DefaultCollections, with DispenseBlockToLive.
	Collections []Collection
	// DispenseBlockToLive is the blockToLive of the default collections; 0 means
	// orgs.DispenseBlockToLive (six years at one block every two seconds).
	DispenseBlockToLive uint64

	BatchTimeout    time.Duration // default 100ms
	MaxMessageCount int           // block size in transactions; default 100

	// ChaincodeTLS runs the chaincode servers with TLS and mutual authentication (default on).
	DisableChaincodeTLS bool

	// StopWithProcess kills every process of the network when the process that started it
	// exits (tests: a test binary killed by its timeout leaves nothing behind). Off for the
	// CLI, whose network outlives the command.
	StopWithProcess bool

	// LogSpec is FABRIC_LOGGING_SPEC of peers and orderers; default "info".
	LogSpec string
	// StartTimeout bounds the wait for one node to become healthy; default 60s.
	StartTimeout time.Duration
}

// withDefaults returns the configuration with defaults filled in.
func (c Config) withDefaults() (Config, error) {
	if c.ModuleRoot == "" {
		root, err := FindModuleRoot("")
		if err != nil && (c.RunDir == "" || c.ChaincodeBinary == "") {
			return c, err
		}
		c.ModuleRoot = root
	}
	if c.RunDir == "" {
		c.RunDir = filepath.Join(c.ModuleRoot, "network", "run")
	}
	if c.AddressPrefix == "" {
		c.AddressPrefix = "127.0.0"
	}
	c.Ports = c.Ports.withDefaults()
	if c.Orgs == nil {
		c.Orgs = DefaultOrgs
	}
	if c.Orderers == 0 {
		c.Orderers = 3
	}
	if c.Channel == "" {
		c.Channel = "udi"
	}
	if c.Chaincode == "" {
		c.Chaincode = "udi"
	}
	if c.Collections == nil {
		c.Collections = slices.Clone(DefaultCollections)
		for i := range c.Collections {
			if c.DispenseBlockToLive != 0 {
				c.Collections[i].BlockToLive = c.DispenseBlockToLive
			}
		}
	}
	if c.BatchTimeout == 0 {
		c.BatchTimeout = 100 * time.Millisecond
	}
	if c.MaxMessageCount == 0 {
		c.MaxMessageCount = 100
	}
	if c.LogSpec == "" {
		c.LogSpec = "info"
	}
	if c.StartTimeout == 0 {
		c.StartTimeout = 60 * time.Second
	}
	var err error
	for _, p := range []*string{&c.RunDir, &c.BinDir, &c.CABinDir, &c.ModuleRoot, &c.ChaincodeBinary} {
		if *p != "" {
			if *p, err = filepath.Abs(*p); err != nil {
				return c, fmt.Errorf("fabricnet: %w", err)
			}
		}
	}
	if ip := net.ParseIP(c.AddressPrefix + ".1"); ip == nil || !ip.IsLoopback() {
		return c, fmt.Errorf("fabricnet: address prefix %q is not a loopback /24", c.AddressPrefix)
	}
	if len(c.Orgs) > 8 || c.Orderers > 9 {
		return c, errors.New("fabricnet: at most 8 peer organisations and 9 orderers")
	}
	return c, nil
}

// FindModuleRoot walks up from dir (the working directory if empty) to the directory whose
// go.mod declares the udiledger module.
func FindModuleRoot(dir string) (string, error) {
	if dir == "" {
		wd, err := os.Getwd()
		if err != nil {
			return "", fmt.Errorf("fabricnet: %w", err)
		}
		dir = wd
	}
	for d := dir; ; {
		b, err := os.ReadFile(filepath.Join(d, "go.mod")) // #nosec G304 -- looking for the module root
		if err == nil && strings.Contains(string(b), "module github.com/udiledger/udiledger\n") {
			return d, nil
		}
		parent := filepath.Dir(d)
		if parent == d {
			return "", fmt.Errorf("fabricnet: no udiledger go.mod above %s", dir)
		}
		d = parent
	}
}
