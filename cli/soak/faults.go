package soak

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/udiledger/udiledger/chaincode/orgs"
	"github.com/udiledger/udiledger/network/fabricnet"
)

// recoverWithin bounds the wait for a restarted part to be healthy again and for the writes
// to go through it: past it the fault counts as not recovered.
const recoverWithin = 2 * time.Minute

// FaultResult is one fault and how the system came back from it. Times are seconds.
type FaultResult struct {
	Fault  string  `json:"fault"`
	Target string  `json:"target"` // the process killed
	At     float64 `json:"at"`     // since the soak started
	Down   float64 `json:"down"`   // from the kill to the restart
	// Recovered is from the restart to the part healthy again (judged by what it does) and a
	// scan sent after the restart accepted.
	Recovered float64 `json:"recovered"`
	// Stall is the longest time without an accepted scan from the kill to the recovery.
	Stall float64 `json:"stall"`
	// Failed counts the scans sent from the kill to the recovery that their scanner gave up.
	Failed int    `json:"failed"`
	Error  string `json:"error,omitempty"` // why it did not recover, or could not be injected
}

// injector kills and restarts the parts, one fault after the other.
type injector struct {
	o    Options
	gw   *gateway
	load *load
	log  io.Writer
	turn map[string]int // how many times each fault was injected: picks the next target
}

// run injects the faults in turn, with o.Settle of quiet before each, until ctx ends.
func (inj *injector) run(ctx context.Context) []FaultResult {
	inj.turn = map[string]int{}
	var out []FaultResult
	start := time.Now()
	for i := 0; sleep(ctx, inj.o.Settle); i++ {
		f := inj.o.Faults[i%len(inj.o.Faults)]
		r := inj.inject(ctx, f, start)
		if ctx.Err() != nil && r.Error != "" {
			break // cut by the end of the soak, not a failure to recover
		}
		logf(inj.log, "soak: %s %s: down %.1fs, recovered %.1fs after the restart, longest stall %.1fs, %d scans given up%s",
			r.Fault, r.Target, r.Down, r.Recovered, r.Stall, r.Failed, suffix(r.Error))
		out = append(out, r)
	}
	return out
}

func suffix(err string) string {
	if err == "" {
		return ""
	}
	return "; " + err
}

// sleep waits d or until ctx ends; false means ctx ended.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// inject kills the part fault names, keeps it down o.Down, restarts it and waits for it to
// recover.
func (inj *injector) inject(ctx context.Context, fault string, start time.Time) FaultResult {
	r := FaultResult{Fault: fault}
	target, err := inj.target(ctx, fault)
	inj.turn[fault]++
	if err != nil {
		r.Error = err.Error()
		return r
	}
	r.Target = target
	killed := time.Now()
	r.At = seconds(killed.Sub(start))
	logf(inj.log, "soak: %s: SIGKILL to %s", fault, target)
	if err := inj.kill(target); err != nil {
		r.Error = err.Error()
		return r
	}
	// The end of the soak does not cut a fault short: the part is always brought back.
	bg := context.WithoutCancel(ctx)
	sleep(ctx, inj.o.Down)
	restarted := time.Now()
	r.Down = seconds(restarted.Sub(killed))
	err = inj.restart(bg, target)
	if err == nil {
		err = inj.recovered(ctx, target, restarted)
	}
	back := time.Now()
	r.Recovered = seconds(back.Sub(restarted))
	r.Stall = seconds(longestGap(inj.load.acceptances(), killed, back))
	r.Failed = inj.load.failedBetween(killed, back)
	if err != nil {
		r.Error = err.Error()
	}
	return r
}

// target names the process a fault kills now: the Raft leader, a follower, the next
// organisation's peer (not the manufacturer's, whose scans need its own peer) or chaincode
// server (every organisation's in turn), or the gateway.
func (inj *injector) target(ctx context.Context, fault string) (string, error) {
	turn := inj.turn[fault]
	switch fault {
	case FaultGateway:
		return "gateway", nil
	case FaultOrdererLeader, FaultOrdererFollower:
		st, err := fabricnet.OrdererStates(ctx, inj.o.Network)
		if err != nil {
			return "", err
		}
		var followers []string
		for _, o := range st {
			switch {
			case !o.InCluster():
			case o.Leader && fault == FaultOrdererLeader:
				return o.Name, nil
			case !o.Leader:
				followers = append(followers, o.Name)
			}
		}
		if fault == FaultOrdererFollower && len(followers) > 0 {
			return followers[turn%len(followers)], nil
		}
		return "", fmt.Errorf("no orderer is a Raft %s now", strings.TrimPrefix(fault, "orderer-"))
	}
	n, err := fabricnet.Load(inj.o.Network.RunDir)
	if err != nil {
		return "", err
	}
	ps, err := n.Processes()
	if err != nil {
		return "", err
	}
	var candidates []string
	for _, p := range ps {
		switch {
		case fault == FaultPeer && p.Kind == fabricnet.KindPeer && p.Org != orgs.Manufacturer,
			fault == FaultChaincode && p.Kind == fabricnet.KindChaincode:
			candidates = append(candidates, p.Name)
		}
	}
	if len(candidates) == 0 {
		return "", fmt.Errorf("no running %s to kill", fault)
	}
	return candidates[turn%len(candidates)], nil
}

