package contract

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/udiledger/udiledger/chaincode/model"
	"github.com/udiledger/udiledger/chaincode/orgs"
	"github.com/udiledger/udiledger/gateway/ledger"
	"github.com/udiledger/udiledger/gateway/ledger/embedded"
	"github.com/udiledger/udiledger/gateway/ledger/localmsp"
)

// Organisations of the tests (package orgs; localmsp.DefaultOrgs creates them).
const (
	mfr = orgs.Manufacturer
	dst = orgs.Distributor
	plt = orgs.Platform
	hsp = orgs.Hospital
	reg = orgs.Regulator
)

// orgNames are the organisations' names by MSP ID.
var orgNames = func() map[string]string {
	m := map[string]string{}
	for _, o := range orgs.All() {
		m[o.MSPID] = o.Name
	}
	return m
}()

// testChaincode builds the chaincode once for the package: building its metadata is slow,
// and the object keeps no state between transactions.
var testChaincode = sync.OnceValues(func() (*contractapi.ContractChaincode, error) {
	return New() // the default configuration: one collection per dispenser (orgs.Collections)
})

// env is one embedded ledger running the chaincode, with the local organisations' admins and
// a clock the test moves.
type env struct {
	t     testing.TB
	eng   *embedded.Engine
	store *localmsp.Store
	mu    sync.Mutex
	now   time.Time
	start time.Time
}

func newEnv(t testing.TB) *env {
	t.Helper()
	cc, err := testChaincode()
	if err != nil {
		t.Fatalf("build chaincode: %v", err)
	}
	return newEnvWith(t, cc)
}

// newEnvWith is newEnv running the chaincode cc.
func newEnvWith(t testing.TB, cc *contractapi.ContractChaincode) *env {
	t.Helper()
	dir := t.TempDir()
	store, err := localmsp.Open(dir+"/msp", localmsp.DefaultOrgs())
	if err != nil {
		t.Fatalf("open msp store: %v", err)
	}
	e := &env{t: t, store: store, now: time.Now().UTC()}
	e.start = e.now
	var cols []embedded.Collection
	for _, c := range orgs.Collections() {
		cols = append(cols, embedded.Collection{Name: c.Name, MemberMSPs: c.Members,
			MemberOnlyRead: true, MemberOnlyWrite: true, BlockToLive: c.BlockToLive})
	}
	eng, err := embedded.Open(dir+"/ledger", cc, embedded.Config{
		MSPs: store.MSPs(), Collections: cols, NoSync: true, Clock: e.clock,
	})
	if err != nil {
		t.Fatalf("open embedded ledger: %v", err)
	}
	t.Cleanup(func() { _ = eng.Close() })
	e.eng = eng
	return e
}

func (e *env) clock() time.Time {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.now = e.now.Add(time.Microsecond) // every proposal gets its own instant
	return e.now
}

// advance moves the clock forward.
func (e *env) advance(d time.Duration) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.now = e.now.Add(d)
}

// day returns the date n days after the test started.
func (e *env) day(n int) string { return model.DateOf(e.start.AddDate(0, 0, n)) }

// user adds a user with a role attribute (or none, when role is "") to msp's organisation.
func (e *env) user(msp, name, role string) *ledger.Identity {
	e.t.Helper()
	attrs := map[string]string{}
	if role != "" {
		attrs["role"] = role
	}
	id, err := e.store.AddUser(orgNames[msp], localmsp.UserSpec{Name: name, Attrs: attrs})
	if err != nil {
		e.t.Fatalf("add user %s/%s: %v", msp, name, err)
	}
	return id
}

func (e *env) identity(msp string) *ledger.Identity {
	e.t.Helper()
	id, err := e.store.Identity(orgNames[msp] + "/admin")
	if err != nil {
		e.t.Fatalf("identity %s: %v", msp, err)
	}
	return id
}

func args(vs ...any) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		switch x := v.(type) {
		case string:
			out[i] = x
		default:
			b, err := json.Marshal(x)
			if err != nil {
				panic(err)
			}
			out[i] = string(b)
		}
	}
	return out
}

// submit runs a transaction as msp and returns its payload or error.
func (e *env) submit(msp, fn string, vs ...any) ([]byte, error) {
	return e.submitT(msp, fn, nil, vs...)
}

func (e *env) submitT(msp, fn string, transient map[string][]byte, vs ...any) ([]byte, error) {
	return e.submitAs(e.identity(msp), fn, transient, vs...)
}

