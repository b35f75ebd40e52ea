// Package soak runs a steady scan load against a UDI Ledger gateway, run as its own process,
// while a fault injector kills and restarts, in turn, the parts the load depends on (on
// Fabric an orderer, the Raft leader and a follower, a peer, a chaincode server; on either
// backend the gateway itself). It accounts for every event: sent, accepted, committed, lost
// (accepted and not on the ledger) and duplicated (on the ledger more than once), and measures
// the longest stall of the writes, how long each fault took to recover from and the memory of
// every process over time.
package soak

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/udiledger/udiledger/cli/demo"
	"github.com/udiledger/udiledger/network/fabricnet"
)

// The backends.
const (
	Embedded = "embedded"
	Fabric   = "fabric"
)

// Options say what to soak and for how long. Zero fields take the defaults of the
// documented `udi soak`.
type Options struct {
	Backend  string        // Embedded (default) or Fabric
	Duration time.Duration // default 10 min
	// Rate is the scans per second the load offers in all (default 20); Clients the scanners
	// sending them, each one scan at a time (default 16); Units the codes they scan round
	// robin (default 200).
	Rate    float64
	Clients int
	Units   int
	// Down is how long a killed part stays down before it is restarted (default 15 s);
	// Settle the quiet time after a part is back before the next fault (default 20 s).
	Down   time.Duration
	Settle time.Duration
	// Faults names the faults, injected in turn; nil means every fault of the backend.
	Faults []string
	// Network is the Fabric network's configuration (its RunDir at least), as `udi network
	// up` brought it up; fabricnet.Up restarts a killed part.
	Network fabricnet.Config
	// WorkDir keeps the gateway's configuration, data, outbox and log; empty means a new
	// temporary directory (embedded) or <RunDir>/soak (Fabric).
	WorkDir string
	// Udi is the command that runs the udi binary (its path and any leading arguments); the
	// gateway is started as Udi + "serve …". Empty means this process's own executable.
	Udi []string
	// Log receives progress lines.
	Log io.Writer
}

// Faults of each backend, in the order they are injected.
const (
	FaultOrdererLeader   = "orderer-leader"
	FaultOrdererFollower = "orderer-follower"
	FaultPeer            = "peer"
	FaultChaincode       = "chaincode"
	FaultGateway         = "gateway"
)

// FaultsOf lists the faults a backend can be given.
func FaultsOf(backend string) []string {
	if backend == Fabric {
		return []string{FaultOrdererLeader, FaultOrdererFollower, FaultPeer, FaultChaincode, FaultGateway}
	}
	return []string{FaultGateway}
}

func (o Options) withDefaults() (Options, error) {
	if o.Backend == "" {
		o.Backend = Embedded
	}
	if o.Backend != Embedded && o.Backend != Fabric {
		return o, fmt.Errorf("soak: unknown backend %q: want embedded or fabric", o.Backend)
	}
	setDefault(&o.Duration, 10*time.Minute)
	setDefault(&o.Down, 15*time.Second)
	setDefault(&o.Settle, 20*time.Second)
	if o.Rate == 0 {
		o.Rate = 20
	}
	if o.Clients == 0 {
		o.Clients = 16
	}
	if o.Units == 0 {
		o.Units = 200
	}
	if o.Rate < 0 || o.Clients < 0 || o.Units < 0 || o.Units > maxUnits {
		return o, fmt.Errorf("soak: rate, clients and units must be positive, units at most %d", maxUnits)
	}
	if o.Faults == nil {
		o.Faults = FaultsOf(o.Backend)
	}
	for _, f := range o.Faults {
		if !slices.Contains(FaultsOf(o.Backend), f) {
			return o, fmt.Errorf("soak: fault %q: the %s backend has %v", f, o.Backend, FaultsOf(o.Backend))
		}
	}
	if len(o.Udi) == 0 {
		exe, err := os.Executable()
		if err != nil {
			return o, fmt.Errorf("soak: find the udi binary: %w", err)
		}
		o.Udi = []string{exe}
	}
	if o.Log == nil {
		o.Log = io.Discard
	}
	if o.Backend == Fabric && o.Network.RunDir == "" {
		return o, errors.New("soak: the Fabric backend needs the network's run directory")
	}
	if o.WorkDir == "" && o.Backend == Fabric {
		o.WorkDir = filepath.Join(o.Network.RunDir, "soak")
	}
	return o, nil
}

func setDefault(d *time.Duration, v time.Duration) {
	if *d == 0 {
		*d = v
	}
}

// Run soaks the backend for o.Duration and returns what happened. It fails only when the soak
// could not run (no network, the gateway would not start); lost or duplicated events are in
// the report (Report.Passed).
func Run(ctx context.Context, o Options) (*Report, error) {
	o, err := o.withDefaults()
	if err != nil {
		return nil, err
	}
	if o.WorkDir == "" {
		if o.WorkDir, err = os.MkdirTemp("", "udi-soak-"); err != nil {
			return nil, err
		}
	}
	if err := os.MkdirAll(o.WorkDir, 0o700); err != nil {
		return nil, err
	}
	logf(o.Log, "soak: %s backend, %s, %.0f scans/s from %d clients over %d units; faults %v; work dir %s",
		o.Backend, o.Duration, o.Rate, o.Clients, o.Units, o.Faults, o.WorkDir)

	gw, err := newGateway(ctx, o)
	if err != nil {
		return nil, err
	}
	defer gw.stop()
	if err := gw.start(ctx); err != nil {
		return nil, err
	}
	logf(o.Log, "soak: gateway %s (pid %d)", gw.url, gw.pid())

	l, err := newLoad(ctx, o, gw)
	if err != nil {
		return nil, err
	}
	mem := newMemory(o, gw)
	r := &Report{Backend: o.Backend, Started: time.Now().UTC(), Duration: seconds(o.Duration), Rate: o.Rate, Clients: o.Clients, Units: o.Units,
		Down: seconds(o.Down), Settle: seconds(o.Settle)}

	soakCtx, stopSoak := context.WithTimeout(ctx, o.Duration)
	defer stopSoak()
	memDone := mem.sample(soakCtx)
	loadDone := l.start(soakCtx)
	inj := &injector{o: o, gw: gw, load: l, log: o.Log}
	r.Faults = inj.run(soakCtx)
	<-soakCtx.Done()
	l.wait(loadDone)
	r.Memory = <-memDone
	r.Seconds = seconds(time.Since(r.Started))

	// Every part back before the count: the last fault may have just been injected.
	if err := inj.restoreAll(ctx); err != nil {
		return r, err
	}
	logf(o.Log, "soak: load stopped after %s; counting every event on the ledger", time.Since(r.Started).Round(time.Second))
	if err := l.account(ctx, r); err != nil {
		return r, err
	}
	r.LongestStall = seconds(l.stall())
	r.Machine = readMachine()
	return r, nil
}

func logf(w io.Writer, format string, args ...any) {
	fmt.Fprintf(w, time.Now().Format("15:04:05 ")+format+"\n", args...)
}

func seconds(d time.Duration) float64 { return float64(d.Milliseconds()) / 1000 }

// actors acts as each organisation through the gateway: its API key picks the identity.
func actors() demo.Actors {
	a, _ := demo.ActorsOf(identityOfOrg)
	return a
}
