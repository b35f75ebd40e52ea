package contract

import (
	"testing"

	"github.com/udiledger/udiledger/chaincode/model"
)

func TestProductRegister(t *testing.T) {
	e := newEnv(t)
	e.seedParties()
	e.must(nil, reg, "party:Register", func() model.Party {
		p := e.partyRecord("OtherMfrMSP", model.RoleManufacturer)
		p.Name, p.CompanyPrefixes = "Other maker", []string{"6909999"}
		return p
	}())

	foreign := e.deviceProduct()
	foreign.DI = gtin("0690999900001")
	badCheck := e.deviceProduct()
	badCheck.DI = deviceDI[:13] + string('0'+(deviceDI[13]-'0'+1)%10)
	noKind := e.deviceProduct()
	noKind.Kind = ""
	tests := []struct {
		name string
		as   string
		give model.Product
		want model.Code
	}{
		{"a distributor cannot register products", dst, e.deviceProduct(), model.CodeForbidden},
		{"a manufacturer cannot register a DI under another party's prefix", mfr, foreign, model.CodeForbidden},
		{"a GTIN with a wrong check digit is invalid", mfr, badCheck, model.CodeInvalid},
		{"a product without a kind is invalid", mfr, noKind, model.CodeInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := e.submit(tt.as, "product:Register", tt.give)
			wantCode(t, err, tt.want)
		})
	}

	t.Run("the owner of the prefix registers its GTIN", func(t *testing.T) {
		var p model.Product
		e.must(&p, mfr, "product:Register", e.deviceProduct())
		if p.Manufacturer != mfr || p.Scheme != model.SchemeGS1 {
			t.Fatalf("got %+v", p)
		}
	})
	t.Run("the owner of a drug product code registers it", func(t *testing.T) {
		var p model.Product
		e.must(&p, mfr, "product:Register", e.drugProduct())
		if p.Scheme != model.SchemeCNDrug {
			t.Fatalf("got %+v", p)
		}
	})
	t.Run("another record for a registered DI is a conflict", func(t *testing.T) {
		p := e.deviceProduct()
		p.Name = "Other"
		_, err := e.submit(mfr, "product:Register", p)
		wantCode(t, err, model.CodeConflict)
	})
	t.Run("an unknown DI is not found", func(t *testing.T) {
		err := e.eval(nil, reg, "product:Get", gtin("0690123499999"))
		wantCode(t, err, model.CodeNotFound)
	})
}

func TestLotRegister(t *testing.T) {
	e := newEnv(t)
	e.seedParties()
	e.must(nil, mfr, "product:Register", e.deviceProduct())

	tests := []struct {
		name string
		as   string
		give model.Lot
		want model.Code
	}{
		{"a lot of an unknown product is not found", mfr, model.Lot{DI: gtin("0690123499999"), Lot: "X", Expiry: e.day(10)}, model.CodeNotFound},
		{"a lot without a valid expiry is invalid", mfr, model.Lot{DI: deviceDI, Lot: "X", Expiry: "2027-13-01"}, model.CodeInvalid},
		{"a lot produced after its expiry is invalid", mfr, model.Lot{DI: deviceDI, Lot: "X", Expiry: e.day(1), ProductionDate: e.day(2)}, model.CodeInvalid},
		{"a distributor cannot register lots", dst, model.Lot{DI: deviceDI, Lot: "X", Expiry: e.day(10)}, model.CodeForbidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := e.submit(tt.as, "lot:Register", tt.give)
			wantCode(t, err, tt.want)
		})
	}
	t.Run("a registered lot is released by default", func(t *testing.T) {
		e.must(nil, mfr, "lot:Register", model.Lot{DI: deviceDI, Lot: "L9", Expiry: e.day(100), Quantity: 10})
		var l model.Lot
		e.mustEval(&l, dst, "lot:Get", deviceDI, "L9")
		if l.Status != model.LotReleased || l.Manufacturer != mfr {
			t.Fatalf("got %+v", l)
		}
	})
}
