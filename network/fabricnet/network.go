package fabricnet

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/udiledger/udiledger/network/fabricca"
	"github.com/udiledger/udiledger/network/internal/proc"
)

// Binaries that Up needs in Config.BinDir.
var fabricBinaries = []string{"peer", "orderer", "configtxgen", "cryptogen", "osnadmin"}

const (
	profileName      = "UDIChannel"
	chaincodeVersion = "1.0"
	sequence         = "1"
	markerFile       = ".fabricnet" // marks a run directory Down may delete
	networkFile      = "network.json"
)

// Up brings the network up, or completes it: every step is skipped when already done, so Up
// on a running network only checks it, and Up after a crash restarts what is missing.
// Progress lines go to progress (may be nil).
func Up(ctx context.Context, cfg Config, progress io.Writer) (*Network, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	if progress == nil {
		progress = io.Discard
	}
	for _, b := range fabricBinaries {
		if _, err := exec.LookPath(filepath.Join(cfg.BinDir, b)); err != nil {
			return nil, fmt.Errorf("fabricnet: %s not found in %q (run network/scripts/build-fabric.sh): %w", b, cfg.BinDir, err)
		}
	}
	if err := os.MkdirAll(cfg.RunDir, 0o750); err != nil {
		return nil, fmt.Errorf("fabricnet: %w", err)
	}
	unlock, err := lockDir(cfg.RunDir)
	if err != nil {
		return nil, err
	}
	defer unlock()
	if err := writeFile(filepath.Join(cfg.RunDir, markerFile), []byte("run directory of a fabricnet network\n"), 0o600); err != nil {
		return nil, fmt.Errorf("fabricnet: %w", err)
	}
	u := &upper{layout: newLayout(cfg), out: progress}
	steps := []struct {
		name string
		fn   func(context.Context) error
	}{
		{"crypto material", u.crypto},
		{"certificate authorities", u.certificateAuthorities},
		{"configuration", u.configure},
		{"channel genesis block", u.genesis},
		{"orderers", u.startOrderers},
		{"orderers join the channel", u.joinOrderers},
		{"orderers in the Raft cluster", u.raftCluster},
		{"peers", u.startPeers},
		{"peers join the channel", u.joinPeers},
		{"chaincode servers", func(ctx context.Context) (err error) {
			u.packageIDs, err = u.chaincodeServers(ctx, u.udiChaincode())
			return err
		}},
		{"chaincode definition", func(ctx context.Context) error { return u.define(ctx, u.udiChaincode(), u.packageIDs) }},
		{"chaincode ready on every peer", func(ctx context.Context) error { return u.ready(ctx, u.udiChaincode()) }},
		{"peers know each other (gossip)", u.gossip},
		{"reference chaincode, if deployed", u.redeployReference},
	}
	start := time.Now()
	for _, s := range steps {
		t := time.Now()
		if err := s.fn(ctx); err != nil {
			return nil, fmt.Errorf("fabricnet: %s: %w", s.name, err)
		}
		fmt.Fprintf(progress, "  %-32s %6d ms\n", s.name, time.Since(t).Milliseconds())
	}
	n, err := u.save()
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(progress, "network up in %.1f s: channel %q, chaincode %q, %d organisations, %d orderers\n",
		time.Since(start).Seconds(), cfg.Channel, cfg.Chaincode, len(cfg.Orgs), cfg.Orderers)
	return n, nil
}

// save writes the network's description, with the package IDs of its chaincodes, to
// <RunDir>/network.json.
func (u *upper) save() (*Network, error) {
	n := u.layout.network()
	for i := range n.Orgs {
		n.Orgs[i].PackageID = u.packageIDs[n.Orgs[i].Name]
		n.Orgs[i].ReferencePackageID = u.referenceIDs[n.Orgs[i].Name]
	}
	if u.referenceIDs != nil {
		n.Reference = ReferenceChaincode
	}
	b, err := json.MarshalIndent(n, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("fabricnet: %w", err)
	}
	if err := writeFile(filepath.Join(u.cfg.RunDir, networkFile), append(b, '\n'), 0o600); err != nil {
		return nil, fmt.Errorf("fabricnet: %w", err)
	}
	return n, nil
}

// Load reads the description Up wrote into runDir.
func Load(runDir string) (*Network, error) {
	b, err := os.ReadFile(filepath.Join(runDir, networkFile)) // #nosec G304 -- the caller names its run directory
	if err != nil {
		return nil, fmt.Errorf("fabricnet: load network: %w", err)
	}
	var n Network
	if err := json.Unmarshal(b, &n); err != nil {
		return nil, fmt.Errorf("fabricnet: load network: %w", err)
	}
	return &n, nil
}

