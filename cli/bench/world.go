package bench

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/udiledger/udiledger/chaincode/model"
	"github.com/udiledger/udiledger/chaincode/ops"
	"github.com/udiledger/udiledger/cli/demo"
	"github.com/udiledger/udiledger/gateway/ledger"
)

// world is one run's goods on the ledger: a stock lot of p.Stock units scanned, packed and
// shipped; and the ledger's recall lot of p.RecallUnits units under a started recall, made by
// the first run that needs it and read by every later one (a scope read changes nothing, and
// commissioning 100,000 codes takes minutes on Fabric). Serial numbers are run×1,000,000 + n
// for runs 101 to 999; run 100's range holds the recall lots. The demo's serials stay below
// 100,000,000, so no code is ever shared.
type world struct {
	env Env
	a   demo.Actors
	p   Profile
	log io.Writer
	run int

	stockLot, recallLot string
	stock               []string
	cases               []string
	pallet              string

	batch BatchFunc // records scans in one transaction
	ref   func(ctx context.Context, id *ledger.Identity, key, value string) error

	seqs int // sequence numbers handed out to loads so far
}

const (
	minRun       = 101
	maxRun       = 999
	fixtureRun   = 100 // the serials of the recall lots
	caseSerial   = 900000
	palletSerial = 999999
)

func (w *world) logf(format string, args ...any) { fmt.Fprintf(w.log, format+"\n", args...) }

func (w *world) serial(n int) int { return w.run*1000000 + n }

// eventID is the ID of a run's event: kind and sequence number.
func (w *world) eventID(kind string, seq int) string {
	return fmt.Sprintf("bench-%03d-%s-%d", w.run, kind, seq)
}

// prepare registers the master data (once per ledger), picks the run number and registers
// the run's two lots.
func prepare(ctx context.Context, env Env, p Profile) (*world, error) {
	if err := demo.Prepare(ctx, env.Inv, env.Actors); err != nil {
		return nil, fmt.Errorf("bench: parties and products: %w", err)
	}
	w := &world{env: env, a: env.Actors, p: p, log: env.Log, ref: env.Reference}
	run, err := w.freeRun(ctx, env.Run)
	if err != nil {
		return nil, err
	}
	w.run = run
	w.stockLot, w.recallLot = fmt.Sprintf("BENCH%03dS", run), fmt.Sprintf("BENCH-R%d", p.RecallUnits)
	w.logf("run %d: lot %s (%d units); recall lot %s (%d units)", run, w.stockLot, p.Stock, w.recallLot, p.RecallUnits)
	if _, err := ledger.Do(ctx, w.env.Inv, w.a.Manufacturer, ops.RegisterLot, model.Lot{
		DI: demo.DrugProduct, Lot: w.stockLot, Expiry: model.DateOf(time.Now().AddDate(2, 0, 0)), Quantity: p.Stock}); err != nil {
		return nil, fmt.Errorf("bench: lot %s: %w", w.stockLot, err)
	}
	w.stock = make([]string, p.Stock)
	for i := range w.stock {
		w.stock[i] = demo.DrugCode(w.serial(i + 1))
	}
	w.batch = batchOf(env)
	return w, nil
}

// freeRun is run when given, or the first number from a clock-chosen start whose stock lot
// is not on the ledger.
func (w *world) freeRun(ctx context.Context, run int) (int, error) {
	if run != 0 {
		if run < minRun || run > maxRun {
			return 0, fmt.Errorf("bench: run %d is outside %d to %d", run, minRun, maxRun)
		}
		return run, nil
	}
	span := maxRun - minRun + 1
	first := int(time.Now().Unix() % int64(span))
	for i := range span {
		r := minRun + (first+i)%span
		_, err := ledger.Do(ctx, w.env.Inv, w.a.Manufacturer, ops.GetLot, model.LotQuery{DI: demo.DrugProduct, Lot: fmt.Sprintf("BENCH%03dS", r)})
		switch {
		case ledger.CodeOf(err) == model.CodeNotFound:
			return r, nil
		case err != nil:
			return 0, fmt.Errorf("bench: look for a free run: %w", err)
		}
	}
	return 0, errNoRun
}

