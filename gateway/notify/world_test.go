package notify

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/udiledger/udiledger/chaincode/gs1"
	"github.com/udiledger/udiledger/chaincode/model"
	"github.com/udiledger/udiledger/chaincode/ops"
	"github.com/udiledger/udiledger/gateway/internal/webhook"
	"github.com/udiledger/udiledger/gateway/ledger"
	"github.com/udiledger/udiledger/gateway/ledger/devledger"
)

const (
	mfr = devledger.Manufacturer
	dst = devledger.Distributor
	hsp = devledger.Hospital
	reg = devledger.Regulator
	plt = devledger.Platform

	mfrGCP = "6901234"
	secret = "a-secret-of-24-characters"
)

var deviceDI = checkDigit("0690123400001")

func checkDigit(base string) string {
	d, err := gs1.CheckDigit(base)
	if err != nil {
		panic(err)
	}
	return base + string(d)
}

func deviceCode(n int) string { return fmt.Sprintf("(01)%s(21)S%06d", deviceDI, n) }

// world is a development ledger whose time is a manual clock, seeded with the five
// organisations, a device and its lot L1, ten units commissioned by the manufacturer and four
// of them received by the distributor; and a notifier over a store in a temporary folder.
type world struct {
	t      *testing.T
	clock  *webhook.ManualClock
	led    *devledger.Ledger
	caller *ledger.Caller
	ids    map[string]*ledger.Identity
	path   string // the store's file

	n    *Notifier
	stop func()
}

func newWorld(t *testing.T) *world {
	t.Helper()
	dir := t.TempDir()
	clock := webhook.NewManualClock(time.Now().UTC().Truncate(time.Second))
	led, err := devledger.Open(filepath.Join(dir, "ledger"), devledger.Options{NoSync: true, Clock: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = led.Close() })
	w := &world{t: t, clock: clock, led: led, caller: &ledger.Caller{Client: led}, ids: map[string]*ledger.Identity{},
		path: filepath.Join(dir, "notify.db")}
	for _, msp := range []string{mfr, dst, plt, hsp, reg} {
		if w.ids[msp], err = led.Admin(msp); err != nil {
			t.Fatal(err)
		}
	}
	w.seed()
	return w
}

func (w *world) day(n int) string { return model.DateOf(w.clock.Now().AddDate(0, 0, n)) }

func (w *world) party(msp string, role model.Role) model.Party {
	p := model.Party{MSPID: msp, Name: msp, Roles: []model.Role{role}}
	if role != model.RoleRegulator {
		p.Licences = []model.Licence{{Type: "trade", Number: "L-" + msp, ValidFrom: w.day(-365), ValidTo: w.day(365)}}
	}
	if msp == mfr {
		p.CompanyPrefixes = []string{mfrGCP}
	}
	return p
}

func (w *world) seed() {
	w.do(reg, ops.InitLedger, w.party(reg, model.RoleRegulator))
	w.do(reg, ops.RegisterParty, w.party(mfr, model.RoleManufacturer))
	w.do(reg, ops.RegisterParty, w.party(dst, model.RoleDistributor))
	w.do(reg, ops.RegisterParty, w.party(plt, model.RolePlatform))
	w.do(reg, ops.RegisterParty, w.party(hsp, model.RoleHospital))
	w.do(mfr, ops.RegisterProduct, model.Product{DI: deviceDI, Name: "Infusion set", Model: "IS-20", Kind: model.KindDevice, RegistrationNumber: "R-1"})
	w.do(mfr, ops.RegisterLot, model.Lot{DI: deviceDI, Lot: "L1", Expiry: w.day(365), Quantity: 1000})
	var codes []string
	for i := range 10 {
		codes = append(codes, deviceCode(i))
	}
	w.do(mfr, ops.Commission, model.CommissionRequest{EventHeader: model.EventHeader{EventID: "c1"}, DI: deviceDI, Lot: "L1", Codes: codes})
	w.do(mfr, ops.Ship, model.ShipRequest{EventHeader: model.EventHeader{EventID: "s1"}, To: dst, Codes: codes[:4]})
	w.do(dst, ops.Receive, model.ReceiveRequest{EventHeader: model.EventHeader{EventID: "r1"}, Codes: codes[:4]})
}

