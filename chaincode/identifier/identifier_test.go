package identifier

import (
	"encoding/json"
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/udiledger/udiledger/gateway/epcis/epcistest"
)

// hibcc appends the mod-43 check character to data.
func hibcc(data string) string {
	c, _ := HIBCCCheck(data)
	return data + string(c)
}

func TestParse(t *testing.T) {
	tests := []struct {
		name string
		give string
		want Code // AIs are compared by count only
		ais  int
	}{
		{"reads a GS1 DataMatrix string", "]d201095060001343521724123110ABC123\x1d21XYZ987",
			Code{Scheme: SchemeGS1, Key: "(01)09506000134352(21)XYZ987", DI: "09506000134352", GTIN: "09506000134352", Lot: "ABC123", Serial: "XYZ987", Expiry: "2024-12-31"}, 4},
		{"reads the bracketed form with surrounding space", "  (01)09506000134352(11)240115(17)260200(10)LOT1\n",
			Code{Scheme: SchemeGS1, Key: "(01)09506000134352(10)LOT1", DI: "09506000134352", GTIN: "09506000134352", Lot: "LOT1", Expiry: "2026-02-28", ProductionDate: "2024-01-15"}, 4},
		{"reads an element string without symbology identifier", "0109506000134352",
			Code{Scheme: SchemeGS1, Key: "(01)09506000134352", DI: "09506000134352", GTIN: "09506000134352"}, 1},
		{"reads a bare GTIN-13", "9506000134352",
			Code{Scheme: SchemeGS1, Key: "(01)09506000134352", DI: "09506000134352", GTIN: "09506000134352"}, 1},
		{"reads an SSCC sent without symbology identifier", "00106141411234567897",
			Code{Scheme: SchemeGS1, Key: "(00)106141411234567897", SSCC: "106141411234567897"}, 1},
		{"reads a Digital Link on any host", "https://brand.example/p/01/09506000134352/21/S1?17=270331",
			Code{Scheme: SchemeGS1, Key: "(01)09506000134352(21)S1", DI: "09506000134352", GTIN: "09506000134352", Serial: "S1", Expiry: "2027-03-31"}, 3},
		{"reads EAN-13 data with its symbology identifier", "]E09506000134352",
			Code{Scheme: SchemeGS1, Key: "(01)09506000134352", DI: "09506000134352", GTIN: "09506000134352"}, 1},
		{"reads a Digital Link in a QR Code with ]Q1", "]Q1https://id.gs1.org/00/106141411234567897",
			Code{Scheme: SchemeGS1, Key: "(00)106141411234567897", SSCC: "106141411234567897"}, 1},
		{"reads an EPC URN", "urn:epc:id:sgtin:0614141.107346.2017",
			Code{Scheme: SchemeGS1, Key: "(01)10614141073464(21)2017", DI: "10614141073464", GTIN: "10614141073464", Serial: "2017"}, 2},
		{"reads a GLN URN with its extension in the key", "urn:epc:id:sgln:0614141.07346.1234",
			Code{Scheme: SchemeGS1, Key: "(414)0614141073467(254)1234"}, 2},
		{"leaves the lot out of an ITIP key with serial", "(8006)109506000134360102(10)L(21)S",
			Code{Scheme: SchemeGS1, Key: "(8006)109506000134360102(21)S", Lot: "L", Serial: "S"}, 3},
		{"reads a drug trace code", "81234567890123456789",
			Code{Scheme: SchemeCNDrug, Key: "81234567890123456789", DI: "8123456", Serial: "789012345"}, 0},
		{"reads a drug trace code grouped with spaces", "8123 4567 8901 2345 6789",
			Code{Scheme: SchemeCNDrug, Key: "81234567890123456789", DI: "8123456", Serial: "789012345"}, 0},
		{"reads a drug trace code grouped with hyphens", "8123456-789012345-6789",
			Code{Scheme: SchemeCNDrug, Key: "81234567890123456789", DI: "8123456", Serial: "789012345"}, 0},
		{"reads an MA code with serial and dates", "MA.156.M0.100001.10000018.L2024001.S000123.M20240101.E260101",
			Code{Scheme: SchemeMA, Key: "ma:MA.156.M0.100001.10000018.S000123", DI: "MA.156.M0.100001.10000018", Lot: "2024001", Serial: "000123", Expiry: "2026-01-01", ProductionDate: "2024-01-01"}, 0},
		{"reads an MA code with lot and valid-until date", "MA.156.M0.100001.10000018.L2024001.V20261231",
			Code{Scheme: SchemeMA, Key: "ma:MA.156.M0.100001.10000018.L2024001", DI: "MA.156.M0.100001.10000018", Lot: "2024001", Expiry: "2026-12-31"}, 0},
		{"reads HIBCC primary data", "+A123BJC5D6E71G",
			Code{Scheme: SchemeHIBCC, Key: "hibcc:A123BJC5D6E71", DI: "A123BJC5D6E71"}, 0},
		{"reads HIBCC with lot and YYMMDD expiry", hibcc("+A123BJC5D6E71/$$3261231LOT1"),
			Code{Scheme: SchemeHIBCC, Key: "hibcc:A123BJC5D6E71$LOT1", DI: "A123BJC5D6E71", Lot: "LOT1", Expiry: "2026-12-31"}, 0},
		{"reads HIBCC with serial and MMYY expiry", hibcc("+A123BJC5D6E71/$$+0227SN42"),
			Code{Scheme: SchemeHIBCC, Key: "hibcc:A123BJC5D6E71$+SN42", DI: "A123BJC5D6E71", Serial: "SN42", Expiry: "2027-02-28"}, 0},
		{"reads HIBCC with a Julian date and supplemental serial", hibcc("+A123BJC5D6E71/26032LOT9/SABC/16D20240101"),
			Code{Scheme: SchemeHIBCC, Key: "hibcc:A123BJC5D6E71$+ABC", DI: "A123BJC5D6E71", Lot: "LOT9", Serial: "ABC", Expiry: "2026-02-01", ProductionDate: "2024-01-01"}, 0},
		{"reads HIBCC with a quantity", hibcc("+A123BJC5D6E71/$$8053261231LOT2"),
			Code{Scheme: SchemeHIBCC, Key: "hibcc:A123BJC5D6E71$LOT2", DI: "A123BJC5D6E71", Lot: "LOT2", Expiry: "2026-12-31"}, 0},
		{"reads HIBCC in a DataMatrix with ]d1", "]d1+A123BJC5D6E71G",
			Code{Scheme: SchemeHIBCC, Key: "hibcc:A123BJC5D6E71", DI: "A123BJC5D6E71"}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(tt.give)
			if err != nil {
				t.Fatalf("Parse(%q) = %v", tt.give, err)
			}
			if len(got.AIs) != tt.ais {
				t.Errorf("got %d AIs, want %d", len(got.AIs), tt.ais)
			}
			got.AIs = nil
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Parse(%q)\n got %+v\nwant %+v", tt.give, got, tt.want)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name    string
		give    string
		scheme  Scheme
		kind    Kind
		wantPos int
	}{
		{"refuses an empty code", "   ", "", KindUnknownFormat, -1},
		{"refuses text it cannot place", "hello", "", KindUnknownFormat, 0},
		{"reports positions in the input as given", "  ]d20109506000134353", SchemeGS1, KindBadCheckDigit, 20},
		{"refuses an unknown AI", "]d20109506000134352" + "04123", SchemeGS1, KindUnknownAI, 19},
		{"refuses a short GTIN", "(01)0950600013435", SchemeGS1, KindBadLength, 4},
		{"refuses EAN-13 data (]E0) with too few digits", " ]E0950600013435", SchemeGS1, KindBadLength, 4},
		{"refuses a bad character", "010950600013435210AB C", SchemeGS1, KindBadChar, 20},
		{"refuses a bad date", "(01)09506000134352(17)241301", SchemeGS1, KindBadDate, 22},
		{"refuses a serial without GTIN", "(21)X", SchemeGS1, KindMissingAI, -1},
		{"refuses an invalid pair", "(01)09506000134352(02)09506000134352(37)5", SchemeGS1, KindInvalidPair, -1},
		{"refuses a conflicting duplicate", "(01)09506000134352(21)A(21)B", SchemeGS1, KindDuplicateAI, -1},
		{"refuses GS1 data without a key", "(400)PO123", SchemeGS1, KindMissingAI, -1},
		{"refuses a Digital Link with qualifiers out of order", "https://id.gs1.org/01/09506000134352/21/X/10/L", SchemeGS1, KindBadDLPath, 42},
		{"refuses a bad EPC URN", "urn:epc:id:sgtin:0614141.10734.1", SchemeGS1, KindBadURN, 25},
		{"refuses a bare GTIN with a wrong check digit", "9506000134353", SchemeGS1, KindBadCheckDigit, 12},
		{"refuses a drug trace code of 19 digits", "8123 4567 8901 2345 678", SchemeCNDrug, KindBadLength, -1},
		{"refuses a drug trace code of 21 digits", "8123-4567-8901-2345-6789-1", SchemeCNDrug, KindBadLength, 25},
		{"refuses an MA code with a short product code", "MA.156.M0.100001.1000001", SchemeMA, KindBadLength, 17},
		{"refuses an MA code with letters in the country", "MA.1X6.M0.100001.10000018", SchemeMA, KindBadChar, 4},
		{"refuses an MA code with an unknown data unit", "MA.156.M0.100001.10000018.Q1", SchemeMA, KindBadValue, 26},
		{"refuses an MA code with an impossible date", "MA.156.M0.100001.10000018.E20260230", SchemeMA, KindBadDate, 27},
		{"refuses an MA code with a repeated data unit", "MA.156.M0.100001.10000018.L1.L2", SchemeMA, KindDuplicateAI, 28},
		{"refuses HIBCC with a wrong check character", "+A123BJC5D6E71H", SchemeHIBCC, KindBadCheckDigit, 14},
		{"refuses HIBCC secondary data alone", hibcc("+$$3261231LOT1"), SchemeHIBCC, KindUnknownFormat, 1},
		{"refuses HIBCC with a lower-case letter", "+a123BJC5D6E71G", SchemeHIBCC, KindBadChar, 1},
		{"refuses HIBCC with an impossible date", hibcc("+A123BJC5D6E71/$$3261331LOT1"), SchemeHIBCC, KindBadDate, 18},
		{"refuses HIBCC provider data", "+/ABC", SchemeHIBCC, KindUnknownFormat, 1},
		{"refuses HIBCC without product code", hibcc("+A123/$LOT1"), SchemeHIBCC, KindBadLength, 5},
		{"refuses HIBCC with an empty lot", hibcc("+A123BJC5D6E71/$"), SchemeHIBCC, KindBadLength, 16},
		{"refuses HIBCC with a space in a supplemental serial", hibcc("+A123BJC5D6E71/$L1/SA B"), SchemeHIBCC, KindBadChar, 21},
		{"refuses a non-GS1 symbology identifier with nothing after it", "]d1", "", KindUnknownFormat, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(tt.give)
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("Parse(%q) = %v, want an *Error", tt.give, err)
			}
			if e.Scheme != tt.scheme || e.Kind != tt.kind || e.Pos != tt.wantPos {
				t.Errorf("Parse(%q) = %v\n got scheme %q kind %q pos %d, want %q %q %d", tt.give, err, e.Scheme, e.Kind, e.Pos, tt.scheme, tt.kind, tt.wantPos)
			}
		})
	}
}

