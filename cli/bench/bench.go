// Package bench measures UDI Ledger as its users load it: a warehouse scanning units one
// transaction at a time and in batches, a manufacturer commissioning and palletising 10,000
// codes, a regulator reading provenance and a recall's scope. It drives a ledger.Invoker
// (a ledger backend directly, or a gateway over HTTP) with concurrent clients over goods it
// makes for the run, and puts every figure of our chaincode beside a trivial reference
// chaincode (one blind write per transaction) run the same way on the same backend.
package bench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/udiledger/udiledger/cli/demo"
	"github.com/udiledger/udiledger/gateway/ledger"
)

// Profile sizes a run.
type Profile struct {
	Name string `json:"name"`
	// Levels are the numbers of concurrent clients the sweep steps through, each for Step.
	Levels []int         `json:"levels"`
	Step   time.Duration `json:"-"`
	// Sustain is how long the headline figures are held at the sweep's best level.
	Sustain time.Duration `json:"-"`
	// Batch is the number of scans one batched transaction records; BatchClients send them.
	Batch        int `json:"batch"`
	BatchClients int `json:"batch_clients"`
	// Stock is the number of units commissioned in one transaction and scanned round robin
	// (MaxCommission, 10,000), then packed 100 to a case onto one pallet and shipped.
	Stock int `json:"stock"`
	// RecallUnits is the size of the lot whose recall scope is read.
	RecallUnits int `json:"recall_units"`
	// Reads is how long provenance is read, by ReadClients.
	Reads       time.Duration `json:"-"`
	ReadClients int           `json:"read_clients"`
}

// The profiles: quick fits in 5 minutes on 2 cores, full in 30; smoke, seconds long, checks
// that every phase runs (the tests' profile; its figures mean little and meet no target).
var (
	Smoke = Profile{Name: "smoke", Levels: []int{1, 2}, Step: time.Second, Sustain: 2 * time.Second,
		Batch: 10, BatchClients: 2, Stock: 200, RecallUnits: 1000, Reads: time.Second, ReadClients: 2}
	Quick = Profile{Name: "quick", Levels: []int{1, 8, 32}, Step: 8 * time.Second, Sustain: 20 * time.Second,
		Batch: 100, BatchClients: 4, Stock: 10000, RecallUnits: 100000, Reads: 10 * time.Second, ReadClients: 8}
	Full = Profile{Name: "full", Levels: []int{1, 4, 16, 32, 64}, Step: 30 * time.Second, Sustain: time.Minute,
		Batch: 100, BatchClients: 8, Stock: 10000, RecallUnits: 100000, Reads: 30 * time.Second, ReadClients: 8}
)

// ProfileNamed finds a profile by name.
func ProfileNamed(name string) (Profile, bool) {
	for _, p := range []Profile{Quick, Full, Smoke} {
		if p.Name == name {
			return p, true
		}
	}
	return Profile{}, false
}

// Env is what a run drives.
type Env struct {
	Backend string // "embedded" or "fabric"
	Via     string // "ledger" (the backend's client) or "gateway" (REST over HTTP)
	Inv     ledger.Invoker
	Actors  demo.Actors
	// Reference makes one blind write on the trivial reference chaincode of the same backend
	// as id; nil leaves the reference and the ratio out.
	Reference func(ctx context.Context, id *ledger.Identity, key, value string) error
	// Memory reads the resident memory of the processes the backend runs on, in MiB by
	// process kind (the largest process of each kind); it is sampled through the run.
	Memory func() (map[string]float64, error)
	// Run keeps this run's goods apart from earlier runs' on the same ledger (101 to 999);
	// 0 picks the first free number.
	Run int
	// Log receives progress lines; nil discards them.
	Log io.Writer
	// Batch records a batch of scans in one transaction; nil means unit:Scans through Inv
	// (a gateway takes batches at POST /v1/scans instead).
	Batch BatchFunc
	// Profiled is called with the sustained scan load running and its length, to take CPU
	// profiles of the processes that serve it; nil takes none.
	Profiled func(ctx context.Context, d time.Duration)
}

