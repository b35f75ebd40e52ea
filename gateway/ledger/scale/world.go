// Package scale builds a ledger of many units that went through a realistic chain
// (commissioning in lots, packing into cases and pallets, a hand-over from the manufacturer to
// a distributor) and measures, at that size, the reads that must stay fast: a unit's
// provenance and a lot recall's scope, with the process's memory. It runs on any
// ledger.Invoker: the embedded engine's scale benchmark and `udi bench` use it.
package scale

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/udiledger/udiledger/chaincode/model"
	"github.com/udiledger/udiledger/chaincode/ops"
	"github.com/udiledger/udiledger/chaincode/orgs"
	"github.com/udiledger/udiledger/gateway/ledger"
	"github.com/udiledger/udiledger/gateway/ledger/devledger"
)

// Size is the shape of a world.
type Size struct {
	Units       int    // units, rounded up to whole cases
	LotUnits    int    // units per lot; default 100,000
	CaseUnits   int    // units per case; default 100
	PalletCases int    // cases per pallet; default 10
	Workers     int    // concurrent submitters; default 8
	Run         string // tag that makes this world's lots, codes and event IDs its own; default "w"
}

func (s Size) withDefaults() Size {
	if s.LotUnits <= 0 {
		s.LotUnits = 100000
	}
	if s.CaseUnits <= 0 {
		s.CaseUnits = 100
	}
	if s.PalletCases <= 0 {
		s.PalletCases = 10
	}
	if s.Workers <= 0 {
		s.Workers = 8
	}
	if s.Run == "" {
		s.Run = "w"
	}
	cases := (s.Units + s.CaseUnits - 1) / s.CaseUnits
	s.Units = cases * s.CaseUnits
	return s
}

// Actors are the identities that build and read the world: each one's certificate carries
// its organisation's role (orgs.All).
type Actors struct {
	Manufacturer, Distributor, Regulator *ledger.Identity
}

// World is a generated world: where its units are and what making it took.
type World struct {
	Size         Size
	DI           string // the product's GTIN-14
	Lots         []string
	Cases        int
	Pallets      int
	Transactions int           // submitted to build it
	UnitEvents   int           // events in the units' provenance, all units summed
	Took         time.Duration // generation time
}

// Unit is the code of unit i (0 ≤ i < Size.Units).
func (w *World) Unit(i int) string { return unitCode(w.DI, w.Size.Run, i) }

// LotOf is the lot of unit i.
func (w *World) LotOf(i int) string { return w.Lots[i/w.Size.LotUnits] }

// Product is the device every world is made of, under the manufacturer's first GS1 company
// prefix.
var (
	productDI = gtin14("0" + companyPrefix() + "99001")
	caseDI    = gtin14("1" + companyPrefix() + "99001")
)

func companyPrefix() string {
	o, _ := orgs.Find(orgs.Manufacturer)
	return o.CompanyPrefixes[0]
}

// Serial numbers are sequential and zero-padded, as many manufacturers print them: one
// commissioning event's codes are adjacent keys.
func unitCode(di, run string, i int) string {
	return fmt.Sprintf("(01)%s(21)%sU%09d", di, run, i)
}

func caseCode(run string, i int) string {
	return fmt.Sprintf("(01)%s(21)%sC%07d", caseDI, run, i)
}

// palletCode is an SSCC: extension digit 0, the company prefix, a serial reference that
// numbers pallets within a run (runs told apart by a hash of the run tag), a check digit.
func palletCode(run string, i int) string {
	h := 0
	for _, c := range run {
		h = (h*31 + int(c)) % 1000
	}
	ref := fmt.Sprintf("%03d%0*d", h, 17-1-len(companyPrefix())-3, i)
	return "(00)" + checkDigit("0"+companyPrefix()+ref)
}

func gtin14(base13 string) string { return checkDigit(base13) }