// Down stops every process of the network and deletes its run directory. Down on a network
// that is not there does nothing.
func Down(ctx context.Context, cfg Config, progress io.Writer) error {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return err
	}
	if progress == nil {
		progress = io.Discard
	}
	if _, err := os.Stat(cfg.RunDir); errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if _, err := os.Stat(filepath.Join(cfg.RunDir, markerFile)); err != nil {
		return fmt.Errorf("fabricnet: %s is not a network run directory (no %s): %w", cfg.RunDir, markerFile, err)
	}
	unlock, err := lockDir(cfg.RunDir)
	if err != nil {
		return err
	}
	l := newLayout(cfg)
	names, err := l.daemonNames()
	if err != nil {
		unlock()
		return err
	}
	for _, name := range names {
		if err := ctx.Err(); err != nil {
			unlock()
			return err
		}
		if pid, ok := l.pid(name); ok {
			fmt.Fprintf(progress, "  stopping %s (pid %d)\n", name, pid)
		}
		if err := l.stop(name, 10*time.Second); err != nil {
			unlock()
			return fmt.Errorf("fabricnet: %w", err)
		}
	}
	unlock()
	if err := os.RemoveAll(cfg.RunDir); err != nil {
		return fmt.Errorf("fabricnet: remove run directory: %w", err)
	}
	fmt.Fprintf(progress, "network down: %s removed\n", cfg.RunDir)
	return nil
}

// daemonNames lists the daemons with a pid file, chaincode servers first, orderers last.
func (l *layout) daemonNames() ([]string, error) {
	files, err := filepath.Glob(l.path("pids", "*.pid"))
	if err != nil {
		return nil, fmt.Errorf("fabricnet: %w", err)
	}
	rank := func(name string) int {
		switch {
		case strings.HasPrefix(name, "chaincode-"):
			return 0
		case strings.HasPrefix(name, "peer"):
			return 1
		default:
			return 2
		}
	}
	names := make([]string, 0, len(files))
	for _, f := range files {
		names = append(names, strings.TrimSuffix(filepath.Base(f), ".pid"))
	}
	sort.Slice(names, func(i, j int) bool {
		if ri, rj := rank(names[i]), rank(names[j]); ri != rj {
			return ri < rj
		}
		return names[i] < names[j]
	})
	return names, nil
}

// caConfig describes the organisations' Fabric CA servers.
func (l *layout) caConfig() fabricca.Config {
	c := fabricca.Config{RunDir: l.cfg.RunDir, BinDir: l.cfg.CABinDir,
		StopWithProcess: l.cfg.StopWithProcess, StartTimeout: l.cfg.StartTimeout}
	for _, o := range l.orgs {
		c.Orgs = append(c.Orgs, fabricca.CryptogenOrg(o.Name, o.MSPID, o.Host, filepath.Dir(o.MSPDir)))
	}
	return c
}

// certificateAuthorities starts the organisations' Fabric CAs when their binary is given.
func (u *upper) certificateAuthorities(ctx context.Context) error {
	if u.cfg.CABinDir == "" {
		return nil
	}
	_, err := fabricca.Start(ctx, u.caConfig(), u.out)
	return err
}

// ProcessStatus is the state of one process of the network.
type ProcessStatus struct {
	Name     string `json:"name"`
	Kind     string `json:"kind"` // orderer, peer, chaincode, reference, ca
	Org      string `json:"org"`
	Endpoint string `json:"endpoint"`
	PID      int    `json:"pid,omitempty"`
	Running  bool   `json:"running"`
	Healthy  bool   `json:"healthy"`
	// State is healthy, degraded (running and answering but not doing its job: an orderer
	// outside the Raft cluster or behind the channel's height, a peer behind it, a chaincode
	// server whose chaincode does not answer through its peer), unhealthy (not answering)
	// or stopped.
	State  string `json:"state"`
	Detail string `json:"detail,omitempty"` // what the node does: "raft leader", "2 blocks behind"
	Height uint64 `json:"height,omitempty"` // a peer's ledger height of the channel
	RSSKiB int    `json:"rssKiB,omitempty"`
	Error  string `json:"error,omitempty"`
	// Raft is an orderer's own account of the channel.
	Raft *OrdererState `json:"raft,omitempty"`
}

// Process states.
const (
	StateHealthy   = "healthy"
	StateDegraded  = "degraded"
	StateUnhealthy = "unhealthy"
	StateStopped   = "stopped"
)

// maxOrdererLag is how many blocks an orderer may trail the highest one and still count as
// at the channel's height: the orderers are asked one after the other while blocks are cut.
const maxOrdererLag = 2

// StatusReport is the state of the whole network.
type StatusReport struct {
	RunDir    string          `json:"runDir"`
	Up        bool            `json:"up"` // every process running and healthy
	Processes []ProcessStatus `json:"processes"`
}