// Report is a run's figures. The JSON names are the benchmark's interface: scripts and
// docs/performance.md read them.
type Report struct {
	Backend string  `json:"backend"`
	Via     string  `json:"via"`
	Profile string  `json:"profile"`
	Machine Machine `json:"machine"`
	Run     int     `json:"run"`
	Started string  `json:"started"`
	Seconds float64 `json:"seconds"`

	ScanTxPerS        float64 `json:"scan_tx_per_s"`
	TrivialTxPerS     float64 `json:"trivial_tx_per_s,omitempty"`
	RatioToTrivial    float64 `json:"ratio_to_trivial,omitempty"`
	Clients           int     `json:"clients"` // the level the sustained figures were held at
	BatchedEventsPerS float64 `json:"batched_events_per_s"`
	CommitP50Ms       float64 `json:"commit_p50_ms"`
	CommitP99Ms       float64 `json:"commit_p99_ms"`
	BatchCommitP99Ms  float64 `json:"batch_commit_p99_ms"`
	Commission10kS    float64 `json:"commission_10k_s"`
	Pallet10kShipS    float64 `json:"pallet_10k_ship_s"`
	Pallet10kReceiveS float64 `json:"pallet_10k_receive_s"`
	ProvenanceP50Ms   float64 `json:"provenance_p50_ms"`
	ProvenanceP99Ms   float64 `json:"provenance_p99_ms"`
	ProvenanceEvents  int     `json:"provenance_events"` // events in one unit's provenance
	RecallScope100kS  float64 `json:"recall_scope_100k_s"`
	RecallUnits       int     `json:"recall_units"`
	// CommissionUnitsPerS is the rate the recall lot was commissioned at, by the run that
	// made it (0 when an earlier run had).
	CommissionUnitsPerS float64 `json:"commission_units_per_s,omitempty"`

	RSSMB map[string]float64 `json:"rss_mb"`

	// Sweep is throughput and latency against clients; Sustained the headline loads.
	Sweep     []Level         `json:"sweep"`
	Sustained map[string]Load `json:"sustained"`
	Targets   []TargetResult  `json:"targets"`
}

// Level is one step of the sweep.
type Level struct {
	Clients int   `json:"clients"`
	Scan    Load  `json:"scan"`
	Trivial *Load `json:"trivial,omitempty"`
}

// Run measures env with profile p.
func Run(ctx context.Context, env Env, p Profile) (*Report, error) {
	if env.Log == nil {
		env.Log = io.Discard
	}
	if p.Stock%100 != 0 || p.Stock < 100 || p.RecallUnits <= 0 || len(p.Levels) == 0 {
		return nil, fmt.Errorf("bench: profile %s: stock must be a multiple of 100 and levels given", p.Name)
	}
	start := time.Now()
	r := &Report{Backend: env.Backend, Via: env.Via, Profile: p.Name, Machine: ReadMachine(), Started: start.UTC().Format(time.RFC3339),
		Sustained: map[string]Load{}}
	mem := sampleMemory(ctx, env.Memory)

	w, err := prepare(ctx, env, p)
	if err != nil {
		return nil, err
	}
	r.Run = w.run
	phases := []struct {
		name string
		fn   func(ctx context.Context, w *world, r *Report) error
	}{
		{"commission", commissionStock},
		{"single scans", sweep},
		{"batched scans", batched},
		{"pallet", pallet},
		{"provenance", provenance},
		{"recall scope", recallScope},
	}
	for _, ph := range phases {
		w.logf("%s …", ph.name)
		if err := ph.fn(ctx, w, r); err != nil {
			return r, fmt.Errorf("bench %s: %w", ph.name, err)
		}
	}
	r.RSSMB = mem()
	r.Seconds = round(time.Since(start).Seconds(), 1)
	if p.Name != Smoke.Name {
		r.Targets = Check(r)
	}
	return r, nil
}

// commissionStock commissions the stock in one transaction per 10,000 codes and times the
// first.
func commissionStock(ctx context.Context, w *world, r *Report) error {
	took, err := w.commission(ctx, w.eventID("commission", 0), w.stockLot, w.stock)
	if err != nil {
		return err
	}
	r.Commission10kS = round(took[0].Seconds(), 3)
	w.logf("  %d codes in one transaction: %.2f s", len(w.stock), took[0].Seconds())
	return nil
}

// sweep runs single-scan transactions (and the reference's) at each level, then holds the
// best level for the sustained figures.
func sweep(ctx context.Context, w *world, r *Report) error {
	best, bestRate := w.p.Levels[0], -1.0
	for _, c := range w.p.Levels {
		lv := Level{Clients: c, Scan: w.scans(ctx, c, w.p.Step)}
		if err := failed("scans", lv.Scan); err != nil {
			return err
		}
		msg := fmt.Sprintf("  %3d clients: %7.1f scan tx/s, p50 %.0f ms, p99 %.0f ms", c, lv.Scan.PerSecond, lv.Scan.P50Ms, lv.Scan.P99Ms)
		if w.env.Reference != nil {
			t := w.trivial(ctx, c, w.p.Step)
			if err := failed("reference", t); err != nil {
				return err
			}
			lv.Trivial = &t
			msg += fmt.Sprintf("; reference %7.1f tx/s, p99 %.0f ms", t.PerSecond, t.P99Ms)
		}
		w.logf("%s", msg)
		r.Sweep = append(r.Sweep, lv)
		if lv.Scan.PerSecond > bestRate {
			best, bestRate = c, lv.Scan.PerSecond
		}
	}
	r.Clients = best
	w.logf("  sustained at %d clients for %s", best, w.p.Sustain)
	stopProfiles := w.profile(ctx, w.p.Sustain*3/4)
	scan := w.scans(ctx, best, w.p.Sustain)
	stopProfiles()
	if err := failed("scans", scan); err != nil {
		return err
	}
	r.Sustained["scan"] = scan
	r.ScanTxPerS, r.CommitP50Ms, r.CommitP99Ms = round(scan.PerSecond, 1), scan.P50Ms, scan.P99Ms
	w.logf("  scans: %.1f tx/s, p50 %.0f ms, p99 %.0f ms", scan.PerSecond, scan.P50Ms, scan.P99Ms)
	if w.env.Reference != nil {
		t := w.trivial(ctx, best, w.p.Sustain)
		if err := failed("reference", t); err != nil {
			return err
		}
		r.Sustained["trivial"] = t
		r.TrivialTxPerS = round(t.PerSecond, 1)
		if t.PerSecond > 0 {
			r.RatioToTrivial = round(scan.PerSecond/t.PerSecond, 2)
		}
		w.logf("  reference: %.1f tx/s, p99 %.0f ms; ratio %.2f", t.PerSecond, t.P99Ms, r.RatioToTrivial)
	}
	return nil
}

