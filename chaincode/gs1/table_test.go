package gs1

import (
	"strings"
	"testing"
)

// validPart builds a value for one component that its linters accept.
func validPart(c Component) string {
	n := c.Max
	if c.Min != c.Max && n > 12 {
		n = 12
	}
	for _, l := range c.Linters {
		switch l {
		case LintCsum:
			d := strings.Repeat("1", c.Max-1)
			return d + string(checkDigit(d))
		case LintCsumalpha:
			p, _ := checkPairOf("1987654Ad4X4bL5ttr2310c")
			return "1987654Ad4X4bL5ttr2310c" + p
		case LintYymmd0, LintYymmdd:
			return "241231"
		case LintYyyymmdd:
			return "20241231"
		case LintHh:
			return "12"
		case LintMi, LintSs:
			return "30"
		case LintHhmi:
			return "1230"
		case LintZero:
			return "0"
		case LintWinding, LintYesno, LintIso5218:
			return "1"
		case LintPieceoftotal:
			return "0102"
		case LintHyphen:
			return "-"
		case LintImporteridx:
			return "A"
		case LintMediatype:
			return "01"
		case LintPosinseqslash:
			return "1/2"
		case LintIban:
			return "GB82WEST12345698765432"
		case LintHasnondigit:
			return "ABC123"
		case LintIso3166alpha2:
			return "DE"
		case LintIso3166, LintIso3166999, LintIso4217:
			return "276"
		case LintLatitude, LintLongitude:
			return "0123456789"
		}
	}
	switch c.Charset {
	case 'N':
		return strings.Repeat("1", n)
	case 'Y':
		return strings.Repeat("A1", n)[:n]
	case 'Z':
		return strings.Repeat("Ab-_", n)[:n]
	}
	return strings.Repeat("Ab1", n)[:n]
}

func validValue(d *AIDef) string {
	var b strings.Builder
	for _, c := range d.Components {
		b.WriteString(validPart(c))
	}
	return b.String()
}

func TestDictionaryTable(t *testing.T) {
	t.Run("lists every AI of the dictionary with ranges expanded", func(t *testing.T) {
		if got := len(AIDefs()); got < 500 {
			t.Fatalf("got %d AIs, want the whole dictionary (over 500)", got)
		}
		for _, ai := range []string{"00", "01", "10", "17", "21", "3103", "3955", "7239", "8043", "91", "99"} {
			if _, ok := Lookup(ai); !ok {
				t.Errorf("Lookup(%q) found nothing", ai)
			}
		}
		for _, ai := range []string{"", "0", "04", "3106", "3960", "999", "0100", "9x"} {
			if _, ok := Lookup(ai); ok {
				t.Errorf("Lookup(%q) found an AI", ai)
			}
		}
	})
	t.Run("reads the FNC1 flag, data attribute flag and dlpkey qualifiers", func(t *testing.T) {
		d01, _ := Lookup("01")
		d10, _ := Lookup("10")
		d21, _ := Lookup("21")
		if !d01.FixedLen || d10.FixedLen || !d10.DLAttr || d21.DLAttr {
			t.Errorf("flags of 01, 10, 21 wrong: %+v %+v %+v", d01, d10, d21)
		}
		if !d01.DLPKey || len(d01.DLQualifiers) != 2 || strings.Join(d01.DLQualifiers[0], ",") != "22,10,21" {
			t.Errorf("dlpkey of 01 = %v", d01.DLQualifiers)
		}
		if strings.Join(d21.Req[0][0], "+") != "01" {
			t.Errorf("req of 21 = %v", d21.Req)
		}
	})
}

