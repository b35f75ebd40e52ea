// Package subscriptions keeps the EPCIS 2.0 named queries and query subscriptions of a
// gateway (the REST binding's /queries resources) on disk (bbolt) and delivers their reports:
// by webhook (POST of an EPCISQueryDocument, signed, retried, dead-lettered) or over a
// WebSocket. It does not know the ledger: events come from a Source the gateway implements.
// Each subscription keeps a cursor, the record time of the last event delivered, so that a
// restart neither loses nor re-sends a delivered window.
package subscriptions

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"sort"
	"time"

	"github.com/udiledger/udiledger/gateway/internal/boltfile"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

var (
	bucketQueries = []byte("queries")       // org NUL name -> Query
	bucketSubs    = []byte("subscriptions") // subscription ID -> Subscription
	bucketLetters = []byte("deadLetters")   // subscription ID -> (sequence -> DeadLetter)
)

// Errors of the store.
var (
	ErrClosed   = errors.New("subscriptions: closed")
	ErrExists   = errors.New("subscriptions: a query of that name exists")
	ErrNotFound = errors.New("subscriptions: not found")
)

// Query is a named query: a SimpleEventQuery's parameters under a name, owned by the
// organisation (MSP ID) that made it.
type Query struct {
	Org     string          `json:"org"`
	Name    string          `json:"name"`
	Params  json.RawMessage `json:"query"` // the JSON object as the client sent it
	Created time.Time       `json:"created"`
}

// Values are the query's parameters as a GET query string holds them: a list is one value
// per member.
func (q *Query) Values() url.Values {
	v, _ := paramValues(q.Params) // checked when the query was made
	return v
}

// Subscription is a webhook subscription to a named query.
type Subscription struct {
	ID    string `json:"id"`
	Org   string `json:"org"`
	Query string `json:"query"`
	// Identity is the identity (ledger.Identity.Name) that subscribed: reports are read as it.
	Identity string `json:"identity"`
	Spec
	Dest           string    `json:"dest"`
	SignatureToken string    `json:"signatureToken,omitempty"`
	Created        time.Time `json:"created"`
	// Cursor is the record time of the last event delivered (or dead-lettered): the next
	// report holds the events recorded after it.
	Cursor       time.Time `json:"cursor"`
	LastNotified time.Time `json:"lastNotified,omitzero"` // last report the destination took (2xx)
	LastDelivery *Delivery `json:"lastDelivery,omitempty"`
	Delivered    int       `json:"delivered"`    // reports the destination took
	Failures     int       `json:"failures"`     // failed attempts, all reports
	DeadLettered int       `json:"deadLettered"` // reports the destination never took
}

// Spec says when a subscription reports: on every new matching event (Stream) or on a
// schedule, from InitialRecordTime on.
type Spec struct {
	Stream            bool      `json:"stream,omitempty"`
	Schedule          *Schedule `json:"schedule,omitempty"`
	ReportIfEmpty     bool      `json:"reportIfEmpty,omitempty"`
	InitialRecordTime time.Time `json:"initialRecordTime,omitzero"`
}

// Delivery is the outcome of one report.
type Delivery struct {
	At       time.Time `json:"at"`
	Events   int       `json:"events"`
	Attempts int       `json:"attempts"`
	Status   int       `json:"status,omitempty"` // the destination's last HTTP status
	Error    string    `json:"error,omitempty"`
}

// DeadLetter is a report the destination never took: its events are not sent again.
type DeadLetter struct {
	Delivery
	// After and Through bound the record times of its events: (After, Through].
	After    time.Time       `json:"after"`
	Through  time.Time       `json:"through"`
	Document json.RawMessage `json:"document"`
}

// Store is a durable set of named queries and subscriptions. It is safe for concurrent use.
type Store struct {
	f *boltfile.File
}

// Open opens (or creates) the file at path.
func Open(path string) (*Store, error) {
	f, err := boltfile.OpenFile(path, "subscriptions", bucketQueries, bucketSubs, bucketLetters)
	if err != nil {
		return nil, err
	}
	return &Store{f: f}, nil
}

// Done is closed when the store is closed: deliveries over it stop.
func (s *Store) Done() <-chan struct{} { return s.f.Done() }

