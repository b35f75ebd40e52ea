package integration

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/udiledger/udiledger/chaincode/model"
	"github.com/udiledger/udiledger/gateway/ledger"
	"github.com/udiledger/udiledger/network/fabricnet"
	"github.com/udiledger/udiledger/network/fabricnet/fabricnettest"
)

// ordererPrefix is the loopback /24 of TestOrdererFailover's own network: it kills orderers,
// so it does not share TestFabric's.
const ordererPrefix = "127.0.121"

// writeBound is the longest a write may take while an orderer is down or hung: one Raft
// election, or one per-orderer broadcast deadline, and the Fabric backend's wait for them.
const writeBound = 20 * time.Second

// outage is how long the killed leader stays down: long enough for gRPC's reconnect back-off
// of the new leader's connection to it to grow to half a minute, which kept a restarted
// orderer out of the cluster for that long before the Fabric patch capped it at 2 s (ADR 034).
const outage = 45 * time.Second

// restartBound is the longest `up` may take to bring a killed orderer back into the cluster:
// its own checks of the running network take a few seconds, the rejoin a few more.
const restartBound = 20 * time.Second

// TestOrdererFailover kills the Raft leader while writes run and checks that they go on
// after one election, that the project's own restart path (fabricnet.Up) brings the orderer
// back into the cluster, caught up, as a follower that takes its share of the writes, and
// that a hung follower holds no write up either.
func TestOrdererFailover(t *testing.T) {
	n, cfg := fabricnettest.Start(t, ordererPrefix, func(c *fabricnet.Config) { c.BatchTimeout = batchTimeout })
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	t.Cleanup(cancel)
	t.Cleanup(func() {
		if t.Failed() {
			for _, o := range n.Orderers {
				logTail(t, filepath.Join(cfg.RunDir, "logs", o.Name+".log"), 60)
			}
		}
	})
	s := newSuite(t, n, cfg)
	s.ctx = ctx
	s.seed(t)

	w := startWriters(s, 4)
	t.Cleanup(w.stop)
	w.waitCommits(t, time.Now(), 5)
	leader := s.waitOrderers(t, "a Raft leader", func(st []fabricnet.OrdererState) bool { return leaderOf(st) != "" })
	old := leaderOf(leader)

	var killed time.Time
	t.Run("the leader killed under load: writes go on after one election", func(t *testing.T) {
		killed = time.Now()
		s.signal(t, old, syscall.SIGKILL)
		s.waitOrderers(t, "a new leader", func(st []fabricnet.OrdererState) bool {
			l := leaderOf(st)
			return l != "" && l != old
		})
		t.Logf("new leader %s elected %s after the kill", leaderOf(s.orderers(t)), time.Since(killed).Round(time.Millisecond))
		w.waitCommits(t, killed, 10)
		w.check(t)
	})

	t.Run("down for a while, restarted by up, it rejoins as a follower, catches up and takes its share", func(t *testing.T) {
		w.waitUntil(t, killed.Add(outage))
		w.check(t)
		s.restart(t, old)
		before := stateOf(s.orderers(t), old).Taken
		since := time.Now()
		w.waitCommits(t, since, 30)
		s.waitOrderers(t, old+" taking writes", func(st []fabricnet.OrdererState) bool {
			return stateOf(st, old).Taken > before
		})
		w.check(t)
	})

	t.Run("a hung follower holds no write up; killed and restarted, it rejoins", func(t *testing.T) {
		follower := ""
		for _, o := range s.orderers(t) {
			if !o.Leader {
				follower = o.Name
			}
		}
		stopped := time.Now()
		s.signal(t, follower, syscall.SIGSTOP)
		w.waitCommits(t, stopped, 20)
		w.check(t)
		s.signal(t, follower, syscall.SIGKILL) // a stopped process dies of SIGKILL too
		s.restart(t, follower)
		w.waitCommits(t, time.Now(), 5)
		w.check(t)
	})
	w.stop()
	t.Logf("%d writes committed, slowest %s", w.commits.Load(), time.Duration(w.slowest.Load()).Round(time.Millisecond))
}

