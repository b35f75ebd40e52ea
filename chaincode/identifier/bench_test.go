package identifier

import "testing"

func BenchmarkParseDataMatrix(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse("]d201095060001343521724123110ABC123\x1d21XYZ987"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseDigitalLink(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse("https://id.gs1.org/01/09506000134352/10/ABC123/21/XYZ987?17=241231"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseCNDrug(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse("81234567890123456789"); err != nil {
			b.Fatal(err)
		}
	}
}
