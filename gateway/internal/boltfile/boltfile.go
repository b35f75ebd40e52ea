// Package boltfile opens the gateway's durable files (outbox, capture jobs, subscriptions):
// bbolt databases readable by their owner only, waiting a little for another process's lock,
// with their buckets created.
package boltfile

import (
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// lockTimeout is how long Open waits for a file another process holds.
const lockTimeout = 2 * time.Second

// Open opens (or creates) the file at path with the buckets given; what names the file in
// errors ("outbox").
func Open(path, what string, buckets ...[]byte) (*bolt.DB, error) {
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: lockTimeout})
	if err != nil {
		return nil, fmt.Errorf("%s: open %s: %w", what, path, err)
	}
	if err := db.Update(func(tx *bolt.Tx) error {
		for _, b := range buckets {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("%s: init %s: %w", what, path, err)
	}
	return db, nil
}

// File is a store's open file and the signal of its closing.
type File struct {
	*bolt.DB
	done chan struct{}
}

// OpenFile is Open, as a File.
func OpenFile(path, what string, buckets ...[]byte) (*File, error) {
	db, err := Open(path, what, buckets...)
	if err != nil {
		return nil, err
	}
	return &File{DB: db, done: make(chan struct{})}, nil
}

// Done is closed when the file is closed: the workers over it stop.
func (f *File) Done() <-chan struct{} { return f.done }

// Close closes the file; closing it again does nothing.
func (f *File) Close() error {
	select {
	case <-f.done:
		return nil
	default:
	}
	close(f.done)
	return f.DB.Close()
}
