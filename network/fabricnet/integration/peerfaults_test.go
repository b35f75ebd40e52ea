package integration

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/udiledger/udiledger/chaincode/model"
	"github.com/udiledger/udiledger/gateway/ledger"
	"github.com/udiledger/udiledger/gateway/ledger/fabric"
	"github.com/udiledger/udiledger/network/fabricnet"
	"github.com/udiledger/udiledger/network/fabricnet/fabricnettest"
)

// peerFaultPrefix is the loopback /24 of TestPeerFaults' own network: it kills peers and
// chaincode servers, so it shares no one's.
const peerFaultPrefix = "127.0.123"

// failBound is the longest a write that needs a missing peer or chaincode server may take to
// fail: the Fabric backend's PeerWait (10 s) of tries, and the last try.
const failBound = 45 * time.Second

// hungBound is the longest a read through a hung peer may take to fail: the Fabric backend
// finds it out in HungAfter (2 s) and a height question unanswered for HungAfter more, far
// sooner than the caller's own deadline (the REST gateway's 30 s) or EvaluateTimeout (65 s).
const hungBound = 20 * time.Second

// recoverBound is the longest a restarted peer may take to reach the channel's height, a
// write that needs it to go through again, and its private data to be reconciled
// (reconcileSleepInterval 10 s).
const recoverBound = 90 * time.Second

