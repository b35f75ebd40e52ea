// Package scenario holds checks of the ledger's rules that any backend runs: the chaincode's
// tests run them on the embedded engine and the integration suite on the real Fabric network,
// so the two backends are held to one story.
package scenario

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/udiledger/udiledger/chaincode/model"
	"github.com/udiledger/udiledger/chaincode/ops"
	"github.com/udiledger/udiledger/chaincode/orgs"
	"github.com/udiledger/udiledger/gateway/ledger"
	"github.com/udiledger/udiledger/gateway/ledger/matrix"
)

const (
	mfr = orgs.Manufacturer
	dst = orgs.Distributor
	reg = orgs.Regulator
)

// Returns runs a recall of a lot traced both as serialized units and as a quantity (ADR 031):
// the distributor returns a unit and part of the quantity under the recall, the firm's
// receipts confirm them, the firm re-works the unit and destroys the returned quantity, the
// distributor destroys the rest, and the recall reaches 100 %. w.DI must be a GS1 product of
// the manufacturer; w.Run makes the lot, codes and IDs this run's own.
func Returns(t *testing.T, w matrix.World) {
	t.Helper()
	ctx := context.Background()
	c := &ledger.Caller{Client: w.Ledger}
	r := w.Run
	h := func(id string) model.EventHeader { return model.EventHeader{EventID: r + "-" + id} }
	run := func(msp string, op ops.Descriptor, req any) *ledger.Answer {
		t.Helper()
		a, err := ledger.Run(ctx, c, w.Identities[msp], op, req)
		if err != nil {
			t.Fatalf("%s as %s: %v", op.Name(), msp, err)
		}
		return a
	}
	value := func(a *ledger.Answer) any {
		t.Helper()
		v, err := a.Value()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	lot := "Q" + r
	lotCode := "(01)" + w.DI + "(10)" + lot
	unit := "(01)" + w.DI + "(21)Q" + r
	recall := r + "-rq"
	q := func(n int, from string) []model.QuantityElement {
		return []model.QuantityElement{{Code: lotCode, Quantity: n, From: from}}
	}

	run(mfr, ops.RegisterLot, model.Lot{DI: w.DI, Lot: lot, Expiry: model.DateOf(time.Now().AddDate(1, 0, 0)), Quantity: 100})
	run(mfr, ops.Commission, model.CommissionRequest{EventHeader: h("c1"), DI: w.DI, Lot: lot, Codes: []string{unit}})
	run(mfr, ops.Commission, model.CommissionRequest{EventHeader: h("c2"), DI: w.DI, Lot: lot, Quantity: 10})
	run(mfr, ops.Ship, model.ShipRequest{EventHeader: h("s"), To: dst, Codes: []string{unit}, Quantities: q(10, "")})
	run(dst, ops.Receive, model.ReceiveRequest{EventHeader: h("r"), Codes: []string{unit}, Quantities: q(10, mfr)})
	run(reg, ops.StartRecall, model.RecallRequest{ID: recall, Class: model.RecallClassII, Depth: model.DepthRetail, Reason: "scenario",
		Scope: model.RecallScope{Type: model.ScopeLot, DI: w.DI, Lot: lot}})

	run(dst, ops.Return, model.ReturnRequest{EventHeader: h("ret"), Codes: []string{unit}, Quantities: q(6, ""), RecallID: recall})
	rcpt := value(run(mfr, ops.Receive, model.ReceiveRequest{EventHeader: h("acc"), Codes: []string{unit}, Quantities: q(6, dst)})).(*model.EventResult)
	ev := value(run(mfr, ops.Event, model.EventIDQuery{EventID: rcpt.EventID})).(*model.Event)
	if ev.Disposition != model.DispositionReturned || ev.Detail == nil || !slices.Contains(strings.Split(ev.Detail.RecallID, ","), recall) {
		t.Fatalf("the firm's receipt %+v does not confirm returns under %s", ev, recall)
	}
	run(mfr, ops.Rework, model.ReworkRequest{EventHeader: h("rw"), Codes: []string{unit}, RecallID: recall, Reason: "relabelled"})
	run(mfr, ops.Destroy, model.DisposeRequest{EventHeader: h("d1"), Quantities: q(6, ""), FromReturned: true, RecallID: recall, Reason: "incinerated"})
	run(dst, ops.Destroy, model.DisposeRequest{EventHeader: h("d2"), Quantities: q(4, ""), RecallID: recall, Reason: "incinerated"})

	st := value(run(reg, ops.RecallScope, model.ScopeQuery{RecallID: recall})).(*model.RecallStatus)
	if st.Counts.Reworked != 1 || st.Quantities.Destroyed != 10 || st.Quantities.Total != 10 || st.Required != 11 || st.Done != 11 || st.Progress != 1 {
		t.Fatalf("scope: counts %+v quantities %+v, %d of %d", st.Counts, st.Quantities, st.Done, st.Required)
	}
	v := value(run(mfr, ops.Verify, model.CodeQuery{Code: unit})).(*model.Verification)
	if !v.Sellable {
		t.Fatalf("the re-worked unit: %+v", v)
	}
}
