package embedded_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/udiledger/udiledger/gateway/ledger"
	"github.com/udiledger/udiledger/gateway/ledger/embedded"
)

func TestConcurrentMovesOfOneAsset(t *testing.T) {
	const n = 100
	f := newFixture(t)
	f.mustSubmit(manufacturer, "Create", "unit1", "acme")
	// One block holds all the moves: every one is simulated against the same committed state.
	f.cfg.MaxBatch, f.cfg.BatchTimeout = n, 20*time.Second
	f.reopen()
	height := f.engine.Height()

	errs := make([]error, n)
	results := make([]*ledger.Result, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			results[i], errs[i] = f.submit(manufacturer, "Move", "unit1", "acme", fmt.Sprintf("buyer%d", i))
		}()
	}
	close(start)
	wg.Wait()
	var won, conflicts int
	winner := ""
	for i, err := range errs {
		switch {
		case err == nil:
			won++
			winner = fmt.Sprintf("buyer%d", i)
			if results[i].BlockNumber != height {
				t.Errorf("winner in block %d, want %d", results[i].BlockNumber, height)
			}
		case commitCode(err) == ledger.MVCCReadConflict:
			conflicts++
		default:
			t.Errorf("submit %d: %v", i, err)
		}
	}
	if won != 1 || conflicts != n-1 {
		t.Fatalf("%d won and %d got MVCC_READ_CONFLICT; want 1 and %d", won, conflicts, n-1)
	}
	if got := f.mustEvaluate(manufacturer, "Get", "unit1"); got != winner {
		t.Fatalf("owner = %q, want %q", got, winner)
	}
	if got := f.mustEvaluate(manufacturer, "ByOwner", winner); got != "unit1" {
		t.Fatalf("index of winner = %q", got)
	}
}

func TestInvalidTransactionIsRecordedButNotApplied(t *testing.T) {
	f := newFixture(t, func(c *embedded.Config) { c.MaxBatch, c.BatchTimeout = 2, 10*time.Second })
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = f.submit(manufacturer, "Create", "a1", fmt.Sprintf("owner%d", i))
		}()
	}
	wg.Wait()
	var ce *ledger.CommitError
	loser := 0
	if !errors.As(errs[0], &ce) {
		loser = 1
		if !errors.As(errs[1], &ce) {
			t.Fatalf("errs = %v, want one CommitError", errs)
		}
	}
	tx, block, err := f.engine.TransactionByID(ce.TxID)
	if err != nil {
		t.Fatal(err)
	}
	if tx.ValidationCode != ledger.MVCCReadConflict || block != ce.BlockNumber {
		t.Fatalf("stored tx code %s in block %d, want MVCC_READ_CONFLICT in %d", tx.ValidationCode, block, ce.BlockNumber)
	}
	if len(tx.RWSet.Writes) == 0 || tx.Event == nil {
		t.Fatalf("the invalid transaction's rwset and event should be in the block")
	}
	if got := f.mustEvaluate(manufacturer, "ByOwner", fmt.Sprintf("owner%d", loser)); got != "" {
		t.Fatalf("the invalid transaction's writes were applied: %q", got)
	}
	if !ledger.Retryable(errs[loser]) {
		t.Fatalf("a read conflict should be retryable")
	}
}

