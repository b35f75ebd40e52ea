package fabric

import (
	"context"
	"time"

	"github.com/hyperledger/fabric-gateway/pkg/client"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// orderAndAwait sends an endorsed transaction to the ordering service and waits for its
// commit. The same signed transaction is sent again while the ordering service cannot take
// it (a Raft election, an orderer down or hung: the peer gateway tries every orderer, each
// under peer.gateway.broadcastTimeout) and when its commit does not come within
// ResubmitAfter (the leader that took it died before ordering it), for OrderingWait at most.
// Sending it again cannot write twice: a transaction ID commits once, a later copy is
// invalidated as DUPLICATE_TXID and the commit status reports the first.
func (c *Client) orderAndAwait(ctx context.Context,
	submit func(context.Context) error,
	await func(context.Context) (*client.Status, error),
) (*client.Status, error) {
	start := time.Now()
	within := func(d time.Duration) bool { return time.Since(start)+d < c.cfg.OrderingWait }
	backoff := c.cfg.RetryBackoff
	for {
		if err := submit(ctx); err != nil {
			if ctx.Err() != nil || !orderingUnavailable(err) || !within(backoff) {
				return nil, err
			}
			if err := sleep(ctx, backoff); err != nil {
				return nil, err
			}
			backoff = min(2*backoff, time.Second)
			continue
		}
		for {
			wait := c.cfg.ResubmitAfter
			resubmit := within(wait)
			if !resubmit {
				wait = max(c.cfg.CommitTimeout-time.Since(start), time.Second)
			}
			wctx, cancel := context.WithTimeout(ctx, wait)
			st, err := await(wctx)
			// gRPC's own timer may end the call a moment before wctx reports its deadline.
			expired := wctx.Err() != nil || status.Code(err) == codes.DeadlineExceeded
			cancel()
			if err == nil {
				return st, nil
			}
			if ctx.Err() != nil || !expired || !resubmit {
				return nil, err
			}
			break // no commit yet: send it again
		}
	}
}

// orderingUnavailable reports a submit the ordering service did not take: no orderer
// answered, none had a Raft leader, or the attempt ran out of time.
func orderingUnavailable(err error) bool {
	switch status.Code(err) {
	case codes.Unavailable, codes.DeadlineExceeded:
		return true
	}
	return false
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
