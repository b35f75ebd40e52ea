package gs1

import (
	"encoding/json"
	"errors"
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/udiledger/udiledger/gateway/epcis/epcistest"
)

func TestParseEPCURN(t *testing.T) {
	tests := []struct {
		name string
		give string
		want string
	}{
		{"reads an SGTIN", "urn:epc:id:sgtin:0614141.107346.2017", "(01)10614141073464(21)2017"},
		{"reads an SGTIN with escaped serial", "urn:epc:id:sgtin:0614141.107346.A%2FB%22", "(01)10614141073464(21)A/B\""},
		{"reads an SSCC", "urn:epc:id:sscc:0614141.1234567890", "(00)106141412345678908"},
		{"reads an SGLN without extension", "urn:epc:id:sgln:0614141.00777.0", "(414)0614141007776"},
		{"reads an SGLN with extension", "urn:epc:id:sgln:0614141.07346.1234", "(414)0614141073467(254)1234"},
		{"reads a PGLN", "urn:epc:id:pgln:4012345.00000", "(417)4012345000009"},
		{"reads an LGTIN class", "urn:epc:class:lgtin:4012345.012345.998877", "(01)04012345123456(10)998877"},
		{"reads an SGTIN pattern", "urn:epc:idpat:sgtin:4012345.098765.*", "(01)04012345987652"},
		{"reads a GRAI", "urn:epc:id:grai:4012345.55555.98765", "(8003)0401234555555498765"},
		{"reads a GIAI", "urn:epc:id:giai:4000001.111", "(8004)4000001111"},
		{"reads a GSRN", "urn:epc:id:gsrn:95252084.000000001", "(8018)952520840000000010"},
		{"reads a GDTI", "urn:epc:id:gdti:95252084.0001.0003555480001000", "(253)95252084000140003555480001000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseEPCURN(tt.give)
			if err != nil {
				t.Fatalf("ParseEPCURN(%q) = %v", tt.give, err)
			}
			if Bracketed(got) != tt.want {
				t.Errorf("got %s, want %s", Bracketed(got), tt.want)
			}
		})
	}
}

func TestParseEPCURNErrors(t *testing.T) {
	tests := []struct {
		name string
		give string
	}{
		{"refuses another URN", "urn:isbn:123"},
		{"refuses an unsupported EPC scheme", "urn:epc:id:bic:CSQU3054383"},
		{"refuses a company prefix of 5 digits", "urn:epc:id:sgtin:06141.10734600.1"},
		{"refuses a wrong total of digits", "urn:epc:id:sgtin:0614141.10734.1"},
		{"refuses a missing serial", "urn:epc:id:sgtin:0614141.107346"},
		{"refuses an unescaped slash", "urn:epc:id:sgtin:0614141.107346.A/B"},
		{"refuses a bad escape", "urn:epc:id:sgtin:0614141.107346.A%4"},
		{"refuses a pattern wider than one GTIN", "urn:epc:idpat:sgtin:0614141.*.*"},
		{"refuses too many parts", "urn:epc:id:sscc:0614141.1234567890.1"},
		{"refuses a serial longer than 20", "urn:epc:id:sgtin:0614141.107346.123456789012345678901"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseEPCURN(tt.give)
			var se *SyntaxError
			if !errors.As(err, &se) || se.Kind != KindBadURN {
				t.Errorf("ParseEPCURN(%q) = %v, want %q", tt.give, err, KindBadURN)
			}
		})
	}
}

