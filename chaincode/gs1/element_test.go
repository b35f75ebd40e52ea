package gs1

import (
	"errors"
	"strings"
	"testing"
)

const gs = "\x1d"

func TestParseElementString(t *testing.T) {
	tests := []struct {
		name string
		give string
		want string // bracketed form
	}{
		{"reads a DataMatrix string with GS after the lot", "]d201095060001343521724123110ABC123" + gs + "21XYZ987", "(01)09506000134352(17)241231(10)ABC123(21)XYZ987"},
		{"reads a GS1 QR Code string", "]Q30109506000134352", "(01)09506000134352"},
		{"reads a GS1-128 string", "]C100106141411234567897", "(00)106141411234567897"},
		{"reads a GS1 DataBar string", "]e00109506000134352", "(01)09506000134352"},
		{"reads a GS1 DotCode string", "]J10109506000134352", "(01)09506000134352"},
		{"reads data without symbology identifier", "010950600013435210LOT", "(01)09506000134352(10)LOT"},
		{"skips FNC1 in first position sent as GS", gs + "0109506000134352", "(01)09506000134352"},
		{"tolerates GS after a predefined-length value", "0109506000134352" + gs + "17241231", "(01)09506000134352(17)241231"},
		{"reads a four-digit AI", "01095060001343523103001234", "(01)09506000134352(3103)001234"},
		{"drops an identical repeated AI", "0109506000134352" + "10A" + gs + "0109506000134352", "(01)09506000134352(10)A"},
		{"accepts DD = 00 in an expiry date", "010950600013435217240200", "(01)09506000134352(17)240200"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseElementString(tt.give)
			if err != nil {
				t.Fatalf("ParseElementString(%q) = %v", tt.give, err)
			}
			if Bracketed(got) != tt.want {
				t.Errorf("got %s, want %s", Bracketed(got), tt.want)
			}
		})
	}
}

func TestParseElementStringErrors(t *testing.T) {
	tests := []struct {
		name    string
		give    string
		want    Kind
		wantPos int
	}{
		{"refuses an empty string", "", KindUnknownFormat, 0},
		{"refuses a non-GS1 symbology identifier", "]d10109506000134352", KindUnknownFormat, 0},
		{"refuses an unknown AI", "]d20109506000134352" + "04123", KindUnknownAI, 19},
		{"refuses an AI the dictionary skips in a range", "0109506000134352" + "3106000123", KindUnknownAI, 16},
		{"refuses a short GTIN", "]d2010950600013435", KindBadLength, 5},
		{"refuses a GTIN cut short by a separator", "0109506000134" + gs + "10A", KindBadLength, 2},
		{"refuses a lot longer than 20", "010950600013435210ABCDEFGHIJKLMNOPQRSTU", KindBadLength, 18},
		{"refuses a letter in a GTIN", "01095060001343A2", KindBadChar, 14},
		{"refuses a space in a lot", "010950600013435210AB C", KindBadChar, 20},
		{"refuses a wrong GTIN check digit", "]d20109506000134353", KindBadCheckDigit, 18},
		{"refuses a wrong SSCC check digit", "00106141411234567890", KindBadCheckDigit, 19},
		{"refuses month 13", "010950600013435217241301", KindBadDate, 18},
		{"refuses 30 February", "010950600013435217240230", KindBadDate, 18},
		{"refuses DD = 00 where the linter is yymmdd", "01095060001343527006240200", KindBadDate, 20},
		{"refuses a serial without GTIN", "21XYZ", KindMissingAI, -1},
		{"refuses an expiry date alone", "17241231", KindMissingAI, -1},
		{"refuses GTIN with content GTIN", "0109506000134352" + "0209506000134352" + "37" + "5", KindInvalidPair, -1},
		{"refuses the same AI with two values", "0109506000134352" + "21A" + gs + "21B", KindDuplicateAI, -1},
		{"refuses a GS at the end", "010950600013435210A" + gs, KindBadChar, 19},
		{"refuses a missing separator that makes a lot too long", "010950600013435210ABCDEFGHIJ21KLMNOPQRSTUV", KindBadLength, 18},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseElementString(tt.give)
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("ParseElementString(%q) = %v, want a *SyntaxError", tt.give, err)
			}
			if se.Kind != tt.want || se.Pos != tt.wantPos {
				t.Errorf("got %v (kind %q, pos %d), want kind %q at %d", err, se.Kind, se.Pos, tt.want, tt.wantPos)
			}
		})
	}
}

