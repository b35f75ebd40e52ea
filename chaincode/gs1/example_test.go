package gs1_test

import (
	"fmt"

	"github.com/udiledger/udiledger/chaincode/gs1"
)

func ExampleParseElementString() {
	elems, err := gs1.ParseElementString("]d201095060001343521724123110ABC123\x1d21XYZ987")
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, e := range elems {
		fmt.Printf("(%s) %s\n", e.AI, e.Value)
	}
	// Output:
	// (01) 09506000134352
	// (17) 241231
	// (10) ABC123
	// (21) XYZ987
}

func ExampleParseElementString_error() {
	_, err := gs1.ParseElementString("]d20109506000134353")
	fmt.Println(err)
	// Output: gs1: bad check digit in (01) at byte 18: got '3', want '2'
}

func ExampleParseBracketed() {
	elems, _ := gs1.ParseBracketed("(01)09506000134352(10)LOT1")
	fmt.Println(gs1.Bracketed(elems))
	// Output: (01)09506000134352(10)LOT1
}

func ExampleDigitalLink() {
	elems, _ := gs1.ParseBracketed("(01)09506000134352(17)241231(10)ABC123(21)XYZ987")
	uri, _ := gs1.DigitalLink(elems, "")
	fmt.Println(uri)
	// Output: https://id.gs1.org/01/09506000134352/10/ABC123/21/XYZ987?17=241231
}

func ExampleParseDigitalLink() {
	elems, _ := gs1.ParseDigitalLink("https://brand.example.com/p/01/9506000134352/21/XYZ987?17=241231")
	fmt.Println(gs1.Bracketed(elems))
	// Output: (01)09506000134352(21)XYZ987(17)241231
}

func ExampleEPCURN() {
	elems, _ := gs1.ParseBracketed("(01)09506000134352(21)XYZ987")
	urn, _ := gs1.EPCURN(elems, 7) // the company prefix 9506000 has 7 digits
	fmt.Println(urn)
	// Output: urn:epc:id:sgtin:9506000.013435.XYZ987
}

func ExampleParseEPCURN() {
	elems, _ := gs1.ParseEPCURN("urn:epc:id:sscc:0614141.1234567890")
	fmt.Println(gs1.Bracketed(elems))
	// Output: (00)106141412345678908
}

func ExampleLookup() {
	d, _ := gs1.Lookup("17")
	fmt.Println(d.Title, d.MinLen, d.FixedLen, d.Components[0].Linters)
	// Output: USE BY or EXPIRY 6 true [yymmd0]
}

func ExampleValidateGTIN() {
	fmt.Println(gs1.ValidateGTIN("09506000134352"))
	fmt.Println(gs1.ValidateGTIN("09506000134353"))
	// Output:
	// <nil>
	// gs1: bad check digit at byte 13: GTIN got '3', want '2'
}

func ExampleParser() {
	gcps, err := gs1.NewPrefixes([]string{"9506000", "0614141"})
	if err != nil {
		fmt.Println(err)
		return
	}
	p := gs1.Parser{Prefixes: gcps}
	_, err = p.ParseElementString("]d20109506000134352")
	fmt.Println(err)
	_, err = p.ParseElementString("]d20104012345000009")
	fmt.Println(err)
	// Output:
	// <nil>
	// gs1: bad value in (01) at byte 6: no GS1 Company Prefix of the configured list starts at character 2 of the value
}
