package api

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/udiledger/udiledger/chaincode/model"
)

// The packs of the page's tests, one per state a reader meets.
var (
	medicineDI   = checkDigit("0690123400002") // a drug with a GTIN, under mfrGCP
	makerName    = "Huaxin Medical Devices Co., Ltd."
	genuinePath  = "/01/" + deviceDI + "/21/S000001"
	implantPath  = "/01/" + deviceDI + "/21/S000002"
	recalledPath = "/01/" + deviceDI + "/21/S000003"
	clonePath    = "/01/" + deviceDI + "/21/S000004"
	suspectPath  = "/01/" + deviceDI + "/21/S999999"
	medicinePath = "/01/" + medicineDI + "/21/M000001"
)

// holderWords are what the public page must never show: the parties' MSP IDs, the holders'
// names and the patient's reference.
var holderWords = []string{mfr, dst, hsp, plt, reg, "DistributorOrg", "HospitalOrg", "PlatformOrg", "P-7"}

// pageWorld seeds a world whose manufacturer has a company name, with a pack in each state:
// genuine and sellable, an implanted device, a dispensed medicine, a recalled device, a
// dispensed device presented again (a suspected clone); suspectPath was never commissioned.
func pageWorld(t testing.TB) *world {
	w := newWorld(t)
	w.seed()
	maker := w.party(mfr, "manufacturer")
	maker["name"] = makerName
	w.must(200, nil, reg, "PUT", "/v1/parties/"+mfr, maker)
	w.commission("urn:uuid:page-commission", 1, 4)
	w.must(201, nil, mfr, "POST", "/v1/products", map[string]any{"di": medicineDI, "name": "Amoxicillin capsules 250 mg", "kind": "drug"})
	w.must(201, nil, mfr, "POST", "/v1/lots", map[string]any{"di": medicineDI, "lot": "M1", "expiry": day(200), "quantity": 1000})
	medicine := fmt.Sprintf("(01)%s(21)M000001", medicineDI)
	w.must(201, nil, mfr, "POST", "/v1/events/commission", map[string]any{"di": medicineDI, "lot": "M1", "codes": []string{medicine}, "location": mfrGLN})

	given := []string{deviceCode(2), deviceCode(4), medicine}
	w.must(201, nil, mfr, "POST", "/v1/events/ship", map[string]any{"to": dst, "codes": given, "location": mfrGLN})
	w.must(201, nil, dst, "POST", "/v1/events/receive", map[string]any{"codes": given, "location": dstGLN})
	w.must(201, nil, dst, "POST", "/v1/events/ship", map[string]any{"to": hsp, "codes": given, "location": dstGLN})
	w.must(201, nil, hsp, "POST", "/v1/events/receive", map[string]any{"codes": given, "location": hspGLN})
	w.must(201, nil, hsp, "POST", "/v1/events/dispense", map[string]any{"eventId": "urn:uuid:page-dispense", "codes": given, "location": hspGLN, "patientRef": "P-7"})
	w.must(201, nil, dst, "POST", "/v1/events/inspect", map[string]any{"code": deviceCode(4), "location": dstGLN})
	w.must(201, nil, reg, "POST", "/v1/recalls", map[string]any{"id": "RC-2026-017", "class": "II", "depth": "consumer",
		"reason": "sterile barrier may be breached", "scope": map[string]any{"type": "codes", "codes": []string{deviceCode(3)}}})
	return w
}

func TestResolverPageCatalogueSpeaksBothLanguagesAlike(t *testing.T) {
	en, zh := slices.Sorted(maps.Keys(pageText["en"])), slices.Sorted(maps.Keys(pageText["zh"]))
	if !slices.Equal(en, zh) {
		t.Fatalf("keys differ:\nen %v\nzh %v", en, zh)
	}
	for _, s := range []string{stateGenuine, stateImplant, stateMedicine, stateRecalled, stateExpired, stateSuspect, stateUnreadable, stateUnavailable} {
		for lang, text := range pageText {
			if text[s+"Head"] == "" || text[s+"Body"] == "" {
				t.Errorf("%s has no message for %s", lang, s)
			}
		}
		if stateTone[s] == "" {
			t.Errorf("no tone for %s", s)
		}
	}
	for _, st := range []model.Status{model.StatusActive, model.StatusInTransit, model.StatusQuarantined, model.StatusRecalled,
		model.StatusExpired, model.StatusDispensed, model.StatusReturned, model.StatusDecommissioned, model.StatusDestroyed} {
		if pageText["zh"]["status_"+string(st)] == "" {
			t.Errorf("no words for status %s", st)
		}
	}
}

