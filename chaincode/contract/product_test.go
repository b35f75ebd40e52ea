package contract

import (
	"strings"
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

func TestProductSetLinks(t *testing.T) {
	e := newEnv(t)
	e.seedParties()
	// The platform also makes products of its own: another manufacturer.
	e.must(nil, reg, "party:Update", e.partyRecord(plt, model.RolePlatform, model.RoleManufacturer))
	otherMaker := e.user(plt, "maker", string(model.RoleManufacturer))
	e.must(nil, mfr, "product:Register", e.deviceProduct())
	epil := model.ProductLink{LinkType: model.LinkEPIL, Href: "https://maker.example/leaflet/is-20", Title: "Leaflet", Lang: "en", Type: "text/html"}
	links := func(l ...model.ProductLink) model.ProductLinksRequest {
		return model.ProductLinksRequest{DI: deviceDI, Links: l}
	}
	with := func(f func(*model.ProductLink)) model.ProductLink { l := epil; f(&l); return l }

	tests := []struct {
		name string
		as   string
		give model.ProductLinksRequest
		want model.Code
	}{
		{"a distributor cannot set a product's links", dst, links(epil), model.CodeForbidden},
		{"a regulator cannot set them", reg, links(epil), model.CodeForbidden},
		{"an unknown product is not found", mfr, model.ProductLinksRequest{DI: gtin("0690123499999"), Links: []model.ProductLink{epil}}, model.CodeNotFound},
		{"a link type outside the vocabulary is invalid", mfr, links(with(func(l *model.ProductLink) { l.LinkType = "gs1:nonsense" })), model.CodeInvalid},
		{"the recall status is the ledger's own", mfr, links(with(func(l *model.ProductLink) { l.LinkType = model.LinkRecallStatus })), model.CodeInvalid},
		{"the default link is the ledger's own", mfr, links(with(func(l *model.ProductLink) { l.LinkType = model.LinkDefault })), model.CodeInvalid},
		{"a plain http URL is invalid", mfr, links(with(func(l *model.ProductLink) { l.Href = "http://maker.example/leaflet" })), model.CodeInvalid},
		{"a relative URL is invalid", mfr, links(with(func(l *model.ProductLink) { l.Href = "/leaflet" })), model.CodeInvalid},
		{"a javascript URL is invalid", mfr, links(with(func(l *model.ProductLink) { l.Href = "javascript:alert(1)" })), model.CodeInvalid},
		{"a URL with user information is invalid", mfr, links(with(func(l *model.ProductLink) { l.Href = "https://a:b@maker.example/" })), model.CodeInvalid},
		{"a URL with a space is invalid", mfr, links(with(func(l *model.ProductLink) { l.Href = "https://maker.example/a b" })), model.CodeInvalid},
		{"a title with a quote is invalid", mfr, links(with(func(l *model.ProductLink) { l.Title = `say "hi"` })), model.CodeInvalid},
		{"a language that is no tag is invalid", mfr, links(with(func(l *model.ProductLink) { l.Lang = "english please" })), model.CodeInvalid},
		{"two links of one type and language are invalid", mfr, links(epil, with(func(l *model.ProductLink) { l.Href += "-2" })), model.CodeInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := e.submit(tt.as, "product:SetLinks", tt.give)
			wantCode(t, err, tt.want)
		})
	}
	t.Run("another manufacturer cannot set them", func(t *testing.T) {
		_, err := e.submitAs(otherMaker, "product:SetLinks", nil, links(epil))
		wantCode(t, err, model.CodeForbidden)
		if err == nil || !strings.Contains(err.Error(), "only "+mfr+" sets the links") {
			t.Fatalf("refused for %v, want for not being the product's manufacturer", err)
		}
	})

	t.Run("the manufacturer sets them, and they are the product's", func(t *testing.T) {
		cert := model.ProductLink{LinkType: model.LinkCertificationInfo, Href: "https://maker.example/ce?di=" + deviceDI}
		de := with(func(l *model.ProductLink) { l.Lang, l.Href = "de", "https://maker.example/de/leaflet" })
		var p model.Product
		e.must(&p, mfr, "product:SetLinks", links(epil, de, cert))
		var got model.Product
		e.must(&got, reg, "product:Get", deviceDI)
		if len(got.Links) != 3 || got.Links[0] != epil || got.Links[2] != cert {
			t.Fatalf("links %+v", got.Links)
		}
	})
	t.Run("registering the same record again still answers it", func(t *testing.T) {
		var p model.Product
		e.must(&p, mfr, "product:Register", e.deviceProduct())
		if len(p.Links) != 3 {
			t.Fatalf("got %+v", p)
		}
	})
	t.Run("links are not registered with the product", func(t *testing.T) {
		p := e.drugProduct()
		p.Links = []model.ProductLink{epil}
		_, err := e.submit(mfr, "product:Register", p)
		wantCode(t, err, model.CodeInvalid)
	})
	t.Run("an empty list removes them", func(t *testing.T) {
		var p model.Product
		e.must(&p, mfr, "product:SetLinks", links())
		if p.Links != nil {
			t.Fatalf("links %+v", p.Links)
		}
	})
}
