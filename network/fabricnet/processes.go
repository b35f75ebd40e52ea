package fabricnet

import "github.com/udiledger/udiledger/network/internal/proc"

// Process is one running process of the network, for benchmarks.
type Process struct {
	Kind   string `json:"kind"` // KindPeer, KindOrderer, KindChaincode, KindReference, KindCA
	Name   string `json:"name"` // daemon name: its log is <RunDir>/logs/<Name>.log
	Org    string `json:"org"`  // MSP ID
	PID    int    `json:"pid"`
	RSSKiB int    `json:"rssKiB"`
	// Profile is the host:port serving Go's /debug/pprof/ over plain HTTP on a loopback
	// address, e.g. http://<Profile>/debug/pprof/profile?seconds=30; empty for CA servers.
	Profile string `json:"profile,omitempty"`
}

// Kinds of Process.
const (
	KindPeer      = "peer"
	KindOrderer   = "orderer"
	KindChaincode = "chaincode" // UDI Ledger chaincode server
	KindReference = "reference" // reference chaincode server (DeployReference)
	KindCA        = "ca"        // Fabric CA server
)

// Processes lists the network's running processes (a stopped one is left out) with their
// resident memory now: orderers, then per organisation its peer, chaincode server, reference
// chaincode server and CA server.
func (n *Network) Processes() ([]Process, error) {
	d := proc.Dir{Root: n.RunDir}
	var out []Process
	add := func(kind, name, org, profile string) {
		if pid, ok := d.PID(name); ok {
			out = append(out, Process{Kind: kind, Name: name, Org: org, PID: pid, RSSKiB: proc.RSSKiB(pid), Profile: profile})
		}
	}
	for _, o := range n.Orderers {
		add(KindOrderer, o.Name, n.OrdererAdmin.MSPID, o.Profile)
	}
	for _, o := range n.Orgs {
		l := orgLayout{Org: o}
		add(KindPeer, o.Peer.Name, o.MSPID, o.Peer.Profile)
		add(KindChaincode, chaincodeDaemon(l), o.MSPID, o.ChaincodeProfile)
		add(KindReference, referenceDaemon(l), o.MSPID, o.ReferenceProfile)
		add(KindCA, "ca-"+o.Name, o.MSPID, "") // network/fabricca's daemon name
	}
	return out, nil
}