func TestParseCNDrugErrors(t *testing.T) {
	tests := []struct {
		name    string
		give    string
		kind    Kind
		wantPos int
	}{
		{"refuses a letter", "8123 4567 8901 2345 678X", KindBadChar, 23},
		{"refuses a dot", "8123.4567.8901.2345.6789", KindBadChar, 4},
		{"refuses 19 digits", "8123456789012345678", KindBadLength, -1},
		{"refuses an empty code", "", KindBadLength, -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseCNDrug(tt.give)
			var e *Error
			if !errors.As(err, &e) || e.Kind != tt.kind || e.Pos != tt.wantPos || e.Scheme != SchemeCNDrug {
				t.Errorf("ParseCNDrug(%q) = %v, want %q at %d", tt.give, err, tt.kind, tt.wantPos)
			}
		})
	}
}

func TestParseKey(t *testing.T) {
	tests := []struct {
		name    string
		give    string
		wantErr bool
	}{
		{"reads a serialized GTIN key", "(01)09506000134352(21)12345", false},
		{"reads a lot key", "(01)09506000134352(10)LOT1", false},
		{"reads an SSCC key", "(00)106141411234567897", false},
		{"reads a key with an escaped parenthesis", `(01)09506000134352(21)A\(1`, false},
		{"reads a drug trace code key", "81234567890123456789", false},
		{"reads an MA key", "ma:MA.156.M0.100001.10000018.S000123", false},
		{"reads a HIBCC key", "hibcc:A123BJC5D6E71$+SN42", false},
		{"refuses a key with a lot beside the serial", "(01)09506000134352(10)L(21)S", true},
		{"refuses a key in another AI order", "(21)S(01)09506000134352", true},
		{"refuses a grouped drug trace code", "8123 4567 8901 2345 6789", true},
		{"refuses an element string", "0109506000134352", true},
		{"refuses an MA key with dates", "ma:MA.156.M0.100001.10000018.S1.E20260101", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := ParseKey(tt.give)
			if (err != nil) != tt.wantErr {
				t.Fatalf("ParseKey(%q) = %+v, %v", tt.give, c, err)
			}
			if err == nil && c.Key != tt.give {
				t.Errorf("key %q read back as %q", tt.give, c.Key)
			}
		})
	}
}

