package embedded

import (
	"context"

	"github.com/udiledger/udiledger/gateway/ledger"
)

// SubmitWithNonce submits with a chosen nonce, so a test can reuse a transaction ID.
func (e *Engine) SubmitWithNonce(ctx context.Context, p ledger.Proposal, nonce []byte) (*ledger.Result, error) {
	return e.submit(ctx, p, nonce)
}