// checkDigit appends the GS1 mod-10 check digit: weights 3 and 1 alternate from the right.
func checkDigit(base string) string {
	sum := 0
	for i := 0; i < len(base); i++ {
		d := int(base[len(base)-1-i] - '0')
		if i%2 == 0 {
			d *= 3
		}
		sum += d
	}
	return base + strconv.Itoa((10-sum%10)%10)
}

// Generate builds a world on inv: it registers the organisations when the ledger is new and
// the product when missing, then, lot by lot, commissions the units (10,000 codes per
// event), packs them into cases and the cases onto pallets, ships the pallets to the
// distributor, which receives them. Each step runs on size.Workers submitters; a transaction
// invalidated by a read conflict is submitted again with its event ID.
func Generate(ctx context.Context, inv ledger.Invoker, a Actors, size Size) (*World, error) {
	start := time.Now()
	s := size.withDefaults()
	if s.Units <= 0 {
		return nil, errors.New("scale: a world needs units")
	}
	w := &World{Size: s, DI: productDI}
	g := &generator{ctx: ctx, inv: inv, a: a, w: w}
	if err := g.setup(); err != nil {
		return nil, err
	}
	lots := (s.Units + s.LotUnits - 1) / s.LotUnits
	for l := 0; l < lots; l++ {
		w.Lots = append(w.Lots, s.Run+"L"+strconv.Itoa(l))
	}
	w.Cases = s.Units / s.CaseUnits
	w.Pallets = (w.Cases + s.PalletCases - 1) / s.PalletCases
	expiry := model.DateOf(time.Now().UTC().AddDate(2, 0, 0))
	if err := g.each(lots, func(l int) error {
		n := min(s.LotUnits, s.Units-l*s.LotUnits)
		return g.do(a.Manufacturer, ops.RegisterLot, model.Lot{DI: w.DI, Lot: w.Lots[l], Expiry: expiry, Quantity: n})
	}); err != nil {
		return nil, err
	}
	batches := (lots-1)*batchesPerLot(s) + (s.Units-(lots-1)*s.LotUnits+model.MaxCommission-1)/model.MaxCommission
	// One commissioning at a time, as one packaging line works: commissionings in one block
	// would insert their 10,000 keys each into the same bbolt nodes, which split only at commit.
	if err := g.eachOn(1, batches, g.commission); err != nil {
		return nil, err
	}
	if err := g.each(w.Cases, g.packCase); err != nil {
		return nil, err
	}
	if err := g.each(w.Pallets, g.packPallet); err != nil {
		return nil, err
	}
	if err := g.each(w.Pallets, g.hand(a.Manufacturer, orgs.Distributor, "S")); err != nil {
		return nil, err
	}
	if err := g.each(w.Pallets, g.hand(a.Distributor, "", "R")); err != nil {
		return nil, err
	}
	w.Transactions = int(g.txs.Load())
	w.UnitEvents = 5 * s.Units // commissioning, case, pallet, shipping, receiving
	w.Took = time.Since(start)
	return w, nil
}

type generator struct {
	ctx context.Context
	inv ledger.Invoker
	a   Actors
	w   *World
	txs atomic.Int64
}

// do submits one write, again while it meets read conflicts.
func (g *generator) do(id *ledger.Identity, op ops.Descriptor, req any) error {
	for attempt := 0; ; attempt++ {
		_, err := ledger.Run(g.ctx, g.inv, id, op, req)
		if err == nil {
			g.txs.Add(1)
			return nil
		}
		if !ledger.Retryable(err) || attempt == 10 {
			return fmt.Errorf("scale: %s: %w", op.Name(), err)
		}
	}
}

// each runs step(0 … n-1) on the world's workers and returns the first error.
func (g *generator) each(n int, step func(i int) error) error {
	return g.eachOn(g.w.Size.Workers, n, step)
}