// Close closes the file.
func (s *Store) Close() error { return s.f.Close() }

func queryKey(org, name string) []byte { return []byte(org + "\x00" + name) }

func closed(err error) error {
	if errors.Is(err, berrors.ErrDatabaseNotOpen) {
		return ErrClosed
	}
	return err
}

// CreateQuery keeps a new named query; ErrExists when its organisation has one of that name,
// ErrTooMany when it already has max (0: no bound).
func (s *Store) CreateQuery(q *Query, max int) error {
	b, err := json.Marshal(q)
	if err != nil {
		return err
	}
	return closed(s.f.Update(func(tx *bolt.Tx) error {
		k := queryKey(q.Org, q.Name)
		if tx.Bucket(bucketQueries).Get(k) != nil {
			return ErrExists
		}
		if max > 0 {
			n, prefix := 0, []byte(q.Org+"\x00")
			c := tx.Bucket(bucketQueries).Cursor()
			for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
				n++
			}
			if n >= max {
				return fmt.Errorf("%w: %s has %d named queries, the most this gateway keeps", ErrTooMany, q.Org, n)
			}
		}
		return tx.Bucket(bucketQueries).Put(k, b)
	}))
}

// Query reads a named query of org.
func (s *Store) Query(org, name string) (*Query, error) {
	var q *Query
	err := s.f.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketQueries).Get(queryKey(org, name))
		if b == nil {
			return ErrNotFound
		}
		q = &Query{}
		return json.Unmarshal(b, q)
	})
	return q, closed(err)
}

// Queries lists the named queries of org by name.
func (s *Store) Queries(org string) ([]*Query, error) {
	var out []*Query
	prefix := []byte(org + "\x00")
	err := s.f.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketQueries).Cursor()
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			q := &Query{}
			if err := json.Unmarshal(v, q); err != nil {
				return err
			}
			out = append(out, q)
		}
		return nil
	})
	return out, closed(err)
}

// DeleteQuery removes a named query and its subscriptions, and answers their IDs.
func (s *Store) DeleteQuery(org, name string) ([]string, error) {
	var ids []string
	err := s.f.Update(func(tx *bolt.Tx) error {
		k := queryKey(org, name)
		if tx.Bucket(bucketQueries).Get(k) == nil {
			return ErrNotFound
		}
		subs := tx.Bucket(bucketSubs)
		if err := subs.ForEach(func(id, v []byte) error {
			var sub Subscription
			if err := json.Unmarshal(v, &sub); err != nil {
				return err
			}
			if sub.Org == org && sub.Query == name {
				ids = append(ids, string(id))
			}
			return nil
		}); err != nil {
			return err
		}
		for _, id := range ids {
			if err := deleteSub(tx, id); err != nil {
				return err
			}
		}
		return tx.Bucket(bucketQueries).Delete(k)
	})
	return ids, closed(err)
}

// AddSubscription keeps a new subscription to an existing query of its organisation, unless
// the organisation already has max subscriptions (0: no bound).
func (s *Store) AddSubscription(sub *Subscription, max int) error {
	b, err := json.Marshal(sub)
	if err != nil {
		return err
	}
	return closed(s.f.Update(func(tx *bolt.Tx) error {
		if tx.Bucket(bucketQueries).Get(queryKey(sub.Org, sub.Query)) == nil {
			return ErrNotFound
		}
		if max > 0 {
			n := 0
			if err := tx.Bucket(bucketSubs).ForEach(func(_, v []byte) error {
				var other Subscription
				if err := json.Unmarshal(v, &other); err != nil {
					return err
				}
				if other.Org == sub.Org {
					n++
				}
				return nil
			}); err != nil {
				return err
			}
			if n >= max {
				return fmt.Errorf("%w: %s has %d subscriptions, the most this gateway keeps", ErrTooMany, sub.Org, n)
			}
		}
		return tx.Bucket(bucketSubs).Put([]byte(sub.ID), b)
	}))
}

// ErrTooMany refuses a query or subscription past the bound per organisation.
var ErrTooMany = errors.New("subscriptions: too many subscriptions")

