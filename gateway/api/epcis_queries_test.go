package api

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/udiledger/udiledger/gateway/subscriptions"
)

// webhook is a subscriber's endpoint: it keeps every report posted to it and fails while
// told to.
type webhook struct {
	t     *testing.T
	srv   *httptest.Server
	token string
	fail  atomic.Bool
	mu    sync.Mutex
	posts []report
}

// report is one post a webhook received.
type report struct {
	doc      queryDoc
	query    string
	sub      string
	signedOK bool
}

func newWebhook(t *testing.T, token string) *webhook {
	h := &webhook{t: t, token: token}
	h.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if h.fail.Load() {
			h.record(body, r.Header.Get(subscriptions.SignatureHeader))
			http.Error(w, "down", http.StatusInternalServerError)
			return
		}
		h.record(body, r.Header.Get(subscriptions.SignatureHeader))
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(h.srv.Close)
	return h
}

func (h *webhook) record(body []byte, sig string) {
	var rp report
	if err := json.Unmarshal(body, &rp.doc); err != nil {
		h.t.Errorf("webhook: body is not a query document: %v: %s", err, body)
	}
	var names struct {
		EPCISBody struct {
			QueryResults struct {
				QueryName      string `json:"queryName"`
				SubscriptionID string `json:"subscriptionID"`
			} `json:"queryResults"`
		} `json:"epcisBody"`
	}
	_ = json.Unmarshal(body, &names)
	rp.query, rp.sub = names.EPCISBody.QueryResults.QueryName, names.EPCISBody.QueryResults.SubscriptionID
	// The receiver's check, written from the documented scheme rather than with Sign.
	rp.signedOK = hmac.Equal([]byte(sig), []byte(hmacHex(body, h.token)))
	h.mu.Lock()
	h.posts = append(h.posts, rp)
	h.mu.Unlock()
}

// wait waits for n posts and answers all received so far.
func (h *webhook) wait(n int) []report {
	h.t.Helper()
	for end := time.Now().Add(30 * time.Second); time.Now().Before(end); time.Sleep(10 * time.Millisecond) {
		h.mu.Lock()
		got := slices.Clone(h.posts)
		h.mu.Unlock()
		if len(got) >= n {
			return got
		}
	}
	h.t.Fatalf("webhook: fewer than %d posts", n)
	return nil
}

// waitEvents waits for n events in all posts and answers them all, in order.
func (h *webhook) waitEvents(n int) []string {
	h.t.Helper()
	var all []string
	for end := time.Now().Add(30 * time.Second); time.Now().Before(end); time.Sleep(10 * time.Millisecond) {
		all = nil
		for _, p := range h.wait(0) {
			all = append(all, p.doc.ids()...)
		}
		if len(all) >= n {
			return all
		}
	}
	h.t.Fatalf("webhook: %d events, want %d", len(all), n)
	return nil
}

func (h *webhook) count() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.posts)
}

// subsOptions deliver to the test's loopback webhooks, retrying quickly.
func subsOptions() subscriptions.Options {
	return subscriptions.Options{AllowPrivate: true, MaxAttempts: 3, RetryBase: 5 * time.Millisecond, RetryMax: 20 * time.Millisecond}
}

// subsWorld is a world whose gateway keeps named queries and subscriptions at path.
func subsWorld(t *testing.T, path string, wo worldOptions, tweak func(*subscriptions.Options)) (*world, *subscriptions.Store) {
	st, err := subscriptions.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	outer := wo.tweak
	wo.tweak = func(o *Options) {
		o.Subscriptions, o.SubscriptionOptions = st, subsOptions()
		if tweak != nil {
			tweak(&o.SubscriptionOptions)
		}
		if outer != nil {
			outer(o)
		}
	}
	return newWorld(t, wo), st
}

