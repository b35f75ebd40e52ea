package gs1

import (
	"errors"
	"strings"
	"testing"
)

func TestParseDigitalLink(t *testing.T) {
	tests := []struct {
		name string
		give string
		want string
	}{
		{"reads GTIN, lot, serial and expiry", "https://id.gs1.org/01/09506000134352/10/ABC123/21/XYZ987?17=241231", "(01)09506000134352(10)ABC123(21)XYZ987(17)241231"},
		{"reads any host and path prefix", "http://example.com/some/path/01/09506000134352/21/X", "(01)09506000134352(21)X"},
		{"reads the scheme in any case", "HTTPS://Example.COM/01/09506000134352", "(01)09506000134352"},
		{"widens a GTIN-13", "https://example.org/01/9506000134352", "(01)09506000134352"},
		{"percent-decodes values", "https://id.gs1.org/01/09506000134352/10/A%2FB%25", "(01)09506000134352(10)A/B%"},
		{"ignores non-AI query keys and the fragment", "https://id.gs1.org/01/09506000134352?linkType=gs1:pip&17=241231#x", "(01)09506000134352(17)241231"},
		{"reads an SSCC", "https://id.gs1.org/00/106141411234567897", "(00)106141411234567897"},
		{"reads a GLN with extension", "https://id.gs1.org/414/0614141000012/254/A1", "(414)0614141000012(254)A1"},
		{"reads the second qualifier sequence of a GTIN", "https://id.gs1.org/01/09506000134352/235/TPX1", "(01)09506000134352(235)TPX1"},
		{"reads a GIAI", "https://id.gs1.org/8004/4000001111", "(8004)4000001111"},
		{"treats a path prefix that looks like an AI as prefix", "https://x.org/10/foo/01/09506000134352", "(01)09506000134352"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseDigitalLink(tt.give)
			if err != nil {
				t.Fatalf("ParseDigitalLink(%q) = %v", tt.give, err)
			}
			if Bracketed(got) != tt.want {
				t.Errorf("got %s, want %s", Bracketed(got), tt.want)
			}
		})
	}
}

func TestParseDigitalLinkErrors(t *testing.T) {
	tests := []struct {
		name string
		give string
		want Kind
	}{
		{"refuses another scheme", "ftp://id.gs1.org/01/09506000134352", KindBadDLPath},
		{"refuses a URI without key", "https://id.gs1.org/products/x", KindBadDLPath},
		{"refuses qualifiers out of order", "https://id.gs1.org/01/09506000134352/21/X/10/L", KindBadDLPath},
		{"refuses a qualifier that belongs to no sequence of the key", "https://id.gs1.org/00/106141411234567897/21/X", KindBadDLPath},
		{"refuses mixing qualifier sequences", "https://id.gs1.org/01/09506000134352/10/L/235/T", KindBadDLPath},
		{"refuses a serial in the query string", "https://id.gs1.org/01/09506000134352?21=X", KindBadDLPath},
		{"refuses an unknown AI in the query string", "https://id.gs1.org/01/09506000134352?04=X", KindUnknownAI},
		{"refuses a bad percent escape", "https://id.gs1.org/01/09506000134352/10/A%2", KindBadDLPath},
		{"refuses a bad GTIN check digit", "https://id.gs1.org/01/09506000134353", KindBadCheckDigit},
		{"refuses a bad expiry date", "https://id.gs1.org/01/09506000134352?17=241301", KindBadDate},
		{"refuses a duplicate attribute with another value", "https://id.gs1.org/01/09506000134352?17=241231&17=241230", KindDuplicateAI},
		{"refuses an invalid pair", "https://id.gs1.org/01/09506000134352?37=5", KindInvalidPair},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseDigitalLink(tt.give)
			var se *SyntaxError
			if !errors.As(err, &se) || se.Kind != tt.want {
				t.Errorf("ParseDigitalLink(%q) = %v, want %q", tt.give, err, tt.want)
			}
		})
	}
}

