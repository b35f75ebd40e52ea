package identifier

import (
	"errors"
	"testing"
)

func addSeeds(f *testing.F) {
	for _, s := range []string{
		"]d201095060001343521724123110ABC123\x1d21XYZ987", "(01)09506000134352(17)240200(10)L(21)S",
		"https://brand.example/p/01/09506000134352/21/S1?17=270331", "]Q1https://id.gs1.org/00/106141411234567897",
		"urn:epc:id:sgtin:0614141.107346.2017", "00106141411234567897", "9506000134352",
		"81234567890123456789", "8123 4567 8901 2345 6789", "8123456-789012345-6789",
		"MA.156.M0.100001.10000018.L2024001.S000123.M20240101.E260101", "MA.156.M0.100001.10000018.V20261231",
		"+A123BJC5D6E71G", hibcc("+A123BJC5D6E71/$$3261231LOT1"), hibcc("+A123BJC5D6E71/$$+0227SN42"),
		hibcc("+A123BJC5D6E71/26032LOT9/SABC/16D20240101"), hibcc("+A123BJC5D6E71/$$8053261231LOT2"),
		"]d1+A123BJC5D6E71G", `(01)09506000134352(21)A\(1`,
	} {
		f.Add(s)
	}
	for _, s := range epcisIdentifiers(f) {
		f.Add(s)
	}
}

// checkCode asserts what every successful parse promises: a key that reads back as itself.
func checkCode(t *testing.T, s string, c Code) {
	if c.Key == "" || c.Scheme == "" {
		t.Fatalf("%q: parsed without key or scheme: %+v", s, c)
	}
	k, err := ParseKey(c.Key)
	if err != nil || k.Key != c.Key {
		t.Fatalf("%q: key %q does not read back: %+v, %v", s, c.Key, k, err)
	}
}

func FuzzParse(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, s string) {
		c, err := Parse(s)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("%q: error %T is not *Error", s, err)
			}
			return
		}
		checkCode(t, s, c)
	})
}

func FuzzParseCNDrug(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ParseCNDrug(s)
		if err == nil {
			checkCode(t, s, c)
		}
	})
}

func FuzzParseMA(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ParseMA(s)
		if err == nil {
			checkCode(t, s, c)
		}
	})
}

func FuzzParseHIBCC(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ParseHIBCC(s)
		if err == nil {
			checkCode(t, s, c)
		}
	})
}

func FuzzParseKey(f *testing.F) {
	addSeeds(f)
	f.Add("(01)09506000134352(21)12345")
	f.Add("ma:MA.156.M0.100001.10000018.S000123")
	f.Add("hibcc:A123BJC5D6E71$+SN42")
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ParseKey(s)
		if err == nil && c.Key != s {
			t.Fatalf("ParseKey(%q) gave key %q", s, c.Key)
		}
	})
}
