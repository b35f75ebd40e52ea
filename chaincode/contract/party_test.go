package contract

import (
	"testing"

	"github.com/udiledger/udiledger/chaincode/model"
)

func TestPartyInit(t *testing.T) {
	e := newEnv(t)
	_, err := e.submit(mfr, "party:Init", e.partyRecord(mfr, model.RoleRegulator))
	t.Run("an identity without role regulator cannot initialise", func(t *testing.T) { wantCode(t, err, model.CodeForbidden) })

	_, err = e.submit(reg, "party:Init", e.partyRecord(mfr, model.RoleRegulator))
	t.Run("the first party must be the caller's own organisation", func(t *testing.T) { wantCode(t, err, model.CodeForbidden) })

	var p model.Party
	e.must(&p, reg, "party:Init", e.partyRecord(reg, model.RoleRegulator))
	t.Run("the regulator initialises once", func(t *testing.T) {
		if p.MSPID != reg || p.RegisteredBy != reg {
			t.Fatalf("got %+v", p)
		}
	})

	_, err = e.submit(reg, "party:Init", e.partyRecord(reg, model.RoleRegulator))
	t.Run("a second init is a conflict", func(t *testing.T) { wantCode(t, err, model.CodeConflict) })
}

func TestPartyRegister(t *testing.T) {
	e := newEnv(t)
	e.must(nil, reg, "party:Init", e.partyRecord(reg, model.RoleRegulator))
	e.must(nil, reg, "party:Register", e.partyRecord(mfr, model.RoleManufacturer))

	tests := []struct {
		name string
		as   string
		give model.Party
		want model.Code
	}{
		{"a manufacturer cannot register parties", mfr, e.partyRecord(dst, model.RoleDistributor), model.CodeForbidden},
		{"an unregistered organisation cannot register parties", hsp, e.partyRecord(dst, model.RoleDistributor), model.CodeForbidden},
		{"a different record for a registered party is a conflict", reg, e.partyRecord(mfr, model.RoleDistributor), model.CodeConflict},
		{"an unknown role is invalid", reg, e.partyRecord(dst, "smuggler"), model.CodeInvalid},
		{"a company prefix of another party is a conflict", reg, func() model.Party {
			p := e.partyRecord(dst, model.RoleDistributor)
			p.CompanyPrefixes = []string{mfrGCP + "5"}
			return p
		}(), model.CodeConflict},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := e.submit(tt.as, "party:Register", tt.give)
			wantCode(t, err, tt.want)
		})
	}

	t.Run("registering the same record again returns it", func(t *testing.T) {
		var p model.Party
		e.must(&p, reg, "party:Register", e.partyRecord(mfr, model.RoleManufacturer))
		if p.MSPID != mfr {
			t.Fatalf("got %+v", p)
		}
	})

	t.Run("the regulator updates a party and the record changes", func(t *testing.T) {
		p := e.partyRecord(mfr, model.RoleManufacturer, model.RoleDistributor)
		e.must(nil, reg, "party:Update", p)
		var got model.Party
		e.mustEval(&got, dst, "party:Get", mfr)
		if !got.HasRole(model.RoleDistributor) {
			t.Fatalf("roles = %v", got.Roles)
		}
	})

	t.Run("list pages through parties with a bookmark", func(t *testing.T) {
		var page model.PartyPage
		e.mustEval(&page, reg, "party:List", "1", "")
		if len(page.Parties) != 1 || page.Bookmark == "" {
			t.Fatalf("first page = %+v", page)
		}
		var next model.PartyPage
		e.mustEval(&next, reg, "party:List", "1", page.Bookmark)
		if len(next.Parties) != 1 || next.Parties[0].MSPID == page.Parties[0].MSPID {
			t.Fatalf("second page = %+v", next)
		}
	})
}

func TestExpiringLicences(t *testing.T) {
	e := newEnv(t)
	e.must(nil, reg, "party:Init", e.partyRecord(reg, model.RoleRegulator))
	p := e.partyRecord(dst, model.RoleDistributor)
	p.Licences = []model.Licence{
		{Type: "wholesale", Number: "W-1", ValidFrom: e.day(-300), ValidTo: e.day(20)},
		{Type: "gsp", Number: "G-1", ValidFrom: e.day(-300), ValidTo: e.day(200)},
	}
	e.must(nil, reg, "party:Register", p)

	var rows []model.ExpiringLicence
	e.mustEval(&rows, reg, "party:ExpiringLicences", "30")
	t.Run("a licence ending within the window is listed with its days left", func(t *testing.T) {
		if len(rows) != 1 || rows[0].Licence.Number != "W-1" || rows[0].DaysLeft != 20 {
			t.Fatalf("rows = %+v", rows)
		}
	})
}

func TestLicenceNeededToTrade(t *testing.T) {
	e := newEnv(t)
	e.seed()
	e.commission("c1", 1, 2)
	p := e.partyRecord(dst, model.RoleDistributor)
	p.Licences = []model.Licence{{Type: "wholesale", Number: "W-9", ValidFrom: e.day(-300), ValidTo: e.day(-1)}}
	e.must(nil, reg, "party:Update", p)

	_, err := e.submit(mfr, "unit:Ship", model.ShipRequest{EventHeader: model.EventHeader{EventID: "s1"}, To: dst, Codes: []string{deviceCode(1)}})
	t.Run("shipping to a party whose licence expired is forbidden", func(t *testing.T) { wantCode(t, err, model.CodeForbidden) })

	m := e.partyRecord(mfr, model.RoleManufacturer)
	m.Licences = nil
	e.must(nil, reg, "party:Update", m)
	_, err = e.submit(mfr, "unit:Commission", model.CommissionRequest{EventHeader: model.EventHeader{EventID: "c2"}, DI: deviceDI, Lot: "L1", Codes: []string{deviceCode(9)}})
	t.Run("a manufacturer without a licence cannot commission", func(t *testing.T) { wantCode(t, err, model.CodeForbidden) })
}
