package identifier_test

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/udiledger/udiledger/chaincode/identifier"
)

func ExampleParse() {
	c, err := identifier.Parse("]d201095060001343521724123110ABC123\x1d21XYZ987")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(c.Scheme, c.Key, c.Lot, c.Expiry, c.IsSerialized())
	// Output: gs1 (01)09506000134352(21)XYZ987 ABC123 2024-12-31 true
}

func ExampleParse_json() {
	c, _ := identifier.Parse("8123 4567 8901 2345 6789")
	b, _ := json.Marshal(c)
	fmt.Println(string(b))
	// Output: {"scheme":"cn-drug","key":"81234567890123456789","di":"8123456","serial":"789012345"}
}

func ExampleParse_error() {
	_, err := identifier.Parse("(01)09506000134352(17)241301")
	var e *identifier.Error
	if errors.As(err, &e) {
		fmt.Println(e.Kind, e.Pos)
	}
	fmt.Println(err)
	// Output:
	// bad date 22
	// gs1: bad date at byte 22: (17) no such date 241301 (YYMMDD)
}

func ExampleParseKey() {
	c, err := identifier.ParseKey("(01)09506000134352(21)12345")
	fmt.Println(c.GTIN, c.Serial, err)
	// Output: 09506000134352 12345 <nil>
}

func ExampleCode_DigitalLink() {
	c, _ := identifier.Parse("urn:epc:id:sgtin:0614141.107346.2017")
	uri, _ := c.DigitalLink("")
	fmt.Println(uri)
	// Output: https://id.gs1.org/01/10614141073464/21/2017
}

func ExampleParseHIBCC() {
	c, _ := identifier.ParseHIBCC("+A123BJC5D6E71G")
	fmt.Println(c.Key, c.DI)
	// Output: hibcc:A123BJC5D6E71 A123BJC5D6E71
}

func ExampleParseMA() {
	c, _ := identifier.ParseMA("MA.156.M0.100001.10000018.L2024001.E20261231")
	fmt.Println(c.Key, c.Expiry)
	// Output: ma:MA.156.M0.100001.10000018.L2024001 2026-12-31
}

func ExampleParseCNDrug() {
	c, _ := identifier.ParseCNDrug("81234567890123456789")
	fmt.Println(c.DI, c.Serial)
	// Output: 8123456 789012345
}