func TestParseBracketed(t *testing.T) {
	tests := []struct {
		name    string
		give    string
		want    string
		wantErr Kind
	}{
		{"reads the human-readable form", "(01)09506000134352(17)241231(10)ABC123(21)XYZ987", "(01)09506000134352(17)241231(10)ABC123(21)XYZ987", 0},
		{"ignores spaces between elements", " (01) 09506000134352 (10) ABC ", "(01)09506000134352(10)ABC", 0},
		{"reads an escaped parenthesis in a value", `(01)09506000134352(10)A\(B)`, "(01)09506000134352(10)A\\(B)", 0},
		{"refuses an unknown AI", "(01)09506000134352(04)1", "", KindUnknownAI},
		{"refuses a GTIN that is too long", "(01)095060001343521", "", KindBadLength},
		{"refuses a GTIN that is too short", "(01)0950600013435", "", KindBadLength},
		{"refuses a missing closing bracket", "(01", "", KindUnknownFormat},
		{"refuses text before the first AI", "x(01)09506000134352", "", KindUnknownFormat},
		{"refuses a bad check digit", "(01)09506000134353", "", KindBadCheckDigit},
		{"refuses two different lots", "(01)09506000134352(10)A(10)B", "", KindDuplicateAI},
		{"refuses an empty string", "  ", "", KindUnknownFormat},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseBracketed(tt.give)
			if tt.wantErr != 0 {
				var se *SyntaxError
				if !errors.As(err, &se) || se.Kind != tt.wantErr {
					t.Fatalf("ParseBracketed(%q) = %v, want %q", tt.give, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseBracketed(%q) = %v", tt.give, err)
			}
			if Bracketed(got) != tt.want {
				t.Errorf("got %s, want %s", Bracketed(got), tt.want)
			}
		})
	}
}

func TestElementStringPutsGSOnlyAfterVariableValues(t *testing.T) {
	elems := []Element{{"01", "09506000134352"}, {"10", "A"}, {"17", "241231"}, {"21", "B"}}
	want := "0109506000134352" + "10A" + gs + "17241231" + "21B"
	if got := ElementString(elems); got != want {
		t.Errorf("ElementString = %q, want %q", got, want)
	}
}

func TestKeyValidators(t *testing.T) {
	tests := []struct {
		name string
		fn   func(string) error
		give string
		want Kind
	}{
		{"accepts a GTIN-14", ValidateGTIN, "09506000134352", 0},
		{"accepts a GTIN-13", ValidateGTIN, "9506000134352", 0},
		{"accepts a GTIN-8", ValidateGTIN, "95050003", 0},
		{"refuses a GTIN of 11 digits", ValidateGTIN, "95060001343", KindBadLength},
		{"refuses a GTIN with a wrong check digit", ValidateGTIN, "09506000134353", KindBadCheckDigit},
		{"accepts an SSCC", ValidateSSCC, "106141411234567897", 0},
		{"refuses an SSCC with a letter", ValidateSSCC, "10614141123456789X", KindBadChar},
		{"accepts a GLN", ValidateGLN, "0614141000012", 0},
		{"refuses a GLN with a wrong check digit", ValidateGLN, "0614141000013", KindBadCheckDigit},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.fn(tt.give)
			var se *SyntaxError
			switch {
			case tt.want == 0 && err != nil:
				t.Errorf("got %v, want no error", err)
			case tt.want != 0 && (!errors.As(err, &se) || se.Kind != tt.want):
				t.Errorf("got %v, want %q", err, tt.want)
			}
		})
	}
}