// kill sends SIGKILL to the target and waits until it has exited.
func (inj *injector) kill(target string) error {
	if target == "gateway" {
		inj.gw.kill(syscall.SIGKILL)
		return nil
	}
	pid, err := inj.pid(target)
	if err != nil {
		return err
	}
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		return fmt.Errorf("kill %s (pid %d): %w", target, pid, err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for alive(pid) {
		if time.Now().After(deadline) {
			return fmt.Errorf("%s (pid %d) still runs 10 s after SIGKILL", target, pid)
		}
		time.Sleep(20 * time.Millisecond)
	}
	return nil
}

// pid reads a network daemon's process ID from its pid file (the first line).
func (inj *injector) pid(name string) (int, error) {
	b, err := os.ReadFile(filepath.Join(inj.o.Network.RunDir, "pids", name+".pid")) // #nosec G304 -- the network's own pid file
	if err != nil {
		return 0, err
	}
	first, _, _ := strings.Cut(string(b), "\n")
	return strconv.Atoi(strings.TrimSpace(first))
}

// alive reports whether pid is running (a zombie counts as gone).
func alive(pid int) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	// The state follows the command name in brackets: "pid (comm) S …".
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	return i < 0 || i+2 >= len(s) || s[i+2] != 'Z'
}

// restart brings the target back: the gateway by starting it again, a network daemon by
// `udi network up`'s own path (fabricnet.Up restarts what is not running).
func (inj *injector) restart(ctx context.Context, target string) error {
	if target == "gateway" {
		return inj.gw.start(ctx)
	}
	if _, err := fabricnet.Up(ctx, inj.o.Network, io.Discard); err != nil {
		return fmt.Errorf("restart %s: %w", target, err)
	}
	return nil
}

// recovered waits until the target is healthy by what it does and a scan sent after since
// has been accepted (once soak ends, the load stops: then healthy is enough).
func (inj *injector) recovered(soak context.Context, target string, since time.Time) error {
	ctx := context.WithoutCancel(soak)
	deadline := time.Now().Add(recoverWithin)
	healthy := false
	for {
		if !healthy {
			healthy = inj.healthy(ctx, target)
		}
		if healthy && (inj.load.acceptedSentAfter(since) || soak.Err() != nil) {
			return nil
		}
		if time.Now().After(deadline) {
			if !healthy {
				return fmt.Errorf("%s not healthy within %s of its restart", target, recoverWithin)
			}
			return fmt.Errorf("no scan sent after %s's restart accepted within %s", target, recoverWithin)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// healthy reports whether the target is healthy: the gateway's /readyz, the network's status
// of the daemon.
func (inj *injector) healthy(ctx context.Context, target string) bool {
	if target == "gateway" {
		return inj.gw.ready(ctx)
	}
	st, err := fabricnet.Status(ctx, inj.o.Network)
	if err != nil {
		return false
	}
	for _, p := range st.Processes {
		if p.Name == target {
			return p.State == fabricnet.StateHealthy
		}
	}
	return false
}

// restoreAll brings every part back after the soak: the gateway, and on Fabric whatever is
// not running, until the network's status is healthy throughout.
func (inj *injector) restoreAll(ctx context.Context) error {
	if !inj.gw.running() {
		if err := inj.gw.start(ctx); err != nil {
			return err
		}
	}
	if inj.o.Backend != Fabric {
		return nil
	}
	if _, err := fabricnet.Up(ctx, inj.o.Network, io.Discard); err != nil {
		return fmt.Errorf("soak: bring the network back: %w", err)
	}
	deadline := time.Now().Add(recoverWithin)
	for {
		st, err := fabricnet.Status(ctx, inj.o.Network)
		if err == nil && st.Up {
			return nil
		}
		if time.Now().After(deadline) {
			if err == nil {
				err = errors.New(unhealthy(st))
			}
			return fmt.Errorf("soak: the network is not healthy after the soak: %w", err)
		}
		time.Sleep(500 * time.Millisecond)
	}
}

func unhealthy(st *fabricnet.StatusReport) string {
	var names []string
	for _, p := range st.Processes {
		if p.State != fabricnet.StateHealthy {
			names = append(names, p.Name+" "+p.State)
		}
	}
	return strings.Join(names, ", ")
}