func TestDuplicateTransactionIDIsRejected(t *testing.T) {
	f := newFixture(t)
	p := ledger.Proposal{Identity: f.id(manufacturer), Function: "asset:Put", Args: []string{"k", "v"}}
	t.Run("a transaction ID already committed is refused at endorsement", func(t *testing.T) {
		nonce := []byte("nonce-1")
		if _, err := f.engine.SubmitWithNonce(context.Background(), p, nonce); err != nil {
			t.Fatal(err)
		}
		_, err := f.engine.SubmitWithNonce(context.Background(), p, nonce)
		if err == nil || !strings.Contains(err.Error(), "duplicate transaction found") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("a transaction ID repeated in one block is invalid the second time", func(t *testing.T) {
		f.cfg.MaxBatch, f.cfg.BatchTimeout = 2, 10*time.Second
		f.reopen()
		nonce := []byte("nonce-2")
		errs := make([]error, 2)
		var wg sync.WaitGroup
		for i := range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = f.engine.SubmitWithNonce(context.Background(), p, nonce)
			}()
		}
		wg.Wait()
		codes := commitCode(errs[0]) + commitCode(errs[1])
		if codes != ledger.DuplicateTxID || (errs[0] != nil && errs[1] != nil) {
			t.Fatalf("errs = %v, want one success and one DUPLICATE_TXID", errs)
		}
	})
}

// inOrder commits first and then second in one block, second having been simulated before
// first: second's chaincode waits on gate between its reads and its writes.
func inOrder(t *testing.T, f *fixture, first, second func() error) (firstErr, secondErr error) {
	t.Helper()
	f.cfg.MaxBatch, f.cfg.BatchTimeout = 2, 10*time.Second
	f.reopen()
	gate = make(chan struct{})
	defer func() { gate = nil }()
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); secondErr = second() }()
	time.Sleep(100 * time.Millisecond)
	go func() { defer wg.Done(); firstErr = first() }()
	time.Sleep(200 * time.Millisecond)
	close(gate)
	wg.Wait()
	return firstErr, secondErr
}

func TestAnEarlyStoppedScanIsCheckedOnlyAsFarAsItWasRead(t *testing.T) {
	tests := []struct {
		name, put, want string
	}{
		{name: "a key added inside the first batch of 100 is a phantom", put: "r0000050a", want: ledger.PhantomReadConflict},
		{name: "a key added beyond what the peer fetched is not", put: "r0000149a", want: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			f.mustSubmit(manufacturer, "PutMany", "r0", "150")
			_, scanErr := inOrder(t, f,
				func() error { _, err := f.submit(manufacturer, "Put", tt.put, "x"); return err },
				func() error { _, err := f.submit(manufacturer, "FirstThenWrite", "r", "s", "out"); return err },
			)
			if got := commitCode(scanErr); got != tt.want || (tt.want == "" && scanErr != nil) {
				t.Fatalf("scan: %v, want %q", scanErr, tt.want)
			}
		})
	}
}

func TestHistoryReadsAreNotChecked(t *testing.T) {
	tests := []struct {
		name    string
		history bool
		want    string
	}{
		{name: "a key read whose key an earlier transaction in the block wrote is a conflict", history: false, want: ledger.MVCCReadConflict},
		{name: "a history read of such a key is not checked", history: true, want: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			f.mustSubmit(manufacturer, "Put", "k", "v1")
			writerErr, readerErr := inOrder(t, f,
				func() error { _, err := f.submit(manufacturer, "Put", "k", "v2"); return err },
				func() error {
					_, err := f.submit(manufacturer, "ReadThenWrite", "k", fmt.Sprint(tt.history), "out")
					return err
				},
			)
			if writerErr != nil {
				t.Fatal(writerErr)
			}
			if got := commitCode(readerErr); got != tt.want || (tt.want == "" && readerErr != nil) {
				t.Fatalf("reader: %v, want %q", readerErr, tt.want)
			}
		})
	}
}

// TestAScanOfAWholeNumberOfBatchesIsValid: a scan that reads a range to its end, the last
// batch ending at the range's last key, records the whole range; its own commit is valid.
func TestAScanOfAWholeNumberOfBatchesIsValid(t *testing.T) {
	f := newFixture(t)
	f.mustSubmit(manufacturer, "PutMany", "r0", "200")
	if _, err := f.submit(manufacturer, "RangeThenPut", "r", "s", "out"); err != nil {
		t.Fatalf("a scan of 200 keys (two whole batches): %v", err)
	}
}