func TestDateISO(t *testing.T) {
	tests := []struct {
		give, want string
	}{
		{"241231", "2024-12-31"},
		{"240200", "2024-02-29"},
		{"230200", "2023-02-28"},
		{"000229", "2000-02-29"},
		{"760101", "2076-01-01"},
		{"770101", "1977-01-01"},
		{"241300", ""},
		{"24123", ""},
	}
	for _, tt := range tests {
		t.Run("reads "+tt.give, func(t *testing.T) {
			got, err := DateISO(tt.give)
			if (err != nil) != (tt.want == "") || got != tt.want {
				t.Errorf("DateISO(%q) = %q, %v; want %q", tt.give, got, err, tt.want)
			}
		})
	}
}

func TestCheckPairVector(t *testing.T) {
	// The GMN example of the GS1 General Specifications.
	d, _ := Lookup("8013")
	if err := d.Validate("1987654Ad4X4bL5ttr2310c2K"); err != nil {
		t.Errorf("valid GMN refused: %v", err)
	}
	var se *SyntaxError
	if err := d.Validate("1987654Ad4X4bL5ttr2310c2L"); !errors.As(err, &se) || se.Kind != KindBadCheckDigit {
		t.Errorf("wrong check pair: got %v", err)
	}
}

// EAN/UPC data has the fixed length its symbology identifier gives.
func TestParseElementStringEANUPC(t *testing.T) {
	accepted := []struct {
		name string
		give string
		want string
	}{
		{"reads EAN-13 data", "]E09506000134352", "(01)09506000134352"},
		{"reads UPC-A data sent as 13 digits", "]E00614141000012", "(01)00614141000012"},
		{"reads EAN-8 data", "]E495050003", "(01)00000095050003"},
		{"reads EAN-13 data with a two-digit add-on and drops the add-on", "]E3950600013435212", "(01)09506000134352"},
		{"reads EAN-13 data with a five-digit add-on and drops the add-on", "]E3950600013435212345", "(01)09506000134352"},
	}
	for _, tt := range accepted {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseElementString(tt.give)
			if err != nil {
				t.Fatalf("ParseElementString(%q) = %v", tt.give, err)
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
		pos     int
		message string
	}{
		{"refuses ]E0 with too few digits", "]E0950600013435", KindBadLength, 3, "(]E0) holds 13 digits, got 12"},
		{"refuses ]E0 with too many digits", "]E009506000134352", KindBadLength, 3, "(]E0) holds 13 digits, got 14"},
		{"refuses ]E0 with an AI element string", "]E00109506000134352", KindBadLength, 3, "got 16"},
		{"refuses ]E0 without data", "]E0", KindBadLength, 3, "got 0"},
		{"refuses ]E4 with too few digits", "]E49505000", KindBadLength, 3, "(]E4) holds 8 digits, got 7"},
		{"refuses ]E4 with EAN-13 data", "]E49506000134352", KindBadLength, 3, "got 13"},
		{"refuses ]E3 without add-on", "]E39506000134352", KindBadLength, 3, "2 or 5 more, got 13"},
		{"refuses ]E3 with a three-digit add-on", "]E39506000134352123", KindBadLength, 3, "got 16"},
		{"refuses a letter in EAN-13 data", "]E0950600013435X", KindBadChar, 15, "got 'X'"},
		{"refuses a wrong EAN-13 check digit", "]E09506000134353", KindBadCheckDigit, 15, "want '2'"},
		{"refuses a wrong EAN-8 check digit", "]E495050004", KindBadCheckDigit, 10, "want '3'"},
		{"refuses a wrong check digit before an add-on", "]E3950600013435312", KindBadCheckDigit, 15, "want '2'"},
		{"refuses a two-digit add-on alone", "]E112", KindUnknownFormat, 0, "add-on alone (]E1) carries no GS1 key"},
		{"refuses a five-digit add-on alone", "]E212345", KindUnknownFormat, 0, "(]E2)"},
		{"refuses an EAN/UPC modifier that does not exist", "]E59506000134352", KindUnknownFormat, 0, "is not one of a GS1 carrier"},
	}
	for _, tt := range refused {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseElementString(tt.give)
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("ParseElementString(%q) = %v, want a *SyntaxError", tt.give, err)
			}
			if se.Kind != tt.kind || se.Pos != tt.pos || !strings.Contains(se.Msg, tt.message) {
				t.Errorf("got %v (kind %q, pos %d), want kind %q at %d and %q", err, se.Kind, se.Pos, tt.kind, tt.pos, tt.message)
			}
		})
	}
}

