package embedded

import (
	"context"
	"fmt"
	"runtime/debug"

	"github.com/hyperledger/fabric-chaincode-go/v2/shim"
	bolt "go.etcd.io/bbolt"

	"github.com/udiledger/udiledger/gateway/ledger"
	"github.com/udiledger/udiledger/gateway/ledger/embedded/internal/state"
	"github.com/udiledger/udiledger/gateway/ledger/embedded/internal/stub"
)

// endorsement is a simulated transaction, ready to be ordered.
type endorsement struct {
	prop    *checkedProposal
	sim     *stub.Simulation
	payload []byte
}

// Evaluate runs a read-only call against committed state; nothing is written.
func (e *Engine) Evaluate(ctx context.Context, p ledger.Proposal) ([]byte, error) {
	en, err := e.endorse(ctx, p, true, nil)
	if err != nil {
		return nil, err
	}
	return en.payload, nil
}

// endorse signs a proposal for p, checks it as a peer would and runs the chaincode on a
// snapshot of committed state.
func (e *Engine) endorse(ctx context.Context, p ledger.Proposal, readOnly bool, nonce []byte) (*endorsement, error) {
	if e.isClosed() {
		return nil, ErrClosed
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	sp, err := e.signProposal(p, nonce)
	if err != nil {
		return nil, err
	}
	// The engine signs every proposal itself: once a key's signature has verified against
	// the identity's certificate, its later ones would too, and each check costs as much as
	// the signing.
	signer := p.Identity.MSPID + "\x00" + string(p.Identity.Certificate) + "\x00" + string(p.Identity.PrivateKey)
	_, known := e.signers.Load(signer)
	prop, err := e.checkProposal(sp, known)
	if err != nil {
		return nil, err
	}
	e.signers.Store(signer, true)
	en := &endorsement{prop: prop}
	err = e.db.View(func(tx *bolt.Tx) error {
		if !readOnly && tx.Bucket(state.BucketTxIDs).Get([]byte(prop.txID)) != nil {
			return fmt.Errorf("embedded: duplicate transaction found [%s]", prop.txID)
		}
		s := stub.New(stub.Params{
			View:           state.NewView(tx),
			ChannelID:      e.cfg.ChannelID,
			ChaincodeName:  e.cfg.ChaincodeName,
			TxID:           prop.txID,
			Args:           prop.args,
			Transient:      prop.transient,
			Creator:        prop.creator,
			CreatorMSPID:   prop.mspID,
			Timestamp:      prop.timestamp,
			SignedProposal: prop.signed,
			Binding:        prop.binding,
			Collections:    e.collections,
			ReadOnly:       readOnly,
			QueryLimit:     e.cfg.TotalQueryLimit,
		})
		payload, err := invoke(e.cc, s)
		if err != nil {
			return err
		}
		en.sim, en.payload = s.Simulation(), payload
		return nil
	})
	if err != nil {
		return nil, err
	}
	return en, nil
}

// invoke runs the chaincode; a response of status 400 or more is a *ledger.ChaincodeError
// with the chaincode's message unchanged, as a peer returns it.
func invoke(cc shim.Chaincode, s *stub.Stub) (payload []byte, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("embedded: chaincode panicked: %v\n%s", r, debug.Stack())
		}
	}()
	resp := cc.Invoke(s)
	if resp == nil {
		return nil, fmt.Errorf("embedded: chaincode returned no response")
	}
	if resp.Status >= shim.ERRORTHRESHOLD {
		return nil, &ledger.ChaincodeError{Message: resp.Message}
	}
	return resp.Payload, nil
}
