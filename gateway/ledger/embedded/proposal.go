package embedded

import (
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/hyperledger/fabric-protos-go-apiv2/common"
	"github.com/hyperledger/fabric-protos-go-apiv2/msp"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/udiledger/udiledger/gateway/ledger"
	"github.com/udiledger/udiledger/gateway/ledger/localmsp"
)

// signProposal is the client side: it builds and signs a Fabric proposal for p, stamping it
// with the client's clock. A nil nonce draws a random one.
func (e *Engine) signProposal(p ledger.Proposal, nonce []byte) (*peer.SignedProposal, error) {
	id := p.Identity
	if id == nil {
		return nil, errors.New("embedded: proposal has no identity")
	}
	if p.Function == "" {
		return nil, errors.New("embedded: proposal has no function")
	}
	key, err := e.signingKey(id)
	if err != nil {
		return nil, err
	}
	if nonce == nil {
		nonce = make([]byte, 24)
		if _, err := rand.Read(nonce); err != nil {
			return nil, fmt.Errorf("embedded: nonce: %w", err)
		}
	}
	creator, err := proto.Marshal(&msp.SerializedIdentity{Mspid: id.MSPID, IdBytes: id.Certificate})
	if err != nil {
		return nil, fmt.Errorf("embedded: serialize identity: %w", err)
	}
	ccID := &peer.ChaincodeID{Name: e.cfg.ChaincodeName}
	ext, err := proto.Marshal(&peer.ChaincodeHeaderExtension{ChaincodeId: ccID})
	if err != nil {
		return nil, fmt.Errorf("embedded: header extension: %w", err)
	}
	chdr, err := proto.Marshal(&common.ChannelHeader{
		Type:      int32(common.HeaderType_ENDORSER_TRANSACTION),
		ChannelId: e.cfg.ChannelID,
		TxId:      computeTxID(nonce, creator),
		Timestamp: timestamppb.New(e.cfg.Clock()),
		Extension: ext,
	})
	if err != nil {
		return nil, fmt.Errorf("embedded: channel header: %w", err)
	}
	shdr, err := proto.Marshal(&common.SignatureHeader{Creator: creator, Nonce: nonce})
	if err != nil {
		return nil, fmt.Errorf("embedded: signature header: %w", err)
	}
	hdr, err := proto.Marshal(&common.Header{ChannelHeader: chdr, SignatureHeader: shdr})
	if err != nil {
		return nil, fmt.Errorf("embedded: header: %w", err)
	}
	args := make([][]byte, 0, len(p.Args)+1)
	args = append(args, []byte(p.Function))
	for _, a := range p.Args {
		args = append(args, []byte(a))
	}
	input, err := proto.Marshal(&peer.ChaincodeInvocationSpec{ChaincodeSpec: &peer.ChaincodeSpec{
		Type:        peer.ChaincodeSpec_GOLANG,
		ChaincodeId: ccID,
		Input:       &peer.ChaincodeInput{Args: args},
	}})
	if err != nil {
		return nil, fmt.Errorf("embedded: invocation spec: %w", err)
	}
	payload, err := proto.Marshal(&peer.ChaincodeProposalPayload{Input: input, TransientMap: p.Transient})
	if err != nil {
		return nil, fmt.Errorf("embedded: proposal payload: %w", err)
	}
	prop, err := proto.Marshal(&peer.Proposal{Header: hdr, Payload: payload})
	if err != nil {
		return nil, fmt.Errorf("embedded: proposal: %w", err)
	}
	sig, err := localmsp.Sign(key, prop)
	if err != nil {
		return nil, err
	}
	return &peer.SignedProposal{ProposalBytes: prop, Signature: sig}, nil
}

// signingKey parses an identity's private key once.
func (e *Engine) signingKey(id *ledger.Identity) (*ecdsa.PrivateKey, error) {
	if k, ok := e.keys.Load(string(id.PrivateKey)); ok {
		return k.(*ecdsa.PrivateKey), nil
	}
	key, err := localmsp.ParsePrivateKey(id.PrivateKey)
	if err != nil {
		return nil, fmt.Errorf("embedded: identity %s: %w", id.Name, err)
	}
	e.keys.Store(string(id.PrivateKey), key)
	return key, nil
}

// computeTxID is Fabric's transaction ID: hex(sha256(nonce | creator)).
func computeTxID(nonce, creator []byte) string {
	sum := sha256.Sum256(append(append([]byte{}, nonce...), creator...))
	return hex.EncodeToString(sum[:])
}