// commissionDoc is an EPCIS document commissioning device units, one event each, with the
// event IDs "urn:uuid:<prefix>-<n>".
func commissionDoc(prefix string, ns ...int) string {
	events := make([]string, len(ns))
	for i, n := range ns {
		events[i] = objectCommission(prefix+"-"+itoa(n), n)
	}
	return epcisDoc(events...)
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

// captureNow captures a document synchronously (this world keeps no capture jobs).
func (w *world) captureNow(doc string) {
	w.t.Helper()
	var r CaptureResult
	w.must(200, &r, mfr, "POST", "/epcis/capture", doc)
	if r.Failed != 0 {
		w.t.Fatalf("capture: %+v", r)
	}
}

func matchEPCs(ns ...int) string {
	uris := make([]string, len(ns))
	for i, n := range ns {
		uris[i] = dlURI(n)
	}
	b, _ := json.Marshal(map[string]any{"MATCH_epc": uris})
	return string(b)
}

func (w *world) subscribe(query string, body map[string]any) QuerySubscription {
	w.t.Helper()
	var sub QuerySubscription
	r := w.must(201, &sub, mfr, "POST", "/epcis/queries/"+query+"/subscriptions", body)
	if r.header.Get("Location") != "/epcis/queries/"+query+"/subscriptions/"+sub.SubscriptionID {
		w.t.Fatalf("Location %q for %+v", r.header.Get("Location"), sub)
	}
	return sub
}

func TestNamedQueriesAndWebhooks(t *testing.T) {
	w, _ := subsWorld(t, filepath.Join(t.TempDir(), "subs.db"), worldOptions{}, nil)
	w.seed()

	r := w.must(201, nil, mfr, "POST", "/epcis/queries", `{"name":"pens","query":`+matchEPCs(201, 203)+`}`)
	if r.header.Get("Location") != "/epcis/queries/pens" {
		t.Fatalf("Location %q", r.header.Get("Location"))
	}
	t.Run("a named query is its organisation's", func(t *testing.T) {
		var list []NamedQuery
		w.must(200, &list, mfr, "GET", "/epcis/queries", nil)
		if len(list) != 1 || list[0].Name != "pens" || !strings.Contains(string(list[0].Query), "MATCH_epc") {
			t.Fatalf("queries %+v", list)
		}
		w.must(200, nil, mfr, "GET", "/epcis/queries/pens", nil)
		w.must(404, nil, dst, "GET", "/epcis/queries/pens", nil)
		w.must(404, nil, dst, "GET", "/epcis/queries/pens/events", nil)
		w.must(409, nil, mfr, "POST", "/epcis/queries", `{"name":"pens","query":{"EQ_bizStep":"shipping"}}`)
	})
	t.Run("the list is paged", func(t *testing.T) {
		w.must(201, nil, mfr, "POST", "/epcis/queries", `{"name":"shipped","query":{"EQ_bizStep":"shipping"}}`)
		var page []NamedQuery
		r := w.must(200, &page, mfr, "GET", "/epcis/queries?perPage=1", nil)
		next, _, _ := strings.Cut(strings.TrimPrefix(r.header.Get("Link"), "<"), ">")
		if len(page) != 1 || page[0].Name != "pens" || !strings.HasPrefix(next, "/epcis/queries?") {
			t.Fatalf("first page %+v, Link %q", page, r.header.Get("Link"))
		}
		r = w.must(200, &page, mfr, "GET", next, nil)
		if len(page) != 1 || page[0].Name != "shipped" || r.header.Get("Link") != "" {
			t.Fatalf("second page %+v, Link %q", page, r.header.Get("Link"))
		}
		w.must(204, nil, mfr, "DELETE", "/epcis/queries/shipped", nil)
	})
	t.Run("malformed queries are refused", func(t *testing.T) {
		for _, body := range []string{
			`{"name":"bad name","query":{}}`,
			`{"name":"x","query":{"EQ bizStep":["shipping"]}}`,
			`{"name":"x","query":{"EQ_bizStep":[{"a":1}]}}`,
			`{"name":"x","query":{"GE_eventTime":"yesterday"}}`,
		} {
			if p := problemOf(t, w.must(400, nil, mfr, "POST", "/epcis/queries", body)); len(p.Errors) == 0 {
				t.Errorf("%s: problem %+v names no field", body, p)
			}
		}
	})

	hook := newWebhook(t, "s3cret")
	sub := w.subscribe("pens", map[string]any{"dest": hook.srv.URL + "/cb", "signatureToken": hook.token, "stream": true})
	t.Run("subscriptions are validated", func(t *testing.T) {
		w.must(400, nil, mfr, "POST", "/epcis/queries/pens/subscriptions", map[string]any{"dest": hook.srv.URL})                                                             // neither stream nor schedule
		w.must(400, nil, mfr, "POST", "/epcis/queries/pens/subscriptions", map[string]any{"dest": hook.srv.URL, "stream": true, "schedule": map[string]string{"hour": "1"}}) // both
		w.must(400, nil, mfr, "POST", "/epcis/queries/pens/subscriptions", map[string]any{"dest": hook.srv.URL, "schedule": map[string]string{"minute": "[5-60]"}})
		w.must(404, nil, mfr, "POST", "/epcis/queries/nope/subscriptions", map[string]any{"dest": hook.srv.URL, "stream": true})
		w.must(404, nil, dst, "GET", "/epcis/queries/pens/subscriptions/"+sub.SubscriptionID, nil)
	})

	w.captureNow(commissionDoc("nq", 201, 202))
	posts := hook.wait(1)
	t.Run("the webhook gets a signed EPCISQueryDocument with exactly the matching events", func(t *testing.T) {
		p := posts[0]
		if got := p.doc.ids(); !slices.Equal(got, []string{"urn:uuid:nq-201"}) || p.doc.Type != "EPCISQueryDocument" {
			t.Fatalf("report %+v", p.doc)
		}
		if !p.signedOK || p.query != "pens" || p.sub != sub.SubscriptionID {
			t.Fatalf("signature ok %v, query %q, subscription %q", p.signedOK, p.query, p.sub)
		}
	})
	t.Run("the subscription shows its delivery", func(t *testing.T) {
		var got QuerySubscription
		for end := time.Now().Add(30 * time.Second); got.Delivered == 0 && time.Now().Before(end); time.Sleep(10 * time.Millisecond) {
			w.must(200, &got, mfr, "GET", "/epcis/queries/pens/subscriptions/"+sub.SubscriptionID, nil)
		}
		if got.Delivered != 1 || got.LastDelivery == nil || got.LastDelivery.Events != 1 || got.LastNotifiedAt.IsZero() || !got.Signed {
			t.Fatalf("subscription %+v", got)
		}
		var list []QuerySubscription
		w.must(200, &list, mfr, "GET", "/epcis/queries/pens/subscriptions", nil)
		if len(list) != 1 || list[0].SubscriptionID != sub.SubscriptionID {
			t.Fatalf("list %+v", list)
		}
	})
	t.Run("the named query runs once on GET", func(t *testing.T) {
		var doc queryDoc
		w.must(200, &doc, mfr, "GET", "/epcis/queries/pens/events", nil)
		if got := doc.ids(); !slices.Equal(got, []string{"urn:uuid:nq-201"}) {
			t.Fatalf("events %v", got)
		}
	})
	t.Run("the next report holds only the new events", func(t *testing.T) {
		w.captureNow(commissionDoc("nq", 203))
		posts := hook.wait(2)
		if got := posts[1].doc.ids(); len(posts) != 2 || !slices.Equal(got, []string{"urn:uuid:nq-203"}) {
			t.Fatalf("reports %+v", posts)
		}
	})
	t.Run("unsubscribing and deleting the query", func(t *testing.T) {
		w.must(204, nil, mfr, "DELETE", "/epcis/queries/pens/subscriptions/"+sub.SubscriptionID, nil)
		w.must(404, nil, mfr, "GET", "/epcis/queries/pens/subscriptions/"+sub.SubscriptionID, nil)
		w.must(204, nil, mfr, "DELETE", "/epcis/queries/pens", nil)
		w.must(404, nil, mfr, "GET", "/epcis/queries/pens", nil)
	})
}

func TestWebhookRefusesPrivateDestinations(t *testing.T) {
	w, _ := subsWorld(t, filepath.Join(t.TempDir(), "subs.db"), worldOptions{}, func(o *subscriptions.Options) { o.AllowPrivate = false })
	w.seed()
	w.must(201, nil, mfr, "POST", "/epcis/queries", `{"name":"all","query":{}}`)
	for _, dest := range []string{"http://127.0.0.1:9/x", "https://127.0.0.1/x", "https://10.1.2.3/x", "https://[::1]/x",
		"https://169.254.169.254/latest/meta-data", "https://localhost/x"} {
		p := problemOf(t, w.must(400, nil, mfr, "POST", "/epcis/queries/all/subscriptions", map[string]any{"dest": dest, "stream": true}))
		if len(p.Errors) != 1 || p.Errors[0].Field != "dest" {
			t.Errorf("%s: %+v", dest, p)
		}
	}
}

func TestAFailingWebhookIsRetriedThenDeadLettered(t *testing.T) {
	w, _ := subsWorld(t, filepath.Join(t.TempDir(), "subs.db"), worldOptions{}, nil)
	w.seed()
	w.must(201, nil, mfr, "POST", "/epcis/queries", `{"name":"q","query":`+matchEPCs(301, 302)+`}`)
	hook := newWebhook(t, "tok")
	hook.fail.Store(true)
	sub := w.subscribe("q", map[string]any{"dest": hook.srv.URL, "signatureToken": "tok", "stream": true})
	w.captureNow(commissionDoc("dl", 301))
	loc := "/epcis/queries/q/subscriptions/" + sub.SubscriptionID
	var got QuerySubscription
	for end := time.Now().Add(30 * time.Second); len(got.DeadLetters) == 0 && time.Now().Before(end); time.Sleep(10 * time.Millisecond) {
		w.must(200, &got, mfr, "GET", loc, nil)
	}
	if len(got.DeadLetters) != 1 || got.DeadLettered != 1 || got.Failures != 3 || got.Delivered != 0 || got.LastDelivery == nil || got.LastDelivery.Attempts != 3 ||
		got.LastDelivery.Status != 500 || !got.LastNotifiedAt.IsZero() {
		t.Fatalf("subscription %+v", got)
	}
	if n := hook.count(); n != 3 {
		t.Fatalf("%d posts, want 3 attempts", n)
	}
	var letter queryDoc
	if err := json.Unmarshal(got.DeadLetters[0].Document, &letter); err != nil || !slices.Equal(letter.ids(), []string{"urn:uuid:dl-301"}) {
		t.Fatalf("dead letter %s (%v)", got.DeadLetters[0].Document, err)
	}
	t.Run("once the destination is back, the next report goes without the dead-lettered events", func(t *testing.T) {
		hook.fail.Store(false)
		w.captureNow(commissionDoc("dl", 302))
		posts := hook.wait(4)
		if ids := posts[3].doc.ids(); !slices.Equal(ids, []string{"urn:uuid:dl-302"}) {
			t.Fatalf("report %v", ids)
		}
	})
}

func TestScheduledReportIfEmpty(t *testing.T) {
	clock := subscriptions.NewManualClock(time.Now().UTC().Truncate(time.Minute).Add(90 * time.Second)) // half a minute past the next minute
	w, _ := subsWorld(t, filepath.Join(t.TempDir(), "subs.db"), worldOptions{}, func(o *subscriptions.Options) { o.Clock = clock })
	w.seed()
	w.captureNow(commissionDoc("sch", 401)) // recorded before the subscription: not reported
	w.must(201, nil, mfr, "POST", "/epcis/queries", `{"name":"q","query":`+matchEPCs(401)+`}`)
	hook := newWebhook(t, "t")
	w.subscribe("q", map[string]any{"dest": hook.srv.URL, "signatureToken": "t", "reportIfEmpty": true,
		"schedule": map[string]string{"second": "0"}})
	for end := time.Now().Add(30 * time.Second); clock.Waiters() == 0; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(end) {
			t.Fatal("the schedule never waits on the clock")
		}
	}
	time.Sleep(50 * time.Millisecond)
	if n := hook.count(); n != 0 {
		t.Fatalf("%d reports before the tick", n)
	}
	clock.Advance(30 * time.Second) // the next minute starts: second 0
	posts := hook.wait(1)
	if posts[0].doc.Type != "EPCISQueryDocument" || len(posts[0].doc.ids()) != 0 || !posts[0].signedOK {
		t.Fatalf("report %+v", posts[0])
	}
}