// commission commissions codes into lot, MaxCommission a transaction, one after the other,
// with event IDs prefix-<first code's index>, and returns how long each transaction took. A
// transaction an earlier, interrupted run recorded is answered as a replay.
func (w *world) commission(ctx context.Context, prefix, lot string, codes []string) ([]time.Duration, error) {
	var took []time.Duration
	for i := 0; i < len(codes); i += model.MaxCommission {
		part := codes[i:min(i+model.MaxCommission, len(codes))]
		t0 := time.Now()
		if _, err := ledger.Do(ctx, w.env.Inv, w.a.Manufacturer, ops.Commission, model.CommissionRequest{
			EventHeader: model.EventHeader{EventID: fmt.Sprintf("%s-%d", prefix, i)}, DI: demo.DrugProduct, Lot: lot, Codes: part}); err != nil {
			return took, fmt.Errorf("commission %d codes into %s: %w", len(part), lot, err)
		}
		took = append(took, time.Since(t0))
	}
	return took, nil
}

// scans inspects the stock round robin, one scan a transaction.
func (w *world) scans(ctx context.Context, clients int, d time.Duration) Load {
	base := w.nextSeq()
	return drive(ctx, clients, d, 0, func(ctx context.Context, seq int) error {
		n := base + seq
		_, err := ledger.Run(ctx, w.env.Inv, w.a.Manufacturer, ops.Inspect, model.InspectRequest{
			EventHeader: model.EventHeader{EventID: w.eventID("scan", n)}, Code: w.stock[n%len(w.stock)]})
		return err
	})
}

// trivial makes blind writes on the reference chaincode, one a transaction.
func (w *world) trivial(ctx context.Context, clients int, d time.Duration) Load {
	base := w.nextSeq()
	return drive(ctx, clients, d, 0, func(ctx context.Context, seq int) error {
		n := base + seq
		return w.ref(ctx, w.a.Manufacturer, w.eventID("ref", n), w.stock[n%len(w.stock)])
	})
}

// batches inspects the stock p.Batch scans a transaction.
func (w *world) batches(ctx context.Context, clients int, d time.Duration) Load {
	base := w.nextSeq()
	return drive(ctx, clients, d, 0, func(ctx context.Context, seq int) error {
		n := base + seq
		codes, ids := make([]string, w.p.Batch), make([]string, w.p.Batch)
		for i := range codes {
			codes[i] = w.stock[(n*w.p.Batch+i)%len(w.stock)]
			ids[i] = w.eventID("batch", n*w.p.Batch+i)
		}
		return w.batch(ctx, w.a.Manufacturer, ids, codes)
	})
}

// nextSeq reserves a block of sequence numbers for one load, far more than it can use, so
// the event IDs of a run never repeat.
func (w *world) nextSeq() int {
	w.seqs += 10000000
	return w.seqs
}

// palletise packs the stock 100 units to a case onto one pallet, then times the pallet's
// shipment to the distributor and its receipt there.
func (w *world) palletise(ctx context.Context) (ship, receive time.Duration, err error) {
	mfr := w.a.Manufacturer
	n := len(w.stock) / 100
	w.cases = make([]string, n)
	for i := range w.cases {
		w.cases[i] = demo.DrugCaseCode(w.serial(caseSerial + i + 1))
	}
	l := drive(ctx, 8, time.Hour, n, func(ctx context.Context, seq int) error {
		i := seq - 1
		_, err := ledger.Do(ctx, w.env.Inv, mfr, ops.Pack, model.PackRequest{EventHeader: model.EventHeader{EventID: w.eventID("case", i)},
			Parent: w.cases[i], Children: w.stock[i*100 : (i+1)*100]})
		return err
	})
	if err := failed("pack cases", l); err != nil {
		return 0, 0, err
	}
	w.pallet = demo.SSCC(w.serial(palletSerial))
	if _, err := ledger.Do(ctx, w.env.Inv, mfr, ops.Pack, model.PackRequest{EventHeader: model.EventHeader{EventID: w.eventID("pallet", 0)},
		Parent: w.pallet, Children: w.cases}); err != nil {
		return 0, 0, fmt.Errorf("pack the pallet: %w", err)
	}
	t0 := time.Now()
	if _, err := ledger.Do(ctx, w.env.Inv, mfr, ops.Ship, model.ShipRequest{EventHeader: model.EventHeader{EventID: w.eventID("ship", 0)},
		To: w.a.Distributor.MSPID, Codes: []string{w.pallet}}); err != nil {
		return 0, 0, fmt.Errorf("ship the pallet: %w", err)
	}
	ship = time.Since(t0)
	t0 = time.Now()
	if _, err := ledger.Do(ctx, w.env.Inv, w.a.Distributor, ops.Receive, model.ReceiveRequest{EventHeader: model.EventHeader{EventID: w.eventID("receive", 0)},
		Codes: []string{w.pallet}}); err != nil {
		return 0, 0, fmt.Errorf("receive the pallet: %w", err)
	}
	return ship, time.Since(t0), nil
}