// checkedProposal is a proposal the peer side has verified.
type checkedProposal struct {
	signed    *peer.SignedProposal
	txID      string
	channel   string
	timestamp *timestamppb.Timestamp
	creator   []byte
	mspID     string
	cert      []byte
	args      [][]byte
	transient map[string][]byte
	binding   []byte
}

// checkProposal is the peer side: it parses sp, checks the channel, the transaction ID, that
// the creator's certificate chains to its MSP and, unless signerKnown, that the creator signed
// the proposal.
func (e *Engine) checkProposal(sp *peer.SignedProposal, signerKnown bool) (*checkedProposal, error) {
	var prop peer.Proposal
	if err := proto.Unmarshal(sp.ProposalBytes, &prop); err != nil {
		return nil, fmt.Errorf("embedded: malformed proposal: %w", err)
	}
	var hdr common.Header
	var chdr common.ChannelHeader
	var shdr common.SignatureHeader
	if err := unmarshalAll(prop.Header, &hdr); err != nil {
		return nil, err
	}
	if err := unmarshalAll(hdr.ChannelHeader, &chdr); err != nil {
		return nil, err
	}
	if err := unmarshalAll(hdr.SignatureHeader, &shdr); err != nil {
		return nil, err
	}
	if chdr.ChannelId != e.cfg.ChannelID {
		return nil, fmt.Errorf("embedded: proposal for channel %q, this ledger is %q", chdr.ChannelId, e.cfg.ChannelID)
	}
	if want := computeTxID(shdr.Nonce, shdr.Creator); chdr.TxId != want {
		return nil, fmt.Errorf("embedded: transaction ID %s does not match nonce and creator", chdr.TxId)
	}
	var sid msp.SerializedIdentity
	if err := unmarshalAll(shdr.Creator, &sid); err != nil {
		return nil, err
	}
	cert, err := e.validateCreator(sid.Mspid, sid.IdBytes)
	if err != nil {
		return nil, err
	}
	if !signerKnown {
		if err := localmsp.VerifySignature(cert, sp.ProposalBytes, sp.Signature); err != nil {
			return nil, fmt.Errorf("embedded: proposal signature of %s: %w", sid.Mspid, err)
		}
	}
	var payload peer.ChaincodeProposalPayload
	var spec peer.ChaincodeInvocationSpec
	if err := unmarshalAll(prop.Payload, &payload); err != nil {
		return nil, err
	}
	if err := unmarshalAll(payload.Input, &spec); err != nil {
		return nil, err
	}
	if spec.GetChaincodeSpec().GetChaincodeId().GetName() != e.cfg.ChaincodeName {
		return nil, fmt.Errorf("embedded: proposal for chaincode %q, this ledger runs %q",
			spec.GetChaincodeSpec().GetChaincodeId().GetName(), e.cfg.ChaincodeName)
	}
	epoch := make([]byte, 8) // epoch 0, little-endian, as Fabric computes the binding
	binding := sha256.Sum256(append(append(append([]byte{}, shdr.Nonce...), shdr.Creator...), epoch...))
	return &checkedProposal{
		signed:    sp,
		txID:      chdr.TxId,
		channel:   chdr.ChannelId,
		timestamp: chdr.Timestamp,
		creator:   shdr.Creator,
		mspID:     sid.Mspid,
		cert:      sid.IdBytes,
		args:      spec.GetChaincodeSpec().GetInput().GetArgs(),
		transient: payload.TransientMap,
		binding:   binding[:],
	}, nil
}

func unmarshalAll(b []byte, m proto.Message) error {
	if err := proto.Unmarshal(b, m); err != nil {
		return fmt.Errorf("embedded: malformed proposal %T: %w", m, err)
	}
	return nil
}

// validateCreator checks the creator's certificate against its MSP, caching good ones as an
// MSP's identity cache does.
func (e *Engine) validateCreator(mspID string, certPEM []byte) (*x509.Certificate, error) {
	cacheKey := mspID + "\x00" + string(certPEM)
	if c, ok := e.certs.Load(cacheKey); ok {
		return c.(*x509.Certificate), nil
	}
	cert, err := e.msps.Validate(mspID, certPEM, time.Now()) // the peer's clock, not the proposal's
	if err != nil {
		return nil, fmt.Errorf("embedded: creator rejected: %w", err)
	}
	e.certs.Store(cacheKey, cert)
	return cert, nil
}