// TestRoundTrips goes element string → Digital Link → EPC URN → element string.
func TestRoundTrips(t *testing.T) {
	tests := []struct {
		name   string
		give   string // bracketed
		gcpLen int
		urn    string
	}{
		{"keeps a serialized GTIN", "(01)09506000134352(21)XYZ/987", 7, "urn:epc:id:sgtin:9506000.013435.XYZ%2F987"},
		{"keeps a lot-controlled GTIN", "(01)09506000134352(10)LOT1", 7, "urn:epc:class:lgtin:9506000.013435.LOT1"},
		{"keeps a bare GTIN as pattern", "(01)10614141073464", 7, "urn:epc:idpat:sgtin:0614141.107346.*"},
		{"keeps an SSCC", "(00)106141411234567897", 7, "urn:epc:id:sscc:0614141.1123456789"},
		{"keeps a GLN with extension", "(414)0614141073467(254)1234", 7, "urn:epc:id:sgln:0614141.07346.1234"},
		{"keeps a party GLN", "(417)4012345000009", 7, "urn:epc:id:pgln:4012345.00000"},
		{"keeps a GRAI", "(8003)0401234555555498765", 7, "urn:epc:id:grai:4012345.55555.98765"},
		{"keeps a GIAI", "(8004)4000001111", 7, "urn:epc:id:giai:4000001.111"},
		{"keeps a GSRN", "(8018)952520840000000010", 8, "urn:epc:id:gsrn:95252084.000000001"},
		{"keeps a GDTI", "(253)95252084000140003555480001000", 8, "urn:epc:id:gdti:95252084.0001.0003555480001000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			elems, err := ParseBracketed(tt.give)
			if err != nil {
				t.Fatal(err)
			}
			es, err := ParseElementString(ElementString(elems))
			if err != nil || Bracketed(es) != tt.give {
				t.Fatalf("element string round trip: %s, %v", Bracketed(es), err)
			}
			dl, err := DigitalLink(elems, "")
			if err != nil {
				t.Fatal(err)
			}
			fromDL, err := ParseDigitalLink(dl)
			if err != nil || Bracketed(fromDL) != tt.give {
				t.Fatalf("Digital Link %s read back as %s, %v", dl, Bracketed(fromDL), err)
			}
			urn, err := EPCURN(fromDL, tt.gcpLen)
			if err != nil || urn != tt.urn {
				t.Fatalf("EPCURN = %q, %v; want %q", urn, err, tt.urn)
			}
			fromURN, err := ParseEPCURN(urn)
			if err != nil || Bracketed(fromURN) != tt.give {
				t.Fatalf("EPC URN %s read back as %s, %v", urn, Bracketed(fromURN), err)
			}
		})
	}
	t.Run("refuses a company prefix length out of range", func(t *testing.T) {
		if _, err := EPCURN([]Element{{"01", "09506000134352"}}, 13); err == nil {
			t.Error("got no error")
		}
	})
}

// epcisIdentifiers walks the EPCIS example documents for EPC URNs and GS1 Digital Link URIs.
func epcisIdentifiers(t testing.TB) []string {
	files := epcistest.Examples(t)
	seen := map[string]bool{}
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				walk(k)
				walk(x)
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		case string:
			if strings.HasPrefix(v, "urn:epc:") || strings.HasPrefix(v, "https://id.gs1.org/") {
				seen[v] = true
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
			t.Fatalf("%s: %v", f, err)
		}
		walk(doc)
	}
	var out []string
	for s := range seen {
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}

func TestEPCISExamples(t *testing.T) {
	ids := epcisIdentifiers(t)
	if len(ids) < 30 {
		t.Fatalf("found only %d identifiers in the EPCIS examples", len(ids))
	}
	for _, id := range ids {
		t.Run("reads "+id, func(t *testing.T) {
			if strings.HasPrefix(id, "https://") {
				elems, err := ParseDigitalLink(id)
				if err != nil {
					t.Fatal(err)
				}
				back, err := DigitalLink(elems, "")
				if err != nil || back != id {
					t.Errorf("DigitalLink = %q, %v; want %q", back, err, id)
				}
				return
			}
			elems, err := ParseEPCURN(id)
			if err != nil {
				t.Fatal(err)
			}
			body := id[strings.LastIndexByte(id[:strings.IndexByte(id, '.')], ':')+1:]
			gcpLen := strings.IndexByte(body, '.')
			back, err := EPCURN(elems, gcpLen)
			if err != nil || back != id {
				t.Errorf("EPCURN = %q, %v; want %q", back, err, id)
			}
		})
	}
}
