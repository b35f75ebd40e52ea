package notify

import (
	"bytes"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"

	"github.com/udiledger/udiledger/gateway/internal/boltfile"
)

var (
	bucketWebhooks   = []byte("webhooks")   // org -> Webhook
	bucketDeliveries = []byte("deliveries") // delivery ID -> Delivery
	bucketByOrg      = []byte("byOrg")      // org NUL delivery ID -> ""
	bucketPending    = []byte("pending")    // delivery ID -> "": the deliveries still to send
	bucketOnce       = []byte("once")       // what was notified (kind, subject, org…) -> when
	bucketMeta       = []byte("meta")

	metaCursor = []byte("cursor") // the block the follower reads from
	metaSince  = []byte("since")  // when the notifier first ran
)

// Errors of the store.
var (
	ErrClosed   = errors.New("notify: closed")
	ErrNotFound = errors.New("notify: not found")
)

// Delivery states.
const (
	Pending   = "pending"
	Delivered = "delivered"
	Failed    = "failed"
)

// Webhook is where an organisation takes its notifications: one per organisation.
type Webhook struct {
	Org string `json:"org"`
	// Identity is the identity (ledger.Identity.Name) that registered it: the notifier reads
	// the ledger as it to learn what concerns the organisation.
	Identity string    `json:"identity"`
	URL      string    `json:"url"`
	Secret   string    `json:"secret"`
	Created  time.Time `json:"created"`
	Updated  time.Time `json:"updated"`
}

// Delivery is one notification to one organisation and what became of it.
type Delivery struct {
	ID        string          `json:"id"`
	Org       string          `json:"org"`
	Kind      string          `json:"kind"`
	Subject   string          `json:"subject"`
	Data      json.RawMessage `json:"data"`
	Created   time.Time       `json:"created"`
	State     string          `json:"state"`
	Attempts  int             `json:"attempts"`
	LastError string          `json:"lastError,omitempty"`
	LastTry   time.Time       `json:"lastAttempt,omitzero"`
	NextTry   time.Time       `json:"nextAttempt,omitzero"`
	Done      time.Time       `json:"finished,omitzero"`
}

// Store keeps the webhooks, the deliveries, what was already notified and the follower's
// cursor in one bbolt file.
type Store struct {
	f       *boltfile.File
	maxKept int // MaxKept; smaller in tests
}

// Open opens (or creates) the store's file.
func Open(path string) (*Store, error) {
	f, err := boltfile.OpenFile(path, "notify", bucketWebhooks, bucketDeliveries, bucketByOrg, bucketPending, bucketOnce, bucketMeta)
	if err != nil {
		return nil, err
	}
	return &Store{f: f, maxKept: MaxKept}, nil
}

// Done is closed when the store is closed: the notifier over it stops.
func (s *Store) Done() <-chan struct{} { return s.f.Done() }

// Close closes the file.
func (s *Store) Close() error { return s.f.Close() }

func (s *Store) view(fn func(*bolt.Tx) error) error   { return closedIs(s.f.View(fn)) }
func (s *Store) update(fn func(*bolt.Tx) error) error { return closedIs(s.f.Update(fn)) }

func closedIs(err error) error {
	if errors.Is(err, berrors.ErrDatabaseNotOpen) {
		return ErrClosed
	}
	return err
}

// PutWebhook keeps w as its organisation's webhook, in place of any other.
func (s *Store) PutWebhook(w *Webhook) error {
	b, err := json.Marshal(w) // #nosec G117 -- the secret signs each delivery: kept in the 0600 store, never answered
	if err != nil {
		return err
	}
	return s.update(func(tx *bolt.Tx) error { return tx.Bucket(bucketWebhooks).Put([]byte(w.Org), b) })
}

// Webhook is org's webhook, or ErrNotFound.
func (s *Store) Webhook(org string) (*Webhook, error) {
	var w *Webhook
	err := s.view(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketWebhooks).Get([]byte(org))
		if b == nil {
			return ErrNotFound
		}
		w = &Webhook{}
		return json.Unmarshal(b, w)
	})
	return w, err
}

// DeleteWebhook removes org's webhook, or says ErrNotFound.
func (s *Store) DeleteWebhook(org string) error {
	return s.update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketWebhooks)
		if b.Get([]byte(org)) == nil {
			return ErrNotFound
		}
		return b.Delete([]byte(org))
	})
}

// Webhooks lists every webhook, by organisation.
func (s *Store) Webhooks() ([]Webhook, error) {
	var out []Webhook
	err := s.view(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketWebhooks).ForEach(func(_, v []byte) error {
			var w Webhook
			if err := json.Unmarshal(v, &w); err != nil {
				return err
			}
			out = append(out, w)
			return nil
		})
	})
	return out, err
}

// newID is a delivery ID that sorts by creation time.
func newID(at time.Time) string {
	var b [12]byte
	binary.BigEndian.PutUint64(b[:8], uint64(at.UnixNano())) // #nosec G115 -- times after 1970
	_, _ = rand.Read(b[8:])
	return hex.EncodeToString(b[:])
}

