// Package outbox keeps write requests the gateway has accepted while the ledger was
// unreachable, on disk, and submits them in order once it is back. A request is never lost:
// it leaves the pending queue only once the ledger has answered it. It is never written twice:
// every request carries its client's event ID, and the chaincode answers a repeated event ID
// with the first result instead of writing again.
package outbox

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/udiledger/udiledger/gateway/internal/boltfile"

	bolt "go.etcd.io/bbolt"

	"github.com/udiledger/udiledger/gateway/ledger"
)

var (
	bucketPending = []byte("pending") // sequence number -> Item, in arrival order
	bucketDone    = []byte("done")    // item ID -> Status
	bucketIDs     = []byte("ids")     // item ID -> sequence number while pending
)

// Item is one accepted write.
type Item struct {
	ID string `json:"id"` // the request's idempotency key
	// Caller names the principal whose identity signs the submission.
	Caller    string            `json:"caller"`
	Function  string            `json:"function"`
	Args      []string          `json:"args"`
	Transient map[string][]byte `json:"transient,omitempty"`
	Accepted  time.Time         `json:"accepted"`
}

// State of an item.
const (
	StatePending   = "pending"
	StateCommitted = "committed"
	StateRejected  = "rejected"
)

// Status is what became of an item.
type Status struct {
	ID string `json:"id"`
	// Caller is the principal that queued the item; only it may read the status.
	Caller      string    `json:"caller"`
	State       string    `json:"state"`
	Accepted    time.Time `json:"accepted"`
	Finished    time.Time `json:"finished,omitzero"`
	TxID        string    `json:"tx_id,omitempty"`
	BlockNumber uint64    `json:"block_number,omitempty"`
	Payload     []byte    `json:"payload,omitempty"`
	Error       string    `json:"error,omitempty"`
}

// SubmitFunc submits an item to the ledger.
type SubmitFunc func(ctx context.Context, it Item) (*ledger.Result, error)

// Outbox is a durable FIFO of accepted writes.
type Outbox struct {
	db          *bolt.DB
	submit      SubmitFunc
	unavailable func(error) bool
	backoff     time.Duration
	maxPending  int
	maxWait     time.Duration
	now         func() time.Time

	wake chan struct{}
	mu   sync.Mutex // serialises Enqueue's duplicate check with the worker's moves
}

// Options tune an Outbox.
type Options struct {
	// Unavailable reports whether a submit error means "try again later"; other errors
	// are the ledger's final answer and end the item as rejected.
	Unavailable func(error) bool
	// Backoff is the pause before retrying while the ledger is unreachable; default 1 s.
	Backoff time.Duration
	// MaxPending bounds the writes waiting; Enqueue answers ErrFull beyond it. 0 means
	// DefaultMaxPending.
	MaxPending int
	// MaxWait bounds how long a write may wait for a ledger that stays unreachable: past it,
	// the write ends rejected and the next one gets its turn. 0 means DefaultMaxWait.
	MaxWait time.Duration
}

// DefaultMaxPending is how many writes an outbox keeps waiting unless told otherwise.
const DefaultMaxPending = 100000

// DefaultMaxWait is how long a write waits for the ledger unless told otherwise: a day
// covers a peer's maintenance window and a weekend's outage is an operator's call.
const DefaultMaxWait = 24 * time.Hour

// ErrExpired ends an item that waited MaxWait for the ledger.
var ErrExpired = errors.New("outbox: expired")

// ErrFull is returned by Enqueue when MaxPending writes are already waiting.
var ErrFull = errors.New("outbox: full")

// Open opens (or creates) the outbox file at path.
func Open(path string, submit SubmitFunc, o Options) (*Outbox, error) {
	db, err := boltfile.Open(path, "outbox", bucketPending, bucketDone, bucketIDs)
	if err != nil {
		return nil, err
	}
	if o.Backoff == 0 {
		o.Backoff = time.Second
	}
	if o.Unavailable == nil {
		o.Unavailable = func(error) bool { return false }
	}
	if o.MaxPending == 0 {
		o.MaxPending = DefaultMaxPending
	}
	if o.MaxWait == 0 {
		o.MaxWait = DefaultMaxWait
	}
	return &Outbox{db: db, submit: submit, unavailable: o.Unavailable, backoff: o.Backoff, maxPending: o.MaxPending, maxWait: o.MaxWait,
		now: time.Now, wake: make(chan struct{}, 1)}, nil
}

// Close closes the file; pending items stay for the next Open.
func (o *Outbox) Close() error { return o.db.Close() }

// ErrDuplicate is returned by Enqueue for an ID the outbox already holds.
var ErrDuplicate = errors.New("outbox: an item with this ID was already accepted")

