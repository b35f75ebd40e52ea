package gs1

import (
	"strings"
	"testing"
)

// seeds gives every fuzz target the test tables' inputs and the EPCIS examples' identifiers.
func seeds(f *testing.F) {
	for _, s := range []string{
		"]d201095060001343521724123110ABC123\x1d21XYZ987", "]Q30109506000134352", "]C100106141411234567897",
		"\x1d0109506000134352" + "10A", "01095060001343523103001234", "010950600013435217240200",
		"(01)09506000134352(17)241231(10)ABC123(21)XYZ987", `(01)09506000134352(10)A\(B)`,
		"https://id.gs1.org/01/09506000134352/10/ABC123/21/XYZ987?17=241231",
		"https://example.com/p/01/9506000134352/10/A%2FB?17=240200&linkType=all#f",
		"urn:epc:id:sgtin:0614141.107346.A%2FB%22", "urn:epc:id:sgln:0614141.07346.1234",
		"urn:epc:idpat:sgtin:4012345.098765.*", "(8003)0401234555555498765", "(8013)1987654Ad4X4bL5ttr2310c2K",
		"(8007)GB82WEST12345698765432", "(8030)Ab-_==",
		"]E09506000134352", "]E495050003", "]E3950600013435212", "]E112",
		"https://id.gs1.org/01/09506000134352/21/S?17=241231&17=241231", "https://id.gs1.org/01/09506000134352?10=L",
		"https://id.gs1.org/01/09506000134352/21/S?240=A+B%2BC",
		"(253)4012345000009ABC(8030)Ab-_==", "(253)4012345000009(8030)Ab", "(8003)04012345000009X1(8030)Ab",
	} {
		f.Add(s)
	}
	for _, s := range epcisIdentifiers(f) {
		f.Add(s)
	}
	// One valid value per AI of the dictionary, in both syntaxes.
	for i := range AIDefs() {
		d := &AIDefs()[i]
		v := validValue(d)
		f.Add(d.AI + v)
		f.Add("(" + d.AI + ")" + v)
	}
}

func sameElements(a, b []Element) bool {
	if len(a) != len(b) {
		return false
	}
	for _, x := range a {
		if v, ok := Get(b, x.AI); !ok || v != x.Value {
			return false
		}
	}
	return true
}

func FuzzParseElementString(f *testing.F) {
	seeds(f)
	f.Fuzz(func(t *testing.T, s string) {
		elems, err := ParseElementString(s)
		if err != nil {
			return
		}
		again, err := ParseElementString(ElementString(elems))
		if err != nil || !sameElements(elems, again) {
			t.Fatalf("%q: round trip gave %v, %v", s, again, err)
		}
	})
}

func FuzzParseBracketed(f *testing.F) {
	seeds(f)
	f.Fuzz(func(t *testing.T, s string) {
		elems, err := ParseBracketed(s)
		if err != nil {
			return
		}
		again, err := ParseBracketed(Bracketed(elems))
		if err != nil || !sameElements(elems, again) {
			t.Fatalf("%q: round trip gave %v, %v", s, again, err)
		}
	})
}

func FuzzParseDigitalLink(f *testing.F) {
	seeds(f)
	f.Fuzz(func(t *testing.T, s string) {
		elems, err := ParseDigitalLink(s)
		if err != nil {
			return
		}
		uri, err := DigitalLink(elems, "https://example.org/x")
		if err != nil {
			// Only elements a Digital Link cannot hold may be refused.
			if !strings.Contains(err.Error(), "neither a qualifier") {
				t.Fatalf("%q: DigitalLink = %v", s, err)
			}
			return
		}
		again, err := ParseDigitalLink(uri)
		if err != nil || !sameElements(elems, again) {
			t.Fatalf("%q → %q: round trip gave %v, %v", s, uri, again, err)
		}
	})
}

func FuzzParseEPCURN(f *testing.F) {
	seeds(f)
	f.Fuzz(func(t *testing.T, s string) {
		elems, err := ParseEPCURN(s)
		if err != nil {
			return
		}
		body := s[strings.LastIndexByte(s[:strings.IndexByte(s, '.')], ':')+1:]
		back, err := EPCURN(elems, strings.IndexByte(body, '.'))
		if err != nil {
			t.Fatalf("%q: EPCURN = %v", s, err)
		}
		again, err := ParseEPCURN(back)
		if err != nil || !sameElements(elems, again) {
			t.Fatalf("%q → %q: round trip gave %v, %v", s, back, again, err)
		}
	})
}

// A Parser with Prefixes only narrows what the package functions accept, and gives the same
// elements.
func FuzzParserWithPrefixes(f *testing.F) {
	seeds(f)
	pf, err := NewPrefixes([]string{"9506000", "0614141", "4012345"})
	if err != nil {
		f.Fatal(err)
	}
	p := Parser{Prefixes: pf}
	f.Fuzz(func(t *testing.T, s string) {
		for _, fn := range []struct {
			strict, plain func(string) ([]Element, error)
		}{
			{p.ParseElementString, ParseElementString},
			{p.ParseBracketed, ParseBracketed},
			{p.ParseDigitalLink, ParseDigitalLink},
			{p.ParseEPCURN, ParseEPCURN},
		} {
			elems, err := fn.strict(s)
			if err != nil {
				continue
			}
			plain, err := fn.plain(s)
			if err != nil || !sameElements(elems, plain) {
				t.Fatalf("%q: accepted with prefixes as %v, without as %v, %v", s, elems, plain, err)
			}
		}
	})
}