// profile has env.Profiled take profiles over d, if it takes any; the returned function
// ends them early and waits for them.
func (w *world) profile(ctx context.Context, d time.Duration) func() {
	if w.env.Profiled == nil {
		return func() {}
	}
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { defer close(done); w.env.Profiled(ctx, d) }()
	return func() { cancel(); <-done }
}

// failed turns a load with failed calls into an error: a figure over failures means nothing.
func failed(what string, l Load) error {
	if l.Errors == 0 && l.Calls > 0 {
		return nil
	}
	if l.Calls == 0 && l.Errors == 0 {
		return fmt.Errorf("%s: no call finished in %.0f s", what, l.Seconds)
	}
	return fmt.Errorf("%s: %d of %d calls failed, first: %s", what, l.Errors, l.Errors+l.Calls, l.FirstError)
}

func batched(ctx context.Context, w *world, r *Report) error {
	l := w.batches(ctx, w.p.BatchClients, w.p.Sustain)
	if err := failed("batched scans", l); err != nil {
		return err
	}
	r.Sustained["batch"] = l
	r.BatchedEventsPerS = round(l.PerSecond*float64(w.p.Batch), 0)
	r.BatchCommitP99Ms = l.P99Ms
	w.logf("  %d clients, %d scans a transaction: %.0f events/s, p99 %.0f ms", w.p.BatchClients, w.p.Batch, r.BatchedEventsPerS, l.P99Ms)
	return nil
}

func pallet(ctx context.Context, w *world, r *Report) error {
	ship, receive, err := w.palletise(ctx)
	if err != nil {
		return err
	}
	r.Pallet10kShipS, r.Pallet10kReceiveS = round(ship.Seconds(), 3), round(receive.Seconds(), 3)
	w.logf("  pallet of %d units: shipped in %.2f s, received in %.2f s", len(w.stock), ship.Seconds(), receive.Seconds())
	return nil
}

func provenance(ctx context.Context, w *world, r *Report) error {
	l, events, err := w.provenance(ctx, w.p.ReadClients, w.p.Reads)
	if err != nil {
		return err
	}
	if err := failed("provenance", l); err != nil {
		return err
	}
	r.Sustained["provenance"] = l
	r.ProvenanceP50Ms, r.ProvenanceP99Ms, r.ProvenanceEvents = l.P50Ms, l.P99Ms, events
	w.logf("  %d clients: %.0f reads/s, p50 %.1f ms, p99 %.1f ms (%d events each)", l.Clients, l.PerSecond, l.P50Ms, l.P99Ms, events)
	return nil
}

func recallScope(ctx context.Context, w *world, r *Report) error {
	t0 := time.Now()
	id, made, err := w.recallFixture(ctx)
	if err != nil {
		return err
	}
	if made {
		r.CommissionUnitsPerS = round(float64(w.p.RecallUnits)/time.Since(t0).Seconds(), 0)
		w.logf("  recall lot of %d units commissioned and recalled in %.1f s (once per ledger)", w.p.RecallUnits, time.Since(t0).Seconds())
	}
	times, total, err := w.scope(ctx, id, 3)
	if err != nil {
		return err
	}
	if total != w.p.RecallUnits {
		return fmt.Errorf("the scope of %s holds %d units, want %d", id, total, w.p.RecallUnits)
	}
	slices.Sort(times)
	r.RecallScope100kS, r.RecallUnits = round(times[len(times)/2].Seconds(), 3), total
	w.logf("  scope of %d units: %.2f s (median of %d)", total, r.RecallScope100kS, len(times))
	return nil
}

var errNoRun = errors.New("bench: no free run number between 101 and 999 on this ledger")
