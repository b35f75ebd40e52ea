package gs1

import (
	"errors"
	"strings"
	"testing"
)

func TestNewPrefixes(t *testing.T) {
	refused := []struct {
		name    string
		give    []string
		message string
	}{
		{"refuses an empty list", nil, "no GS1 Company Prefix given"},
		{"refuses a prefix of 3 digits", []string{"9506000", "123"}, `Prefix 2 "123" is not 4 to 12 digits`},
		{"refuses a prefix of 13 digits", []string{"1234567890123"}, "is not 4 to 12 digits"},
		{"refuses a letter", []string{"95060A0"}, "is not 4 to 12 digits"},
		{"refuses white space", []string{" 9506000"}, "is not 4 to 12 digits"},
	}
	for _, tt := range refused {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewPrefixes(tt.give)
			var se *SyntaxError
			if !errors.As(err, &se) || se.Kind != KindBadValue || !strings.Contains(se.Msg, tt.message) {
				t.Errorf("NewPrefixes(%q) = %v, want %q", tt.give, err, tt.message)
			}
		})
	}
	p, err := NewPrefixes([]string{"9506000", "0614141", "9506000", "4012", "061414100001"})
	if err != nil {
		t.Fatal(err)
	}
	if p.Len() != 4 {
		t.Errorf("Len = %d, want 4 (a repetition counts once)", p.Len())
	}
	matches := []struct {
		give, want string
	}{
		{"9506000134352", "9506000"},
		{"0614141000012", "0614141"}, // the shorter of two nested prefixes
		{"4012345000009", "4012"},
		{"9506001134352", ""},
		{"950", ""},
		{"", ""},
	}
	for _, tt := range matches {
		got, ok := p.Match(tt.give)
		if got != tt.want || ok != (tt.want != "") {
			t.Errorf("Match(%q) = %q, %v; want %q", tt.give, got, ok, tt.want)
		}
	}
	if !p.Contains("4012") || p.Contains("401") || p.Contains("40123") {
		t.Error("Contains answers wrong")
	}
	var none *Prefixes
	if _, ok := none.Match("9506000134352"); ok || none.Len() != 0 || none.Contains("9506000") {
		t.Error("a nil *Prefixes holds something")
	}
}

// The gcppos1 and gcppos2 linters: a Parser with Prefixes checks them, everything else
// skips them.
func TestParserCompanyPrefixes(t *testing.T) {
	pf, err := NewPrefixes([]string{"9506000", "0614141", "00000950"})
	if err != nil {
		t.Fatal(err)
	}
	p := Parser{Prefixes: pf}
	accepted := []struct {
		name  string
		parse func(string) ([]Element, error)
		give  string
	}{
		{"accepts a GTIN of a listed company (gcppos2)", p.ParseElementString, "]d20109506000134352" + "10L1"},
		{"accepts an SSCC of a listed company (gcppos2, after the extension digit)", p.ParseElementString, "00106141411234567897"},
		{"accepts a GLN of a listed company (gcppos1)", p.ParseBracketed, "(414)0614141000012"},
		{"accepts a GTIN-8 whose GS1-8 Prefix is listed after five zeros", p.ParseBracketed, "(01)00000095050003"},
		{"accepts EAN-13 data of a listed company", p.ParseElementString, "]E09506000134352"},
		{"accepts a Digital Link with a widened GTIN-13", p.ParseDigitalLink, "https://id.gs1.org/01/9506000134352/21/S1"},
		{"accepts an EPC URN of a listed company", p.ParseEPCURN, "urn:epc:id:sgtin:0614141.107346.2017"},
		{"accepts what the dictionary does not mark (a lot, an expiry)", p.ParseBracketed, "(01)09506000134352(10)4012(17)241231"},
	}
	for _, tt := range accepted {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := tt.parse(tt.give); err != nil {
				t.Errorf("%q: %v", tt.give, err)
			}
		})
	}
	refused := []struct {
		name    string
		parse   func(string) ([]Element, error)
		give    string
		kind    Kind
		ai      string
		pos     int
		message string
	}{
		{"refuses a GTIN of another company", p.ParseElementString, "]d20104012345000009", KindBadValue, "01", 6,
			"no GS1 Company Prefix of the configured list starts at character 2 of the value"},
		{"refuses an SSCC of another company", p.ParseElementString, "00340123450000000000", KindBadValue, "00", 3, "character 2 of the value"},
		{"refuses a GLN of another company", p.ParseBracketed, "(414)4012345000009", KindBadValue, "414", 5, "character 1 of the value"},
		{"refuses a GRAI of another company after its leading zero", p.ParseBracketed, "(8003)04012345000009X1", KindBadValue, "8003", 7, "character 2 of the value"},
		{"refuses a GTIN-8 whose prefix is not listed", p.ParseBracketed, "(01)00000012345670", KindBadValue, "01", 5, "character 2 of the value"},
		{"refuses EAN-13 data of another company", p.ParseElementString, "]E04012345000009", KindBadValue, "01", 3, "character 2 of the value"},
		{"refuses a widened GTIN-13 in a Digital Link at its first digit", p.ParseDigitalLink, "https://id.gs1.org/01/4012345000009", KindBadValue, "01", 22, "character 2 of the value"},
		{"refuses a GIAI of another company in the query string", p.ParseDigitalLink, "https://id.gs1.org/01/09506000134352?8004=4000001111", KindBadValue, "8004", 42, "character 1 of the value"},
		{"refuses an EPC URN of another company", p.ParseEPCURN, "urn:epc:id:sgtin:4012345.012345.1", KindBadURN, "01", -1, "character 2 of the value"},
	}
	for _, tt := range refused {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.parse(tt.give)
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("%q: %v, want a *SyntaxError", tt.give, err)
			}
			if se.Kind != tt.kind || se.AI != tt.ai || se.Pos != tt.pos || !strings.Contains(se.Msg, tt.message) {
				t.Errorf("%q: got %v (kind %q, AI %q, pos %d), want kind %q, AI %q, pos %d and %q", tt.give, err, se.Kind, se.AI, se.Pos, tt.kind, tt.ai, tt.pos, tt.message)
			}
		})
	}
	t.Run("refuses in Validate", func(t *testing.T) {
		err := p.Validate([]Element{{"01", "04012345000009"}})
		var se *SyntaxError
		if !errors.As(err, &se) || se.Kind != KindBadValue || se.AI != "01" {
			t.Errorf("got %v, want %q in (01)", err, KindBadValue)
		}
	})
	t.Run("skips the linters without a list", func(t *testing.T) {
		var zero Parser
		if _, err := zero.ParseElementString("]d20104012345000009"); err != nil {
			t.Errorf("the zero Parser refused a GTIN: %v", err)
		}
		for _, s := range []string{"(414)4012345000009", "(8003)04012345000009X1"} {
			if _, err := ParseBracketed(s); err != nil {
				t.Errorf("ParseBracketed refused %q: %v", s, err)
			}
		}
		if _, err := ParseDigitalLink("https://id.gs1.org/01/4012345000009"); err != nil {
			t.Errorf("ParseDigitalLink refused a GTIN: %v", err)
		}
		if err := Validate([]Element{{"01", "04012345000009"}}); err != nil {
			t.Errorf("Validate refused a GTIN: %v", err)
		}
	})
}
