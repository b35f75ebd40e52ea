package fabric

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/hyperledger/fabric-gateway/pkg/client"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

func orderingClient(t *testing.T) *Client {
	t.Helper()
	c, err := New(Config{ChannelID: "udi", ChaincodeName: "udi", Peers: map[string]Peer{"M": {}},
		RetryBackoff: time.Millisecond, OrderingWait: 300 * time.Millisecond, ResubmitAfter: 50 * time.Millisecond,
		CommitTimeout: 400 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// fakeOrdering answers submits from a script of errors, then takes them; commits arrive
// for the submits counted in commits (1-based), others never do.
type fakeOrdering struct {
	submitErrs []error
	submits    int
	commits    map[int]bool
	// earlyDeadline ends a wait with DeadlineExceeded before the context's own deadline.
	earlyDeadline bool
}

func (f *fakeOrdering) submit(context.Context) error {
	f.submits++
	if len(f.submitErrs) > 0 {
		err := f.submitErrs[0]
		f.submitErrs = f.submitErrs[1:]
		return err
	}
	return nil
}

func (f *fakeOrdering) await(ctx context.Context) (*client.Status, error) {
	if f.commits[f.submits] {
		return &client.Status{Successful: true, TransactionID: "tx1"}, nil
	}
	if f.earlyDeadline {
		return nil, status.Error(codes.DeadlineExceeded, "context deadline exceeded")
	}
	<-ctx.Done()
	return nil, status.Error(codes.DeadlineExceeded, ctx.Err().Error())
}

func TestOrderAndAwait(t *testing.T) {
	noLeader := status.Error(codes.Unavailable, "no orderers could successfully process transaction")
	tests := []struct {
		name        string
		ordering    *fakeOrdering
		wantErr     codes.Code // codes.OK: committed
		wantSubmits int
	}{
		{
			name:        "a transaction refused while Raft elects a leader is sent again and commits",
			ordering:    &fakeOrdering{submitErrs: []error{noLeader, noLeader, noLeader}, commits: map[int]bool{4: true}},
			wantSubmits: 4,
		},
		{
			name:        "a hung orderer's deadline counts as unavailable",
			ordering:    &fakeOrdering{submitErrs: []error{status.Error(codes.DeadlineExceeded, "submit timeout expired while broadcasting to ordering service")}, commits: map[int]bool{2: true}},
			wantSubmits: 2,
		},
		{
			name:        "a transaction taken by a leader that died before ordering it is sent again",
			ordering:    &fakeOrdering{commits: map[int]bool{2: true}},
			wantSubmits: 2,
		},
		{
			name:        "a commit wait that gRPC ends just before the context's deadline is also sent again",
			ordering:    &fakeOrdering{commits: map[int]bool{2: true}, earlyDeadline: true},
			wantSubmits: 2,
		},
		{
			name:        "an orderer refusing the transaction itself is not tried again",
			ordering:    &fakeOrdering{submitErrs: []error{status.Error(codes.Aborted, "received unsuccessful response from orderer: status=BAD_REQUEST")}},
			wantErr:     codes.Aborted,
			wantSubmits: 1,
		},
		{
			name: "no ordering service for longer than OrderingWait is given up",
			ordering: &fakeOrdering{submitErrs: func() []error {
				e := make([]error, 1000)
				for i := range e {
					e[i] = noLeader
				}
				return e
			}()},
			wantErr: codes.Unavailable,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := orderingClient(t)
			start := time.Now()
			st, err := c.orderAndAwait(context.Background(), tt.ordering.submit, tt.ordering.await)
			if took := time.Since(start); took > c.cfg.CommitTimeout+200*time.Millisecond {
				t.Errorf("took %s, more than the commit timeout", took)
			}
			if got := status.Code(err); got != tt.wantErr {
				t.Fatalf("error %v (code %s), want code %s", err, got, tt.wantErr)
			}
			if err == nil && !st.Successful {
				t.Fatalf("status %+v", st)
			}
			if tt.wantSubmits > 0 && tt.ordering.submits != tt.wantSubmits {
				t.Errorf("%d submits, want %d", tt.ordering.submits, tt.wantSubmits)
			}
		})
	}
}

func TestOrderAndAwaitStopsWithTheCaller(t *testing.T) {
	c := orderingClient(t)
	ctx, cancel := context.WithCancel(context.Background())
	f := &fakeOrdering{}
	go func() { time.Sleep(20 * time.Millisecond); cancel() }()
	if _, err := c.orderAndAwait(ctx, f.submit, f.await); err == nil || !errors.Is(ctx.Err(), context.Canceled) {
		t.Fatalf("err %v after the caller gave up", err)
	}
	if f.submits != 1 {
		t.Errorf("%d submits after the caller gave up, want 1", f.submits)
	}
}

func TestOnceKeepsUnavailableButStopsRetries(t *testing.T) {
	err := once(translate(status.Error(codes.Unavailable, "no orderers could successfully process transaction")))
	if !Unavailable(err) || retryable(err) {
		t.Fatalf("Unavailable %v, retryable %v: want true, false", Unavailable(err), retryable(err))
	}
}