func TestKeysOfSchemesNeverCollide(t *testing.T) {
	codes := []string{"(01)09506000134352(21)XYZ987", "81234567890123456789", "MA.156.M0.100001.10000018.S1", "+A123BJC5D6E71G"}
	firsts := map[byte]Scheme{}
	for _, s := range codes {
		c, err := Parse(s)
		if err != nil {
			t.Fatal(err)
		}
		if other, ok := firsts[c.Key[0]]; ok {
			t.Errorf("keys of %s and %s start alike", other, c.Scheme)
		}
		firsts[c.Key[0]] = c.Scheme
	}
}

func TestCodePredicates(t *testing.T) {
	tests := []struct {
		name       string
		give       string
		serialized bool
		logistic   bool
	}{
		{"says a GTIN with serial is serialized", "(01)09506000134352(21)1", true, false},
		{"says a GTIN with lot is not serialized", "(01)09506000134352(10)1", false, false},
		{"says an SSCC is a logistic unit", "(00)106141411234567897", false, true},
		{"says a drug trace code is serialized", "81234567890123456789", true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Parse(tt.give)
			if err != nil {
				t.Fatal(err)
			}
			if c.IsSerialized() != tt.serialized || c.IsLogisticUnit() != tt.logistic {
				t.Errorf("IsSerialized = %v, IsLogisticUnit = %v", c.IsSerialized(), c.IsLogisticUnit())
			}
		})
	}
}