// eachOn is each on a given number of workers.
func (g *generator) eachOn(workers, n int, step func(i int) error) error {
	ctx, cancel := context.WithCancelCause(g.ctx)
	defer cancel(nil)
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(workers, n) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				if err := step(i); err != nil {
					cancel(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	if err := context.Cause(ctx); err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	return g.ctx.Err()
}

func (g *generator) header(kind string, i int) model.EventHeader {
	return model.EventHeader{EventID: g.w.Size.Run + "-" + kind + strconv.Itoa(i)}
}

// commission commissions batch i: up to 10,000 codes of one lot.
func (g *generator) commission(i int) error {
	s := g.w.Size
	lot, k := i/batchesPerLot(s), i%batchesPerLot(s)
	from := lot*s.LotUnits + k*model.MaxCommission
	end := min(from+model.MaxCommission, (lot+1)*s.LotUnits, s.Units)
	codes := make([]string, 0, end-from)
	for u := from; u < end; u++ {
		codes = append(codes, g.w.Unit(u))
	}
	return g.do(g.a.Manufacturer, ops.Commission, model.CommissionRequest{EventHeader: g.header("c", i),
		DI: g.w.DI, Lot: g.w.Lots[lot], Codes: codes})
}

// batchesPerLot is how many commissioning events a lot takes; a batch never spans two lots.
func batchesPerLot(s Size) int { return (s.LotUnits + model.MaxCommission - 1) / model.MaxCommission }

func (g *generator) packCase(c int) error {
	s := g.w.Size
	codes := make([]string, 0, s.CaseUnits)
	for u := c * s.CaseUnits; u < (c+1)*s.CaseUnits; u++ {
		codes = append(codes, g.w.Unit(u))
	}
	return g.do(g.a.Manufacturer, ops.Pack, model.PackRequest{EventHeader: g.header("k", c), Parent: caseCode(s.Run, c), Children: codes})
}

func (g *generator) packPallet(p int) error {
	s := g.w.Size
	var cases []string
	for c := p * s.PalletCases; c < min((p+1)*s.PalletCases, g.w.Cases); c++ {
		cases = append(cases, caseCode(s.Run, c))
	}
	return g.do(g.a.Manufacturer, ops.Pack, model.PackRequest{EventHeader: g.header("p", p), Parent: palletCode(s.Run, p), Children: cases})
}

// hand ships pallets to `to`, or, with to empty, receives them.
func (g *generator) hand(id *ledger.Identity, to, kind string) func(p int) error {
	return func(p int) error {
		codes := []string{palletCode(g.w.Size.Run, p)}
		if to == "" {
			return g.do(id, ops.Receive, model.ReceiveRequest{EventHeader: g.header(kind, p), Codes: codes})
		}
		return g.do(id, ops.Ship, model.ShipRequest{EventHeader: g.header(kind, p), To: to, Codes: codes})
	}
}

// setup registers the organisations on a new ledger and the product when missing.
func (g *generator) setup() error {
	_, err := ledger.Run(g.ctx, g.inv, g.a.Regulator, ops.GetParty, model.PartyQuery{MSPID: orgs.Regulator})
	switch {
	case ledger.CodeOf(err) == model.CodeNotFound:
		if err := devledger.RegisterParties(g.ctx, g.inv, g.a.Regulator, "SCALE"); err != nil {
			return fmt.Errorf("scale: %w", err)
		}
	case err != nil:
		return fmt.Errorf("scale: read the regulator: %w", err)
	}
	_, err = ledger.Run(g.ctx, g.inv, g.a.Manufacturer, ops.GetProduct, model.ProductQuery{DI: g.w.DI})
	switch {
	case ledger.CodeOf(err) == model.CodeNotFound:
		return g.do(g.a.Manufacturer, ops.RegisterProduct, model.Product{DI: g.w.DI, Name: "Scale test infusion set",
			Model: "ST-1", Kind: model.KindDevice, RegistrationNumber: "SCALE-0001"})
	case err != nil:
		return fmt.Errorf("scale: read the product: %w", err)
	}
	return nil
}