func (w *world) do(msp string, op ops.Descriptor, req any) {
	w.t.Helper()
	if _, err := ledger.Run(context.Background(), w.caller, w.ids[msp], op, req); err != nil {
		w.t.Fatalf("%s as %s: %v", op.Name(), msp, err)
	}
}

// start runs a notifier over the world's store until the test ends or stopNotifier.
func (w *world) start(tweak ...func(*Options)) *Notifier {
	w.t.Helper()
	st, err := Open(w.path)
	if err != nil {
		w.t.Fatal(err)
	}
	o := Options{Store: st, Ledger: w.led, Reader: w.caller, Clock: w.clock, Interval: 15 * time.Minute,
		RetryBase: time.Second, RetryMax: 4 * time.Second, Identity: func(name string) *ledger.Identity {
			for _, id := range w.ids {
				if id.Name == name {
					return id
				}
			}
			return nil
		}}
	for _, f := range tweak {
		f(&o)
	}
	w.n = New(o)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = w.n.Run(ctx)
	}()
	w.stop = sync.OnceFunc(func() {
		cancel()
		<-done
		_ = st.Close()
	})
	w.t.Cleanup(w.stop)
	// the first run sets the cursor before it reads
	eventually(w.t, "the cursor is set", func() bool { _, ok, _ := st.Cursor(); return ok })
	return w.n
}

// register gives msp's organisation a webhook at r.
func (w *world) register(msp string, r *receiver) {
	w.t.Helper()
	if _, err := w.n.Register(context.Background(), msp, w.ids[msp].Name, r.srv.URL, secret); err != nil {
		w.t.Fatal(err)
	}
}

// eventually waits for cond, at most 20 s.
func eventually(t testing.TB, what string, cond func() bool) {
	t.Helper()
	for end := time.Now().Add(20 * time.Second); time.Now().Before(end); {
		if cond() {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("timed out waiting until %s", what)
}

// advance moves the clock by d in steps of the sweep interval, letting each sweep run.
func (w *world) advance(d time.Duration) {
	for step := 15 * time.Minute; d > 0; d -= step {
		w.clock.Advance(min(step, d))
		time.Sleep(5 * time.Millisecond)
	}
}

// until waits for cond, moving the clock by a sweep interval between looks.
func (w *world) until(t testing.TB, what string, cond func() bool) {
	t.Helper()
	for end := time.Now().Add(20 * time.Second); time.Now().Before(end); {
		if cond() {
			return
		}
		w.clock.Advance(15 * time.Minute)
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("timed out waiting until %s", what)
}

// receiver is an organisation's webhook: it keeps the notifications it took and answers
// the statuses fail lists first (then 204).
type receiver struct {
	srv *httptest.Server

	mu    sync.Mutex
	fail  []int
	tries int
	got   []received
}

type received struct {
	Message
	sigOK bool
	idem  string
}

func newReceiver(t *testing.T, fail ...int) *receiver {
	r := &receiver{fail: fail}
	r.srv = httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		defer r.mu.Unlock()
		r.tries++
		if len(r.fail) > 0 {
			code := r.fail[0]
			r.fail = r.fail[1:]
			rw.WriteHeader(code)
			return
		}
		var m Message
		if err := json.Unmarshal(body, &m); err != nil {
			rw.WriteHeader(http.StatusBadRequest)
			return
		}
		r.got = append(r.got, received{Message: m, sigOK: webhook.Verify(body, secret, req.Header.Get(SignatureHeader)),
			idem: req.Header.Get(IdempotencyHeader)})
		rw.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(r.srv.Close)
	return r
}

// of lists the notifications of kind taken.
func (r *receiver) of(kind string) []received {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []received
	for _, m := range r.got {
		if m.Kind == kind {
			out = append(out, m)
		}
	}
	return out
}

func (r *receiver) all() []received {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]received(nil), r.got...)
}
