package embedded_test

import (
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/udiledger/udiledger/gateway/ledger"
	"github.com/udiledger/udiledger/gateway/ledger/embedded"
)

func TestTransactionReadsCommittedStateOnly(t *testing.T) {
	f := newFixture(t)
	tests := []struct {
		name, key, committed, want string
	}{
		{name: "a new key written in the transaction reads as absent", key: "new", want: ""},
		{name: "an existing key reads its committed value, not the new one", key: "old", committed: "v1", want: "v1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.committed != "" {
				f.mustSubmit(manufacturer, "Put", tt.key, tt.committed)
			}
			r, err := f.submit(manufacturer, "PutThenGet", tt.key, "v2")
			if err != nil {
				t.Fatal(err)
			}
			if string(r.Payload) != tt.want {
				t.Fatalf("read own write = %q, want %q", r.Payload, tt.want)
			}
			if got := f.mustEvaluate(manufacturer, "Get", tt.key); got != "v2" {
				t.Fatalf("after commit = %q, want v2", got)
			}
		})
	}
	t.Run("a range scan does not see the transaction's own write", func(t *testing.T) {
		r := f.mustSubmit(manufacturer, "RangeThenPut", "r", "s", "r1")
		if len(r.Payload) != 0 {
			t.Fatalf("range = %q, want nothing", r.Payload)
		}
	})
}

func TestScansReturnKeysInByteOrder(t *testing.T) {
	f := newFixture(t)
	for _, k := range []string{"b", "é", "a", "B", "aa", "a\u00ff"} {
		f.mustSubmit(manufacturer, "Put", k, "x")
	}
	f.mustSubmit(manufacturer, "Create", "id2", "zed")
	f.mustSubmit(manufacturer, "Create", "id1", "zed")
	tests := []struct {
		name, fn string
		args     []string
		want     string
	}{
		{name: "a full range scan is in byte order and leaves out composite keys", fn: "Range", args: []string{"", ""},
			want: "B,a,aa,a\u00ff,b,id1,id2,é"},
		{name: "a bounded range excludes its end key", fn: "Range", args: []string{"a", "b"}, want: "a,aa,a\u00ff"},
		{name: "a partial composite key scan is in byte order", fn: "ByOwner", args: []string{"zed"}, want: "id1,id2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := f.mustEvaluate(manufacturer, tt.fn, tt.args...); got != tt.want {
				t.Fatalf("%s = %q, want %q", tt.fn, got, tt.want)
			}
		})
	}
}

func TestPaginationIsForEvaluateOnly(t *testing.T) {
	f := newFixture(t)
	for _, k := range []string{"p1", "p2", "p3", "p4", "p5"} {
		f.mustSubmit(manufacturer, "Put", k, "x")
		f.mustSubmit(manufacturer, "Create", "u"+k, "owner")
	}
	t.Run("evaluate walks the pages with bookmarks", func(t *testing.T) {
		var pages []string
		bookmark := ""
		for {
			got := f.mustEvaluate(manufacturer, "Page", "p", "q", "2", bookmark)
			parts := strings.Split(got, "|")
			pages = append(pages, parts[0]+"/"+parts[2])
			bookmark = parts[1]
			if bookmark == "" {
				break
			}
		}
		if got := strings.Join(pages, " "); got != "p1,p2/2 p3,p4/2 p5/1" {
			t.Fatalf("pages = %s", got)
		}
	})
	t.Run("evaluate pages through a composite key index", func(t *testing.T) {
		first := f.mustEvaluate(manufacturer, "OwnerPage", "owner", "3", "")
		ids, bookmark, _ := strings.Cut(first, "|")
		if ids != "up1,up2,up3" || bookmark == "" {
			t.Fatalf("first page = %q", first)
		}
		if rest := f.mustEvaluate(manufacturer, "OwnerPage", "owner", "3", bookmark); rest != "up4,up5|" {
			t.Fatalf("second page = %q", rest)
		}
	})
	t.Run("submit refuses a paginated query", func(t *testing.T) {
		_, err := f.submit(manufacturer, "Page", "p", "q", "2", "")
		if err == nil || !strings.Contains(err.Error(), "paginated queries are supported only in read-only") {
			t.Fatalf("err = %v", err)
		}
	})
}