// A digital signature (8030) needs a serialised key: the dictionary's req= and, for the
// GDTI, GCN and GRAI, their serial component.
func TestDigitalSignatureNeedsASerialisedKey(t *testing.T) {
	const sig = "(8030)Ab-_=="
	tests := []struct {
		name    string
		give    string
		message string // empty: accepted
	}{
		{"accepts an SSCC", "(00)106141411234567897" + sig, ""},
		{"accepts a GTIN with serial", "(01)09506000134352(21)S1" + sig, ""},
		{"accepts a GDTI with its serial component", "(253)4012345000009ABC" + sig, ""},
		{"accepts a GCN with its serial component", "(255)952123400000612" + sig, ""},
		{"accepts a GRAI with its serial component", "(8003)04012345000009X1" + sig, ""},
		{"accepts a GIAI", "(8004)4000001111" + sig, ""},
		{"accepts a CPID with its serial", "(8010)ABC(8011)12" + sig, ""},
		{"refuses a GTIN without serial", "(01)09506000134352(10)L1" + sig, "needs (00), (01) with (21), (253), (255), (8003)"},
		{"refuses a GDTI without its serial component", "(253)4012345000009" + sig, "a digital signature needs a serialised key: (00), (01) with (21), (253) with its serial component, (255) with its serial component, (8003) with its serial component, (8004)"},
		{"refuses a GCN without its serial component", "(255)9521234000006" + sig, "needs a serialised key"},
		{"refuses a GRAI without its serial component", "(8003)04012345000009" + sig, "(8003) with its serial component"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseBracketed(tt.give)
			if tt.message == "" {
				if err != nil {
					t.Fatalf("ParseBracketed(%q) = %v", tt.give, err)
				}
				return
			}
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("ParseBracketed(%q) = %v, want a *SyntaxError", tt.give, err)
			}
			if se.Kind != KindMissingAI || se.AI != "8030" || se.Pos != -1 || !strings.Contains(se.Msg, tt.message) {
				t.Errorf("got %v, want %q in (8030) with %q", err, KindMissingAI, tt.message)
			}
		})
	}
	t.Run("refuses it in a Digital Link beside a GDTI without serial", func(t *testing.T) {
		_, err := ParseDigitalLink("https://id.gs1.org/253/4012345000009?8030=Ab-_")
		var se *SyntaxError
		if !errors.As(err, &se) || se.Kind != KindMissingAI || se.AI != "8030" {
			t.Errorf("got %v, want %q in (8030)", err, KindMissingAI)
		}
	})
	t.Run("accepts it in a Digital Link beside a GDTI with serial", func(t *testing.T) {
		if _, err := ParseDigitalLink("https://id.gs1.org/253/4012345000009X?8030=Ab-_"); err != nil {
			t.Errorf("got %v", err)
		}
	})
	t.Run("refuses it in Validate too", func(t *testing.T) {
		err := Validate([]Element{{"8003", "04012345000009"}, {"8030", "Ab"}})
		var se *SyntaxError
		if !errors.As(err, &se) || se.Kind != KindMissingAI || se.AI != "8030" {
			t.Errorf("got %v, want %q in (8030)", err, KindMissingAI)
		}
	})
}
