package api

import (
	"net/url"
	"testing"

	"github.com/udiledger/udiledger/chaincode/model"
)

// TestLotLevelStockByHolderOverHTTP lists a party's lot-level stock through
// GET /v1/holders/{mspId}/stock as it ships and receives.
func TestLotLevelStockByHolderOverHTTP(t *testing.T) {
	w := newWorld(t)
	w.seed()
	w.commission("urn:uuid:ls-commission", 1, 1)
	lotCode := "(01)" + deviceDI + "(10)L1"
	w.must(201, nil, mfr, "POST", "/v1/events/commission", map[string]any{"eventId": "urn:uuid:ls-q", "di": deviceDI, "lot": "L1", "quantity": 10})
	w.must(201, nil, mfr, "POST", "/v1/events/ship", map[string]any{"to": dst, "quantities": []map[string]any{{"code": lotCode, "quantity": 4}}})
	line := func(s model.LotStock) string { return string(s.State) + " " + s.Counterparty }

	t.Run("the sender's lines come a page at a time", func(t *testing.T) {
		var first, second model.LotStockPage
		w.must(200, &first, mfr, "GET", "/v1/holders/"+mfr+"/stock?pageSize=1", nil)
		w.must(200, &second, mfr, "GET", "/v1/holders/"+mfr+"/stock?pageSize=1&bookmark="+url.QueryEscape(first.Bookmark), nil)
		if len(first.Stock) != 1 || len(second.Stock) != 1 || first.Holder != mfr {
			t.Fatalf("pages %+v %+v", first, second)
		}
		got := map[string]int{line(first.Stock[0]): first.Stock[0].Quantity, line(second.Stock[0]): second.Stock[0].Quantity}
		if got["in_stock "] != 6 || got["in_transit_out "+dst] != 4 || first.Stock[0].DI != deviceDI || first.Stock[0].Lot != "L1" {
			t.Fatalf("lines %v", got)
		}
	})
	t.Run("the receiver sees it on its way, then in stock", func(t *testing.T) {
		var p model.LotStockPage
		w.must(200, &p, dst, "GET", "/v1/holders/"+dst+"/stock", nil)
		if len(p.Stock) != 1 || line(p.Stock[0]) != "in_transit_in "+mfr || p.Stock[0].Quantity != 4 {
			t.Fatalf("page %+v", p)
		}
		w.must(201, nil, dst, "POST", "/v1/events/receive", map[string]any{"quantities": []map[string]any{{"code": lotCode, "quantity": 4, "from": mfr}}})
		var after model.LotStockPage
		w.must(200, &after, reg, "GET", "/v1/holders/"+dst+"/stock", nil)
		if len(after.Stock) != 1 || line(after.Stock[0]) != "in_stock " || after.Stock[0].Quantity != 4 {
			t.Fatalf("page %+v", after)
		}
	})
	t.Run("another party's stock is forbidden", func(t *testing.T) {
		w.must(403, nil, hsp, "GET", "/v1/holders/"+dst+"/stock", nil)
	})
}
