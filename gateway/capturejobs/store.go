// Package capturejobs keeps the EPCIS capture jobs of a gateway on disk (bbolt): the captured
// document, who submitted it, how far its events have gone and what went wrong. A job that
// was running when the gateway stopped is found again by Running and resumed; its events
// carry their event IDs, so an event the ledger already recorded is answered as a replay
// and never written twice.
package capturejobs

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/udiledger/udiledger/gateway/internal/boltfile"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

var (
	bucketJobs = []byte("jobs")      // job ID -> Job, without its document
	bucketDocs = []byte("documents") // job ID -> the document it captures, written once
)

// Capture error behaviours of the EPCIS 2.0 REST binding (GS1-Capture-Error-Behaviour).
const (
	Rollback = "rollback"
	Proceed  = "proceed"
)

// EventError is what went wrong with one event of a job.
type EventError struct {
	Index   int    `json:"index"` // position in epcisBody.eventList
	EventID string `json:"eventID,omitempty"`
	Status  int    `json:"status"`
	Type    string `json:"type"`
	Title   string `json:"title"`
	Detail  string `json:"detail"`
}

// Job is one capture job.
type Job struct {
	ID string `json:"id"`
	// Caller is the identity name (ledger.Identity.Name) that submitted the job: it signs
	// the job's transactions and alone reads the job.
	Caller    string `json:"caller"`
	Behaviour string `json:"behaviour"` // Rollback or Proceed
	// Document is the captured document. The store keeps it apart from the job, written
	// once by the first Put: progress updates do not rewrite it, and Get, List and Running
	// leave it out (Document reads it).
	Document []byte    `json:"document,omitempty"`
	Created  time.Time `json:"created"`
	Finished time.Time `json:"finished,omitzero"`
	Running  bool      `json:"running"`
	// Next is the index of the first event not yet handled; events before it are done
	// (recorded, replayed or failed).
	Next     int          `json:"next"`
	Events   int          `json:"events"`
	Recorded int          `json:"recorded"`
	Errors   []EventError `json:"errors,omitempty"`
}

// Store is a durable set of capture jobs. It is safe for concurrent use.
type Store struct {
	f *boltfile.File
}

// ErrClosed is returned once the store is closed.
var ErrClosed = errors.New("capturejobs: closed")

// Open opens (or creates) the job file at path.
func Open(path string) (*Store, error) {
	f, err := boltfile.OpenFile(path, "capturejobs", bucketJobs, bucketDocs)
	if err != nil {
		return nil, err
	}
	return &Store{f: f}, nil
}

// Done is closed when the store is closed: the worker over it stops.
func (s *Store) Done() <-chan struct{} { return s.f.Done() }

// Close closes the file.
func (s *Store) Close() error { return s.f.Close() }

// Put writes j (fsync'd), replacing the job of the same ID; its Document, when set, is
// written the first time only.
func (s *Store) Put(j *Job) error {
	meta := *j
	meta.Document = nil
	b, err := json.Marshal(&meta)
	if err != nil {
		return err
	}
	err = s.f.Update(func(tx *bolt.Tx) error {
		docs := tx.Bucket(bucketDocs)
		if j.Document != nil && docs.Get([]byte(j.ID)) == nil {
			if err := docs.Put([]byte(j.ID), j.Document); err != nil {
				return err
			}
		}
		return tx.Bucket(bucketJobs).Put([]byte(j.ID), b)
	})
	if errors.Is(err, berrors.ErrDatabaseNotOpen) {
		return ErrClosed
	}
	return err
}

// Document reads the document of job id (a job file written before documents were kept
// apart holds it in the job).
func (s *Store) Document(id string) ([]byte, error) {
	var doc []byte
	err := s.f.View(func(tx *bolt.Tx) error {
		if d := tx.Bucket(bucketDocs).Get([]byte(id)); d != nil {
			doc = append([]byte(nil), d...)
			return nil
		}
		b := tx.Bucket(bucketJobs).Get([]byte(id))
		if b == nil {
			return fmt.Errorf("capturejobs: no job %s", id)
		}
		var j Job
		if err := json.Unmarshal(b, &j); err != nil {
			return err
		}
		doc = j.Document
		return nil
	})
	if errors.Is(err, berrors.ErrDatabaseNotOpen) {
		return nil, ErrClosed
	}
	return doc, err
}

// Get reads a job, without its document.
func (s *Store) Get(id string) (*Job, bool, error) {
	var j *Job
	err := s.f.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketJobs).Get([]byte(id))
		if b == nil {
			return nil
		}
		j = &Job{}
		if err := json.Unmarshal(b, j); err != nil {
			return err
		}
		j.Document = nil
		return nil
	})
	if errors.Is(err, berrors.ErrDatabaseNotOpen) {
		return nil, false, ErrClosed
	}
	return j, j != nil, err
}

// List returns the jobs of caller in ID order (creation order: IDs start with the creation
// time), at most limit of them after the job named after ("" from the first).
func (s *Store) List(caller, after string, limit int) ([]*Job, error) {
	return s.scan(func(j *Job) bool { return j.Caller == caller && j.ID > after }, limit)
}

// Running returns the jobs not finished, in creation order.
func (s *Store) Running() ([]*Job, error) {
	return s.scan(func(j *Job) bool { return j.Running }, 0)
}

func (s *Store) scan(keep func(*Job) bool, limit int) ([]*Job, error) {
	var out []*Job
	err := s.f.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketJobs).ForEach(func(_, v []byte) error {
			if limit > 0 && len(out) >= limit {
				return nil
			}
			j := &Job{}
			if err := json.Unmarshal(v, j); err != nil {
				return err
			}
			j.Document = nil
			if keep(j) {
				out = append(out, j)
			}
			return nil
		})
	})
	if errors.Is(err, berrors.ErrDatabaseNotOpen) {
		return nil, ErrClosed
	}
	return out, err
}
