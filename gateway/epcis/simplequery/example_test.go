package simplequery_test

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"

	"github.com/udiledger/udiledger/gateway/epcis/simplequery"
)

func Example() {
	// GET /events?EQ_bizStep=shipping&MATCH_epc=… : an EPC URN finds its Digital Link.
	q, err := simplequery.Parse(url.Values{
		"EQ_bizStep": {"shipping"},
		"MATCH_epc":  {"urn:epc:id:sgtin:0614141.712345.2018"},
	})
	if err != nil {
		panic(err)
	}
	dec := json.NewDecoder(strings.NewReader(`{
		"type": "ObjectEvent", "action": "OBSERVE",
		"bizStep": "https://ref.gs1.org/cbv/BizStep-shipping",
		"epcList": ["https://id.gs1.org/01/70614141123451/21/2018"],
		"eventTime": "2005-04-03T20:33:31.116-06:00", "eventTimeZoneOffset": "-06:00"}`))
	dec.UseNumber()
	var event map[string]any
	if err := dec.Decode(&event); err != nil {
		panic(err)
	}
	fmt.Println(q.Match(event))
	fmt.Println(q.IndexHints().EPCs)

	_, err = simplequery.Parse(url.Values{"GE_eventTime": {"yesterday"}})
	fmt.Println(err)
	// Output:
	// true
	// [(01)70614141123451(21)2018]
	// epcis query parameter GE_eventTime: "yesterday" is not a date-time with time zone (RFC 3339)
}
