package matrix

import (
	"context"
	"reflect"
	"testing"

	"github.com/udiledger/udiledger/chaincode/model"
	"github.com/udiledger/udiledger/chaincode/ops"
	"github.com/udiledger/udiledger/gateway/ledger"
)

// verdict is what one organisation gets from one read of the run's fixtures.
type verdict string

const (
	sees      verdict = "sees"      // an answer that shows the fixture
	hidden    verdict = "hidden"    // NOT_FOUND, or an answer without it
	forbidden verdict = "forbidden" // FORBIDDEN
)

// read is one row of the read table: a request about the fixtures, how an answer shows them,
// and who gets what (an organisation not named sees).
type read struct {
	req   any
	shows func(v any) bool
	who   map[string]verdict
}

// maxPages bounds how far a paged read is followed looking for the fixture.
const maxPages = 50

// readRows is ADR 012's read table, row by row, about the fixtures of setUp.
func readRows(w World, f fixture) map[string]read {
	page := model.PageQuery{PageSize: model.MaxPageSize}
	anything := func(any) bool { return true }
	owner := func(s string) bool { return s == dst }
	return map[string]read{
		"party:Get": {req: model.PartyQuery{MSPID: dst}, shows: func(v any) bool { return v.(*model.Party).MSPID == dst }},
		"party:List": {req: page, shows: func(v any) bool {
			return contains(v.(*model.PartyPage).Parties, func(p model.Party) bool { return p.MSPID == dst })
		}},
		"party:ExpiringLicences": {req: model.LicenceQuery{Days: 30}, shows: anything},
		"product:Get":            {req: model.ProductQuery{DI: w.DI}, shows: func(v any) bool { return v.(*model.Product).DI == w.DI }},
		"product:List": {req: page, shows: func(v any) bool {
			return contains(v.(*model.ProductPage).Products, func(p model.Product) bool { return p.DI == w.DI })
		}},
		"lot:Get": {req: model.LotQuery{DI: w.DI, Lot: f.lot}, shows: func(v any) bool { return v.(*model.Lot).Lot == f.lot }},
		"lot:List": {req: model.LotListQuery{DI: w.DI, PageQuery: page}, shows: func(v any) bool {
			return contains(v.(*model.LotPage).Lots, func(l model.Lot) bool { return l.Lot == f.lot })
		}},
		"recall:Get": {req: model.RecallQuery{RecallID: f.recall}, shows: func(v any) bool { return v.(*model.Recall).ID == f.recall }},
		"recall:List": {req: page, shows: func(v any) bool {
			return contains(v.(*model.RecallPage).Recalls, func(r model.Recall) bool { return r.ID == f.recall })
		}},
		"info:Version": {req: model.NoQuery{}, shows: func(v any) bool { return *v.(*string) != "" }},
		"unit:DispenseDetails": {req: model.EventIDQuery{EventID: f.dispense},
			shows: func(v any) bool { return v.(*model.DispenseRecord).PatientRef == "patient-"+w.Run },
			// The manufacturer sees the dispense event but not its details; the others are not
			// told it exists.
			who: map[string]verdict{mfr: forbidden, dst: hidden, plt: hidden}},
		"query:Provenance": {req: model.CodeQuery{Code: f.u1}, shows: func(v any) bool { return len(v.(*model.Provenance).Events) > 0 },
			// The platform's scan left the unit as it was, so it is not in the unit's history.
			who: map[string]verdict{plt: hidden, hsp: hidden}},
		"query:Verify": {req: model.CodeQuery{Code: f.u1}, shows: func(v any) bool { return owner(v.(*model.Verification).Owner) },
			who: map[string]verdict{plt: hidden, hsp: hidden}},
		"query:Unit": {req: model.CodeQuery{Code: f.u1}, shows: func(v any) bool { return owner(v.(*model.UnitView).Owner) },
			who: map[string]verdict{plt: hidden, hsp: hidden}},
		// The fixture has no lot-controlled stock: every party gets an answer (its own lines;
		// TestStockLinesAreTheirHoldersOwn checks the lines).
		"query:Stock": {req: model.CodeQuery{Code: "(01)" + w.DI + "(10)" + f.lot}, shows: anything},
		"query:Event": {req: model.EventIDQuery{EventID: f.ship}, shows: func(v any) bool { return v.(*model.Event).EventID == f.ship },
			who: map[string]verdict{plt: hidden, hsp: hidden}},
		"query:UnitsByHolder": {req: model.HolderQuery{MSPID: dst, PageQuery: page}, shows: func(v any) bool {
			return contains(v.(*model.HoldingPage).Holdings, func(h model.Holding) bool { return h.Code == f.u1 })
		}, who: map[string]verdict{mfr: forbidden, plt: forbidden, hsp: forbidden}},
		// Lot-level stock: the holder's own and the regulator's (the fixture has none, so any
		// answer shows it; TestLotLevelStockByHolder checks the lines).
		"query:StockByHolder": {req: model.HolderQuery{MSPID: dst, PageQuery: page}, shows: anything,
			who: map[string]verdict{mfr: forbidden, plt: forbidden, hsp: forbidden}},
		"query:EventsByTime": {req: model.TimeQuery{From: f.since, PageQuery: page}, shows: func(v any) bool {
			return contains(v.(*model.EventPage).Events, func(e model.Event) bool { return e.EventID == f.ship })
		}, who: map[string]verdict{plt: hidden, hsp: hidden}},
		"query:EventsByIndex": {req: model.IndexQuery{Index: model.IndexBizStep, Value: string(model.BizStepShipping), From: f.since, PageQuery: page}, shows: func(v any) bool {
			return contains(v.(*model.EventPage).Events, func(e model.Event) bool { return e.EventID == f.ship })
		}, who: map[string]verdict{plt: hidden, hsp: hidden}},
		"query:Alerts": {req: page, shows: func(v any) bool {
			return contains(v.(*model.AlertPage).Alerts, func(a model.Alert) bool { return a.ID == f.alert })
		}, who: map[string]verdict{dst: hidden, hsp: hidden}},
		// A case: its owner (the manufacturer), its reporter (the platform) and the regulator.
		"case:Get": {req: model.CaseQuery{CaseID: f.caseID}, shows: func(v any) bool { return v.(*model.Case).ID == f.caseID },
			who: map[string]verdict{dst: hidden, hsp: hidden}},
		"case:List": {req: model.CaseListQuery{PageQuery: page}, shows: func(v any) bool {
			return contains(v.(*model.CasePage).Cases, func(c model.Case) bool { return c.ID == f.caseID })
		}, who: map[string]verdict{dst: hidden, hsp: hidden}},
		"recall:Scope": {req: model.ScopeQuery{RecallID: f.recall}, shows: func(v any) bool {
			return contains(v.(*model.RecallStatus).Holders, func(h model.HolderScope) bool { return h.Holder == dst })
		}, who: map[string]verdict{plt: hidden, hsp: hidden}},
		// A dispenser's own patients only: the hospital dispensed u2; the platform dispensed
		// nothing; nobody else dispenses.
		"recall:Dispensed": {req: model.RecallQuery{RecallID: f.recall}, shows: func(v any) bool {
			return contains(v.(*model.RecallDispensed).Units, func(u model.DispensedUnit) bool {
				return u.Code == f.u2 && u.EventID == f.dispense && u.PatientRef == "patient-"+w.Run
			})
		}, who: map[string]verdict{mfr: forbidden, dst: forbidden, reg: forbidden, plt: hidden}},
	}
}