// TestPeerFaults kills one organisation's peer at a time, then one chaincode server, and
// stops (SIGSTOP) one peer, while the manufacturer's writers run: what does not need the missing organisation goes on, what
// needs it fails naming it, and after the restart by fabricnet.Up the peer catches up its
// blocks and its private data and the chaincode server is used again by a peer that kept
// running.
func TestPeerFaults(t *testing.T) {
	n, cfg := fabricnettest.Start(t, peerFaultPrefix, func(c *fabricnet.Config) { c.BatchTimeout = batchTimeout })
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	t.Cleanup(cancel)
	t.Cleanup(func() {
		if t.Failed() {
			for _, o := range n.Orgs {
				logTail(t, filepath.Join(cfg.RunDir, "logs", o.Peer.Name+".log"), 40)
			}
		}
	})
	s := newSuite(t, n, cfg)
	s.ctx = ctx
	s.seed(t)

	// Before the faults: a unit the distributor holds, one it has shipped to the hospital
	// (in transit its key still names the distributor, ADR 008), and units at the hospital.
	codes := s.commission(t, "pf-commission", 1, 2, 3, 4, 5)
	held, sent, atHospital := codes[0], codes[1], codes[2:4]
	s.must(t, mfr, "unit:Ship", model.ShipRequest{EventHeader: model.EventHeader{EventID: "pf-ship-dst"}, To: dst, Codes: []string{held, sent}})
	s.must(t, dst, "unit:Receive", model.ReceiveRequest{EventHeader: model.EventHeader{EventID: "pf-recv-dst"}, Codes: []string{held, sent}})
	s.must(t, dst, "unit:Ship", model.ShipRequest{EventHeader: model.EventHeader{EventID: "pf-ship-hsp"}, To: hsp, Codes: []string{sent}})
	s.must(t, mfr, "unit:Ship", model.ShipRequest{EventHeader: model.EventHeader{EventID: "pf-ship-hsp2"}, To: hsp, Codes: atHospital})
	s.must(t, hsp, "unit:Receive", model.ReceiveRequest{EventHeader: model.EventHeader{EventID: "pf-recv-hsp2"}, Codes: atHospital})

	w := startWriters(s, 2)
	t.Cleanup(w.stop)
	w.waitCommits(t, time.Now(), 5)
	dstPeer, regPeer := s.process(t, "peer", dst).Name, s.process(t, "peer", reg).Name

	receiveSent := model.ReceiveRequest{EventHeader: model.EventHeader{EventID: "pf-recv-sent"}, Codes: []string{sent}}
	t.Run("the distributor's peer killed: the manufacturer goes on, what needs the distributor fails naming its peer", func(t *testing.T) {
		killed := time.Now()
		s.signal(t, dstPeer, syscall.SIGKILL)
		w.waitCommits(t, killed, 10)
		t.Logf("writes resumed: 10 commits %s after the kill", time.Since(killed).Round(time.Millisecond))
		for i, code := range codes[4:] {
			s.must(t, mfr, "unit:Inspect", model.InspectRequest{EventHeader: model.EventHeader{EventID: fmt.Sprintf("pf-inspect-%d", i)}, Code: code})
		}
		// The hospital's receipt needs the sender's peer (key-level endorsement): the
		// hospital's peer gateway cannot plan it.
		s.wantMissingPeer(t, dst, func() error {
			_, err := s.submit(hsp, "unit:Receive", receiveSent)
			return err
		})
		// The distributor's own write goes through its own peer.
		s.wantMissingPeer(t, dst, func() error {
			_, err := s.submit(dst, "unit:Ship", model.ShipRequest{EventHeader: model.EventHeader{EventID: "pf-ship-held"}, To: hsp, Codes: []string{held}})
			return err
		})
		// A read through it fails at once, naming it.
		start := time.Now()
		err := s.evaluate(dst, "query:Unit", nil, held)
		if peers, _ := fabric.Missing(err); !slices.Equal(peers, []string{dst}) || !fabric.Unavailable(err) {
			t.Errorf("a read through the distributor's peer: %v, want unavailable naming its peer", err)
		}
		t.Logf("a read through the missing peer failed in %s: %v", time.Since(start).Round(time.Millisecond), err)
		s.waitStatus(t, "the distributor's peer down, the other peers healthy", func(st *fabricnet.StatusReport) bool {
			for _, p := range st.Processes {
				if p.Kind != "peer" {
					continue
				}
				if (p.Org == dst) == (p.State == fabricnet.StateHealthy) {
					return false
				}
			}
			return true
		})
		w.check(t)
	})

	t.Run("the distributor's peer restarted by up catches up, and what needs it works again", func(t *testing.T) {
		restarted := s.up(t)
		s.waitStatus(t, "the distributor's peer healthy at the channel's height", func(st *fabricnet.StatusReport) bool {
			return s.processIn(st, "peer", dst).State == fabricnet.StateHealthy
		})
		t.Logf("catch-up: the distributor's peer at the channel's height %s after its restart", time.Since(restarted).Round(time.Millisecond))
		start := time.Now()
		s.mustEventually(t, hsp, "unit:Receive", receiveSent)
		t.Logf("a write needing the distributor went through %s after the catch-up", time.Since(start).Round(time.Millisecond))
		// The latest write reads through its peer: the manufacturer asks the distributor's
		// peer for a unit it has just commissioned (the backend waits for that peer's height).
		last := s.commission(t, "pf-commission-after", 6)[0]
		var v model.UnitView
		b, err := s.client.Evaluate(s.ctx, ledger.Proposal{Identity: s.ids[mfr], Function: "query:Unit", Args: []string{last}, EndorsingOrgs: []string{dst}})
		if err != nil {
			t.Fatalf("read %s through the distributor's peer: %v", last, err)
		}
		if err := json.Unmarshal(b, &v); err != nil || v.Owner != mfr {
			t.Fatalf("unit %s through the distributor's peer: %s (%v)", last, b, err)
		}
		if v := s.unit(t, sent); v.Owner != hsp {
			t.Fatalf("the unit received by the hospital is held by %s", v.Owner)
		}
		w.check(t)
	})

	t.Run("the regulator's peer killed: a dispense commits without it; restarted, it reconciles the details", func(t *testing.T) {
		killed := time.Now()
		s.signal(t, regPeer, syscall.SIGKILL)
		w.waitCommits(t, killed, 5)
		const patient = "MRN-PF-0001"
		s.dispense(t, "pf-dispense", atHospital[0], patient)
		t.Logf("the dispense committed %s after the regulator's peer was killed", time.Since(killed).Round(time.Millisecond))
		restarted := s.up(t)
		s.waitStatus(t, "the regulator's peer healthy at the channel's height", func(st *fabricnet.StatusReport) bool {
			return s.processIn(st, "peer", reg).State == fabricnet.StateHealthy
		})
		t.Logf("catch-up: the regulator's peer at the channel's height %s after its restart", time.Since(restarted).Round(time.Millisecond))
		deadline := time.Now().Add(recoverBound)
		for {
			var rec model.DispenseRecord
			err := s.evaluate(reg, "unit:DispenseDetails", &rec, "pf-dispense", hsp)
			if err == nil && rec.PatientRef == patient {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("the regulator's peer has no dispense details %s after its restart: %v", recoverBound, err)
			}
			time.Sleep(500 * time.Millisecond)
		}
		t.Logf("reconciliation: the regulator reads the dispense details through its own peer %s after its restart", time.Since(restarted).Round(time.Millisecond))
		w.check(t)
	})

	t.Run("a chaincode server killed and restarted is used again by its running peer", func(t *testing.T) {
		before := s.peerPIDs(t)
		server := s.process(t, "chaincode", dst).Name
		killed := time.Now()
		s.signal(t, server, syscall.SIGKILL)
		err := s.wantFailure(t, func() error {
			_, err := s.submit(dst, "unit:Ship", model.ShipRequest{EventHeader: model.EventHeader{EventID: "pf-ship-held"}, To: hsp, Codes: []string{held}})
			return err
		})
		if _, cc := fabric.Missing(err); !slices.Equal(cc, []string{dst}) {
			t.Errorf("the distributor's write without its chaincode server: %v, want an error naming its chaincode", err)
		}
		s.waitStatus(t, "the distributor's chaincode server down", func(st *fabricnet.StatusReport) bool {
			return s.processIn(st, "chaincode", dst).State != fabricnet.StateHealthy
		})
		w.waitCommits(t, killed, 5)
		s.up(t)
		back := time.Now()
		s.mustEventually(t, dst, "unit:Ship", model.ShipRequest{EventHeader: model.EventHeader{EventID: "pf-ship-held"}, To: hsp, Codes: []string{held}})
		t.Logf("the distributor's write went through %s after up restarted its chaincode server", time.Since(back).Round(time.Millisecond))
		s.waitStatus(t, "the distributor's chaincode answering", func(st *fabricnet.StatusReport) bool {
			return s.processIn(st, "chaincode", dst).State == fabricnet.StateHealthy
		})
		if after := s.peerPIDs(t); !maps.Equal(before, after) {
			t.Errorf("peer processes changed: %v before, %v after", before, after)
		}
		w.check(t)
	})
	t.Run("the distributor's peer hung: the manufacturer goes on, a read or write needing it fails naming it within the bound, then it answers again", func(t *testing.T) {
		hung := s.process(t, "peer", dst).Name
		stopped := time.Now()
		s.signal(t, hung, syscall.SIGSTOP)
		resumed := false
		t.Cleanup(func() {
			if !resumed {
				s.signal(t, hung, syscall.SIGCONT)
			}
		})
		w.waitCommits(t, stopped, 10)
		t.Logf("writes went on: 10 commits %s after the distributor's peer was stopped", time.Since(stopped).Round(time.Millisecond))
		reads := []struct {
			who string
			p   ledger.Proposal
		}{
			{"as the distributor, through its own peer", ledger.Proposal{Identity: s.ids[dst], Function: "query:Unit", Args: []string{held}}},
			{"as the manufacturer, through the distributor's peer", ledger.Proposal{Identity: s.ids[mfr], Function: "query:Unit", Args: []string{held}, EndorsingOrgs: []string{dst}}},
		}
		for _, r := range reads {
			start := time.Now()
			_, err := s.client.Evaluate(s.ctx, r.p)
			took := time.Since(start)
			if peers, _ := fabric.Missing(err); !slices.Equal(peers, []string{dst}) || !fabric.Unavailable(err) || !strings.Contains(err.Error(), "peer of "+dst) {
				t.Errorf("a read %s: %v, want unavailable naming its peer", r.who, err)
			}
			if took > hungBound {
				t.Errorf("a read %s took %s to fail, more than %s", r.who, took.Round(time.Millisecond), hungBound)
			}
			t.Logf("a read %s failed in %s: %v", r.who, took.Round(time.Millisecond), err)
		}
		// The hospital's receipt of the unit the distributor shipped needs the distributor's
		// endorsement (key-level, ADR 008).
		receiveHeld := model.ReceiveRequest{EventHeader: model.EventHeader{EventID: "pf-recv-held"}, Codes: []string{held}}
		s.wantMissingPeer(t, dst, func() error {
			_, err := s.submit(hsp, "unit:Receive", receiveHeld)
			return err
		})
		s.signal(t, hung, syscall.SIGCONT)
		resumed = true
		back := time.Now()
		s.mustEventually(t, hsp, "unit:Receive", receiveHeld)
		t.Logf("the write needing the distributor went through %s after SIGCONT", time.Since(back).Round(time.Millisecond))
		if _, err := s.client.Evaluate(s.ctx, reads[1].p); err != nil {
			t.Errorf("a read through the distributor's peer after SIGCONT: %v", err)
		}
		s.waitStatus(t, "every peer healthy", func(st *fabricnet.StatusReport) bool {
			for _, p := range st.Processes {
				if p.Kind == "peer" && p.State != fabricnet.StateHealthy {
					return false
				}
			}
			return true
		})
		t.Logf("every peer healthy %s after SIGCONT", time.Since(back).Round(time.Millisecond))
		w.check(t)
	})
	w.stop()
	t.Logf("%d writes committed, slowest %s", w.commits.Load(), time.Duration(w.slowest.Load()).Round(time.Millisecond))
}

