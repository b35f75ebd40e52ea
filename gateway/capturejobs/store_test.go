package capturejobs

import (
	"errors"
	"path/filepath"
	"testing"
	"time"
)

func TestStoreKeepsJobsAcrossOpens(t *testing.T) {
	path := filepath.Join(t.TempDir(), "jobs.db")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	for _, j := range []*Job{
		{ID: "cj-1", Caller: "a", Behaviour: Proceed, Running: true, Created: now, Document: []byte(`{}`)},
		{ID: "cj-2", Caller: "b", Behaviour: Rollback, Created: now},
		{ID: "cj-3", Caller: "a", Behaviour: Rollback, Running: true, Created: now, Next: 2,
			Errors: []EventError{{Index: 1, Status: 422, Title: "t"}}},
	} {
		if err := s.Put(j); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Put(&Job{ID: "cj-4"}); !errors.Is(err, ErrClosed) {
		t.Fatalf("Put after Close = %v, want ErrClosed", err)
	}
	select {
	case <-s.Done():
	default:
		t.Fatal("Done is not closed")
	}

	s, err = Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	run, err := s.Running()
	if err != nil || len(run) != 2 || run[0].ID != "cj-1" || run[1].ID != "cj-3" || run[1].Next != 2 || len(run[1].Errors) != 1 {
		t.Fatalf("Running = %+v, %v", run, err)
	}
	mine, err := s.List("a", "cj-1", 0)
	if err != nil || len(mine) != 1 || mine[0].ID != "cj-3" {
		t.Fatalf("List after cj-1 = %+v, %v", mine, err)
	}
	if _, found, err := s.Get("cj-9"); found || err != nil {
		t.Fatalf("Get of an unknown job = %v, %v", found, err)
	}
	if j, found, err := s.Get("cj-1"); !found || err != nil || j.Document != nil || j.Behaviour != Proceed {
		t.Fatalf("Get cj-1 = %+v, %v, %v: want the job without its document", j, found, err)
	}
	if doc, err := s.Document("cj-1"); err != nil || string(doc) != "{}" {
		t.Fatalf("Document cj-1 = %q, %v", doc, err)
	}
}

func TestADocumentIsWrittenOnceAndProgressWithoutIt(t *testing.T) {
	s, err := Open(filepath.Join(t.TempDir(), "jobs.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	j := &Job{ID: "cj-1", Caller: "a", Behaviour: Rollback, Running: true, Document: []byte(`{"a":1}`), Events: 2}
	if err := s.Put(j); err != nil {
		t.Fatal(err)
	}
	j.Next, j.Recorded = 1, 1
	j.Document = []byte(`{"changed":true}`)
	if err := s.Put(j); err != nil {
		t.Fatal(err)
	}
	got, _, err := s.Get("cj-1")
	if err != nil || got.Next != 1 || got.Recorded != 1 {
		t.Fatalf("progress %+v, %v", got, err)
	}
	if doc, err := s.Document("cj-1"); err != nil || string(doc) != `{"a":1}` {
		t.Fatalf("document %q, %v: want the one first written", doc, err)
	}
	if _, err := s.Document("cj-9"); err == nil {
		t.Fatal("the document of an unknown job")
	}
}