// Status reports every process of the network: running, healthy by what it does, and its
// resident memory. An orderer is healthy when /healthz answers and it is a Raft member that
// knows the leader at the channel's height; a peer when /healthz answers and it is within
// maxPeerLag blocks of the channel's height (the highest any peer or orderer reports); a
// chaincode server when the chaincode answers info:Version through its organisation's peer
// (asked as that organisation's admin). Degraded otherwise, saying why.
func Status(ctx context.Context, cfg Config) (*StatusReport, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	st := &StatusReport{RunDir: cfg.RunDir}
	if _, err := os.Stat(filepath.Join(cfg.RunDir, markerFile)); err != nil {
		return st, nil
	}
	l := newLayout(cfg)
	check := func(name, kind, org, endpoint string, probe func(context.Context) error) {
		ps := ProcessStatus{Name: name, Kind: kind, Org: org, Endpoint: endpoint, State: StateStopped}
		if pid, ok := l.pid(name); ok {
			ps.PID, ps.Running, ps.RSSKiB, ps.State = pid, true, rssKiB(pid), StateUnhealthy
			cctx, cancel := context.WithTimeout(ctx, 3*time.Second)
			if err := probe(cctx); err != nil {
				ps.Error = err.Error()
			} else {
				ps.Healthy, ps.State = true, StateHealthy
			}
			cancel()
		}
		st.Processes = append(st.Processes, ps)
	}
	for _, o := range l.orderers {
		check(o.Name, "orderer", l.ordererOrg.MSPID, o.Endpoint, func(ctx context.Context) error {
			return healthz(ctx, o.Operations, l.ordererOrg.TLSCA)
		})
	}
	cctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	rafts, err := OrdererStates(cctx, cfg)
	cancel()
	if err != nil { // no admin TLS pair yet: a network half brought up
		rafts = make([]OrdererState, len(l.orderers))
		for i, o := range l.orderers {
			rafts[i] = OrdererState{Name: o.Name, Err: err}
		}
	}
	judgeOrderers(st.Processes[:len(l.orderers)], rafts)
	first := len(st.Processes)
	for _, o := range l.orgs {
		check(o.peer.Name, "peer", o.MSPID, o.Peer.Endpoint, func(ctx context.Context) error {
			return healthz(ctx, o.Peer.Operations, o.TLSCACert)
		})
	}
	var top uint64
	for _, r := range rafts {
		top = max(top, r.Height)
	}
	n, err := Load(cfg.RunDir)
	var ledgers []peerLedger
	var answers []error
	if err == nil {
		cctx, cancel = context.WithTimeout(ctx, 5*time.Second)
		ledgers, answers = askOrgs(cctx, n)
		cancel()
	} else {
		ledgers, answers = make([]peerLedger, len(l.orgs)), make([]error, len(l.orgs))
		for i := range l.orgs {
			ledgers[i].Err, answers[i] = err, err
		}
	}
	judgePeers(st.Processes[first:], ledgers, top)
	peerHealthy := make([]bool, len(l.orgs))
	for i := range l.orgs {
		peerHealthy[i] = st.Processes[first+i].Healthy
	}
	first = len(st.Processes)
	for _, o := range l.orgs {
		check(chaincodeDaemon(o), "chaincode", o.MSPID, o.ChaincodeServer, dialCheck(o.ChaincodeServer))
	}
	judgeChaincodes(st.Processes[first:], peerHealthy, answers)
	if err == nil && n.Reference != "" {
		for _, o := range l.orgs {
			check(referenceDaemon(o), KindReference, o.MSPID, o.ReferenceServer, dialCheck(o.ReferenceServer))
		}
	}
	if _, err := fabricca.Load(cfg.RunDir); err == nil {
		cas, err := fabricca.Status(ctx, l.caConfig())
		if err != nil {
			return nil, err
		}
		for _, c := range cas {
			state := StateStopped
			switch {
			case c.Healthy:
				state = StateHealthy
			case c.Running:
				state = StateUnhealthy
			}
			st.Processes = append(st.Processes, ProcessStatus{Name: c.Name, Kind: "ca", Org: c.Org, Endpoint: c.Endpoint,
				PID: c.PID, Running: c.Running, Healthy: c.Healthy, State: state, RSSKiB: c.RSSKiB, Error: c.Error})
		}
	}
	st.Up = true
	for _, p := range st.Processes {
		st.Up = st.Up && p.Healthy
	}
	return st, nil
}

func chaincodeDaemon(o orgLayout) string { return "chaincode-" + o.Name }

// lockDir takes an exclusive lock on dir so that two Up or Down calls do not interleave.
func lockDir(dir string) (func(), error) {
	return lockFile(filepath.Join(dir, ".lock"))
}

// lockFile waits for an exclusive lock on the file at path and returns its release.
func lockFile(path string) (func(), error) { return proc.Lock(path) }
