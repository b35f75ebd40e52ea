package state

import (
	"bytes"
	"crypto/sha256"

	bolt "go.etcd.io/bbolt"
)

// View reads committed state inside one bbolt transaction, read-only or read-write.
type View struct {
	Tx *bolt.Tx
}

// State returns the record of key, or nil if there is none.
func (v View) State(key string) (*Record, error) {
	b := v.Tx.Bucket(BucketState).Get([]byte(key))
	if b == nil {
		return nil, nil
	}
	return DecodeRecord(b)
}

// Range returns a cursor over public keys in [start, end); an empty end means no bound.
func (v View) Range(start, end string) *Cursor {
	return &Cursor{c: v.Tx.Bucket(BucketState).Cursor(), start: []byte(start), end: []byte(end), open: end == ""}
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

// Next returns the next key and record; ok is false at the end.
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
	rec, err = DecodeRecord(v)
	if err != nil {
		return "", nil, false, err
	}
	return string(k[len(c.prefix):]), rec, true, nil
}
