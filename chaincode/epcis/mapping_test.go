package epcis_test

import (
	"fmt"

	"github.com/udiledger/udiledger/chaincode/epcis"
	"github.com/udiledger/udiledger/chaincode/model"
	"github.com/udiledger/udiledger/gateway/epcis/schema"
)

// mapDocument reads a document as the gateway does (the official schema included) and maps
// each of its events as the chaincode does for goods it governs.
func mapDocument(data []byte, opt epcis.Options) (*epcis.CaptureResult, error) {
	opt.Validate = schema.Check
	res, err := epcis.Capture(data, opt)
	if err != nil {
		return nil, err
	}
	for i, o := range res.Outcomes {
		if o.Rejection != nil {
			continue
		}
		c, ok := o.Request.(*model.EPCISCapture)
		if !ok {
			return nil, fmt.Errorf("event %d: capture request %T", i, o.Request)
		}
		ev, err := epcis.ReadEvent(c.Event)
		if err != nil {
			return nil, err
		}
		id, rej := epcis.Identify(ev, c.Namespaces)
		if rej != nil {
			return nil, rej
		}
		opt.HashID = id.HashID
		res.Outcomes[i] = epcis.Map(i, ev, opt)
	}
	return res, nil
}
