package state

import (
	"bytes"
	"crypto/sha256"

	bolt "go.etcd.io/bbolt"
)

// View reads committed state inside one bbolt transaction, read-only or read-write.
type View struct {
	Tx *bolt.Tx
	// public is the state bucket, when NewView opened it once: a read-only bbolt
	// transaction opens a bucket again at each Tx.Bucket.
	public *bolt.Bucket
	// seek is a cursor of public for point reads, kept by NewView: a bucket's Get makes
	// a cursor at each call. A view with it is for one goroutine.
	seek *bolt.Cursor
}

// NewView returns a view of tx that opens the public state bucket once and reads points with
// one cursor: for one goroutine.
func NewView(tx *bolt.Tx) View {
	b := tx.Bucket(BucketState)
	return View{Tx: tx, public: b, seek: b.Cursor()}
}

// get returns the stored bytes of a public key, or nil.
func (v View) get(key string) []byte {
	if v.seek == nil {
		return v.state().Get([]byte(key))
	}
	k, b := v.seek.Seek([]byte(key))
	if k == nil || string(k) != key {
		return nil
	}
	return b
}

func (v View) state() *bolt.Bucket {
	if v.public != nil {
		return v.public
	}
	return v.Tx.Bucket(BucketState)
}

// State returns the record of key, or nil if there is none.
func (v View) State(key string) (*Record, error) {
	b := v.get(key)
	if b == nil {
		return nil, nil
	}
	return DecodeRecord(b)
}

// Value returns the record of key without its metadata, or nil if there is none.
func (v View) Value(key string) (*Record, error) {
	b := v.get(key)
	if b == nil {
		return nil, nil
	}
	return DecodeValue(b)
}

// Range returns a cursor over public keys in [start, end); an empty end means no bound.
func (v View) Range(start, end string) *Cursor {
	return &Cursor{c: v.state().Cursor(), start: []byte(start), end: []byte(end), open: end == ""}
}

// History returns up to limit writes of key, newest first.
func (v View) History(key string, limit int) ([]HistoryEntry, error) {
	return History(v.Tx, key, limit)
}

// Private returns the record of a private key, or nil.
func (v View) Private(collection, key string) (*Record, error) {
	b := v.Tx.Bucket(BucketPvt).Get(CollectionKey(collection, []byte(key)))
	if b == nil {
		return nil, nil
	}
	return DecodeRecord(b)
}

// PrivateHash returns the hashed record (value = sha256 of the value) of a private key, or nil.
func (v View) PrivateHash(collection, key string) (*Record, error) {
	sum := sha256.Sum256([]byte(key))
	return v.PrivateHashByHash(collection, sum[:])
}

// PrivateHashByHash is PrivateHash for a key already hashed.
func (v View) PrivateHashByHash(collection string, keyHash []byte) (*Record, error) {
	b := v.Tx.Bucket(BucketPvtHash).Get(CollectionKey(collection, keyHash))
	if b == nil {
		return nil, nil
	}
	return DecodeRecord(b)
}

// PrivateRange returns a cursor over one collection's keys in [start, end).
func (v View) PrivateRange(collection, start, end string) *Cursor {
	prefix := CollectionKey(collection, nil)
	c := &Cursor{c: v.Tx.Bucket(BucketPvt).Cursor(), prefix: prefix,
		start: CollectionKey(collection, []byte(start)), open: end == ""}
	if end != "" {
		c.end = CollectionKey(collection, []byte(end))
	}
	return c
}

// Cursor walks keys in byte order.
type Cursor struct {
	c          *bolt.Cursor
	prefix     []byte // stripped from returned keys; also bounds an open range
	start, end []byte
	open       bool
	started    bool
}

// Next returns the next key and record, without its metadata; ok is false at the end.
func (c *Cursor) Next() (key string, rec *Record, ok bool, err error) {
	var k, v []byte
	if !c.started {
		c.started = true
		k, v = c.c.Seek(c.start)
	} else {
		k, v = c.c.Next()
	}
	if k == nil || !bytes.HasPrefix(k, c.prefix) || (!c.open && bytes.Compare(k, c.end) >= 0) {
		return "", nil, false, nil
	}
	rec, err = DecodeValue(v)
	if err != nil {
		return "", nil, false, err
	}
	return string(k[len(c.prefix):]), rec, true, nil
}