// Enqueue stores it durably (fsync'd) behind every earlier item.
func (o *Outbox) Enqueue(it Item) (Status, error) {
	if it.ID == "" {
		return Status{}, errors.New("outbox: an item needs an ID")
	}
	if it.Accepted.IsZero() {
		it.Accepted = o.now().UTC()
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	var st Status
	err := o.db.Update(func(tx *bolt.Tx) error {
		if tx.Bucket(bucketIDs).Get([]byte(it.ID)) != nil || tx.Bucket(bucketDone).Get([]byte(it.ID)) != nil {
			return ErrDuplicate
		}
		pending := tx.Bucket(bucketPending)
		if pending.Stats().KeyN >= o.maxPending {
			return ErrFull
		}
		seq, err := pending.NextSequence()
		if err != nil {
			return err
		}
		raw, err := json.Marshal(it)
		if err != nil {
			return err
		}
		key := seqKey(seq)
		if err := pending.Put(key, raw); err != nil {
			return err
		}
		st = Status{ID: it.ID, Caller: it.Caller, State: StatePending, Accepted: it.Accepted}
		return tx.Bucket(bucketIDs).Put([]byte(it.ID), key)
	})
	if err != nil {
		return Status{}, err
	}
	o.notify()
	return st, nil
}

// Status returns what became of the item with this ID.
func (o *Outbox) Status(id string) (Status, bool, error) {
	var st Status
	var found bool
	err := o.db.View(func(tx *bolt.Tx) error {
		if raw := tx.Bucket(bucketDone).Get([]byte(id)); raw != nil {
			found = true
			return json.Unmarshal(raw, &st)
		}
		key := tx.Bucket(bucketIDs).Get([]byte(id))
		if key == nil {
			return nil
		}
		var it Item
		if err := json.Unmarshal(tx.Bucket(bucketPending).Get(key), &it); err != nil {
			return err
		}
		found = true
		st = Status{ID: id, Caller: it.Caller, State: StatePending, Accepted: it.Accepted}
		return nil
	})
	return st, found, err
}

// Pending returns how many items wait to be submitted.
func (o *Outbox) Pending() (int, error) {
	var n int
	err := o.db.View(func(tx *bolt.Tx) error {
		n = tx.Bucket(bucketPending).Stats().KeyN
		return nil
	})
	return n, err
}

// Backlog returns how many items wait to be submitted and when the oldest of them was
// accepted (zero when none waits).
func (o *Outbox) Backlog() (int, time.Time, error) {
	var n int
	var oldest time.Time
	err := o.db.View(func(tx *bolt.Tx) error {
		pending := tx.Bucket(bucketPending)
		n = pending.Stats().KeyN
		_, v := pending.Cursor().First()
		if v == nil {
			return nil
		}
		var it Item
		if err := json.Unmarshal(v, &it); err != nil {
			return err
		}
		oldest = it.Accepted
		return nil
	})
	return n, oldest, err
}

// Run submits pending items in order until ctx ends. While the ledger is unreachable it
// waits and retries the same item, so later items never overtake it; an item that has waited
// MaxWait since it was accepted ends rejected instead, so none blocks the queue for ever.
func (o *Outbox) Run(ctx context.Context) error {
	for {
		it, ok, err := o.head()
		if err != nil {
			return err
		}
		if !ok {
			select {
			case <-ctx.Done():
				return nil
			case <-o.wake:
				continue
			}
		}
		res, err := o.submit(ctx, it)
		if err != nil && o.unavailable(err) && o.now().Sub(it.Accepted) >= o.maxWait {
			err = fmt.Errorf("%w: not submitted within %s of its acceptance, the ledger kept failing: %w", ErrExpired, o.maxWait, err)
		} else if err != nil && o.unavailable(err) {
			select {
			case <-ctx.Done():
				return nil
			case <-time.After(o.backoff):
				continue
			}
		}
		if ctx.Err() != nil && err != nil {
			return nil // cancelled mid-submit: the item stays pending and is retried
		}
		if err := o.finish(it, res, err); err != nil {
			return err
		}
	}
}

func (o *Outbox) head() (Item, bool, error) {
	var it Item
	var ok bool
	err := o.db.View(func(tx *bolt.Tx) error {
		k, v := tx.Bucket(bucketPending).Cursor().First()
		if k == nil {
			return nil
		}
		ok = true
		return json.Unmarshal(v, &it)
	})
	return it, ok, err
}

// finish moves the head item to done, in one transaction, with the ledger's answer.
func (o *Outbox) finish(it Item, res *ledger.Result, submitErr error) error {
	st := Status{ID: it.ID, Caller: it.Caller, Accepted: it.Accepted, Finished: o.now().UTC()}
	if submitErr != nil {
		st.State, st.Error = StateRejected, submitErr.Error()
	} else {
		st.State, st.TxID, st.BlockNumber, st.Payload = StateCommitted, res.TxID, res.BlockNumber, res.Payload
	}
	raw, err := json.Marshal(st)
	if err != nil {
		return err
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.db.Update(func(tx *bolt.Tx) error {
		key := tx.Bucket(bucketIDs).Get([]byte(it.ID))
		if key == nil {
			return fmt.Errorf("outbox: item %s vanished while being submitted", it.ID)
		}
		if err := tx.Bucket(bucketPending).Delete(key); err != nil {
			return err
		}
		if err := tx.Bucket(bucketIDs).Delete([]byte(it.ID)); err != nil {
			return err
		}
		return tx.Bucket(bucketDone).Put([]byte(it.ID), raw)
	})
}

func (o *Outbox) notify() {
	select {
	case o.wake <- struct{}{}:
	default:
	}
}

func seqKey(seq uint64) []byte {
	k := make([]byte, 8)
	binary.BigEndian.PutUint64(k, seq)
	return k
}