func TestResolverPageState(t *testing.T) {
	genuine := model.Verification{Genuine: true, Status: model.StatusActive, Sellable: true}
	with := func(f func(v *model.Verification)) model.Verification { v := genuine; f(&v); return v }
	for _, tt := range []struct {
		name string
		v    model.Verification
		kind model.ProductKind
		want string
	}{
		{"sellable", genuine, model.KindDrug, stateGenuine},
		{"never commissioned", model.Verification{}, model.KindDrug, stateSuspect},
		{"a clone", with(func(v *model.Verification) { v.CloneSuspected, v.Sellable = true, false }), model.KindDevice, stateSuspect},
		{"recalled after it was implanted", with(func(v *model.Verification) {
			v.Status, v.Recalled, v.Sellable = model.StatusDispensed, true, false
		}), model.KindDevice, stateRecalled},
		{"an implant past its use-by date", with(func(v *model.Verification) {
			v.Status, v.Expired, v.Sellable = model.StatusDispensed, true, false
		}), model.KindDevice, stateImplant},
		{"a dispensed medicine past its use-by date", with(func(v *model.Verification) {
			v.Status, v.Expired, v.Sellable = model.StatusDispensed, true, false
		}), model.KindDrug, stateExpired},
		{"a dispensed medicine", with(func(v *model.Verification) { v.Status, v.Sellable = model.StatusDispensed, false }), model.KindDrug, stateMedicine},
		{"expired on the shelf", with(func(v *model.Verification) { v.Status, v.Expired, v.Sellable = model.StatusExpired, true, false }), model.KindDrug, stateExpired},
		{"quarantined", with(func(v *model.Verification) { v.Status, v.Sellable = model.StatusQuarantined, false }), model.KindDrug, stateUnavailable},
	} {
		if got := pageState(&tt.v, tt.kind); got != tt.want {
			t.Errorf("%s: %s, want %s", tt.name, got, tt.want)
		}
	}
}

func TestResolverPageLanguage(t *testing.T) {
	w := newWorld(t)
	w.seed()
	w.commission("urn:uuid:page-language", 1, 1)
	for _, tt := range []struct {
		query, acceptLanguage, want string
	}{
		{"", "", "en"},
		{"", "zh-CN,zh;q=0.9,en;q=0.8", "zh"},
		{"", "zh", "zh"},
		{"", "en-GB,zh;q=0.5", "en"},
		{"", "de-DE,zh-TW;q=0.7", "zh"},
		{"", "fr", "en"},
		{"?lang=en", "zh-CN", "en"},
		{"?lang=zh", "en-US", "zh"},
		{"?lang=xx", "zh-CN", "zh"},
	} {
		r := w.must(200, nil, "", "GET", genuinePath+tt.query, nil, "Accept: text/html", "Accept-Language: "+tt.acceptLanguage)
		page := string(r.body)
		if !strings.Contains(page, `<html lang="`+tt.want+`">`) || r.header.Get("Content-Language") != tt.want {
			t.Errorf("%q with Accept-Language %q: Content-Language %q, page %.120s", tt.query, tt.acceptLanguage, r.header.Get("Content-Language"), page)
		}
		if !strings.Contains(r.header.Get("Vary"), "Accept-Language") {
			t.Errorf("Vary %q", r.header.Get("Vary"))
		}
	}

	t.Run("the switch keeps the Digital Link's data attributes, and lang is no part of the code", func(t *testing.T) {
		path := "/01/" + deviceDI + "/10/L1/21/S000001?17=" + expiryYYMMDD(day(365))
		page := string(w.must(200, nil, "", "GET", path+"&lang=zh", nil, "Accept: text/html").body)
		want := `href="/01/` + deviceDI + `/10/L1/21/S000001?17=` + expiryYYMMDD(day(365)) + `&amp;lang=en"`
		if !strings.Contains(page, want) || !strings.Contains(page, "正品") {
			t.Fatalf("page lacks %s:\n%s", want, page)
		}
		var res Resolved
		w.must(200, &res, "", "GET", path+"&lang=zh", nil, "Accept: application/json")
		if !res.Verification.Sellable {
			t.Fatalf("lang changed the verdict: %+v", res)
		}
	})
}

// expiryYYMMDD writes an ISO date as a Digital Link's expiry (AI 17).
func expiryYYMMDD(iso string) string {
	return strings.ReplaceAll(iso, "-", "")[2:]
}

func TestResolverPageOverHTTP(t *testing.T) {
	w := pageWorld(t)
	t.Run("the JSON answer is unchanged: no company name, no recall notice", func(t *testing.T) {
		r := w.must(200, nil, "", "GET", recalledPath, nil, "Accept: application/json")
		if strings.Contains(string(r.body), makerName) || strings.Contains(string(r.body), "sterile barrier") {
			t.Fatalf("JSON %s", r.body)
		}
	})
	t.Run("a code that is none says, in the reader's language, whom to call", func(t *testing.T) {
		for _, tt := range []struct{ lang, want string }{{"en", "national medicines regulator"}, {"zh", "12315"}} {
			r := w.call("", "GET", "/01/123?lang="+tt.lang, nil, "Accept: text/html")
			if page := string(r.body); r.status != 400 || !strings.Contains(page, tt.want) || !strings.Contains(page, `<html lang="`+tt.lang+`">`) {
				t.Errorf("%s: %d %s", tt.lang, r.status, page)
			}
		}
	})
	t.Run("dates are dates: <time> with the machine's date and the reader's", func(t *testing.T) {
		page := string(w.must(200, nil, "", "GET", recalledPath+"?lang=zh", nil, "Accept: text/html").body)
		exp, _ := model.ParseDate(day(365))
		want := `<time datetime="` + day(365) + `">` + exp.Format("2006年1月2日") + `</time>`
		if !strings.Contains(page, want) || !strings.Contains(page, `&#43;08:00">`) {
			t.Fatalf("page lacks %s or the recall's date in UTC+8:\n%s", want, page)
		}
	})
}
