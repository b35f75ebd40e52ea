package fabric

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	gwproto "github.com/hyperledger/fabric-protos-go-apiv2/gateway"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/protoadapt"

	"github.com/udiledger/udiledger/gateway/ledger"
)

func fiveOrgClient(t *testing.T) *Client {
	t.Helper()
	c, err := New(Config{ChannelID: "udi", ChaincodeName: "udi", PeerWait: 300 * time.Millisecond, RetryBackoff: time.Millisecond,
		Peers: map[string]Peer{
			"ManufacturerOrgMSP": {Address: "127.0.123.2:7051"}, "DistributorOrgMSP": {Address: "127.0.123.3:7051"},
			"PlatformOrgMSP": {Address: "127.0.123.4:7051"}, "HospitalOrgMSP": {Address: "127.0.123.5:7051"},
			"RegulatorOrgMSP": {Address: "127.0.123.6:7051"},
		}})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func withDetails(t *testing.T, code codes.Code, msg string, details ...*gwproto.ErrorDetail) error {
	t.Helper()
	var ds []protoadapt.MessageV1
	for _, d := range details {
		ds = append(ds, protoadapt.MessageV1Of(d))
	}
	st, err := status.New(code, msg).WithDetails(ds...)
	if err != nil {
		t.Fatal(err)
	}
	return st.Err()
}

func TestMissingNamesTheOrganisationWhosePeerIsGone(t *testing.T) {
	c := fiveOrgClient(t)
	tests := []struct {
		name                 string
		give                 error
		wantPeers, wantCodes []string
	}{
		{"the gateway has no endorser of the organisations named",
			status.Error(codes.Unavailable, "failed to find any endorsing peers for org(s): DistributorOrgMSP, RegulatorOrgMSP"),
			[]string{"DistributorOrgMSP", "RegulatorOrgMSP"}, nil},
		{"an endorser refused the connection: its detail names it",
			withDetails(t, codes.Aborted, "failed to collect enough transaction endorsements, see attached details for more info",
				&gwproto.ErrorDetail{Address: "127.0.123.3:7051", MspId: "DistributorOrgMSP",
					Message: `rpc error: code = Unavailable desc = connection error: desc = "transport: Error while dialing: dial tcp 127.0.123.3:7051: connect: connection refused"`}),
			[]string{"DistributorOrgMSP"}, nil},
		{"a detail without an MSP ID is known by the peer's address",
			withDetails(t, codes.Aborted, "failed to endorse transaction",
				&gwproto.ErrorDetail{Address: "127.0.123.6:7051", Message: "connection refused"}),
			[]string{"RegulatorOrgMSP"}, nil},
		{"no plan for the addresses of unavailable peers",
			status.Error(codes.FailedPrecondition, "no combination of peers can be derived which satisfy the endorsement policy: failed to select a set of endorsers that satisfy the endorsement policy due to unavailability of peers: [127.0.123.3:7051]"),
			[]string{"DistributorOrgMSP"}, nil},
		{"a peer that cannot launch the chaincode: its chaincode server is down",
			withDetails(t, codes.Aborted, "failed to collect enough transaction endorsements",
				&gwproto.ErrorDetail{Address: "127.0.123.4:7051", MspId: "PlatformOrgMSP",
					Message: "error in simulation: failed to execute transaction abc: could not launch chaincode udi_1.0:123: connection to udi failed"}),
			nil, []string{"PlatformOrgMSP"}},
		{"the client's own connection failing: its own peer",
			status.Error(codes.Unavailable, `connection error: desc = "transport: Error while dialing: dial tcp 127.0.123.2:7051: connect: connection refused"`),
			[]string{"ManufacturerOrgMSP"}, nil},
		{"an orderer that cannot be reached is no organisation's peer",
			withDetails(t, codes.Unavailable, "no orderers could successfully process transaction",
				&gwproto.ErrorDetail{Address: "127.0.123.20:7050", MspId: "OrdererOrgMSP", Message: "connection refused"}),
			nil, nil},
		{"a chaincode's rejection names no one",
			withDetails(t, codes.Aborted, "failed to endorse transaction",
				&gwproto.ErrorDetail{Address: "127.0.123.3:7051", MspId: "DistributorOrgMSP", Message: "chaincode response 500, CONFLICT: no"}),
			nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := c.missingFrom(tt.give, "ManufacturerOrgMSP")
			if !slices.Equal(m.peers, tt.wantPeers) || !slices.Equal(m.chaincode, tt.wantCodes) {
				t.Fatalf("missing peers %v chaincode %v, want %v and %v", m.peers, m.chaincode, tt.wantPeers, tt.wantCodes)
			}
		})
	}
}