// submitAs runs a transaction as a given identity. A "unit:Dispense" with a transient map is
// the whole dispense, as ledger.Caller makes it: unit:PrepareDispense with the private part,
// then unit:Dispense with what it answered.
func (e *env) submitAs(id *ledger.Identity, fn string, transient map[string][]byte, vs ...any) ([]byte, error) {
	if fn == "unit:Dispense" && transient != nil {
		b, err := e.submitAs(id, "unit:PrepareDispense", transient, vs...)
		if err != nil {
			return nil, err
		}
		var pub model.DispensePublic
		if err := json.Unmarshal([]byte(args(vs...)[0]), &pub.DispenseRequest); err != nil {
			return nil, err
		}
		if err := json.Unmarshal(b, &pub.Prepared); err != nil {
			return nil, err
		}
		return e.submitAs(id, fn, nil, pub)
	}
	res, err := e.eng.Submit(context.Background(), ledger.Proposal{Identity: id, Function: fn, Args: args(vs...), Transient: transient})
	if err != nil {
		return nil, err
	}
	return res.Payload, nil
}

// must runs a transaction that must succeed and decodes its payload into out (if not nil).
func (e *env) must(out any, msp, fn string, vs ...any) {
	e.t.Helper()
	b, err := e.submit(msp, fn, vs...)
	if err != nil {
		e.t.Fatalf("%s as %s: %v", fn, msp, err)
	}
	decode(e.t, b, out)
}

// eval runs a read-only call and decodes its payload.
func (e *env) eval(out any, msp, fn string, vs ...any) error {
	b, err := e.eng.Evaluate(context.Background(), ledger.Proposal{Identity: e.identity(msp), Function: fn, Args: args(vs...)})
	if err != nil {
		return err
	}
	decode(e.t, b, out)
	return nil
}

func (e *env) mustEval(out any, msp, fn string, vs ...any) {
	e.t.Helper()
	if err := e.eval(out, msp, fn, vs...); err != nil {
		e.t.Fatalf("%s as %s: %v", fn, msp, err)
	}
}

func decode(t testing.TB, b []byte, out any) {
	t.Helper()
	if out == nil || len(b) == 0 {
		return
	}
	if err := json.Unmarshal(b, out); err != nil {
		t.Fatalf("decode %s: %v", b, err)
	}
}

// wantCode checks that err is a chaincode error with the code.
func wantCode(t testing.TB, err error, code model.Code) {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want %s", code)
	}
	var ce *ledger.ChaincodeError
	if !errors.As(err, &ce) {
		t.Fatalf("got %v (%T), want a chaincode error %s", err, err, code)
	}
	if got := model.ParseCode(ce.Message); got != code {
		t.Fatalf("got code %q in %q, want %s", got, ce.Message, code)
	}
}

// Fixture data.
const (
	mfrGCP    = "6901234"
	drugCode7 = "8123456"
)

var (
	deviceDI = gtin("0690123400001") // under mfrGCP
	caseDI   = gtin("1690123400001") // case level of the same item
	mfrGLN   = gln("690123400001")
	dstGLN   = gln("690555500001")
	pltGLN   = gln("690666600001")
	hspGLN   = gln("690777700001")
)

var glnCheckCache sync.Map

// gln returns a valid GLN for a 12-digit base.
func gln(base12 string) string {
	if v, ok := glnCheckCache.Load(base12); ok {
		return v.(string)
	}
	sum := 0
	for i := 0; i < 12; i++ {
		d := int(base12[11-i] - '0')
		if i%2 == 0 {
			sum += 3 * d
		} else {
			sum += d
		}
	}
	s := base12 + fmt.Sprint((10-sum%10)%10)
	glnCheckCache.Store(base12, s)
	return s
}

// gtin returns a valid GTIN-14 for a 13-digit base.
func gtin(base13 string) string {
	sum := 0
	for i := 0; i < 13; i++ {
		d := int(base13[12-i] - '0')
		if i%2 == 0 {
			sum += 3 * d
		} else {
			sum += d
		}
	}
	return base13 + fmt.Sprint((10-sum%10)%10)
}

// sscc returns a valid SSCC for a 17-digit base.
func sscc(base17 string) string {
	sum := 0
	for i := 0; i < 17; i++ {
		d := int(base17[16-i] - '0')
		if i%2 == 0 {
			sum += 3 * d
		} else {
			sum += d
		}
	}
	return "(00)" + base17 + fmt.Sprint((10-sum%10)%10)
}
