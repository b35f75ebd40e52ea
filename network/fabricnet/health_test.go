package fabricnet

import (
	"errors"
	"strings"
	"testing"
)

func TestJudgePeers(t *testing.T) {
	running := func(name string) ProcessStatus {
		return ProcessStatus{Name: name, Kind: "peer", Running: true, Healthy: true, State: StateHealthy}
	}
	ps := []ProcessStatus{running("at the top"), running("two behind"), running("far behind"), running("no metrics"),
		{Name: "stopped", Kind: "peer", State: StateStopped}}
	ledgers := []peerLedger{{Height: 50}, {Height: 48}, {Height: 30}, {Err: errors.New("GET /metrics: refused")}, {}}
	judgePeers(ps, ledgers, 49) // the orderers' top may trail a peer's
	want := []struct{ state, detail string }{
		{StateHealthy, "height 50"},
		{StateHealthy, "height 48"},
		{StateDegraded, "20 blocks behind (height 30 of 50)"},
		{StateDegraded, "channel height unknown"},
		{StateStopped, ""},
	}
	for i, p := range ps {
		if p.State != want[i].state || !strings.Contains(p.Detail, want[i].detail) || p.Healthy != (want[i].state == StateHealthy) {
			t.Errorf("%s: %s %q (healthy %v), want %s %q", p.Name, p.State, p.Detail, p.Healthy, want[i].state, want[i].detail)
		}
	}
}

func TestJudgePeersCountsTheOrderersHeight(t *testing.T) {
	ps := []ProcessStatus{{Name: "p", Running: true, Healthy: true, State: StateHealthy}}
	judgePeers(ps, []peerLedger{{Height: 10}}, 20)
	if ps[0].State != StateDegraded || !strings.Contains(ps[0].Detail, "10 blocks behind") {
		t.Fatalf("a peer 10 blocks behind the orderers: %s %q", ps[0].State, ps[0].Detail)
	}
}

func TestJudgeChaincodes(t *testing.T) {
	listening := func() ProcessStatus {
		return ProcessStatus{Kind: "chaincode", Running: true, Healthy: true, State: StateHealthy}
	}
	ps := []ProcessStatus{listening(), listening(), listening(), {Kind: "chaincode", State: StateStopped}}
	judgeChaincodes(ps, []bool{true, true, false, true},
		[]error{nil, errors.New("could not launch chaincode"), nil, errors.New("connection refused")})
	want := []struct{ state, detail string }{
		{StateHealthy, "answers info:Version"},
		{StateDegraded, "could not launch chaincode"},
		{StateDegraded, "not asked: its organisation's peer is not healthy"},
		{StateStopped, ""},
	}
	for i, p := range ps {
		if p.State != want[i].state || !strings.Contains(p.Detail, want[i].detail) {
			t.Errorf("chaincode %d: %s %q, want %s %q", i, p.State, p.Detail, want[i].state, want[i].detail)
		}
	}
}
