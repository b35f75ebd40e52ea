package scale_test

import (
	"context"
	"encoding/json"
	"flag"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/udiledger/udiledger/chaincode/model"
	"github.com/udiledger/udiledger/chaincode/ops"
	"github.com/udiledger/udiledger/chaincode/orgs"
	"github.com/udiledger/udiledger/gateway/ledger"
	"github.com/udiledger/udiledger/gateway/ledger/devledger"
	"github.com/udiledger/udiledger/gateway/ledger/scale"
)

func open(tb testing.TB) (*ledger.Caller, scale.Actors) {
	tb.Helper()
	led, err := devledger.Open(tb.TempDir(), devledger.Options{NoSync: true})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = led.Close() })
	var a scale.Actors
	for msp, id := range map[string]**ledger.Identity{orgs.Manufacturer: &a.Manufacturer, orgs.Distributor: &a.Distributor, orgs.Regulator: &a.Regulator} {
		if *id, err = led.Admin(msp); err != nil {
			tb.Fatal(err)
		}
	}
	return &ledger.Caller{Client: led}, a
}

func TestGenerateBuildsTheChainItSays(t *testing.T) {
	ctx := context.Background()
	inv, a := open(t)
	w, err := scale.Generate(ctx, inv, a, scale.Size{Units: 2500, LotUnits: 1000, CaseUnits: 50, PalletCases: 4, Workers: 4})
	if err != nil {
		t.Fatal(err)
	}
	if len(w.Lots) != 3 || w.Cases != 50 || w.Pallets != 13 || w.UnitEvents != 5*2500 {
		t.Fatalf("world %+v", w)
	}
	f, err := scale.Measure(ctx, inv, a, w, 20)
	if err != nil {
		t.Fatal(err)
	}
	if f.ScopeUnits != 1000 || f.ProvenanceP50 <= 0 || f.ProvenanceP99 < f.ProvenanceP50 {
		t.Fatalf("figures %+v", f)
	}
	last := w.Unit(2499) // in the last lot, on the last, partly filled pallet
	res, err := inv.Invoke(ctx, a.Regulator, ops.Provenance, model.CodeQuery{Code: last})
	if err != nil {
		t.Fatal(err)
	}
	var p model.Provenance
	if err := json.Unmarshal(res.Payload, &p); err != nil {
		t.Fatal(err)
	}
	var steps []string
	for _, e := range p.Events {
		steps = append(steps, string(e.Event.BizStep))
	}
	if got := strings.Join(steps, " "); got != "commissioning packing packing shipping receiving" {
		t.Fatalf("provenance of %s: %s", last, got)
	}
	r, err := ledger.Do(ctx, inv, a.Regulator, ops.Unit, model.CodeQuery{Code: last})
	if err != nil {
		t.Fatal(err)
	}
	if u := r.Value; u.Owner != orgs.Distributor || u.Unit.Lot != w.LotOf(2499) {
		t.Fatalf("unit %+v", u.Unit)
	}
	if again, err := scale.Measure(ctx, inv, a, w, 1); err != nil || again.ScopeUnits != 1000 {
		t.Fatalf("a second measure of the same world: %+v, %v", again, err)
	}
	if m := scale.ReadMemory(); m.HeapInuse == 0 {
		t.Fatalf("memory %+v", m)
	}
}

// scaleUnits sets BenchmarkScale1M's size, for a quicker run (-args -scale.units 100000).
var scaleUnits = flag.Int("scale.units", 1000000, "units of BenchmarkScale1M's world")

// big is BenchmarkScale1M's world, built once per process: the testing package calls a
// benchmark again for each b.N it tries.
var big struct {
	once  sync.Once
	dir   string
	led   *devledger.Ledger
	inv   *ledger.Caller
	a     scale.Actors
	w     *scale.World
	err   error
	build scale.Memory // memory before building
}

func TestMain(m *testing.M) {
	code := m.Run()
	if big.led != nil {
		_ = big.led.Close()
	}
	if big.dir != "" {
		_ = os.RemoveAll(big.dir)
	}
	os.Exit(code)
}

func buildBig() {
	big.build = scale.ReadMemory()
	if big.dir, big.err = os.MkdirTemp("", "scale1m"); big.err != nil {
		return
	}
	if big.led, big.err = devledger.Open(big.dir, devledger.Options{NoSync: true}); big.err != nil {
		return
	}
	big.inv = &ledger.Caller{Client: big.led}
	for msp, id := range map[string]**ledger.Identity{orgs.Manufacturer: &big.a.Manufacturer, orgs.Distributor: &big.a.Distributor, orgs.Regulator: &big.a.Regulator} {
		if *id, big.err = big.led.Admin(msp); big.err != nil {
			return
		}
	}
	big.w, big.err = scale.Generate(context.Background(), big.inv, big.a, scale.Size{Units: *scaleUnits})
}

// BenchmarkScale1M builds a world of a million units (5 million unit events, 13,116
// transactions) on the embedded engine once per process, then measures provenance of 1,000
// random units, a 100,000-unit lot's recall scope and the memory, b.N times. It runs only
// when -bench names it: `make bench` (-bench=.) leaves it out.
//
//	go test -run '^$' -bench Scale1M -benchtime 1x -timeout 30m ./gateway/ledger/scale
func BenchmarkScale1M(b *testing.B) {
	if !strings.Contains(benchPattern(), "Scale") {
		b.Skip("the 1M-unit world runs only when -bench names BenchmarkScale1M")
	}
	fresh := false
	big.once.Do(func() { buildBig(); fresh = true })
	if big.err != nil {
		b.Fatal(big.err)
	}
	w := big.w
	if fresh {
		b.Logf("generated %d units, %d lots, %d cases, %d pallets, %d unit events in %d transactions in %v (%.0f units/s); memory before %v",
			w.Size.Units, len(w.Lots), w.Cases, w.Pallets, w.UnitEvents, w.Transactions, w.Took, float64(w.Size.Units)/w.Took.Seconds(), big.build)
	}
	b.ResetTimer()
	var f *scale.Figures
	var err error
	for i := 0; i < b.N; i++ {
		if f, err = scale.Measure(context.Background(), big.inv, big.a, w, 1000); err != nil {
			b.Fatal(err)
		}
		b.Logf("run %d: provenance p50 %v p99 %v; scope of %d units %v; %v", i, f.ProvenanceP50, f.ProvenanceP99, f.ScopeUnits, f.Scope, f.Memory)
	}
	b.StopTimer()
	b.ReportMetric(float64(f.ProvenanceP50.Microseconds())/1000, "prov-p50-ms")
	b.ReportMetric(float64(f.ProvenanceP99.Microseconds())/1000, "prov-p99-ms")
	b.ReportMetric(float64(f.Scope.Milliseconds()), "scope-ms")
	b.ReportMetric(float64(f.Memory.RSS>>20), "rss-MB")
	b.ReportMetric(float64(f.Memory.RSSAnon>>20), "rss-anon-MB")
	b.ReportMetric(w.Took.Seconds(), "generate-s")
}

func benchPattern() string {
	if f := flag.Lookup("test.bench"); f != nil {
		return f.Value.String()
	}
	return ""
}
