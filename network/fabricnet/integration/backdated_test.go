package integration

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"
	"time"

	"github.com/hyperledger/fabric-gateway/pkg/identity"
	"github.com/hyperledger/fabric-protos-go-apiv2/common"
	"github.com/hyperledger/fabric-protos-go-apiv2/gateway"
	"github.com/hyperledger/fabric-protos-go-apiv2/msp"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"google.golang.org/grpc"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/timestamppb"
)

// timeWindowRefusal is in the error of the peers' TimeWindowCheck auth filter (ADR 013).
const timeWindowRefusal = "outside the allowed time window"

// backdated plays an insider organisation (the manufacturer's admin) that builds its own
// proposals with a timestamp a day off and sends them to other organisations' peers: straight
// to the Endorser service, to another organisation's gateway endorsing there, and to its own
// gateway endorsing on another organisation's peer. Every one is refused; the same proposal
// dated now is endorsed.
func (s *suite) backdated(t *testing.T) {
	admin, err := s.net.AdminIdentity(mfr)
	if err != nil {
		t.Fatal(err)
	}
	p := newHandProposer(t, admin.MSPID, admin.Certificate, admin.PrivateKey, s.net.Channel, s.net.Chaincode)
	now := time.Now()
	dayBack, dayAhead := now.Add(-24*time.Hour), now.Add(24*time.Hour)

	t.Run("Endorser.ProcessProposal on another organisation's peer", func(t *testing.T) {
		e := peer.NewEndorserClient(s.peerConn(t, dst))
		for _, c := range []struct {
			name string
			at   time.Time
		}{{"a day back", dayBack}, {"a day ahead", dayAhead}} {
			sp, _ := p.proposal(t, c.at, "info:Version")
			res, err := e.ProcessProposal(s.ctx, sp)
			if err == nil || !strings.Contains(err.Error(), timeWindowRefusal) {
				t.Fatalf("%s: got response %v, error %v; want the time window refusal", c.name, res.GetResponse(), err)
			}
			t.Logf("%s: %v", c.name, err)
		}
		sp, _ := p.proposal(t, time.Now(), "info:Version")
		res, err := e.ProcessProposal(s.ctx, sp)
		if err != nil || res.GetResponse().GetStatus() != 200 {
			t.Fatalf("dated now: got response %v, error %v; want status 200", res.GetResponse(), err)
		}
	})

	// The gateway endorses on its own peer without the Endorser service: the build patches
	// the peer so that these endorsements pass the auth filters too.
	t.Run("Gateway.Endorse on another organisation's gateway and peer", func(t *testing.T) {
		s.gatewayEndorse(t, p, hsp, hsp, dayBack)
	})
	t.Run("Gateway.Endorse on the insider's own gateway, endorsed by another organisation", func(t *testing.T) {
		s.gatewayEndorse(t, p, mfr, dst, dayBack)
	})
}

// gatewayEndorse asks the gateway of org to have endorser endorse a proposal dated at, which
// must be refused, then the same call dated now, which must be endorsed.
func (s *suite) gatewayEndorse(t *testing.T, p *handProposer, org, endorser string, at time.Time) {
	t.Helper()
	gw := gateway.NewGatewayClient(s.peerConn(t, org))
	endorse := func(when time.Time) (*gateway.EndorseResponse, error) {
		sp, txID := p.proposal(t, when, "info:Version")
		return gw.Endorse(s.ctx, &gateway.EndorseRequest{
			TransactionId: txID, ChannelId: s.net.Channel, ProposedTransaction: sp,
			EndorsingOrganizations: []string{endorser},
		})
	}
	_, err := endorse(at)
	if err == nil {
		t.Fatal("a day back: endorsed; want the time window refusal")
	}
	// The gateway reports the endorsing peer's error in the status details.
	var refused bool
	for _, d := range status.Convert(err).Details() {
		if ed, ok := d.(*gateway.ErrorDetail); ok && ed.GetMspId() == endorser && strings.Contains(ed.GetMessage(), timeWindowRefusal) {
			refused = true
			t.Logf("a day back: %s (%s): %s", ed.GetMspId(), ed.GetAddress(), ed.GetMessage())
		}
	}
	if !refused {
		t.Fatalf("a day back: %v, details %v; want %s's time window refusal", err, status.Convert(err).Details(), endorser)
	}
	res, err := endorse(time.Now())
	if err != nil || res.GetPreparedTransaction() == nil {
		t.Fatalf("dated now: %v", err)
	}
}

// peerConn connects to the peer of org with TLS, for the length of the test.
func (s *suite) peerConn(t *testing.T, org string) *grpc.ClientConn {
	t.Helper()
	o, ok := s.net.Org(org)
	if !ok {
		t.Fatalf("no organisation %s", org)
	}
	return dialPeer(t, o)
}

// handProposer builds and signs chaincode proposals by hand, with any timestamp.
type handProposer struct {
	creator            []byte // serialized identity
	sign               identity.Sign
	channel, chaincode string
}

func newHandProposer(t *testing.T, mspID string, certPEM, keyPEM []byte, channel, chaincode string) *handProposer {
	t.Helper()
	sign := signer(t, keyPEM)
	creator := marshal(t, &msp.SerializedIdentity{Mspid: mspID, IdBytes: certPEM})
	return &handProposer{creator: creator, sign: sign, channel: channel, chaincode: chaincode}
}

// proposal returns a signed proposal to call fn with args, dated at, and its transaction ID.
func (p *handProposer) proposal(t *testing.T, at time.Time, fn string, args ...string) (*peer.SignedProposal, string) {
	t.Helper()
	nonce := make([]byte, 24)
	if _, err := rand.Read(nonce); err != nil {
		t.Fatal(err)
	}
	txHash := sha256.Sum256(append(append([]byte{}, nonce...), p.creator...))
	txID := hex.EncodeToString(txHash[:])
	cc := &peer.ChaincodeID{Name: p.chaincode}
	input := [][]byte{[]byte(fn)}
	for _, a := range args {
		input = append(input, []byte(a))
	}
	hdr := &common.Header{
		ChannelHeader: marshal(t, &common.ChannelHeader{
			Type:      int32(common.HeaderType_ENDORSER_TRANSACTION),
			ChannelId: p.channel,
			TxId:      txID,
			Timestamp: timestamppb.New(at),
			Extension: marshal(t, &peer.ChaincodeHeaderExtension{ChaincodeId: cc}),
		}),
		SignatureHeader: marshal(t, &common.SignatureHeader{Creator: p.creator, Nonce: nonce}),
	}
	prop := &peer.Proposal{
		Header: marshal(t, hdr),
		Payload: marshal(t, &peer.ChaincodeProposalPayload{Input: marshal(t, &peer.ChaincodeInvocationSpec{
			ChaincodeSpec: &peer.ChaincodeSpec{ChaincodeId: cc, Input: &peer.ChaincodeInput{Args: input}},
		})}),
	}
	b := marshal(t, prop)
	digest := sha256.Sum256(b)
	sig, err := p.sign(digest[:])
	if err != nil {
		t.Fatal(err)
	}
	return &peer.SignedProposal{ProposalBytes: b, Signature: sig}, txID
}
