package contract

import (
	"fmt"
	"maps"
	"testing"

	"github.com/udiledger/udiledger/chaincode/model"
)

// lotStock reads all of msp's lot-level stock as reader, one line "state counterparty" per
// quantity, asking pageSize lines at a time.
func (e *env) lotStock(t testing.TB, reader, msp string, pageSize int) map[string]int {
	t.Helper()
	out := map[string]int{}
	bookmark := ""
	for range 20 {
		var p model.LotStockPage
		e.mustEval(&p, reader, "query:StockByHolder", msp, fmt.Sprint(pageSize), bookmark)
		// Scanned counts index entries: one left behind by a record gone would show.
		if p.Holder != msp || p.Count != len(p.Stock) || p.Scanned != p.Count {
			t.Fatalf("page %+v", p)
		}
		for _, s := range p.Stock {
			if s.DI != deviceDI || s.Lot != "Q1" || s.Key == "" {
				t.Fatalf("line %+v", s)
			}
			out[string(s.State)+" "+s.Counterparty] = s.Quantity
		}
		if len(p.Stock) < pageSize || p.Bookmark == "" {
			return out
		}
		bookmark = p.Bookmark
	}
	t.Fatal("more than 20 pages")
	return nil
}

func TestLotLevelStockByHolder(t *testing.T) {
	e := newEnv(t)
	e.seed()
	e.commissionLotQ(100)
	want := func(t *testing.T, msp string, lines map[string]int) {
		t.Helper()
		for _, size := range []int{1, 0} {
			if got := e.lotStock(t, msp, msp, size); !maps.Equal(got, lines) {
				t.Fatalf("%s's stock (pages of %d) %v, want %v", msp, size, got, lines)
			}
		}
	}

	t.Run("commissioned quantities are the maker's stock", func(t *testing.T) {
		want(t, mfr, map[string]int{"in_stock ": 100})
		want(t, dst, map[string]int{})
	})
	e.must(nil, mfr, "unit:Ship", model.ShipRequest{EventHeader: hdr("s1"), To: dst, Quantities: q(40, "")})
	t.Run("a shipment is on its way out for the sender and in for the receiver", func(t *testing.T) {
		want(t, mfr, map[string]int{"in_stock ": 60, "in_transit_out " + dst: 40})
		want(t, dst, map[string]int{"in_transit_in " + mfr: 40})
	})
	e.must(nil, dst, "unit:Receive", model.ReceiveRequest{EventHeader: hdr("r1"), Quantities: q(40, mfr)})
	t.Run("the receipt ends the transit lines", func(t *testing.T) {
		want(t, mfr, map[string]int{"in_stock ": 60})
		want(t, dst, map[string]int{"in_stock ": 40})
	})
	e.must(nil, dst, "unit:Return", model.ReturnRequest{EventHeader: hdr("ret"), Quantities: q(30, ""), To: mfr, Reason: "overstock"})
	t.Run("a return is on its way back for both ends", func(t *testing.T) {
		want(t, dst, map[string]int{"in_stock ": 10, "returning_out " + mfr: 30})
		want(t, mfr, map[string]int{"in_stock ": 60, "returning_in " + dst: 30})
	})
	e.must(nil, mfr, "unit:Receive", model.ReceiveRequest{EventHeader: hdr("acc"), Quantities: q(30, dst)})
	e.must(nil, mfr, "unit:Destroy", model.DisposeRequest{EventHeader: hdr("d1"), Quantities: q(20, ""), FromReturned: true, Reason: "damaged"})
	e.must(nil, dst, "unit:Decommission", model.DisposeRequest{EventHeader: hdr("dc"), Quantities: q(10, ""), Reason: "sample"})
	t.Run("returned, destroyed and decommissioned quantities are the holder's tallies", func(t *testing.T) {
		want(t, mfr, map[string]int{"in_stock ": 60, "returned ": 10, "destroyed ": 20})
		want(t, dst, map[string]int{"decommissioned ": 10})
	})
	e.must(nil, mfr, "unit:Destroy", model.DisposeRequest{EventHeader: hdr("d2"), Quantities: q(10, ""), FromReturned: true, Reason: "damaged"})
	t.Run("a record at zero leaves the index", func(t *testing.T) {
		want(t, mfr, map[string]int{"in_stock ": 60, "destroyed ": 30})
	})
	t.Run("every line of query:Stock is in its holder's list", func(t *testing.T) {
		var sv model.StockView
		e.mustEval(&sv, reg, "query:Stock", lotQ)
		n := 0
		for _, l := range [][]model.Stock{sv.InStock, sv.InTransit, sv.Returning, sv.Returned, sv.Destroyed, sv.Decommissioned} {
			n += len(l)
		}
		if got := len(e.lotStock(t, reg, mfr, 0)) + len(e.lotStock(t, reg, dst, 0)); got != n {
			t.Fatalf("%d index lines, %d stock records %+v", got, n, sv)
		}
	})
}

func TestLotLevelStockIsTheHoldersAndTheRegulators(t *testing.T) {
	e := newEnv(t)
	e.seed()
	e.commissionLotQ(5)
	tests := []struct {
		name   string
		reader string
		want   model.Code
	}{
		{"the holder reads its own", mfr, ""},
		{"a regulator reads anyone's", reg, ""},
		{"a customer may not", dst, model.CodeForbidden},
		{"nor a hospital", hsp, model.CodeForbidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var p model.LotStockPage
			err := e.eval(&p, tt.reader, "query:StockByHolder", mfr, "0", "")
			if tt.want != "" {
				wantCode(t, err, tt.want)
				return
			}
			if err != nil || len(p.Stock) != 1 || p.Stock[0].Quantity != 5 || p.Stock[0].State != model.StockInStock {
				t.Fatalf("%+v, %v", p, err)
			}
		})
	}
	t.Run("another holder's bookmark is refused", func(t *testing.T) {
		e.must(nil, mfr, "unit:Ship", model.ShipRequest{EventHeader: hdr("s1"), To: dst, Quantities: q(2, "")})
		var p model.LotStockPage
		e.mustEval(&p, mfr, "query:StockByHolder", mfr, "1", "")
		err := e.eval(nil, dst, "query:StockByHolder", dst, "1", p.Bookmark)
		wantCode(t, err, model.CodeInvalid)
	})
}
