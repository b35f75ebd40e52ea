package api

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/udiledger/udiledger/chaincode/model"
)

func TestMasterData(t *testing.T) {
	w := newWorld(t)
	w.seed()

	t.Run("a created party answers 201 with its Location and reads back", func(t *testing.T) {
		r := w.must(201, nil, reg, "POST", "/v1/parties", w.party("LogisticsOrgMSP", "logistics"))
		if r.header.Get("Location") != "/v1/parties/LogisticsOrgMSP" {
			t.Fatalf("Location = %q", r.header.Get("Location"))
		}
		var p model.Party
		w.must(200, &p, dst, "GET", "/v1/parties/LogisticsOrgMSP", nil)
		if p.Name != "LogisticsOrg" || p.Roles[0] != model.RoleLogistics {
			t.Fatalf("party %+v", p)
		}
	})
	t.Run("registering the same party again is idempotent", func(t *testing.T) {
		w.must(201, nil, reg, "POST", "/v1/parties", w.party("LogisticsOrgMSP", "logistics"))
	})
	t.Run("parties are listed page by page with a bookmark", func(t *testing.T) {
		seen := map[string]bool{}
		path := "/v1/parties?pageSize=2"
		for pages := 0; path != ""; pages++ {
			if pages > 5 {
				t.Fatal("paging does not end")
			}
			var page model.PartyPage
			r := w.must(200, &page, hsp, "GET", path, nil)
			for _, p := range page.Parties {
				if seen[p.MSPID] {
					t.Fatalf("party %s on two pages", p.MSPID)
				}
				seen[p.MSPID] = true
			}
			path = ""
			if link := r.header.Get("Link"); link != "" {
				path = strings.TrimSuffix(strings.TrimPrefix(link, "<"), `>; rel="next"`)
			}
		}
		if len(seen) != 6 {
			t.Fatalf("listed %d parties, want 6", len(seen))
		}
	})
	t.Run("a regulator updates a party's record", func(t *testing.T) {
		p := w.party("LogisticsOrgMSP", "logistics", "distributor")
		var got model.Party
		w.must(200, &got, reg, "PUT", "/v1/parties/LogisticsOrgMSP", p)
		if len(got.Roles) != 2 {
			t.Fatalf("updated party %+v", got)
		}
		pr := problemOf(t, w.must(422, nil, reg, "PUT", "/v1/parties/OtherMSP", p))
		if pr.Errors[0].Field != "mspId" {
			t.Fatalf("problem %+v, want the mspId field named", pr)
		}
	})
	t.Run("products are read and listed", func(t *testing.T) {
		var p model.Product
		w.must(200, &p, hsp, "GET", "/v1/products/"+deviceDI, nil)
		if p.Manufacturer != mfr || p.Scheme != model.SchemeGS1 {
			t.Fatalf("product %+v", p)
		}
		var page model.ProductPage
		w.must(200, &page, hsp, "GET", "/v1/products", nil)
		if page.Count != 2 {
			t.Fatalf("products %+v, want 2", page)
		}
	})
	t.Run("lots are listed, of one product or of all", func(t *testing.T) {
		var one, all model.LotPage
		w.must(200, &one, dst, "GET", "/v1/lots?di="+deviceDI, nil)
		w.must(200, &all, dst, "GET", "/v1/lots?pageSize=1", nil)
		if len(one.Lots) != 1 || one.Lots[0].Lot != "L1" || len(all.Lots) != 1 || all.Bookmark == "" {
			t.Fatalf("one %+v all %+v", one, all)
		}
	})
	t.Run("a lot is read, quarantined and released", func(t *testing.T) {
		var l model.Lot
		w.must(200, &l, dst, "GET", "/v1/lots/"+deviceDI+"/L1", nil)
		if l.Quantity != 100000 || l.Manufacturer != mfr {
			t.Fatalf("lot %+v", l)
		}
		w.must(200, &l, mfr, "PUT", "/v1/lots/"+deviceDI+"/L1/status", map[string]string{"status": "quarantined", "reason": "audit"})
		if l.Status != model.LotQuarantined {
			t.Fatalf("lot %+v, want quarantined", l)
		}
		w.must(403, nil, dst, "PUT", "/v1/lots/"+deviceDI+"/L1/status", map[string]string{"status": "released"})
		w.must(200, &l, mfr, "PUT", "/v1/lots/"+deviceDI+"/L1/status", map[string]string{"status": "released"})
	})
	t.Run("expiring licences are listed within the days asked for", func(t *testing.T) {
		var rows []model.ExpiringLicence
		w.must(200, &rows, reg, "GET", "/v1/licences/expiring?days=400", nil)
		if len(rows) != 6 {
			t.Fatalf("%d licences expiring within 400 days, want 6 (one per party)", len(rows))
		}
		w.must(200, &rows, reg, "GET", "/v1/licences/expiring", nil)
		if len(rows) != 0 {
			t.Fatalf("%d licences expiring within 30 days, want 0", len(rows))
		}
		w.must(422, nil, reg, "GET", "/v1/licences/expiring?days=-1", nil)
	})
}

