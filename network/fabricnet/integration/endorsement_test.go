package integration

import (
	"crypto/sha256"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hyperledger/fabric-gateway/pkg/client"
	"github.com/hyperledger/fabric-gateway/pkg/identity"
	"github.com/hyperledger/fabric-protos-go-apiv2/common"
	"github.com/hyperledger/fabric-protos-go-apiv2/gateway"
	"github.com/hyperledger/fabric-protos-go-apiv2/ledger/rwset"
	"github.com/hyperledger/fabric-protos-go-apiv2/ledger/rwset/kvrwset"
	"github.com/hyperledger/fabric-protos-go-apiv2/msp"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"google.golang.org/protobuf/proto"

	"github.com/udiledger/udiledger/chaincode/model"
	"github.com/udiledger/udiledger/gateway/ledger"
)

// keyLevelEndorsement shows ADR 008 on the network: a unit key's policy is its owner's peer
// AND three of the four others' peers (a majority of the others).
func (s *suite) keyLevelEndorsement(t *testing.T) {
	code := s.commission(t, "sbe-commission", 1)[0]
	ship := model.ShipRequest{EventHeader: model.EventHeader{EventID: "sbe-ship-1"}, To: dst, Codes: []string{code}}

	for _, endorsers := range [][]string{{dst, plt, hsp}, {dst, plt, hsp, reg}} {
		t.Run("a ship endorsed by "+strings.Join(endorsers, ",")+" without the owner is invalid at commit", func(t *testing.T) {
			_, err := s.submit(mfr, "unit:Ship", ship, endorsers...)
			wantCommitError(t, err, ledger.EndorsementPolicyFailure)
			if v := s.unit(t, code); v.Owner != mfr || v.Status != model.StatusActive {
				t.Fatalf("unit after the invalid ship: owner %s status %s", v.Owner, v.Status)
			}
		})
	}
	t.Run("the same ship endorsed by the owner and two others, a majority of all but not of the others, is invalid", func(t *testing.T) {
		_, err := s.submit(mfr, "unit:Ship", ship, mfr, dst, plt)
		wantCommitError(t, err, ledger.EndorsementPolicyFailure)
	})
	t.Run("the same ship endorsed by the owner and three others commits", func(t *testing.T) {
		if _, err := s.submit(mfr, "unit:Ship", ship, mfr, dst, plt, hsp); err != nil {
			t.Fatal(err)
		}
		if v := s.unit(t, code); v.Status != model.StatusInTransit {
			t.Fatalf("unit status %s, want in transit", v.Status)
		}
	})
	recv := model.ReceiveRequest{EventHeader: model.EventHeader{EventID: "sbe-recv-1"}, Codes: []string{code}}
	t.Run("receiving without the sender's peer is invalid: in transit the key still names the sender", func(t *testing.T) {
		_, err := s.submit(dst, "unit:Receive", recv, dst, plt, hsp)
		wantCommitError(t, err, ledger.EndorsementPolicyFailure)
	})
	t.Run("the gateway plans the sender's peer and three others by itself from the key's policy", func(t *testing.T) {
		res, err := s.submit(dst, "unit:Receive", recv)
		if err != nil {
			t.Fatal(err)
		}
		endorsers := s.endorsers(t, dst, res.TxID)
		if !slices.Contains(endorsers, mfr) || len(endorsers) < 4 {
			t.Fatalf("receive endorsed by %v: want the sender %s and three others", endorsers, mfr)
		}
		if v := s.unit(t, code); v.Owner != dst || v.Status != model.StatusActive {
			t.Fatalf("unit after receive: owner %s status %s", v.Owner, v.Status)
		}
		t.Logf("receive endorsed by %v", endorsers)
	})
	t.Run("after receipt the former owner's peer no longer suffices", func(t *testing.T) {
		_, err := s.submit(dst, "unit:Ship", model.ShipRequest{EventHeader: model.EventHeader{EventID: "sbe-ship-2"}, To: hsp, Codes: []string{code}}, mfr, plt, hsp, reg)
		wantCommitError(t, err, ledger.EndorsementPolicyFailure)
		if _, err := s.submit(dst, "unit:Ship", model.ShipRequest{EventHeader: model.EventHeader{EventID: "sbe-ship-2"}, To: hsp, Codes: []string{code}}); err != nil {
			t.Fatalf("the same ship planned by the gateway: %v", err)
		}
	})

	// An owner running altered chaincode on its own peer: the peer signs a result that writes
	// only the unit's key (no event key, so the chaincode's MAJORITY does not apply).
	own := s.commission(t, "sbe-commission-own", 5)[0]
	onlyUnit := func(key string) bool { return strings.HasPrefix(key, "\x00unit\x00") }
	forge := func(eventID string) model.ShipRequest {
		return model.ShipRequest{EventHeader: model.EventHeader{EventID: eventID}, To: dst, Codes: []string{own}}
	}
	t.Run("a write to its own unit endorsed by the owner's peer alone is invalid at commit", func(t *testing.T) {
		if code := s.forged(t, mfr, "unit:Ship", forge("sbe-forged-1"), onlyUnit, mfr); code != peer.TxValidationCode_ENDORSEMENT_POLICY_FAILURE {
			t.Fatalf("validation code %s, want ENDORSEMENT_POLICY_FAILURE", code)
		}
		if v := s.unit(t, own); v.Status != model.StatusActive {
			t.Fatalf("unit status %s after the owner-only write", v.Status)
		}
	})
	t.Run("the same unit-only write signed by the owner's and three other peers commits", func(t *testing.T) {
		// The control: the forged transaction is well formed; only its endorsers differed.
		if code := s.forged(t, mfr, "unit:Ship", forge("sbe-forged-2"), onlyUnit, mfr, dst, plt, hsp); code != peer.TxValidationCode_VALID {
			t.Fatalf("validation code %s, want VALID", code)
		}
		// The regulator's peer, which answers the read, may commit the block a moment later.
		deadline := time.Now().Add(10 * time.Second)
		for v := s.unit(t, own); v.Status != model.StatusInTransit; v = s.unit(t, own) {
			if time.Now().After(deadline) {
				t.Fatalf("unit status %s, want in transit", v.Status)
			}
			time.Sleep(100 * time.Millisecond)
		}
	})
}

