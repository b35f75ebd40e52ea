package fabricnet

import (
	"errors"
	"strings"
	"testing"
)

func TestParseMetricsKeepsTheChannelsSamples(t *testing.T) {
	text := `# HELP consensus_etcdraft_is_leader The leadership status of the current node: 1 if it is the leader else 0.
# TYPE consensus_etcdraft_is_leader gauge
consensus_etcdraft_is_leader{channel="udi"} 1
consensus_etcdraft_is_leader{channel="other"} 0
consensus_etcdraft_active_nodes{channel="udi"} 3
broadcast_processed_count{channel="udi",status="SUCCESS",type="ENDORSER_TRANSACTION"} 40
broadcast_processed_count{channel="udi",status="SERVICE_UNAVAILABLE",type="ENDORSER_TRANSACTION"} 7
broadcast_processed_count{channel="udi",status="SUCCESS",type="CONFIG"} 1
go_goroutines 88
`
	m, err := parseMetrics(strings.NewReader(text), `channel="udi"`)
	if err != nil {
		t.Fatal(err)
	}
	if got := m.sum("consensus_etcdraft_is_leader"); got != 1 {
		t.Errorf("is_leader %v, want 1", got)
	}
	if got := m.sum("consensus_etcdraft_active_nodes"); got != 3 {
		t.Errorf("active_nodes %v, want 3", got)
	}
	if got := m.sum("broadcast_processed_count", `status="SUCCESS"`, `type="ENDORSER_TRANSACTION"`); got != 40 {
		t.Errorf("transactions taken %v, want 40", got)
	}
	if got := m.sum("broadcast_processed_count"); got != 48 {
		t.Errorf("every broadcast %v, want 48", got)
	}
	if _, err := parseMetrics(strings.NewReader("go_goroutines 88\n"), `channel="udi"`); err == nil {
		t.Fatal("no sample of the channel: want an error")
	}
}

func TestJudgeOrderers(t *testing.T) {
	member := func(h uint64, leader bool) OrdererState {
		return OrdererState{ConsensusRelation: "consenter", Status: "active", Height: h, Leader: leader, ActiveNodes: 3, ClusterSize: 3}
	}
	tests := []struct {
		name       string
		give       OrdererState
		wantState  string
		wantDetail string
	}{
		{name: "a follower at the channel's height is healthy", give: member(40, false), wantState: StateHealthy, wantDetail: "raft follower"},
		{name: "the leader is healthy", give: member(41, true), wantState: StateHealthy, wantDetail: "raft leader"},
		{name: "one block behind while blocks are cut is still healthy", give: member(39, false), wantState: StateHealthy},
		{name: "an orderer that knows no leader is degraded", give: OrdererState{ConsensusRelation: "consenter", Status: "active", Height: 41},
			wantState: StateDegraded, wantDetail: "knows no leader"},
		{name: "an orderer far behind is degraded", give: member(12, false), wantState: StateDegraded, wantDetail: "29 blocks behind"},
		{name: "an orderer still onboarding is degraded", give: OrdererState{ConsensusRelation: "consenter", Status: "onboarding", Height: 41, ActiveNodes: 3},
			wantState: StateDegraded, wantDetail: "onboarding"},
		{name: "an evicted orderer is degraded", give: OrdererState{ConsensusRelation: "config-tracker", Status: "inactive", Height: 41},
			wantState: StateDegraded, wantDetail: "not a Raft consenter"},
		{name: "an orderer whose channel state cannot be read is degraded", give: OrdererState{Err: errors.New("connection reset")},
			wantState: StateDegraded, wantDetail: "connection reset"},
		{name: "an orderer whose metrics cannot be read is degraded", give: OrdererState{ConsensusRelation: "consenter", Status: "active", Height: 41, MetricsErr: errors.New("401 Unauthorized")},
			wantState: StateDegraded, wantDetail: "restart it"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ps := []ProcessStatus{
				{Name: "orderer1", Running: true, Healthy: true, State: StateHealthy},
				{Name: "orderer2", Running: true, Healthy: true, State: StateHealthy},
			}
			judgeOrderers(ps, []OrdererState{member(41, true), tt.give})
			got := ps[1]
			if got.State != tt.wantState || got.Healthy != (tt.wantState == StateHealthy) || !strings.Contains(got.Detail, tt.wantDetail) {
				t.Fatalf("state %q healthy %v detail %q, want %q with %q", got.State, got.Healthy, got.Detail, tt.wantState, tt.wantDetail)
			}
		})
	}
	t.Run("a stopped orderer stays stopped", func(t *testing.T) {
		ps := []ProcessStatus{{Name: "orderer1", State: StateStopped}}
		judgeOrderers(ps, []OrdererState{{Err: errors.New("connection refused")}})
		if ps[0].State != StateStopped || ps[0].Raft != nil {
			t.Fatalf("got %+v", ps[0])
		}
	})
}