func TestRecalls(t *testing.T) {
	w := newWorld(t)
	w.seed()
	w.commission("urn:uuid:rc-commission", 1, 6)
	w.must(201, nil, mfr, "POST", "/v1/events/ship", map[string]any{"to": dst, "codes": []string{deviceCode(1), deviceCode(2), deviceCode(3)}})
	w.must(201, nil, dst, "POST", "/v1/events/receive", map[string]any{"codes": []string{deviceCode(1), deviceCode(2)}})

	recall := map[string]any{"id": "RC-1", "class": "II", "depth": "retail", "reason": "sterility",
		"scope": map[string]string{"type": "lot", "di": deviceDI, "lot": "L1"}}
	t.Run("a distributor may not start a recall", func(t *testing.T) {
		p := problemOf(t, w.must(403, nil, dst, "POST", "/v1/recalls", recall))
		if p.Code != "FORBIDDEN" {
			t.Fatalf("problem %+v", p)
		}
	})
	t.Run("the regulator starts a lot recall; a retry answers 200 with the same recall", func(t *testing.T) {
		var first, again model.Recall
		r := w.must(201, &first, reg, "POST", "/v1/recalls", recall)
		if r.header.Get("Location") != "/v1/recalls/RC-1" || first.InitiatedBy != reg {
			t.Fatalf("recall %+v at %q", first, r.header.Get("Location"))
		}
		r = w.must(200, &again, reg, "POST", "/v1/recalls", recall)
		if again.TxID != first.TxID || r.header.Get("Idempotent-Replayed") != "true" {
			t.Fatalf("retried recall %+v, want the first (tx %s)", again, first.TxID)
		}
	})
	t.Run("a recall body without scope details is refused with the field named", func(t *testing.T) {
		p := problemOf(t, w.must(422, nil, reg, "POST", "/v1/recalls", map[string]any{"class": "IV", "depth": "retail", "reason": "x",
			"scope": map[string]string{"type": "lot"}}))
		fields := map[string]bool{}
		for _, e := range p.Errors {
			fields[e.Field] = true
		}
		if !fields["class"] || !fields["scope.di"] || !fields["scope.lot"] {
			t.Fatalf("problem %+v, want class, scope.di and scope.lot named", p)
		}
	})
	t.Run("recalled units cannot move", func(t *testing.T) {
		p := problemOf(t, w.must(422, nil, mfr, "POST", "/v1/events/ship", map[string]any{"to": hsp, "codes": []string{deviceCode(4)}}))
		if p.Code != "INVALID" || !strings.Contains(p.Detail, "recalled") {
			t.Fatalf("problem %+v, want INVALID naming the recalled status", p)
		}
	})
	t.Run("the recall is read and listed", func(t *testing.T) {
		var r model.Recall
		w.must(200, &r, hsp, "GET", "/v1/recalls/RC-1", nil)
		if r.Scope.Lot != "L1" {
			t.Fatalf("recall %+v", r)
		}
		var page model.RecallPage
		w.must(200, &page, hsp, "GET", "/v1/recalls", nil)
		if page.Count != 1 || page.Recalls[0].ID != "RC-1" {
			t.Fatalf("recalls %+v, want RC-1", page)
		}
		w.must(404, nil, hsp, "GET", "/v1/recalls/RC-404", nil)
	})
	t.Run("the scope groups units by holder", func(t *testing.T) {
		var st model.RecallStatus
		w.must(200, &st, reg, "GET", "/v1/recalls/RC-1/scope?units=true", nil)
		if st.Counts.Total != 6 || st.Counts.InTransit != 1 || len(st.Holders) != 2 || len(st.Holders[0].Units) == 0 {
			t.Fatalf("scope %+v, want 6 units (1 in transit) over 2 holders, units listed", st)
		}
		w.must(422, nil, reg, "GET", "/v1/recalls/RC-1/scope?units=perhaps", nil)
	})
	t.Run("acknowledgements and returns move the progress", func(t *testing.T) {
		var a model.Acknowledgement
		w.must(201, &a, dst, "POST", "/v1/recalls/RC-1/acknowledge", map[string]string{"note": "quarantined in DC"})
		r := w.must(200, nil, dst, "POST", "/v1/recalls/RC-1/acknowledge", map[string]string{"note": "quarantined in DC"})
		if r.header.Get("Idempotent-Replayed") != "true" {
			t.Fatal("a second acknowledgement is not answered as a replay")
		}
		w.must(201, nil, dst, "POST", "/v1/events/return", map[string]any{"codes": []string{deviceCode(1), deviceCode(2)}, "recallId": "RC-1"})
		w.must(201, nil, mfr, "POST", "/v1/events/receive", map[string]any{"codes": []string{deviceCode(1), deviceCode(2)}}) // a return counts once accepted
		var p recallProgress
		w.must(200, &p, reg, "GET", "/v1/recalls/RC-1/progress", nil)
		if p.Done != 2 || p.Required != 6 || p.Acknowledged != 1 || strings.Join(p.Pending, ",") != mfr {
			t.Fatalf("progress %+v, want 2 of 6 done, one acknowledgement, the manufacturer pending", p)
		}
		if fmt.Sprint(p.Progress) != fmt.Sprint(2.0/6.0) {
			t.Fatalf("progress %v, want 1/3", p.Progress)
		}
		if p.State != model.RecallStarted || p.AcknowledgeBy == "" || len(p.Checks) != 0 {
			t.Fatalf("progress %+v: started, with its deadline, no checks yet", p)
		}
		w.must(200, nil, reg, "POST", "/v1/recalls/RC-1/checks", map[string]any{"holder": dst, "level": "C", "effective": true})
		w.must(200, &p, reg, "GET", "/v1/recalls/RC-1/progress", nil)
		if len(p.Checks) != 1 || p.Checks[0].Holder != dst || !p.Checks[0].Effective || p.Checks[0].Level != "C" {
			t.Fatalf("checks %+v", p.Checks)
		}
	})
	t.Run("an unknown recall cannot be acknowledged", func(t *testing.T) {
		w.must(404, nil, dst, "POST", "/v1/recalls/"+url.PathEscape("RC-404")+"/acknowledge", nil)
	})
}