func TestCodeJSONFieldNames(t *testing.T) {
	c, err := Parse("(00)106141411234567897")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(c)
	want := `{"scheme":"gs1","key":"(00)106141411234567897","sscc":"106141411234567897","ais":[{"ai":"00","value":"106141411234567897"}]}`
	if string(b) != want {
		t.Errorf("got %s, want %s", b, want)
	}
}

func TestHIBCCCheckVector(t *testing.T) {
	// The worked example of the HIBC Supplier Labeling Standard: the sum 145 mod 43 is 16, "G".
	if c, ok := HIBCCCheck("+A123BJC5D6E71"); !ok || c != 'G' {
		t.Errorf("HIBCCCheck = %q, %v; want 'G'", c, ok)
	}
}

// epcisIdentifiers walks the EPCIS examples for EPC URNs and GS1 Digital Link URIs.
func epcisIdentifiers(t testing.TB) []string {
	files := epcistest.Examples(t)
	var out []string
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			for _, x := range v {
				walk(x)
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		case string:
			if strings.HasPrefix(v, "urn:epc:") || strings.HasPrefix(v, "https://id.gs1.org/") {
				out = append(out, v)
			}
		}
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var doc any
		if err := json.Unmarshal(b, &doc); err != nil {
			t.Fatal(err)
		}
		walk(doc)
	}
	return out
}

func TestEPCISExamples(t *testing.T) {
	for _, id := range epcisIdentifiers(t) {
		t.Run("reads "+id, func(t *testing.T) {
			c, err := Parse(id)
			if err != nil {
				t.Fatal(err)
			}
			if c.Scheme != SchemeGS1 || c.Key == "" {
				t.Errorf("got %+v", c)
			}
			if _, err := ParseKey(c.Key); err != nil {
				t.Errorf("ParseKey(%q) = %v", c.Key, err)
			}
		})
	}
}
