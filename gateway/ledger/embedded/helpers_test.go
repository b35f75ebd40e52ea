package embedded_test

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/udiledger/udiledger/gateway/ledger"
	"github.com/udiledger/udiledger/gateway/ledger/embedded"
	"github.com/udiledger/udiledger/gateway/ledger/localmsp"
)

// fixture is an engine on a temporary directory with the default organisations.
type fixture struct {
	t      *testing.T
	dir    string
	store  *localmsp.Store
	cfg    embedded.Config
	engine *embedded.Engine
}

func newFixture(t *testing.T, opts ...func(*embedded.Config)) *fixture {
	t.Helper()
	dir := t.TempDir()
	store, err := localmsp.Open(dir+"/msp", localmsp.DefaultOrgs())
	if err != nil {
		t.Fatal(err)
	}
	cfg := embedded.Config{
		MSPs:   store.MSPs(),
		NoSync: true,
		Collections: []embedded.Collection{{
			Name:            "dispenseCollection",
			MemberMSPs:      []string{"HospitalOrgMSP", "RegulatorOrgMSP"},
			MemberOnlyRead:  true,
			MemberOnlyWrite: true,
		}},
	}
	for _, o := range opts {
		o(&cfg)
	}
	f := &fixture{t: t, dir: dir, store: store, cfg: cfg}
	f.open()
	return f
}

func (f *fixture) open() {
	f.t.Helper()
	e, err := embedded.Open(f.dir+"/ledger", newTestChaincode(), f.cfg)
	if err != nil {
		f.t.Fatal(err)
	}
	f.engine = e
	f.t.Cleanup(func() { _ = e.Close() })
}

func (f *fixture) reopen() {
	f.t.Helper()
	if err := f.engine.Close(); err != nil {
		f.t.Fatal(err)
	}
	f.open()
}

func (f *fixture) id(name string) *ledger.Identity {
	f.t.Helper()
	id, err := f.store.Identity(name)
	if err != nil {
		f.t.Fatal(err)
	}
	return id
}

const manufacturer = "ManufacturerOrg/admin"

func (f *fixture) submit(who, fn string, args ...string) (*ledger.Result, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return f.engine.Submit(ctx, ledger.Proposal{Identity: f.id(who), Function: "asset:" + fn, Args: args})
}

func (f *fixture) mustSubmit(who, fn string, args ...string) *ledger.Result {
	f.t.Helper()
	r, err := f.submit(who, fn, args...)
	if err != nil {
		f.t.Fatalf("submit %s%v: %v", fn, args, err)
	}
	return r
}

func (f *fixture) evaluate(who, fn string, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	b, err := f.engine.Evaluate(ctx, ledger.Proposal{Identity: f.id(who), Function: "asset:" + fn, Args: args})
	return string(b), err
}

func (f *fixture) mustEvaluate(who, fn string, args ...string) string {
	f.t.Helper()
	s, err := f.evaluate(who, fn, args...)
	if err != nil {
		f.t.Fatalf("evaluate %s%v: %v", fn, args, err)
	}
	return s
}

func commitCode(err error) string {
	var ce *ledger.CommitError
	if errors.As(err, &ce) {
		return ce.ValidationCode
	}
	return ""
}

// clock is a settable time source for proposal timestamps.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)} }

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) advance(d time.Duration) time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
	return c.t
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func containsAll(s string, subs ...string) bool {
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			return false
		}
	}
	return true
}