// Subscription reads a subscription.
func (s *Store) Subscription(id string) (*Subscription, error) {
	var sub *Subscription
	err := s.f.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketSubs).Get([]byte(id))
		if b == nil {
			return ErrNotFound
		}
		sub = &Subscription{}
		return json.Unmarshal(b, sub)
	})
	return sub, closed(err)
}

// Subscriptions lists the subscriptions that keep says to, oldest first.
func (s *Store) Subscriptions(keep func(*Subscription) bool) ([]*Subscription, error) {
	var out []*Subscription
	err := s.f.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketSubs).ForEach(func(_, v []byte) error {
			sub := &Subscription{}
			if err := json.Unmarshal(v, sub); err != nil {
				return err
			}
			if keep == nil || keep(sub) {
				out = append(out, sub)
			}
			return nil
		})
	})
	sort.SliceStable(out, func(i, j int) bool { return out[i].Created.Before(out[j].Created) })
	return out, closed(err)
}

// DeleteSubscription removes a subscription.
func (s *Store) DeleteSubscription(id string) error {
	return closed(s.f.Update(func(tx *bolt.Tx) error {
		if tx.Bucket(bucketSubs).Get([]byte(id)) == nil {
			return ErrNotFound
		}
		return deleteSub(tx, id)
	}))
}

// deleteSub removes a subscription with its dead letters.
func deleteSub(tx *bolt.Tx, id string) error {
	if err := tx.Bucket(bucketSubs).Delete([]byte(id)); err != nil {
		return err
	}
	if tx.Bucket(bucketLetters).Bucket([]byte(id)) == nil {
		return nil
	}
	return tx.Bucket(bucketLetters).DeleteBucket([]byte(id))
}

// DeadLetters reads a subscription's dead letters, oldest first.
func (s *Store) DeadLetters(id string) ([]*DeadLetter, error) {
	var out []*DeadLetter
	err := s.f.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketLetters).Bucket([]byte(id))
		if b == nil {
			return nil
		}
		return b.ForEach(func(_, v []byte) error {
			l := &DeadLetter{}
			if err := json.Unmarshal(v, l); err != nil {
				return err
			}
			out = append(out, l)
			return nil
		})
	})
	return out, closed(err)
}

// update changes a subscription in one transaction (fsync'd); ErrNotFound once deleted.
func (s *Store) update(id string, change func(*Subscription)) error {
	return s.updateWith(id, change, nil, 0)
}

// updateWith changes a subscription and, in the same transaction, keeps letter (when not
// nil) among its dead letters, of which it keeps the latest keep.
func (s *Store) updateWith(id string, change func(*Subscription), letter *DeadLetter, keep int) error {
	return closed(s.f.Update(func(tx *bolt.Tx) error {
		if letter != nil && tx.Bucket(bucketSubs).Get([]byte(id)) != nil {
			if err := putLetter(tx, id, letter, keep); err != nil {
				return err
			}
		}
		b := tx.Bucket(bucketSubs).Get([]byte(id))
		if b == nil {
			return ErrNotFound
		}
		sub := &Subscription{}
		if err := json.Unmarshal(b, sub); err != nil {
			return err
		}
		change(sub)
		out, err := json.Marshal(sub)
		if err != nil {
			return err
		}
		return tx.Bucket(bucketSubs).Put([]byte(id), out)
	}))
}

func putLetter(tx *bolt.Tx, id string, letter *DeadLetter, keep int) error {
	b, err := tx.Bucket(bucketLetters).CreateBucketIfNotExists([]byte(id))
	if err != nil {
		return err
	}
	seq, err := b.NextSequence()
	if err != nil {
		return err
	}
	v, err := json.Marshal(letter)
	if err != nil {
		return err
	}
	if err := b.Put(binary.BigEndian.AppendUint64(nil, seq), v); err != nil {
		return err
	}
	if keep <= 0 {
		return nil
	}
	var keys [][]byte
	c := b.Cursor()
	for k, _ := c.First(); k != nil; k, _ = c.Next() {
		keys = append(keys, k)
	}
	for _, k := range keys[:max(0, len(keys)-keep)] { // the oldest go
		if err := b.Delete(k); err != nil {
			return err
		}
	}
	return nil
}