func TestWebSocketSubscription(t *testing.T) {
	// A WebSocket is no answer the OpenAPI check can record. The schedules' clock stands half
	// a minute before the next minute, a little in the past.
	clock := subscriptions.NewManualClock(time.Now().UTC().Truncate(time.Minute).Add(-30 * time.Second))
	w, _ := subsWorld(t, filepath.Join(t.TempDir(), "subs.db"), worldOptions{unchecked: true}, func(o *subscriptions.Options) { o.Clock = clock })
	w.seed()
	w.must(201, nil, mfr, "POST", "/epcis/queries", `{"name":"q","query":`+matchEPCs(501, 503)+`}`)
	w.must(201, nil, mfr, "POST", "/epcis/queries", `{"name":"none","query":`+matchEPCs(599)+`}`)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	dial := func(msp, query string) (*websocket.Conn, *http.Response, error) {
		name, query, ok := strings.Cut(query, "?")
		if !ok {
			name, query = "q", name
		}
		return websocket.Dial(ctx, "ws"+strings.TrimPrefix(w.srv.URL, "http")+"/epcis/queries/"+name+"/events?"+query,
			&websocket.DialOptions{HTTPHeader: http.Header{"Authorization": {"Bearer " + w.keys[msp]}}})
	}
	t.Run("bad parameters and another organisation are refused at the handshake", func(t *testing.T) {
		if _, res, err := dial(mfr, "stream=true&hour=3"); err == nil || res.StatusCode != 400 {
			t.Fatalf("stream and schedule: %v %v", err, res)
		}
		if _, res, err := dial(dst, "stream=true"); err == nil || res.StatusCode != 404 {
			t.Fatalf("another organisation: %v %v", err, res)
		}
	})
	conn, _, err := dial(mfr, "stream=true")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = conn.CloseNow() }()
	w.captureNow(commissionDoc("ws", 501, 502))
	typ, msg, err := conn.Read(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var doc queryDoc
	if err := json.Unmarshal(msg, &doc); err != nil || typ != websocket.MessageText || doc.Type != "EPCISQueryDocument" ||
		!slices.Equal(doc.ids(), []string{"urn:uuid:ws-501"}) {
		t.Fatalf("message %v %s (%v)", typ, msg, err)
	}
	w.captureNow(commissionDoc("ws", 503))
	if _, msg, err = conn.Read(ctx); err != nil || json.Unmarshal(msg, &doc) != nil || !slices.Equal(doc.ids(), []string{"urn:uuid:ws-503"}) {
		t.Fatalf("second message %s (%v)", msg, err)
	}
	if err := conn.Close(websocket.StatusNormalClosure, ""); err != nil {
		t.Fatal(err)
	}
	t.Run("a scheduled WebSocket with reportIfEmpty gets an empty document on its tick", func(t *testing.T) {
		conn, _, err := dial(mfr, "none?second=0&reportIfEmpty=true")
		if err != nil {
			t.Fatal(err)
		}
		defer func() { _ = conn.CloseNow() }()
		for end := time.Now().Add(30 * time.Second); clock.Waiters() == 0; time.Sleep(5 * time.Millisecond) {
			if time.Now().After(end) {
				t.Fatal("the schedule never waits on the clock")
			}
		}
		clock.Advance(30 * time.Second)
		var doc queryDoc
		if _, msg, err := conn.Read(ctx); err != nil || json.Unmarshal(msg, &doc) != nil || doc.Type != "EPCISQueryDocument" || len(doc.ids()) != 0 {
			t.Fatalf("message %s (%v)", msg, err)
		}
	})
}

