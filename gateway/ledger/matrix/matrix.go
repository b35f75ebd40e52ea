// Package matrix is the authorisation matrix of ADR 012 as a check any backend runs: every
// operation of the catalogue (package ops), as every organisation, allowed or refused as the
// ADR says. The chaincode's tests run it on the embedded engine and the integration suite on
// the real Fabric network, so the two backends are held to one table.
package matrix

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/udiledger/udiledger/chaincode/model"
	"github.com/udiledger/udiledger/chaincode/ops"
	"github.com/udiledger/udiledger/chaincode/orgs"
	"github.com/udiledger/udiledger/gateway/ledger"
)

// World is a ledger whose five organisations (package orgs) are registered, with one identity
// per organisation acting in its role, and a device product of the manufacturer.
type World struct {
	Ledger     ledger.Client
	Identities map[string]*ledger.Identity // by MSP ID
	DI         string                      // a registered device product of the manufacturer
	// Run makes this run's lot, serials and event IDs its own, so the check can run on a
	// ledger that already holds other data: at most 8 letters and digits.
	Run string
}

// Organisations, by MSP ID.
const (
	mfr = orgs.Manufacturer
	dst = orgs.Distributor
	plt = orgs.Platform
	hsp = orgs.Hospital
	reg = orgs.Regulator
)

// Check runs the whole matrix: the fixtures, then every write and every read as every
// organisation.
func Check(t *testing.T, w World) {
	t.Helper()
	f := setUp(t, w)
	t.Run("writes", func(t *testing.T) { checkWrites(t, w, f) })
	t.Run("reads", func(t *testing.T) { checkReads(t, w, f) })
}

// fixture is what setUp recorded: a lot of two units, u1 shipped to and received by the
// distributor and reported by the platform, u2 dispensed by the hospital, and a recall of the
// lot.
type fixture struct {
	lot            string
	u1, u2         string
	commission     string // event IDs
	ship, dispense string
	alert          string
	caseID         string // the case the alert opened
	recall         string
	since          string // the commissioning's record time
}

func setUp(t *testing.T, w World) fixture {
	t.Helper()
	r := w.Run
	f := fixture{lot: "M" + r, u1: unitCode(w.DI, r, 1), u2: unitCode(w.DI, r, 2),
		commission: r + "-c", ship: r + "-s1", dispense: r + "-d", recall: r + "-rc"}
	c := &ledger.Caller{Client: w.Ledger}
	ctx := context.Background()
	h := func(id string) model.EventHeader { return model.EventHeader{EventID: id} }
	must := func(msp string, op ops.Descriptor, req any) any {
		t.Helper()
		a, err := ledger.Run(ctx, c, w.Identities[msp], op, req)
		if err != nil {
			t.Fatalf("fixture: %s as %s: %v", op.Name(), msp, err)
		}
		v, err := a.Value()
		if err != nil {
			t.Fatalf("fixture: %s: %v", op.Name(), err)
		}
		return v
	}
	must(mfr, ops.RegisterLot, model.Lot{DI: w.DI, Lot: f.lot, Expiry: model.DateOf(time.Now().AddDate(1, 0, 0)), Quantity: 10})
	res := must(mfr, ops.Commission, model.CommissionRequest{EventHeader: h(f.commission), DI: w.DI, Lot: f.lot, Codes: []string{f.u1, f.u2}}).(*model.EventResult)
	f.since = res.EventTime
	must(mfr, ops.Ship, model.ShipRequest{EventHeader: h(f.ship), To: dst, Codes: []string{f.u1}})
	must(dst, ops.Receive, model.ReceiveRequest{EventHeader: h(r + "-r1"), Codes: []string{f.u1}})
	ins := must(plt, ops.Inspect, model.InspectRequest{EventHeader: h(r + "-i"), Code: f.u1}).(*model.InspectResult)
	f.alert = ins.AlertID
	if f.alert == "" {
		t.Fatalf("fixture: the platform's scan of the distributor's unit raised no alert")
	}
	f.caseID = caseOf(t, must(reg, ops.ListCases, model.CaseListQuery{PageQuery: model.PageQuery{PageSize: model.MaxPageSize}}).(*model.CasePage), plt, f.alert)
	must(mfr, ops.Ship, model.ShipRequest{EventHeader: h(r + "-s2"), To: hsp, Codes: []string{f.u2}})
	must(hsp, ops.Receive, model.ReceiveRequest{EventHeader: h(r + "-r2"), Codes: []string{f.u2}})
	must(hsp, ops.Dispense, model.DispenseInput{DispenseRequest: model.DispenseRequest{EventHeader: h(f.dispense), Codes: []string{f.u2}},
		DispensePrivate: model.DispensePrivate{PatientRef: "patient-" + r}})
	must(mfr, ops.StartRecall, model.RecallRequest{ID: f.recall, Class: model.RecallClassII, Depth: model.DepthRetail,
		Reason: "authorisation matrix", Scope: model.RecallScope{Type: model.ScopeLot, DI: w.DI, Lot: f.lot}})
	return f
}

// caseOf is the ID of the case of the alert reporter raised with event alert.
func caseOf(t *testing.T, p *model.CasePage, reporter, alert string) string {
	t.Helper()
	for _, c := range p.Cases {
		for _, l := range c.Alerts {
			if l.Party == reporter && l.EventID == alert {
				return c.ID
			}
		}
	}
	t.Fatalf("fixture: alert %s of %s opened no case", alert, reporter)
	return ""
}

// unitCode is a GS1 element string of one of the run's units.
func unitCode(di, run string, n int) string { return fmt.Sprintf("(01)%s(21)%s%d", di, run, n) }

// refusedForRole reports whether err is the chaincode refusing the caller's role.
func refusedForRole(err error) bool {
	return ledger.CodeOf(err) == model.CodeForbidden &&
		(strings.Contains(err.Error(), ": needs role") || strings.Contains(err.Error(), "role="))
}

// roleOf is each organisation's role.
func roleOf(msp string) model.Role {
	for _, o := range orgs.All() {
		if o.MSPID == msp {
			return o.Role
		}
	}
	return ""
}

// evaluate simulates op with req as msp: for a write, the chaincode runs every check and the
// state stays as it is.
func evaluate(w World, msp string, op ops.Descriptor, req any) ([]byte, error) {
	call, err := op.EncodeAny(req)
	if err != nil {
		return nil, err
	}
	return w.Ledger.Evaluate(context.Background(), ledger.Proposal{Identity: w.Identities[msp],
		Function: call.Function, Args: call.Args, Transient: call.Transient})
}

// each runs f for every organisation, in a stable order.
func each(f func(msp string)) {
	for _, o := range orgs.All() {
		f(o.MSPID)
	}
}

// missing fails for operations of kind k the table has no row for.
func missing[V any](t *testing.T, k ops.Kind, rows map[string]V) {
	t.Helper()
	for _, op := range ops.All {
		if _, ok := rows[op.Name()]; op.Kind() == k && !ok {
			t.Errorf("%s has no row in the authorisation matrix", op.Name())
		}
	}
	for name := range rows {
		if op, ok := ops.ByName(name); !ok || op.Kind() != k {
			t.Errorf("the matrix has a %s row for %s, which is no such operation", k, name)
		}
	}
}

// contains reports whether xs has an element for which is holds.
func contains[E any](xs []E, is func(E) bool) bool { return slices.IndexFunc(xs, is) >= 0 }
