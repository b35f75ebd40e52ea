package gs1

import "testing"

const benchDataMatrix = "]d201095060001343521724123110ABC123\x1d21XYZ987"

func BenchmarkParseElementString(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseElementString(benchDataMatrix); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseBracketed(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseBracketed("(01)09506000134352(17)241231(10)ABC123(21)XYZ987"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseDigitalLink(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseDigitalLink("https://id.gs1.org/01/09506000134352/10/ABC123/21/XYZ987?17=241231"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseEPCURN(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseEPCURN("urn:epc:id:sgtin:9506000.013435.XYZ987"); err != nil {
			b.Fatal(err)
		}
	}
}