func TestSubscriptionsSurviveARestart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "subs.db")
	st1, err := subscriptions.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	w1 := newWorld(t, worldOptions{tweak: func(o *Options) { o.Subscriptions, o.SubscriptionOptions = st1, subsOptions() }})
	w1.seed()
	w1.must(201, nil, mfr, "POST", "/epcis/queries", `{"name":"q","query":`+matchEPCs(601, 602, 603)+`}`)
	hook := newWebhook(t, "tok")
	sub := w1.subscribe("q", map[string]any{"dest": hook.srv.URL, "signatureToken": "tok", "stream": true})
	w1.captureNow(commissionDoc("rs", 601))
	hook.wait(1)
	var got QuerySubscription
	for end := time.Now().Add(30 * time.Second); got.Delivered == 0 && time.Now().Before(end); time.Sleep(10 * time.Millisecond) {
		w1.must(200, &got, mfr, "GET", "/epcis/queries/q/subscriptions/"+sub.SubscriptionID, nil)
	}
	// The gateway stops: its HTTP server and its store close.
	w1.srv.Close()
	if err := st1.Close(); err != nil {
		t.Fatal(err)
	}

	st2, err := subscriptions.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st2.Close() })
	w2 := newWorldOn(t, w1, func(o *Options) { o.Subscriptions, o.SubscriptionOptions = st2, subsOptions() })
	w2.captureNow(commissionDoc("rs", 602, 603)) // two transactions: one report or two
	hook.waitEvents(3)
	time.Sleep(200 * time.Millisecond) // room for a wrong re-send
	if all := hook.waitEvents(3); !slices.Equal(all, []string{"urn:uuid:rs-601", "urn:uuid:rs-602", "urn:uuid:rs-603"}) {
		t.Fatalf("reports across the restart hold %v", all)
	}
}