// provenance reads the provenance of the pallet's units as the regulator, round robin.
func (w *world) provenance(ctx context.Context, clients int, d time.Duration) (Load, int, error) {
	first, err := ledger.Do(ctx, w.env.Inv, w.a.Regulator, ops.Provenance, model.CodeQuery{Code: w.stock[0]})
	if err != nil {
		return Load{}, 0, fmt.Errorf("provenance of %s: %w", w.stock[0], err)
	}
	l := drive(ctx, clients, d, 0, func(ctx context.Context, seq int) error {
		_, err := ledger.Run(ctx, w.env.Inv, w.a.Regulator, ops.Provenance, model.CodeQuery{Code: w.stock[(seq*7919)%len(w.stock)]})
		return err
	})
	return l, len(first.Value.Events), nil
}

// recallFixture is the ledger's started recall of its recall lot, made now unless an
// earlier run made it: the lot registered, its units commissioned (each transaction replayed
// if an interrupted run recorded it), the recall started. made says whether this run made it.
func (w *world) recallFixture(ctx context.Context) (id string, made bool, err error) {
	id = fmt.Sprintf("bench-recall-%d", w.p.RecallUnits)
	r, err := ledger.Do(ctx, w.env.Inv, w.a.Regulator, ops.GetRecall, model.RecallQuery{RecallID: id})
	switch {
	case err == nil && r.Value.Current() == model.RecallStarted:
		return id, false, nil
	case err == nil:
		return "", false, fmt.Errorf("recall %s is %s: the recall lot can only be measured on a ledger where it is started", id, r.Value.Current())
	case ledger.CodeOf(err) != model.CodeNotFound:
		return "", false, err
	}
	_, err = ledger.Do(ctx, w.env.Inv, w.a.Manufacturer, ops.RegisterLot, model.Lot{
		DI: demo.DrugProduct, Lot: w.recallLot, Expiry: model.DateOf(time.Now().AddDate(5, 0, 0)), Quantity: w.p.RecallUnits})
	if err != nil && ledger.CodeOf(err) != model.CodeConflict {
		return "", false, fmt.Errorf("register lot %s: %w", w.recallLot, err)
	}
	codes := make([]string, w.p.RecallUnits)
	for i := range codes {
		codes[i] = demo.DrugCode(fixtureRun*1000000 + i + 1)
	}
	if _, err := w.commission(ctx, id+"-commission", w.recallLot, codes); err != nil {
		return "", false, err
	}
	if _, err := ledger.Do(ctx, w.env.Inv, w.a.Regulator, ops.StartRecall, model.RecallRequest{ID: id, Class: model.RecallClassII, Depth: model.DepthRetail,
		Reason: "benchmark: the scope of a lot this size", Scope: model.RecallScope{Type: model.ScopeLot, DI: demo.DrugProduct, Lot: w.recallLot}}); err != nil {
		return "", false, fmt.Errorf("start the recall: %w", err)
	}
	return id, true, nil
}

// scope reads the scope of recall id n times.
func (w *world) scope(ctx context.Context, id string, n int) ([]time.Duration, int, error) {
	var times []time.Duration
	total := 0
	for range n {
		t0 := time.Now()
		st, err := ledger.Do(ctx, w.env.Inv, w.a.Regulator, ops.RecallScope, model.ScopeQuery{RecallID: id})
		if err != nil {
			return nil, 0, fmt.Errorf("recall scope: %w", err)
		}
		times = append(times, time.Since(t0))
		total = st.Value.Counts.Total
	}
	return times, total, nil
}
