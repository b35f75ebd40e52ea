package epcis

import (
	"fmt"

	"github.com/udiledger/udiledger/chaincode/model"
)

// The transactions of the two event types that change what goods are: a TransformationEvent
// makes outputs of inputs, an AssociationEvent attaches a device to goods.

// transform builds unit:Transform: the inputs (serialized, or lot quantities), and serialized
// outputs of one product and lot (the lot from ILMD cbvmda:lotNumber or the outputs' Digital
// Links).
func (e *event) transform() (any, *fieldErr) {
	inputs, err := e.instances("inputEPCList")
	if err != nil {
		return nil, err
	}
	qs, err := e.quantities("inputQuantityList")
	if err != nil {
		return nil, err
	}
	if l, _, err := e.list("outputQuantityList"); err != nil {
		return nil, err
	} else if len(l) > 0 {
		return nil, &fieldErr{"outputQuantityList", "the ledger commissions serialized outputs only: list them in outputEPCList"}
	}
	outputs, err := e.instances("outputEPCList")
	if err != nil {
		return nil, err
	}
	switch {
	case len(inputs) == 0 && len(qs) == 0:
		return nil, &fieldErr{"inputEPCList", "names nothing: give what the transformation consumes in inputEPCList or inputQuantityList"}
	case len(outputs) == 0:
		return nil, &fieldErr{"outputEPCList", "names nothing: the ledger records a transformation by the units it commissions"}
	case len(outputs) > model.MaxCommission:
		return nil, &fieldErr{"outputEPCList", fmt.Sprintf("%d codes, at most %d in one transformation", len(outputs), model.MaxCommission)}
	case len(inputs) > model.MaxEventCodes:
		return nil, &fieldErr{"inputEPCList", fmt.Sprintf("%d codes, at most %d in one transformation", len(inputs), model.MaxEventCodes)}
	}
	ilmd, err := e.ilmdLot()
	if err != nil {
		return nil, err
	}
	di, lot, err := lotOf("outputEPCList", outputs, ilmd)
	if err != nil {
		return nil, err
	}
	var tid string
	if v, present := e.m["transformationID"]; present {
		s, ok := v.(string)
		if !ok || !isURI(s) {
			return nil, &fieldErr{"transformationID", "want a URI, got " + describe(v)}
		}
		tid = s
	}
	loc, err := e.location(false)
	if err != nil {
		return nil, err
	}
	e.use("inputEPCList", "inputQuantityList", "outputEPCList", "transformationID")
	req := &model.TransformRequest{EventHeader: e.header(loc), Inputs: argsOf(inputs), Outputs: argsOf(outputs),
		DI: di, Lot: lot, TransformationID: tid}
	for _, q := range qs {
		req.InputQuantities = append(req.InputQuantities, q.q)
	}
	return req, nil
}

// associate builds unit:Associate: the device in parentID (any URI: a data logger's GIAI),
// the goods it travels with in childEPCs.
func (e *event) associate() (any, *fieldErr) {
	pv, present := e.m["parentID"]
	if !present {
		return nil, &fieldErr{"parentID", "is required: the device (a data logger's GIAI, or any URI) the goods travel with"}
	}
	device, ok := pv.(string)
	if !ok || !isURI(device) {
		return nil, &fieldErr{"parentID", "want a URI, got " + describe(pv)}
	}
	codes, err := e.instances("childEPCs")
	if err != nil {
		return nil, err
	}
	if l, _, err := e.list("childQuantityList"); err != nil {
		return nil, err
	} else if len(l) > 0 {
		return nil, &fieldErr{"childQuantityList", "a device's readings apply to units and containers: name them in childEPCs"}
	}
	switch {
	case e.act == model.ActionAdd && len(codes) == 0:
		return nil, &fieldErr{"childEPCs", "is required: an ADD names the goods the device travels with"}
	case len(codes) > model.MaxEventCodes:
		return nil, &fieldErr{"childEPCs", fmt.Sprintf("%d codes, at most %d in one association", len(codes), model.MaxEventCodes)}
	}
	for i, c := range codes {
		if c.c.Key == device || arg(c.c) == device {
			return nil, &fieldErr{fmt.Sprintf("childEPCs[%d]", i), "is the device itself"}
		}
	}
	loc, err := e.location(true)
	if err != nil {
		return nil, err
	}
	e.use("parentID", "childEPCs")
	return &model.AssociateRequest{EventHeader: e.header(loc), Action: e.act, Device: device, Codes: argsOf(codes)}, nil
}