// Enqueue keeps d as a new pending delivery unless key was notified less than every ago
// (every 0: ever). It reports whether d was kept.
func (s *Store) Enqueue(d *Delivery, key string, every time.Duration, now time.Time) (bool, error) {
	kept := false
	err := s.update(func(tx *bolt.Tx) error {
		once := tx.Bucket(bucketOnce)
		if prev := once.Get([]byte(key)); prev != nil {
			var at time.Time
			if err := at.UnmarshalText(prev); err != nil {
				return err
			}
			if every == 0 || now.Sub(at) < every {
				return nil
			}
		}
		stamp, _ := now.UTC().MarshalText()
		if err := once.Put([]byte(key), stamp); err != nil {
			return err
		}
		d.ID, d.Created, d.State, d.NextTry = newID(now), now.UTC(), Pending, now.UTC()
		b, err := json.Marshal(d)
		if err != nil {
			return err
		}
		if err := tx.Bucket(bucketDeliveries).Put([]byte(d.ID), b); err != nil {
			return err
		}
		if err := tx.Bucket(bucketByOrg).Put(orgKey(d.Org, d.ID), nil); err != nil {
			return err
		}
		kept = true
		if err := tx.Bucket(bucketPending).Put([]byte(d.ID), nil); err != nil {
			return err
		}
		return prune(tx, d.Org, s.maxKept)
	})
	return kept, err
}

// MaxKept bounds the deliveries kept per organisation: past it, the oldest finished ones go.
const MaxKept = 1000

// prune removes org's oldest finished deliveries beyond max.
func prune(tx *bolt.Tx, org string, max int) error {
	prefix := []byte(org + "\x00")
	c := tx.Bucket(bucketByOrg).Cursor()
	n := 0
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		n++
	}
	pending, all := tx.Bucket(bucketPending), tx.Bucket(bucketDeliveries)
	var drop [][]byte
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix) && n-len(drop) > max; k, _ = c.Next() {
		if id := k[len(prefix):]; pending.Get(id) == nil {
			drop = append(drop, append([]byte(nil), k...))
		}
	}
	for _, k := range drop {
		if err := all.Delete(k[len(prefix):]); err != nil {
			return err
		}
		if err := tx.Bucket(bucketByOrg).Delete(k); err != nil {
			return err
		}
	}
	return nil
}

func orgKey(org, id string) []byte { return []byte(org + "\x00" + id) }

// Save writes d after an attempt; a delivery no longer pending leaves the queue.
func (s *Store) Save(d *Delivery) error {
	b, err := json.Marshal(d)
	if err != nil {
		return err
	}
	return s.update(func(tx *bolt.Tx) error {
		if tx.Bucket(bucketDeliveries).Get([]byte(d.ID)) == nil {
			return ErrNotFound
		}
		if err := tx.Bucket(bucketDeliveries).Put([]byte(d.ID), b); err != nil {
			return err
		}
		if d.State != Pending {
			return tx.Bucket(bucketPending).Delete([]byte(d.ID))
		}
		return nil
	})
}

// Due lists the pending deliveries whose next attempt is at or before now, oldest first, at
// most limit, and the earliest next attempt of the others (zero when none).
func (s *Store) Due(now time.Time, limit int) ([]Delivery, time.Time, error) {
	var due []Delivery
	var next time.Time
	err := s.view(func(tx *bolt.Tx) error {
		all := tx.Bucket(bucketDeliveries)
		return tx.Bucket(bucketPending).ForEach(func(k, _ []byte) error {
			var d Delivery
			if err := json.Unmarshal(all.Get(k), &d); err != nil {
				return fmt.Errorf("delivery %s: %w", k, err)
			}
			switch {
			case !d.NextTry.After(now) && len(due) < limit:
				due = append(due, d)
			case next.IsZero() || d.NextTry.Before(next):
				next = d.NextTry
			}
			return nil
		})
	})
	return due, next, err
}

// Deliveries lists org's deliveries, newest first, at most limit, starting after the
// delivery ID before ("" from the newest); next is the bookmark of the following page ("" at
// the end).
func (s *Store) Deliveries(org string, limit int, before string) ([]Delivery, string, error) {
	out := []Delivery{}
	next := ""
	err := s.view(func(tx *bolt.Tx) error {
		all := tx.Bucket(bucketDeliveries)
		c := tx.Bucket(bucketByOrg).Cursor()
		prefix := []byte(org + "\x00")
		var k []byte
		if before == "" {
			// the last key of the org: seek past its prefix, step back
			end := append(append([]byte{}, prefix[:len(prefix)-1]...), 1)
			if k, _ = c.Seek(end); k == nil {
				k, _ = c.Last()
			} else {
				k, _ = c.Prev()
			}
		} else {
			if at, _ := c.Seek(orgKey(org, before)); at == nil {
				k, _ = c.Last()
			} else {
				k, _ = c.Prev()
			}
		}
		for ; k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Prev() {
			if len(out) == limit {
				next = out[len(out)-1].ID
				return nil
			}
			var d Delivery
			if err := json.Unmarshal(all.Get(k[len(prefix):]), &d); err != nil {
				return err
			}
			out = append(out, d)
		}
		return nil
	})
	return out, next, err
}

// Cursor is the block the follower reads from; ok is false before the first run.
func (s *Store) Cursor() (block uint64, ok bool, err error) {
	err = s.view(func(tx *bolt.Tx) error {
		if b := tx.Bucket(bucketMeta).Get(metaCursor); len(b) == 8 {
			block, ok = binary.BigEndian.Uint64(b), true
		}
		return nil
	})
	return block, ok, err
}

// SetCursor keeps the block the follower reads from.
func (s *Store) SetCursor(block uint64) error {
	return s.update(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketMeta).Put(metaCursor, binary.BigEndian.AppendUint64(nil, block))
	})
}

// Since is when the notifier first ran, kept on the first call: what happened before it is
// not notified as news.
func (s *Store) Since(now time.Time) (time.Time, error) {
	var since time.Time
	err := s.update(func(tx *bolt.Tx) error {
		m := tx.Bucket(bucketMeta)
		if b := m.Get(metaSince); b != nil {
			return since.UnmarshalText(b)
		}
		since = now.UTC()
		b, _ := since.MarshalText()
		return m.Put(metaSince, b)
	})
	return since, err
}
