package subscriptions

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"
)

// events is a Source over a fixed list of events, in record-time order.
type events struct {
	mu   sync.Mutex
	list []json.RawMessage
	// scan, when set, bounds the events one read looks at, as the gateway's bounded scan
	// does; skip names events that do not match the query.
	scan int
	skip map[string]bool
}

func (e *events) add(id string, recorded time.Time) {
	e.mu.Lock()
	defer e.mu.Unlock()
	b, _ := json.Marshal(map[string]any{"type": "ObjectEvent", "eventID": id, "recordTime": recorded.Format(time.RFC3339Nano)})
	e.list = append(e.list, b)
}

func (e *events) Events(_ context.Context, _ Owner, _ url.Values, after time.Time, limit int) ([]json.RawMessage, time.Time, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []json.RawMessage
	last, scanned := after, 0
	for _, ev := range e.list {
		t := recordTime(ev)
		if !t.After(after) || len(out) == limit || (e.scan > 0 && scanned == e.scan) {
			continue
		}
		scanned++
		last = t
		if !e.skip[eventID(ev)] {
			out = append(out, ev)
		}
	}
	return out, last, nil
}

func ids(doc []byte) []string {
	var d queryDocument
	_ = json.Unmarshal(doc, &d)
	var out []string
	for _, e := range d.EPCISBody.QueryResults.ResultsBody.EventList {
		out = append(out, eventID(e))
	}
	return out
}

func eventID(event json.RawMessage) string {
	var ev struct {
		EventID string `json:"eventID"`
	}
	_ = json.Unmarshal(event, &ev)
	return ev.EventID
}

// Events recorded at the same time are never split between a report and the cursor.
func TestReportsKeepEventsOfOneRecordTimeTogether(t *testing.T) {
	st, err := Open(filepath.Join(t.TempDir(), "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	src := &events{}
	t0 := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	for i, sec := range []int{1, 2, 2, 2, 3, 4} {
		src.add(fmt.Sprintf("e%d", i), t0.Add(time.Duration(sec)*time.Second))
	}
	var mu sync.Mutex
	var got [][]string
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if r.Header.Get(SignatureHeader) != Sign(body, "k") {
			t.Errorf("signature %q", r.Header.Get(SignatureHeader))
		}
		mu.Lock()
		got = append(got, ids(body))
		mu.Unlock()
	}))
	defer hook.Close()
	m := NewManager(Options{Store: st, Source: src, AllowPrivate: true, BatchSize: 3})
	if err := st.CreateQuery(&Query{Org: "O", Name: "q", Params: []byte(`{}`)}, 0); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { m.Run(ctx); close(done) }()
	defer func() { cancel(); <-done }()
	sub := &Subscription{ID: "s", Org: "O", Query: "q", Dest: hook.URL, SignatureToken: "k", Spec: Spec{Stream: true, InitialRecordTime: t0}}
	if err := m.Subscribe(ctx, sub); err != nil { // before or after Run lists the store: delivered either way
		t.Fatal(err)
	}
	want := [][]string{{"e0"}, {"e1", "e2", "e3"}, {"e4", "e5"}}
	for end := time.Now().Add(30 * time.Second); time.Now().Before(end); time.Sleep(5 * time.Millisecond) {
		mu.Lock()
		n := len(got)
		mu.Unlock()
		if n >= len(want) {
			break
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if !slices.EqualFunc(got, want, slices.Equal) {
		t.Fatalf("reports %v, want %v", got, want)
	}
	s, _ := st.Subscription("s")
	for end := time.Now().Add(30 * time.Second); s.Delivered < 3 && time.Now().Before(end); time.Sleep(5 * time.Millisecond) {
		s, _ = st.Subscription("s") // the cursor is kept once the post is answered
	}
	if !s.Cursor.Equal(t0.Add(4*time.Second)) || s.Delivered != 3 {
		t.Fatalf("subscription after the reports: %+v", s)
	}
}

// runManager runs a manager over src with one stream subscription to hook, until the test ends.
func runManager(t *testing.T, src Source, o Options, dest string) *Store {
	st, err := Open(filepath.Join(t.TempDir(), "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	o.Store, o.Source, o.AllowPrivate = st, src, true
	m := NewManager(o)
	if err := st.CreateQuery(&Query{Org: "O", Name: "q", Params: []byte(`{}`)}, 0); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { m.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	sub := &Subscription{ID: "s", Org: "O", Query: "q", Dest: dest, Spec: Spec{Stream: true, InitialRecordTime: time.Unix(0, 0)}}
	if err := m.Subscribe(ctx, sub); err != nil {
		t.Fatal(err)
	}
	return st
}

// A read cut short by the scan bound, with nothing matching, moves the cursor and reads on
// at once: the matching event behind it is not left for the next wake.
func TestReadsGoOnPastEventsThatDoNotMatch(t *testing.T) {
	src := &events{scan: 2, skip: map[string]bool{"e0": true, "e1": true, "e2": true, "e3": true}}
	t0 := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range 5 {
		src.add(fmt.Sprintf("e%d", i), t0.Add(time.Duration(i+1)*time.Second))
	}
	got := make(chan []string, 4)
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		got <- ids(body)
	}))
	defer hook.Close()
	st := runManager(t, src, Options{PollInterval: time.Hour}, hook.URL)
	select {
	case ids := <-got:
		if !slices.Equal(ids, []string{"e4"}) {
			t.Fatalf("report %v", ids)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("no report")
	}
	for end := time.Now().Add(30 * time.Second); time.Now().Before(end); time.Sleep(5 * time.Millisecond) {
		if s, _ := st.Subscription("s"); s.Cursor.Equal(t0.Add(5 * time.Second)) {
			return
		}
	}
	t.Fatal("the cursor did not reach the last event")
}

func TestBackoff(t *testing.T) {
	m := NewManager(Options{Store: &Store{}, RetryBase: time.Second, RetryMax: 10 * time.Second})
	for n, want := range map[int]time.Duration{1: time.Second, 2: 2 * time.Second, 3: 4 * time.Second, 4: 8 * time.Second, 5: 10 * time.Second, 30: 10 * time.Second} {
		for range 20 {
			if d := m.backoff(n); d < want/2 || d > want {
				t.Fatalf("backoff(%d) = %s, want within [%s, %s]", n, d, want/2, want)
			}
		}
	}
}

// A receiver checks a report's GS1-Signature over the raw body with the token it gave (the
// value here is openssl dgst -sha256 -hmac's).
func ExampleSign() {
	body := []byte(`{"type":"EPCISQueryDocument"}`)
	fmt.Println(Sign(body, "13df38d8275b13f05704629e5f1cf3d45d6132d5"))
	// Output: sha256=09ca68301cecd06e5ee6bdbc8d2f1ffc563608ef652fea647a9763ac96e06d5a
}
