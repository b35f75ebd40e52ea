package lists

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/udiledger/udiledger/chaincode/model"
	"github.com/udiledger/udiledger/chaincode/orgs"
	"github.com/udiledger/udiledger/cli/internal/clitest"
	"github.com/udiledger/udiledger/cli/internal/cmdutil"
)

func TestStockListsAPartysLotLevelQuantities(t *testing.T) {
	g := clitest.StoryGateway(t)
	post := func(msp, path string, body any) {
		t.Helper()
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		req, err := http.NewRequest("POST", g.URL+path, bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+g.Keys[msp])
		req.Header.Set("Content-Type", "application/json")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_ = res.Body.Close()
		if res.StatusCode >= 300 {
			t.Fatalf("POST %s as %s: %s", path, msp, res.Status)
		}
	}
	const di, lot = "06901234000016", "CLIQ1" // the story's stent, a lot traced as quantities
	code := "(01)" + di + "(10)" + lot
	post(orgs.Manufacturer, "/v1/lots", model.Lot{DI: di, Lot: lot, Expiry: model.DateOf(time.Now().AddDate(1, 0, 0)), Quantity: 100})
	post(orgs.Manufacturer, "/v1/events/commission", model.CommissionRequest{EventHeader: model.EventHeader{EventID: "cli-lq-c"}, DI: di, Lot: lot, Quantity: 30})
	post(orgs.Manufacturer, "/v1/events/ship", model.ShipRequest{EventHeader: model.EventHeader{EventID: "cli-lq-s"}, To: orgs.Hospital,
		Quantities: []model.QuantityElement{{Code: code, Quantity: 12}}})
	post(orgs.Hospital, "/v1/events/receive", model.ReceiveRequest{EventHeader: model.EventHeader{EventID: "cli-lq-r"},
		Quantities: []model.QuantityElement{{Code: code, Quantity: 12, From: orgs.Manufacturer}}})
	post(orgs.Hospital, "/v1/events/return", model.ReturnRequest{EventHeader: model.EventHeader{EventID: "cli-lq-ret"}, To: orgs.Manufacturer,
		Quantities: []model.QuantityElement{{Code: code, Quantity: 2}}, Reason: "damaged box"})

	run := func(t *testing.T, msp string, args ...string) string {
		t.Helper()
		out, errOut, code := clitest.Run(t, g.Env(msp), NewCmdStock, args...)
		if code != cmdutil.ExitOK {
			t.Fatalf("exit %d: %s%s", code, out, errOut)
		}
		return out
	}
	t.Run("the hospital's stock as a table, a row per lot and state", func(t *testing.T) {
		out := run(t, orgs.Hospital, "--holder", orgs.Hospital)
		for _, want := range []string{
			`(?m)^DI\s+LOT\s+STATE\s+QUANTITY\s+COUNTERPARTY$`,
			`(?m)^` + di + `\s+` + lot + `\s+in_stock\s+10\s+-$`,
			`(?m)^` + di + `\s+` + lot + `\s+returning_out\s+2\s+` + orgs.Manufacturer + `$`,
		} {
			if !regexp.MustCompile(want).MatchString(out) {
				t.Fatalf("no %s in:\n%s", want, out)
			}
		}
	})
	t.Run("the maker's, read by the regulator, as JSON and CSV", func(t *testing.T) {
		var lines []model.LotStock
		if err := json.Unmarshal([]byte(run(t, orgs.Regulator, "--holder", orgs.Manufacturer, "-o", "json")), &lines); err != nil {
			t.Fatal(err)
		}
		got := map[model.StockState]int{}
		for _, l := range lines {
			if l.Lot == lot {
				got[l.State] = l.Quantity
			}
		}
		if len(got) != 2 || got[model.StockInStock] != 18 || got[model.StockReturningIn] != 2 {
			t.Fatalf("lines %+v", lines)
		}
		rows, err := csv.NewReader(strings.NewReader(run(t, orgs.Regulator, "--holder", orgs.Manufacturer, "-o", "csv"))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != len(lines)+1 || rows[0][2] != "STATE" {
			t.Fatalf("csv %v, json %d lines", rows, len(lines))
		}
	})
	t.Run("another party's stock is the ledger's to refuse (exit 3)", func(t *testing.T) {
		_, errOut, code := clitest.Run(t, g.Env(orgs.Hospital), NewCmdStock, "--holder", orgs.Distributor)
		if code != cmdutil.ExitRejected || !strings.Contains(errOut, "FORBIDDEN") {
			t.Fatalf("exit %d: %s", code, errOut)
		}
	})
	t.Run("without --holder, invalid input", func(t *testing.T) {
		if _, _, code := clitest.Run(t, g.Env(orgs.Hospital), NewCmdStock); code != cmdutil.ExitInvalid {
			t.Fatalf("exit %d", code)
		}
	})
}

func TestALotsStockTableShowsEveryState(t *testing.T) {
	line := func(holder, from string, n int) []model.Stock {
		return []model.Stock{{Holder: holder, From: from, DI: "06901234000016", Lot: "Q1", Quantity: n}}
	}
	l := stock(model.StockView{InStock: line("A", "", 1), InTransit: line("B", "A", 2), Returning: line("A", "B", 3),
		Returned: line("A", "", 4), Destroyed: line("A", "", 5), Decommissioned: line("C", "", 6)})
	var got []string
	for _, r := range l.Rows {
		got = append(got, r[1]+"="+r[5])
	}
	want := "in stock=1 in transit=2 returning=3 returned=4 destroyed=5 decommissioned=6"
	if strings.Join(got, " ") != want {
		t.Fatalf("rows %v, want %s", got, want)
	}
}
