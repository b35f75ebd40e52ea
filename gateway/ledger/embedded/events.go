package embedded

import (
	"context"

	"github.com/udiledger/udiledger/gateway/ledger"
	"github.com/udiledger/udiledger/gateway/ledger/embedded/blocklog"
)

// Events replays the chaincode events of valid transactions from block fromBlock on, then
// follows new blocks, until ctx ends or the engine closes.
func (e *Engine) Events(ctx context.Context, fromBlock uint64) (<-chan ledger.Event, error) {
	if e.isClosed() {
		return nil, ErrClosed
	}
	ch := make(chan ledger.Event, 64)
	go func() {
		defer close(ch)
		next := fromBlock
		for {
			e.mu.Lock()
			height, changed := e.height, e.changed
			e.mu.Unlock()
			for ; next < height; next++ {
				b, err := e.Block(next)
				if err != nil {
					return // the engine closed under us
				}
				for _, tx := range b.Transactions {
					if tx.ValidationCode != blocklog.ValidationValid || tx.Event == nil {
						continue
					}
					ev := ledger.Event{BlockNumber: next, TxID: tx.TxID, Name: tx.Event.Name, Payload: tx.Event.Payload}
					select {
					case ch <- ev:
					case <-ctx.Done():
						return
					case <-e.closing:
						return
					}
				}
			}
			select {
			case <-changed:
			case <-ctx.Done():
				return
			case <-e.closing:
				return
			}
		}
	}()
	return ch, nil
}