// restart brings an orderer back with fabricnet.Up, as `udi network up` does, and checks
// that it is a follower of the Raft cluster at the channel's height.
func (s *suite) restart(t *testing.T, name string) {
	t.Helper()
	start := time.Now()
	if _, err := fabricnet.Up(s.ctx, s.cfg, fabricnettest.LogWriter{T: t}); err != nil {
		t.Fatalf("up: %v", err)
	}
	took := time.Since(start)
	t.Logf("up restarted %s and saw it back in the cluster in %s", name, took.Round(time.Millisecond))
	if took > restartBound {
		t.Errorf("up took %s to bring %s back, more than %s", took.Round(time.Millisecond), name, restartBound)
	}
	s.waitOrderers(t, name+" following at the channel's height", func(st []fabricnet.OrdererState) bool {
		o := stateOf(st, name)
		top := uint64(0)
		for _, x := range st {
			top = max(top, x.Height)
		}
		return o.InCluster() && !o.Leader && o.Height == top
	})
	st, err := fabricnet.Status(s.ctx, s.cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range st.Processes {
		if p.Name == name && p.State != fabricnet.StateHealthy {
			t.Errorf("status of %s: %s (%s)", name, p.State, p.Detail)
		}
	}
}

func (s *suite) orderers(t *testing.T) []fabricnet.OrdererState {
	t.Helper()
	st, err := fabricnet.OrdererStates(s.ctx, s.cfg)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// waitOrderers polls the orderers' states until cond holds, for a minute at most.
func (s *suite) waitOrderers(t *testing.T, what string, cond func([]fabricnet.OrdererState) bool) []fabricnet.OrdererState {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		st := s.orderers(t)
		if cond(st) {
			return st
		}
		if time.Now().After(deadline) {
			t.Fatalf("no %s within a minute: %s", what, describe(st))
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func describe(st []fabricnet.OrdererState) string {
	var b strings.Builder
	for _, o := range st {
		fmt.Fprintf(&b, "\n  %+v", o)
	}
	return b.String()
}

func leaderOf(st []fabricnet.OrdererState) string {
	for _, o := range st {
		if o.Leader && o.InCluster() {
			return o.Name
		}
	}
	return ""
}

func stateOf(st []fabricnet.OrdererState, name string) fabricnet.OrdererState {
	for _, o := range st {
		if o.Name == name {
			return o
		}
	}
	return fabricnet.OrdererState{}
}

// signal sends sig to the orderer's process, found through its pid file.
func (s *suite) signal(t *testing.T, name string, sig syscall.Signal) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(s.cfg.RunDir, "pids", name+".pid"))
	if err != nil {
		t.Fatal(err)
	}
	first, _, _ := strings.Cut(string(b), "\n")
	pid, err := strconv.Atoi(strings.TrimSpace(first))
	if err != nil {
		t.Fatal(err)
	}
	if err := syscall.Kill(pid, sig); err != nil {
		t.Fatalf("%s to %s (pid %d): %v", sig, name, pid, err)
	}
	t.Logf("%s sent to %s (pid %d)", sig, name, pid)
	if sig == syscall.SIGKILL {
		waitGone(t, pid)
	}
}

// waitGone waits until pid has exited (gone or a zombie): until then it holds its ports and
// its WAL, and up would take it for running.
func waitGone(t *testing.T, pid int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
		if err != nil {
			return
		}
		if i := strings.LastIndexByte(string(stat), ')'); i > 0 && i+2 < len(stat) && stat[i+2] == 'Z' {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("pid %d still runs 10 s after SIGKILL", pid)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// writers commission one unit per transaction from several goroutines until stopped.
type writers struct {
	cancel  context.CancelFunc
	wg      sync.WaitGroup
	commits atomic.Int64
	slowest atomic.Int64 // nanoseconds

	mu    sync.Mutex
	ends  []time.Time // commit times of the writes that succeeded
	fails []string
}

func startWriters(s *suite, n int) *writers {
	ctx, cancel := context.WithCancel(s.ctx)
	w := &writers{cancel: cancel}
	var next atomic.Int64
	for g := range n {
		w.wg.Add(1)
		go func() {
			defer w.wg.Done()
			for ctx.Err() == nil {
				u := 200000 + int(next.Add(1))
				start := time.Now()
				_, err := s.client.Submit(ctx, ledgerProposal(s, u))
				took := time.Since(start)
				if ctx.Err() != nil {
					return
				}
				w.mu.Lock()
				if err != nil {
					w.fails = append(w.fails, fmt.Sprintf("writer %d, unit %d after %s: %v", g, u, took.Round(time.Millisecond), err))
				} else {
					w.ends = append(w.ends, time.Now())
					w.commits.Add(1)
				}
				if took > time.Duration(w.slowest.Load()) {
					w.slowest.Store(int64(took))
				}
				w.mu.Unlock()
			}
		}()
	}
	return w
}

func (w *writers) stop() {
	w.cancel()
	w.wg.Wait()
}

// waitCommits waits until k writes have committed after since.
func (w *writers) waitCommits(t *testing.T, since time.Time, k int) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		w.mu.Lock()
		got := 0
		for _, e := range w.ends {
			if e.After(since) {
				got++
			}
		}
		w.mu.Unlock()
		if got >= k {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d writes committed in the minute since %s, want %d", got, since.Format(time.TimeOnly), k)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// waitUntil lets the writers run until t, and checks that they commit meanwhile.
func (w *writers) waitUntil(t *testing.T, until time.Time) {
	t.Helper()
	for now := time.Now(); now.Before(until); now = time.Now() {
		w.waitCommits(t, now, 1)
		time.Sleep(min(time.Second, time.Until(until)))
	}
}

// check fails the test when a write failed or took longer than writeBound.
func (w *writers) check(t *testing.T) {
	t.Helper()
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, f := range w.fails {
		t.Errorf("write failed: %s", f)
	}
	w.fails = nil
	if slowest := time.Duration(w.slowest.Load()); slowest > writeBound {
		t.Errorf("a write took %s, more than %s", slowest.Round(time.Millisecond), writeBound)
	}
	t.Logf("%d writes committed so far, slowest %s", w.commits.Load(), time.Duration(w.slowest.Load()).Round(time.Millisecond))
}

func ledgerProposal(s *suite, n int) ledger.Proposal {
	return ledger.Proposal{Identity: s.ids[mfr], Function: "unit:Commission", Args: jsonArgs(model.CommissionRequest{
		EventHeader: model.EventHeader{EventID: fmt.Sprintf("failover-%d", n), Location: mfrGLN},
		DI:          fixtureGTIN, Lot: fixtureLot, Codes: []string{unitCode(n)},
	})}
}

// logTail logs the last n lines of a node's log, raft and cluster lines only, for a failure.
func logTail(t *testing.T, path string, n int) {
	b, err := os.ReadFile(path) // #nosec G304 -- a log of the test's own network
	if err != nil {
		t.Logf("%s: %v", path, err)
		return
	}
	var keep []string
	for _, l := range strings.Split(string(b), "\n") {
		if strings.Contains(l, "etcdraft") || strings.Contains(l, "cluster") || strings.Contains(l, "PANI") || strings.Contains(l, "ERRO") {
			keep = append(keep, l)
		}
	}
	if len(keep) > n {
		keep = keep[len(keep)-n:]
	}
	t.Logf("last lines of %s:\n%s", path, strings.Join(keep, "\n"))
}