func TestExplainedErrorsSayWhoseAndStayUnavailable(t *testing.T) {
	c := fiveOrgClient(t)
	err := c.explain(context.Background(), translate(status.Error(codes.Unavailable, "failed to find any endorsing peers for org(s): DistributorOrgMSP")), "ManufacturerOrgMSP")
	if !Unavailable(err) || !retryable(err) {
		t.Fatalf("%v: want unavailable and retryable", err)
	}
	if !strings.Contains(err.Error(), "the peer of DistributorOrgMSP cannot be reached") {
		t.Fatalf("error %q does not name the distributor's peer", err)
	}
	if peers, _ := Missing(err); !slices.Equal(peers, []string{"DistributorOrgMSP"}) {
		t.Fatalf("Missing() = %v", peers)
	}
}

func TestNoPlanAsksEachPeerWhichIsMissing(t *testing.T) {
	c := fiveOrgClient(t) // nothing listens on 127.0.123.*:7051
	err := c.explain(context.Background(), translate(status.Error(codes.FailedPrecondition,
		"no combination of peers can be derived which satisfy the endorsement policy: no peer combination can satisfy the endorsement policy")), "ManufacturerOrgMSP")
	peers, _ := Missing(err)
	if len(peers) != 5 {
		t.Fatalf("Missing() = %v, want every organisation (no peer listens)", peers)
	}
}

func TestWritesWaitForAMissingPeerAndReadsDoNot(t *testing.T) {
	c := fiveOrgClient(t)
	gone := c.explain(context.Background(), translate(status.Error(codes.Unavailable, "failed to find any endorsing peers for org(s): DistributorOrgMSP")), "ManufacturerOrgMSP")
	calls := 0
	start := time.Now()
	err := c.retry(context.Background(), true, func() error { calls++; return gone })
	took := time.Since(start)
	if !errors.Is(err, gone) || calls <= c.cfg.Retries+1 || took < c.cfg.PeerWait/2 {
		t.Fatalf("a write gave up after %d calls in %s (%v), want tries for PeerWait %s", calls, took, err, c.cfg.PeerWait)
	}
	calls = 0
	err = c.retry(context.Background(), false, func() error { calls++; return gone })
	if calls != 1 || !errors.Is(err, gone) {
		t.Fatalf("a read through a missing peer tried %d times (%v), want once", calls, err)
	}
}

func TestPeersBehindTheHighestAreDegraded(t *testing.T) {
	peers := []ledger.PartHealth{
		{Name: "a", State: ledger.Healthy, Height: 40},
		{Name: "b", State: ledger.Healthy, Height: 38},
		{Name: "c", State: ledger.Healthy, Height: 30},
		{Name: "d", State: ledger.Down},
	}
	judgePeers(peers)
	want := []string{ledger.Healthy, ledger.Healthy, ledger.Degraded, ledger.Down}
	for i, p := range peers {
		if p.State != want[i] {
			t.Errorf("%s: %s (%s), want %s", p.Name, p.State, p.Detail, want[i])
		}
	}
	if !strings.Contains(peers[2].Detail, "10 blocks behind") {
		t.Errorf("detail %q does not say how far behind", peers[2].Detail)
	}
}