// forged has msp's person propose fn at the peer of msp alone, keeps in the chaincode's write
// set only the writes whose keys keep accepts, has the peers of signers sign that result with
// their own keys, as a peer returning whatever its chaincode computed would, and submits it. It
// returns the transaction's validation code.
func (s *suite) forged(t *testing.T, msp, fn string, arg any, keep func(key string) bool, signers ...string) peer.TxValidationCode {
	t.Helper()
	gw, closeGW := s.gatewayAs(t, msp)
	defer closeGW()
	prop, err := gw.GetNetwork(s.net.Channel).GetContract(s.net.Chaincode).NewProposal(fn,
		client.WithArguments(jsonArgs(arg)...), client.WithEndorsingOrganizations(msp))
	if err != nil {
		t.Fatal(err)
	}
	tx, err := prop.EndorseWithContext(s.ctx)
	if err != nil {
		t.Fatalf("endorse %s at %s: %v", fn, msp, err)
	}
	b, err := tx.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	var (
		pt  gateway.PreparedTransaction
		pl  common.Payload
		ptx peer.Transaction
		act peer.ChaincodeActionPayload
		prp peer.ProposalResponsePayload
		ca  peer.ChaincodeAction
		rws rwset.TxReadWriteSet
	)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(proto.Unmarshal(b, &pt))
	must(proto.Unmarshal(pt.GetEnvelope().GetPayload(), &pl))
	must(proto.Unmarshal(pl.GetData(), &ptx))
	must(proto.Unmarshal(ptx.GetActions()[0].GetPayload(), &act))
	must(proto.Unmarshal(act.GetAction().GetProposalResponsePayload(), &prp))
	must(proto.Unmarshal(prp.GetExtension(), &ca))
	must(proto.Unmarshal(ca.GetResults(), &rws))
	kept := 0
	for _, ns := range rws.GetNsRwset() {
		if ns.GetNamespace() != s.net.Chaincode {
			continue
		}
		var kv kvrwset.KVRWSet
		must(proto.Unmarshal(ns.GetRwset(), &kv))
		kv.Writes = slices.DeleteFunc(kv.Writes, func(w *kvrwset.KVWrite) bool { return !keep(w.GetKey()) })
		kv.MetadataWrites = slices.DeleteFunc(kv.MetadataWrites, func(w *kvrwset.KVMetadataWrite) bool { return !keep(w.GetKey()) })
		kept += len(kv.Writes)
		ns.Rwset = marshal(t, &kv)
	}
	if kept == 0 {
		t.Fatal("the forged write set writes nothing")
	}
	ca.Results = marshal(t, &rws)
	ca.Events = nil
	prp.Extension = marshal(t, &ca)
	prpBytes := marshal(t, &prp)
	var endorsements []*peer.Endorsement
	for _, m := range signers {
		endorser, sign := s.peerSigner(t, m)
		digest := sha256.Sum256(append(slices.Clone(prpBytes), endorser...))
		sig, err := sign(digest[:])
		must(err)
		endorsements = append(endorsements, &peer.Endorsement{Endorser: endorser, Signature: sig})
	}
	act.Action.ProposalResponsePayload = prpBytes
	act.Action.Endorsements = endorsements
	ptx.Actions[0].Payload = marshal(t, &act)
	pl.Data = marshal(t, &ptx)
	pt.Envelope.Payload = marshal(t, &pl)
	pt.Envelope.Signature = nil // signed again by the client on submit
	forged, err := gw.NewTransaction(marshal(t, &pt))
	must(err)
	commit, err := forged.SubmitWithContext(s.ctx)
	if err != nil {
		t.Fatalf("submit the forged transaction: %v", err)
	}
	st, err := commit.StatusWithContext(s.ctx)
	must(err)
	return st.Code
}