// TestAWebSocketSubscriptionAfterARestart: a named query survives a gateway restart, and a
// WebSocket subscribed to it after the restart with initialRecordTime gets the events recorded
// since then, those before the restart included, then the new ones.
func TestAWebSocketSubscriptionAfterARestart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "subs.db")
	st1, err := subscriptions.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	w1 := newWorld(t, worldOptions{unchecked: true, tweak: func(o *Options) { o.Subscriptions, o.SubscriptionOptions = st1, subsOptions() }})
	w1.seed()
	w1.must(201, nil, mfr, "POST", "/epcis/queries", `{"name":"q","query":`+matchEPCs(701, 702)+`}`)
	since := time.Now().UTC().Add(-time.Second)
	w1.captureNow(commissionDoc("wr", 701))
	w1.srv.Close()
	if err := st1.Close(); err != nil {
		t.Fatal(err)
	}

	st2, err := subscriptions.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st2.Close() })
	w2 := newWorldOn(t, w1, func(o *Options) { o.Subscriptions, o.SubscriptionOptions = st2, subsOptions() })
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(w2.srv.URL, "http")+"/epcis/queries/q/events?stream=true&initialRecordTime="+
		url.QueryEscape(since.Format(time.RFC3339Nano)), &websocket.DialOptions{HTTPHeader: http.Header{"Authorization": {"Bearer " + w2.keys[mfr]}}})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = conn.CloseNow() }()
	var got []string
	for len(got) < 2 {
		if len(got) == 1 {
			w2.captureNow(commissionDoc("wr", 702))
		}
		_, msg, err := conn.Read(ctx)
		var doc queryDoc
		if err != nil || json.Unmarshal(msg, &doc) != nil {
			t.Fatalf("after %v: %s (%v)", got, msg, err)
		}
		got = append(got, doc.ids()...)
	}
	if !slices.Equal(got, []string{"urn:uuid:wr-701", "urn:uuid:wr-702"}) {
		t.Fatalf("the WebSocket got %v", got)
	}
}

// hmacHex is "sha256=" and the hex HMAC-SHA256 of body under token.
func hmacHex(body []byte, token string) string {
	mac := hmac.New(sha256.New, []byte(token))
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}