func TestStockAndVersion(t *testing.T) {
	w := newWorld(t)
	w.seed()
	lotCode := "(01)" + deviceDI + "(10)L1"
	w.must(201, nil, mfr, "POST", "/v1/events/commission", map[string]any{"eventId": "urn:uuid:stock-1", "di": deviceDI, "lot": "L1", "quantity": 40})
	w.must(201, nil, mfr, "POST", "/v1/events/ship", map[string]any{"eventId": "urn:uuid:stock-2", "to": dst,
		"quantities": []map[string]any{{"code": lotCode, "quantity": 15}}})

	t.Run("stock of a lot-controlled item is read per holder and in transit", func(t *testing.T) {
		var sv model.StockView
		w.must(200, &sv, mfr, "GET", "/v1/stock?code="+url.QueryEscape(lotCode), nil)
		if len(sv.InStock) != 1 || sv.InStock[0].Quantity != 25 || len(sv.InTransit) != 1 || sv.InTransit[0].Quantity != 15 {
			t.Fatalf("stock %+v, want 25 held and 15 in transit", sv)
		}
	})
	t.Run("the chaincode's version is answered", func(t *testing.T) {
		var v string
		w.must(200, &v, hsp, "GET", "/v1/version", nil)
		if v != model.ChaincodeVersion {
			t.Fatalf("version %q, want %q", v, model.ChaincodeVersion)
		}
	})
}
