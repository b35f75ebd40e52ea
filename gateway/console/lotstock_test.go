package console_test

import (
	"context"
	"html"
	"regexp"
	"testing"

	"github.com/udiledger/udiledger/chaincode/model"
	"github.com/udiledger/udiledger/chaincode/ops"
	"github.com/udiledger/udiledger/chaincode/orgs"
	"github.com/udiledger/udiledger/gateway/ledger"
)

func TestTheStockPageShowsLotLevelStock(t *testing.T) {
	w := storyWorld(t)
	ctx := context.Background()
	page, err := ledger.Do(ctx, w.inv, w.actors.Hospital, ops.UnitsByHolder, model.HolderQuery{MSPID: orgs.Hospital, PageQuery: model.PageQuery{PageSize: model.MaxPageSize}})
	if err != nil {
		t.Fatal(err)
	}
	di := ""
	for _, h := range page.Value.Holdings {
		if !h.Container && len(h.DI) == 14 {
			di = h.DI // the stent, traced here as a lot-level quantity of a lot of its own
		}
	}
	const lot = "LQ26"
	code := "(01)" + di + "(10)" + lot
	mfr, hsp := w.actors.Manufacturer, w.actors.Hospital
	steps := []func() error{
		func() error {
			_, err := ledger.Do(ctx, w.inv, mfr, ops.RegisterLot, model.Lot{DI: di, Lot: lot, Expiry: model.DateOf(w.now.AddDate(1, 0, 0)), Quantity: 100})
			return err
		},
		func() error {
			_, err := ledger.Do(ctx, w.inv, mfr, ops.Commission, model.CommissionRequest{EventHeader: model.EventHeader{EventID: "console-lq-c"}, DI: di, Lot: lot, Quantity: 50})
			return err
		},
		func() error {
			_, err := ledger.Do(ctx, w.inv, mfr, ops.Ship, model.ShipRequest{EventHeader: model.EventHeader{EventID: "console-lq-s1"}, To: orgs.Hospital,
				Quantities: []model.QuantityElement{{Code: code, Quantity: 20}}})
			return err
		},
		func() error {
			_, err := ledger.Do(ctx, w.inv, hsp, ops.Receive, model.ReceiveRequest{EventHeader: model.EventHeader{EventID: "console-lq-r1"},
				Quantities: []model.QuantityElement{{Code: code, Quantity: 20, From: orgs.Manufacturer}}})
			return err
		},
		func() error {
			_, err := ledger.Do(ctx, w.inv, mfr, ops.Ship, model.ShipRequest{EventHeader: model.EventHeader{EventID: "console-lq-s2"}, To: orgs.Hospital,
				Quantities: []model.QuantityElement{{Code: code, Quantity: 5}}})
			return err
		},
	}
	for i, step := range steps {
		if err := step(); err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
	}
	row := func(state, quantity string) *regexp.Regexp {
		return regexp.MustCompile(`<tr><td>Coronary stent system <span class="small">` + di + `</span></td><td>` + lot + `</td><td>` + state + `</td><td class="n">` + quantity + `</td></tr>`)
	}

	t.Run("the hospital sees what it received and what is on its way", func(t *testing.T) {
		c := w.client(t)
		c.mustLogin(w.keys[orgs.Hospital])
		_, body := c.do("GET", "/console/stock", nil)
		body = html.UnescapeString(body)
		for _, want := range []*regexp.Regexp{row("In stock", "20"), row("On its way here from Huaxin Pharmaceutical Co.", "5"), regexp.MustCompile(`<h2>Lot-level stock</h2>`)} {
			if !want.MatchString(body) {
				t.Errorf("no %s:\n%s", want, body)
			}
		}
	})
	t.Run("the maker's page in Chinese", func(t *testing.T) {
		c := w.client(t)
		c.lang = "zh-CN"
		c.mustLogin(w.keys[orgs.Manufacturer])
		_, body := c.do("GET", "/console/stock", nil)
		body = html.UnescapeString(body)
		if !regexp.MustCompile(`<h2>批次级库存</h2>`).MatchString(body) || !regexp.MustCompile(`<td>`+lot+`</td><td>在库</td><td class="n">25</td>`).MatchString(body) {
			t.Errorf("no lot-level stock:\n%s", body)
		}
	})
	t.Run("a regulator reads the hospital's", func(t *testing.T) {
		c := w.client(t)
		c.mustLogin(w.keys[orgs.Regulator])
		_, body := c.do("GET", "/console/stock?holder="+orgs.Hospital, nil)
		if !row("In stock", "20").MatchString(html.UnescapeString(body)) {
			t.Errorf("no row:\n%s", body)
		}
	})
}
