package embedded

import (
	"context"

	"github.com/udiledger/udiledger/gateway/ledger"
)

// pending is an endorsed transaction waiting for its block.
type pending struct {
	en   *endorsement
	done chan outcome
}

type outcome struct {
	result *ledger.Result
	err    error
}

// Submit endorses p, orders it into the next block and returns once the block is committed.
// A chaincode rejection is a *ledger.ChaincodeError and writes nothing; a transaction
// invalidated at commit (read conflict, phantom read, duplicate ID) is a *ledger.CommitError.
func (e *Engine) Submit(ctx context.Context, p ledger.Proposal) (*ledger.Result, error) {
	return e.submit(ctx, p, nil)
}

func (e *Engine) submit(ctx context.Context, p ledger.Proposal, nonce []byte) (*ledger.Result, error) {
	en, err := e.endorse(ctx, p, false, nonce)
	if err != nil {
		return nil, err
	}
	pend := &pending{en: en, done: make(chan outcome, 1)}
	select {
	case e.queue <- pend:
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-e.closing:
		return nil, ErrClosed
	}
	select {
	case out := <-pend.done:
		return out.result, out.err
	case <-ctx.Done():
		return nil, ctx.Err() // the transaction may still commit, as on Fabric
	case <-e.committed:
		select {
		case out := <-pend.done:
			return out.result, out.err
		default:
			return nil, ErrClosed
		}
	}
}
