package console

import (
	"fmt"
	"net/http"
	"sort"

	"github.com/gin-gonic/gin"

	"github.com/udiledger/udiledger/chaincode/model"
	"github.com/udiledger/udiledger/chaincode/ops"
	"github.com/udiledger/udiledger/gateway/ledger"
)

// stockView is a holder's serialized stock, by lot and status, and its lot-level stock
// (quantities without serials), by lot and state.
type stockView struct {
	Holder  string
	Holders []link // the regulator may look at any holder's
	Rows    []stockRow
	Total   int
	Lots    []lotStockRow
}

type lotStockRow struct {
	Product, DI, Lot, State, Counterparty string
	Quantity                              int
}

type stockRow struct {
	Product, DI, Lot, Status string
	Units, InContainers      int
}

type stockKey struct {
	di, lot string
	status  model.Status
}

// stock shows what the user's organisation holds (a regulator: ?holder's), units counted by
// product, lot and status, containers opened to their contents.
func (s *console) stock(c *gin.Context) {
	u := userOf(c)
	p, dir := s.newPage(c, "stockTitle")
	holder := u.principal.Identity.MSPID
	if h := c.Query("holder"); h != "" {
		holder = h
	}
	counts := map[stockKey]*stockRow{}
	bookmark := ""
	for range maxListPages {
		r, err := ledger.Do(c, s.ledger, u.principal.Identity, ops.UnitsByHolder, model.HolderQuery{MSPID: holder,
			PageQuery: model.PageQuery{PageSize: model.MaxPageSize, Bookmark: bookmark}})
		if err != nil {
			s.failed(c, p, err)
			return
		}
		for _, h := range r.Value.Holdings {
			if !h.Container {
				addStock(counts, stockKey{h.DI, h.Lot, h.Status}, 1, false)
				continue
			}
			for _, lc := range h.Contents {
				addStock(counts, stockKey{lc.DI, lc.Lot, h.Status}, lc.Count, true)
			}
		}
		if bookmark = r.Value.Bookmark; bookmark == "" || len(r.Value.Holdings) == 0 {
			break
		}
	}
	lots, err := s.lotStock(c, u, holder)
	if err != nil {
		s.failed(c, p, err)
		return
	}
	products := s.products(c, u)
	v := stockView{Holder: dir.name(holder)}
	for _, l := range lots {
		row := lotStockRow{Product: productName(products, l.DI), DI: l.DI, Lot: l.Lot, State: p.T.lookup("stock_", string(l.State)), Quantity: l.Quantity}
		if l.Counterparty != "" {
			row.Counterparty = dir.name(l.Counterparty)
		}
		v.Lots = append(v.Lots, row)
	}
	// The ledger lists by DI, lot and state; readers look for a product by its name.
	sort.SliceStable(v.Lots, func(i, j int) bool { return v.Lots[i].Product < v.Lots[j].Product })
	for k, row := range counts {
		row.Product, row.DI, row.Lot, row.Status = productName(products, k.di), k.di, k.lot, p.T.lookup("status_", string(k.status))
		v.Rows = append(v.Rows, *row)
		v.Total += row.Units
	}
	sort.Slice(v.Rows, func(i, j int) bool {
		a, b := v.Rows[i], v.Rows[j]
		if a.Product != b.Product {
			return a.Product < b.Product
		}
		if a.Lot != b.Lot {
			return a.Lot < b.Lot
		}
		return a.Status < b.Status
	})
	if dir.is(u, model.RoleRegulator) {
		for msp := range dir.parties {
			v.Holders = append(v.Holders, link{Href: msp, Label: dir.name(msp), Current: msp == holder})
		}
		sort.Slice(v.Holders, func(i, j int) bool { return v.Holders[i].Label < v.Holders[j].Label })
	}
	p.Title = fmt.Sprintf(p.T.get("stockOf"), v.Holder)
	p.Data = v
	render(c, http.StatusOK, "stock", p)
}

func addStock(counts map[stockKey]*stockRow, k stockKey, n int, contained bool) {
	row := counts[k]
	if row == nil {
		row = &stockRow{}
		counts[k] = row
	}
	row.Units += n
	if contained {
		row.InContainers += n
	}
}

// lotStock reads holder's lot-level stock, every page.
func (s *console) lotStock(c *gin.Context, u *user, holder string) ([]model.LotStock, error) {
	var out []model.LotStock
	bookmark := ""
	for range maxListPages {
		r, err := ledger.Do(c, s.ledger, u.principal.Identity, ops.StockByHolder, model.HolderQuery{MSPID: holder,
			PageQuery: model.PageQuery{PageSize: model.MaxPageSize, Bookmark: bookmark}})
		if err != nil {
			return nil, err
		}
		out = append(out, r.Value.Stock...)
		if bookmark = r.Value.Bookmark; bookmark == "" || len(r.Value.Stock) == 0 {
			break
		}
	}
	return out, nil
}