// up runs fabricnet.Up, as `udi network up` does after a crash, and returns when it ended.
func (s *suite) up(t *testing.T) time.Time {
	t.Helper()
	start := time.Now()
	if _, err := fabricnet.Up(s.ctx, s.cfg, fabricnettest.LogWriter{T: t}); err != nil {
		t.Fatalf("up: %v", err)
	}
	t.Logf("up restarted what was missing in %s", time.Since(start).Round(time.Millisecond))
	return start
}

// wantFailure runs a write that cannot go through and checks that it fails, unavailable,
// within failBound.
func (s *suite) wantFailure(t *testing.T, write func() error) error {
	t.Helper()
	start := time.Now()
	err := write()
	took := time.Since(start)
	if err == nil {
		t.Fatal("the write went through")
	}
	if !fabric.Unavailable(err) {
		t.Errorf("%v: want an unavailable error (503)", err)
	}
	if took > failBound {
		t.Errorf("the write took %s to fail, more than %s", took.Round(time.Millisecond), failBound)
	}
	t.Logf("failed in %s: %v", took.Round(time.Millisecond), err)
	return err
}

// wantMissingPeer checks that a write fails within failBound naming org's peer.
func (s *suite) wantMissingPeer(t *testing.T, org string, write func() error) {
	t.Helper()
	err := s.wantFailure(t, write)
	if peers, _ := fabric.Missing(err); !slices.Contains(peers, org) || !strings.Contains(err.Error(), "peer of "+org) {
		t.Errorf("%v: want an error naming the peer of %s", err, org)
	}
}

