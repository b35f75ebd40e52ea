package subscriptions

import (
	"errors"
	"path/filepath"
	"testing"
	"time"
)

func TestStore(t *testing.T) {
	path := filepath.Join(t.TempDir(), "subs.db")
	st, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	q := &Query{Org: "Org1MSP", Name: "shipped", Params: []byte(`{"EQ_bizStep":["shipping"]}`), Created: time.Now().UTC()}
	if err := st.CreateQuery(q, 0); err != nil {
		t.Fatal(err)
	}
	if err := st.CreateQuery(q, 0); !errors.Is(err, ErrExists) {
		t.Fatalf("the same name again: %v", err)
	}
	if err := st.CreateQuery(&Query{Org: "Org2MSP", Name: "shipped", Params: []byte(`{}`)}, 1); err != nil {
		t.Fatalf("another organisation's query of the same name: %v", err)
	}
	if err := st.CreateQuery(&Query{Org: "Org2MSP", Name: "received", Params: []byte(`{}`)}, 1); !errors.Is(err, ErrTooMany) {
		t.Fatalf("a query past the bound: %v", err)
	}
	sub := func(id string) *Subscription {
		return &Subscription{ID: id, Org: "Org1MSP", Query: "shipped", Dest: "https://example.com/cb", Spec: Spec{Stream: true}}
	}
	for _, id := range []string{"a", "b"} {
		if err := st.AddSubscription(sub(id), 2); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.AddSubscription(sub("c"), 2); !errors.Is(err, ErrTooMany) {
		t.Fatalf("a third subscription past the bound: %v", err)
	}
	if err := st.AddSubscription(&Subscription{ID: "d", Org: "Org1MSP", Query: "nope"}, 0); !errors.Is(err, ErrNotFound) {
		t.Fatalf("a subscription to no query: %v", err)
	}
	cursor := time.Date(2025, 1, 2, 3, 4, 5, 6, time.UTC)
	if err := st.update("a", func(s *Subscription) { s.Cursor = cursor }); err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Query("Org1MSP", "shipped"); !errors.Is(err, ErrClosed) {
		t.Fatalf("a closed store: %v", err)
	}

	st, err = Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	t.Run("everything is found again after a restart", func(t *testing.T) {
		a, err := st.Subscription("a")
		if err != nil || !a.Cursor.Equal(cursor) {
			t.Fatalf("subscription a %+v, %v", a, err)
		}
		qs, err := st.Queries("Org1MSP")
		if err != nil || len(qs) != 1 || qs[0].Values().Get("EQ_bizStep") != "shipping" {
			t.Fatalf("queries %+v, %v", qs, err)
		}
	})
	t.Run("dead letters: the latest kept, with their subscription", func(t *testing.T) {
		for i := range 5 {
			letter := &DeadLetter{Delivery: Delivery{Events: i}}
			if err := st.updateWith("b", func(s *Subscription) { s.DeadLettered++ }, letter, 3); err != nil {
				t.Fatal(err)
			}
		}
		letters, err := st.DeadLetters("b")
		if err != nil || len(letters) != 3 || letters[0].Events != 2 || letters[2].Events != 4 {
			t.Fatalf("dead letters %+v, %v", letters, err)
		}
		if b, _ := st.Subscription("b"); b.DeadLettered != 5 {
			t.Fatalf("subscription b %+v", b)
		}
	})
	t.Run("deleting a query deletes its subscriptions, not another organisation's query", func(t *testing.T) {
		ids, err := st.DeleteQuery("Org1MSP", "shipped")
		if err != nil || len(ids) != 2 {
			t.Fatalf("deleted %v, %v", ids, err)
		}
		if subs, _ := st.Subscriptions(nil); len(subs) != 0 {
			t.Fatalf("left %+v", subs)
		}
		if letters, _ := st.DeadLetters("b"); len(letters) != 0 {
			t.Fatalf("dead letters left %+v", letters)
		}
		if _, err := st.Query("Org2MSP", "shipped"); err != nil {
			t.Fatal(err)
		}
		if err := st.update("a", func(*Subscription) {}); !errors.Is(err, ErrNotFound) {
			t.Fatalf("update of a deleted subscription: %v", err)
		}
	})
}