// signer signs with the PEM private key keyPEM.
func signer(t testing.TB, keyPEM []byte) identity.Sign {
	t.Helper()
	key, err := identity.PrivateKeyFromPEM(keyPEM)
	if err != nil {
		t.Fatal(err)
	}
	sign, err := identity.NewPrivateKeySign(key)
	if err != nil {
		t.Fatal(err)
	}
	return sign
}

func marshal(t *testing.T, m proto.Message) []byte {
	t.Helper()
	b, err := proto.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// peerSigner returns the serialized identity of an organisation's peer and a signer with its
// key, from the network's cryptogen folders.
func (s *suite) peerSigner(t *testing.T, m string) ([]byte, identity.Sign) {
	t.Helper()
	o, ok := s.net.Org(m)
	if !ok {
		t.Fatalf("no organisation %s", m)
	}
	// The admin's MSP folder is <org>/users/Admin@<domain>/msp; the peer's <org>/peers/<peer>/msp.
	dir := filepath.Join(filepath.Dir(filepath.Dir(filepath.Dir(o.Admin.MSPDir))), "peers", o.Peer.Name, "msp")
	cert, err := os.ReadFile(filepath.Join(dir, "signcerts", o.Peer.Name+"-cert.pem"))
	if err != nil {
		t.Fatal(err)
	}
	keyPEM, err := os.ReadFile(filepath.Join(dir, "keystore", "priv_sk"))
	if err != nil {
		t.Fatal(err)
	}
	return marshal(t, &msp.SerializedIdentity{Mspid: m, IdBytes: cert}), signer(t, keyPEM)
}

// gatewayAs connects to the organisation's peer as the suite's person of that organisation
// with fabric-gateway directly.
func (s *suite) gatewayAs(t *testing.T, m string) (*client.Gateway, func()) {
	t.Helper()
	gw := connectAs(t, s.peerConn(t, m), s.ids[m],
		client.WithEndorseTimeout(30*time.Second), client.WithSubmitTimeout(30*time.Second), client.WithCommitStatusTimeout(time.Minute))
	return gw, func() { _ = gw.Close() }
}