// mustEventually submits a write until it goes through, for recoverBound at most.
func (s *suite) mustEventually(t *testing.T, msp, fn string, arg any) {
	t.Helper()
	deadline := time.Now().Add(recoverBound)
	for {
		_, err := s.submit(msp, fn, arg)
		if err == nil {
			return
		}
		if !fabric.Unavailable(err) || time.Now().After(deadline) {
			t.Fatalf("%s as %s: %v", fn, msp, err)
		}
		t.Logf("%s as %s not yet: %v", fn, msp, err)
		time.Sleep(time.Second)
	}
}

// dispense has the hospital dispense a unit with private details, as ops.Dispense does:
// the private half, then the public half.
func (s *suite) dispense(t *testing.T, eventID, code, patient string) {
	t.Helper()
	priv, err := json.Marshal(model.DispensePrivate{PatientRef: patient, PrescriptionRef: "RX-PF-1", Salt: "0123456789abcdef0123"})
	if err != nil {
		t.Fatal(err)
	}
	req := model.DispenseRequest{EventHeader: model.EventHeader{EventID: eventID, Location: hspGLN}, Codes: []string{code}}
	prep, err := s.client.Submit(s.ctx, ledger.Proposal{Identity: s.ids[hsp], Function: "unit:PrepareDispense", Args: jsonArgs(req),
		Transient: map[string][]byte{model.TransientDispense: priv}})
	if err != nil {
		t.Fatalf("prepare the dispense: %v", err)
	}
	if endorsers := s.endorsers(t, hsp, prep.TxID); !slices.Equal(endorsers, []string{hsp}) {
		t.Errorf("private half endorsed by %v, want the hospital alone while the regulator's peer is down", endorsers)
	}
	pub := model.DispensePublic{DispenseRequest: req}
	if err := json.Unmarshal(prep.Payload, &pub.Prepared); err != nil {
		t.Fatal(err)
	}
	if _, err := s.submit(hsp, "unit:Dispense", pub); err != nil {
		t.Fatalf("dispense: %v", err)
	}
}

func (s *suite) status(t *testing.T) *fabricnet.StatusReport {
	t.Helper()
	st, err := fabricnet.Status(s.ctx, s.cfg)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// waitStatus polls the network's status until cond holds, for recoverBound at most.
func (s *suite) waitStatus(t *testing.T, what string, cond func(*fabricnet.StatusReport) bool) {
	t.Helper()
	deadline := time.Now().Add(recoverBound)
	for {
		st := s.status(t)
		if cond(st) {
			return
		}
		if time.Now().After(deadline) {
			var b strings.Builder
			for _, p := range st.Processes {
				fmt.Fprintf(&b, "\n  %s %s %s: %s %s %s", p.Name, p.Kind, p.Org, p.State, p.Detail, p.Error)
			}
			t.Fatalf("not %s within %s:%s", what, recoverBound, b.String())
		}
		time.Sleep(time.Second)
	}
}

func (s *suite) process(t *testing.T, kind, org string) fabricnet.ProcessStatus {
	t.Helper()
	p := s.processIn(s.status(t), kind, org)
	if p.Name == "" {
		t.Fatalf("no %s of %s", kind, org)
	}
	return p
}

func (s *suite) processIn(st *fabricnet.StatusReport, kind, org string) fabricnet.ProcessStatus {
	for _, p := range st.Processes {
		if p.Kind == kind && p.Org == org {
			return p
		}
	}
	return fabricnet.ProcessStatus{}
}

func (s *suite) peerPIDs(t *testing.T) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, p := range s.status(t).Processes {
		if p.Kind == "peer" {
			out[p.Name] = p.PID
		}
	}
	return out
}