func TestDigitalLink(t *testing.T) {
	tests := []struct {
		name string
		give []Element
		base string
		want string
	}{
		{"writes the canonical form with qualifiers in order and attributes sorted",
			[]Element{{"01", "09506000134352"}, {"21", "XYZ"}, {"17", "241231"}, {"10", "L1"}, {"11", "240101"}}, "",
			"https://id.gs1.org/01/09506000134352/10/L1/21/XYZ?11=240101&17=241231"},
		{"uses another base", []Element{{"00", "106141411234567897"}}, "https://resolver.example.com/",
			"https://resolver.example.com/00/106141411234567897"},
		{"percent-encodes characters outside the unreserved set", []Element{{"01", "09506000134352"}, {"10", "A/B%C+D"}}, "",
			"https://id.gs1.org/01/09506000134352/10/A%2FB%25C%2BD"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := DigitalLink(tt.give, tt.base)
			if err != nil {
				t.Fatalf("DigitalLink = %v", err)
			}
			if got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}
	t.Run("refuses elements without primary key", func(t *testing.T) {
		if _, err := DigitalLink([]Element{{"400", "PO1"}}, ""); err == nil {
			t.Error("got no error")
		}
	})
	t.Run("refuses an element that is neither qualifier nor attribute", func(t *testing.T) {
		if _, err := DigitalLink([]Element{{"00", "106141411234567897"}, {"8041", "123456789012345"}}, ""); err == nil {
			t.Error("got no error")
		}
	})
}

// The query-string rules of the GS1 Digital Link URI syntax: one AI once, key qualifiers in
// the path, '+' as a space.
func TestParseDigitalLinkQueryRules(t *testing.T) {
	const gtin = "https://id.gs1.org/01/09506000134352"
	accepted := []struct {
		name string
		give string
		want string
	}{
		{"accepts a lot in the path and an expiry in the query", gtin + "/10/L1?17=241231", "(01)09506000134352(10)L1(17)241231"},
		{"accepts a lot in the query beside a TPX, which no sequence holds with it", gtin + "/235/T1?10=L1", "(01)09506000134352(235)T1(10)L1"},
		{"accepts a lot in the query of a key without qualifiers", "https://id.gs1.org/00/106141411234567897?10=L1&02=09506000134352&37=5", "(00)106141411234567897(10)L1(02)09506000134352(37)5"},
		{"accepts %2B as a plus in a query value", gtin + "/21/S?240=A%2BB", "(01)09506000134352(21)S(240)A+B"},
		{"keeps a '+' in the path as a plus", gtin + "/10/A+B", "(01)09506000134352(10)A+B"},
		{"ignores a repeated non-AI query key", gtin + "?linkType=a&linkType=b&17=241231", "(01)09506000134352(17)241231"},
	}
	for _, tt := range accepted {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseDigitalLink(tt.give)
			if err != nil {
				t.Fatalf("ParseDigitalLink(%q) = %v", tt.give, err)
			}
			if Bracketed(got) != tt.want {
				t.Errorf("got %s, want %s", Bracketed(got), tt.want)
			}
		})
	}
	refused := []struct {
		name    string
		give    string
		kind    Kind
		ai      string
		pos     int
		message string
	}{
		{"refuses the primary key again in the query", gtin + "?01=09506000134352", KindDuplicateAI, "01", 37, "given in the path and again in the query string"},
		{"refuses a qualifier of the path again in the query", gtin + "/10/L1?10=L1", KindDuplicateAI, "10", 43, "given in the path and again in the query string"},
		{"refuses the same attribute twice in the query with one value", gtin + "?17=241231&17=241231", KindDuplicateAI, "17", 47, "given twice in the query string"},
		{"refuses the same attribute twice in the query with two values", gtin + "?17=241231&17=241230", KindDuplicateAI, "17", 47, "given twice in the query string"},
		{"refuses a lot in the query that belongs in the path", gtin + "?10=L1", KindBadDLPath, "10", 37, "is a key qualifier of (01) and belongs in the path"},
		{"refuses a lot in the query that belongs before the serial", gtin + "/21/S?10=L1", KindBadDLPath, "10", 42, "belongs in the path"},
		{"refuses a lot in the query of an ITIP", "https://id.gs1.org/8006/095060001343520102?10=L1", KindBadDLPath, "10", 43, "is a key qualifier of (8006)"},
		{"refuses a serial in the query, which is no data attribute", gtin + "/10/L1?21=S", KindBadDLPath, "21", 43, "is not a Digital Link data attribute"},
		{"refuses a '+' that decodes to a space", gtin + "/21/S?240=A+B", KindBadChar, "240", 47, "a '+' in a query value means a space, a plus is written %2B"},
	}
	for _, tt := range refused {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseDigitalLink(tt.give)
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("ParseDigitalLink(%q) = %v, want a *SyntaxError", tt.give, err)
			}
			if se.Kind != tt.kind || se.AI != tt.ai || se.Pos != tt.pos || !strings.Contains(se.Msg, tt.message) {
				t.Errorf("got %v (kind %q, AI %q, pos %d), want kind %q, AI %q, pos %d and %q", err, se.Kind, se.AI, se.Pos, tt.kind, tt.ai, tt.pos, tt.message)
			}
		})
	}
}
