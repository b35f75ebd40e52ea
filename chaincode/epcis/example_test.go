package epcis_test

import (
	"fmt"
	"strings"

	"github.com/udiledger/udiledger/chaincode/epcis"
)

func ExampleCapture() {
	doc := []byte(`{
	  "@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
	  "type": "EPCISDocument", "schemaVersion": "2.0", "creationDate": "2024-05-01T10:00:00Z",
	  "epcisBody": {"eventList": [
	    {"type": "ObjectEvent", "eventID": "urn:uuid:7f1c", "action": "OBSERVE",
	     "bizStep": "shipping", "disposition": "in_transit",
	     "eventTime": "2024-05-01T10:00:00+08:00", "eventTimeZoneOffset": "+08:00",
	     "epcList": ["urn:epc:id:sscc:9506000.0000000001"],
	     "readPoint": {"id": "urn:epc:id:sgln:9506000.00001.0"},
	     "destinationList": [{"type": "owning_party", "destination": "urn:epc:id:pgln:9506000.00003"}]},
	    {"type": "TransformationEvent", "eventTime": "2024-05-01T10:00:00Z", "eventTimeZoneOffset": "+00:00",
	     "inputEPCList": ["urn:epc:id:sgtin:9506000.013435.S1"], "outputEPCList": ["urn:epc:id:sgtin:9506000.013435.S2"]}
	  ]}}`)
	res, err := epcis.Capture(doc, epcis.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, o := range res.Outcomes {
		// The caller submits o.Op (epcis:Capture) with o.Request; the chaincode decides.
		call, err := o.Op.EncodeAny(o.Request)
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Println(call.Function, o.EventType, strings.HasPrefix(o.EventID, "ni:///sha-256;"))
	}
	// Output:
	// epcis:Capture ObjectEvent false
	// epcis:Capture TransformationEvent true
}

func ExampleMap() {
	ev, err := epcis.ReadEvent([]byte(`{"type": "ObjectEvent", "eventID": "urn:uuid:7f1c", "action": "OBSERVE",
	     "bizStep": "shipping", "disposition": "in_transit",
	     "eventTime": "2024-05-01T10:00:00+08:00", "eventTimeZoneOffset": "+08:00",
	     "epcList": ["urn:epc:id:sscc:9506000.0000000001"],
	     "readPoint": {"id": "urn:epc:id:sgln:9506000.00001.0"},
	     "destinationList": [{"type": "owning_party", "destination": "urn:epc:id:pgln:9506000.00003"}]}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	parties := map[string]string{"9506000000039": "HospitalMSP"}
	o := epcis.Map(0, ev, epcis.Options{Resolve: func(gln string) (string, bool) {
		msp, ok := parties[gln]
		return msp, ok
	}})
	call, err := o.Op.EncodeAny(o.Request)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(call.Function, call.Args[0])
	// Output:
	// unit:Ship {"eventId":"urn:uuid:7f1c","eventTime":"2024-05-01T10:00:00+08:00","location":"9506000000015","to":"HospitalMSP","codes":["(00)095060000000000015"]}
}
