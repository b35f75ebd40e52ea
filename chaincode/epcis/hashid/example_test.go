package hashid_test

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/udiledger/udiledger/chaincode/epcis/hashid"
)

func ExampleIDWith() {
	const document = `{
	  "@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",
	               {"example": "https://ns.example.com/epcis/"}],
	  "type": "EPCISDocument",
	  "epcisBody": {"eventList": [{
	    "type": "ObjectEvent",
	    "eventTime": "2020-03-04T11:00:30.000+01:00",
	    "eventTimeZoneOffset": "+01:00",
	    "epcList": ["urn:epc:id:sscc:4012345.0000000111"],
	    "action": "OBSERVE",
	    "bizStep": "departing",
	    "readPoint": {"id": "urn:epc:id:sgln:4012345.00011.987"},
	    "example:myField": "0"
	  }]}}`
	var doc struct {
		Context any `json:"@context"`
		Body    struct {
			EventList []map[string]any `json:"eventList"`
		} `json:"epcisBody"`
	}
	dec := json.NewDecoder(strings.NewReader(document))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil {
		panic(err)
	}
	ns := hashid.Namespaces(doc.Context)
	for _, event := range doc.Body.EventList {
		pre, _ := hashid.PreHashWith(event, ns)
		id, _ := hashid.IDWith(event, ns)
		fmt.Println(pre)
		fmt.Println(id)
	}
	// Output:
	// eventType=ObjectEventeventTime=2020-03-04T10:00:30.000ZeventTimeZoneOffset=+01:00epcListepc=https://id.gs1.org/00/040123450000001112action=OBSERVEbizStep=https://ref.gs1.org/cbv/BizStep-departingreadPointid=https://id.gs1.org/414/4012345000115/254/987{https://ns.example.com/epcis/}myField=0
	// ni:///sha-256;681cc1e54a5da68e60295779af4d17e4ca8e8d37fa0a2905511c46a980e1a2b3?ver=CBV2.0
}