func TestHistoryIsNewestFirst(t *testing.T) {
	clock := newClock()
	f := newFixture(t, func(c *embedded.Config) { c.Clock = clock.now })
	var txs []*ledger.Result
	var times []int64
	for _, step := range []func() *ledger.Result{
		func() *ledger.Result { return f.mustSubmit(manufacturer, "Put", "h", "v1") },
		func() *ledger.Result { return f.mustSubmit(manufacturer, "Put", "h", "v2") },
		func() *ledger.Result { return f.mustSubmit(manufacturer, "Delete", "h") },
	} {
		times = append(times, clock.advance(time.Hour).UnixNano())
		txs = append(txs, step())
	}
	got := f.mustEvaluate(manufacturer, "History", "h")
	want := `[{"txID":"` + txs[2].TxID + `","value":"","time":` + itoa(times[2]) + `,"isDelete":true},` +
		`{"txID":"` + txs[1].TxID + `","value":"v2","time":` + itoa(times[1]) + `,"isDelete":false},` +
		`{"txID":"` + txs[0].TxID + `","value":"v1","time":` + itoa(times[0]) + `,"isDelete":false}]`
	if got != want {
		t.Fatalf("history =\n%s\nwant\n%s", got, want)
	}
}

func TestPhantomReadConflict(t *testing.T) {
	f := newFixture(t, func(c *embedded.Config) { c.MaxBatch, c.BatchTimeout = 2, 10*time.Second })
	// Both scan [k, l) and write a key inside it, in one block: whichever is second has seen
	// a range that the first changed.
	errs := make([]error, 2)
	var wg sync.WaitGroup
	for i, key := range []string{"k5", "k6"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = f.submit(manufacturer, "RangeThenPut", "k", "l", key)
		}()
	}
	wg.Wait()
	var valid, phantom int
	for _, err := range errs {
		switch {
		case err == nil:
			valid++
		case commitCode(err) == ledger.PhantomReadConflict:
			phantom++
		default:
			t.Fatalf("unexpected error %v", err)
		}
	}
	if valid != 1 || phantom != 1 {
		t.Fatalf("valid %d, phantom %d; want 1 and 1", valid, phantom)
	}
	if got := f.mustEvaluate(manufacturer, "Range", "k", "l"); got != "k5" && got != "k6" {
		t.Fatalf("range after = %q, want only the valid transaction's key", got)
	}
}

func TestKeyRules(t *testing.T) {
	f := newFixture(t)
	tests := []struct {
		name, key, want string
	}{
		{name: "an empty key is rejected", key: "", want: "key must not be an empty string"},
		{name: "a key that is not UTF-8 is rejected", key: "bad\xff", want: "not a valid utf8 string"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := f.submit(manufacturer, "Put", tt.key, "v")
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
		})
	}
}

func TestValidationParameter(t *testing.T) {
	f := newFixture(t)
	f.mustSubmit(manufacturer, "Put", "k", "v")
	f.mustSubmit(manufacturer, "SetPolicy", "k", "policy-bytes")
	f.mustSubmit(manufacturer, "SetPolicy", "absent", "policy-bytes")
	tests := []struct{ name, key, want string }{
		{name: "a key's validation parameter is read back", key: "k", want: "policy-bytes"},
		{name: "a parameter set on a missing key is dropped", key: "absent", want: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := f.mustEvaluate(manufacturer, "GetPolicy", tt.key); got != tt.want {
				t.Fatalf("policy = %q, want %q", got, tt.want)
			}
		})
	}
	t.Run("a value update keeps the parameter", func(t *testing.T) {
		f.mustSubmit(manufacturer, "Put", "k", "v2")
		if got := f.mustEvaluate(manufacturer, "GetPolicy", "k"); got != "policy-bytes" {
			t.Fatalf("policy = %q", got)
		}
	})
}

func TestUnsupportedCallsFailClearly(t *testing.T) {
	f := newFixture(t)
	tests := []struct{ name, fn, want string }{
		{name: "a rich query is refused", fn: "Rich", want: "rich queries are not supported on LevelDB"},
		{name: "a chaincode-to-chaincode call is refused", fn: "Invoke", want: "not supported by the embedded ledger"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := []string{}
			if tt.fn == "Rich" {
				args = []string{`{"selector":{}}`}
			}
			_, err := f.evaluate(manufacturer, tt.fn, args...)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
		})
	}
}