// TestEveryAI builds a valid value and invalid values for every AI in the table.
func TestEveryAI(t *testing.T) {
	for i := range AIDefs() {
		d := &AIDefs()[i]
		t.Run("AI "+d.AI+" accepts a valid value and refuses bad ones", func(t *testing.T) {
			v := validValue(d)
			if err := d.Validate(v); err != nil {
				t.Fatalf("Validate(%q) = %v", v, err)
			}
			tooLong := v + strings.Repeat("1", d.MaxLen+1-len(v))
			if e := d.validate(tooLong, nil); e == nil || e.Kind != KindBadLength {
				t.Errorf("Validate(%q) = %v, want bad length", tooLong, e)
			}
			if d.MinLen > 1 {
				short := v[:d.MinLen-1]
				if e := d.validate(short, nil); e == nil {
					t.Errorf("Validate(%q) accepted a value shorter than %d", short, d.MinLen)
				}
			}
			bad := map[Charset]byte{'N': 'A', 'X': ' ', 'Y': 'a', 'Z': '!'}[d.Components[0].Charset]
			badV := string(bad) + v[1:]
			if e := d.validate(badV, nil); e == nil || e.Kind != KindBadChar || e.Pos != 0 {
				t.Errorf("Validate(%q) = %v, want bad character at 0", badV, e)
			}
			c0 := d.Components[0]
			for _, l := range c0.Linters {
				switch l {
				case LintCsum:
					last := c0.Max - 1
					flipped := v[:last] + string('0'+(v[last]-'0'+1)%10) + v[last+1:]
					if e := d.validate(flipped, nil); e == nil || e.Kind != KindBadCheckDigit || e.Pos != last {
						t.Errorf("Validate(%q) = %v, want bad check digit at %d", flipped, e, last)
					}
				case LintYymmd0, LintYymmdd:
					badDate := "241301" + v[6:]
					if e := d.validate(badDate, nil); e == nil || e.Kind != KindBadDate {
						t.Errorf("Validate(%q) = %v, want bad date", badDate, e)
					}
					endOfMonth := "240200" + v[6:]
					if err := d.Validate(endOfMonth); (err == nil) != (l == LintYymmd0) {
						t.Errorf("Validate(%q) = %v with linter %s", endOfMonth, err, l)
					}
				}
			}
		})
	}
}

// associate adds to elems what the req= attributes of every element need, picking for each the
// first alternative that breaks no ex= rule.
func associate(elems []Element) []Element {
	for round := 0; round < 8; round++ {
		if checkAssociations(elems) == nil {
			return elems
		}
		changed := false
		for _, el := range elems {
			d, _ := Lookup(el.AI)
			for _, alts := range d.Req {
				if reqMet(alts, func(pat string) bool { return present(elems, pat) }) {
					continue
				}
				for _, alt := range alts {
					try := append([]Element(nil), elems...)
					for _, pat := range alt {
						ai := strings.ReplaceAll(pat, "n", "0")
						if !present(try, pat) {
							ad, _ := Lookup(ai)
							try = append(try, Element{ai, validValue(ad)})
						}
					}
					if e := checkAssociations(try); e == nil || e.Kind == KindMissingAI {
						elems, changed = try, true
						break
					}
				}
			}
		}
		if !changed {
			break
		}
	}
	return elems
}

// TestEveryAIRoundTrip puts every AI, with what it requires, through element string and
// bracketed form and back.
func TestEveryAIRoundTrip(t *testing.T) {
	for i := range AIDefs() {
		d := &AIDefs()[i]
		t.Run("AI "+d.AI+" survives element string and bracketed form", func(t *testing.T) {
			elems := associate([]Element{{d.AI, validValue(d)}})
			if e := checkAssociations(elems); e != nil {
				t.Fatalf("cannot satisfy associations of %v: %v", elems, e)
			}
			es := ElementString(elems)
			got, err := ParseElementString("]d2" + es)
			if err != nil {
				t.Fatalf("ParseElementString(%q) = %v", es, err)
			}
			if Bracketed(got) != Bracketed(elems) {
				t.Errorf("element string round trip: got %s, want %s", Bracketed(got), Bracketed(elems))
			}
			got, err = ParseBracketed(Bracketed(elems))
			if err != nil {
				t.Fatalf("ParseBracketed(%q) = %v", Bracketed(elems), err)
			}
			if Bracketed(got) != Bracketed(elems) {
				t.Errorf("bracketed round trip: got %s, want %s", Bracketed(got), Bracketed(elems))
			}
		})
	}
}