// checkReads asks every read as every organisation and compares with the table.
func checkReads(t *testing.T, w World, f fixture) {
	rows := readRows(w, f)
	missing(t, ops.Evaluate, rows)
	for _, op := range ops.All {
		row, ok := rows[op.Name()]
		if op.Kind() != ops.Evaluate || !ok {
			continue
		}
		each(func(msp string) {
			want := row.who[msp]
			if want == "" {
				want = sees
			}
			if got, err := ask(w, msp, op, row); got != want {
				t.Errorf("%s as %s: %s (%v), want %s", op.Name(), roleOf(msp), got, err, want)
			}
		})
	}
}

// ask runs one read as msp, following pages until an answer shows the fixture.
func ask(w World, msp string, op ops.Descriptor, row read) (verdict, error) {
	req := reflect.New(reflect.TypeOf(row.req)).Elem()
	req.Set(reflect.ValueOf(row.req))
	for range maxPages {
		a, err := ledger.Run(context.Background(), &ledger.Caller{Client: w.Ledger}, w.Identities[msp], op, req.Interface())
		switch {
		case ledger.CodeOf(err) == model.CodeForbidden:
			return forbidden, err
		case ledger.CodeOf(err) == model.CodeNotFound:
			return hidden, err
		case err != nil:
			return "error", err
		}
		v, err := a.Value()
		if err != nil {
			return "error", err
		}
		if row.shows(v) {
			return sees, nil
		}
		next := bookmarkOf(v)
		if next == "" || !req.FieldByName("Bookmark").IsValid() {
			return hidden, nil
		}
		req.FieldByName("Bookmark").SetString(next)
	}
	return hidden, nil
}

// bookmarkOf is a page's bookmark of the next page, or "" for an answer that is not a page.
func bookmarkOf(v any) string {
	rv := reflect.ValueOf(v).Elem()
	if rv.Kind() != reflect.Struct {
		return ""
	}
	if b := rv.FieldByName("Bookmark"); b.IsValid() && b.Kind() == reflect.String {
		return b.String()
	}
	return ""
}
