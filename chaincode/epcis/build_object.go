package epcis

import (
	"fmt"

	"github.com/udiledger/udiledger/chaincode/model"
)

// The transactions only an ObjectEvent records: commissioning, dispensing, disposal and
// inspection.

// commission builds unit:Commission: serialized units of one product and lot (the lot from
// ILMD cbvmda:lotNumber or the EPCs' Digital Links), or one lot quantity.
func (e *event) commission() (any, *fieldErr) {
	codes, err := e.instances("epcList")
	if err != nil {
		return nil, err
	}
	qs, err := e.quantities("quantityList")
	if err != nil {
		return nil, err
	}
	lot, err := e.ilmdLot()
	if err != nil {
		return nil, err
	}
	loc, err := e.location(false)
	if err != nil {
		return nil, err
	}
	req := &model.CommissionRequest{EventHeader: e.header(loc)}
	switch {
	case len(codes) > 0 && len(qs) > 0:
		return nil, &fieldErr{"quantityList", "commissioning takes serialized units (epcList) or a quantity of a lot (quantityList), not both"}
	case len(qs) > 1:
		return nil, &fieldErr{"quantityList", fmt.Sprintf("commissioning takes one lot, got %d quantity elements", len(qs))}
	case len(qs) == 1:
		e.use("quantityList")
		c := qs[0].c
		if lot != "" && lot != c.Lot {
			return nil, &fieldErr{"ilmd", fmt.Sprintf("lot %s differs from lot %s of quantityList[0]", quote(lot), quote(c.Lot))}
		}
		req.DI, req.Lot, req.Quantity = c.DI, c.Lot, qs[0].q.Quantity
		return req, nil
	case len(codes) == 0:
		return nil, &fieldErr{"epcList", "names nothing to commission: give the units in epcList or a lot quantity in quantityList"}
	case len(codes) > model.MaxCommission:
		return nil, &fieldErr{"epcList", fmt.Sprintf("%d codes, at most %d in one commissioning event", len(codes), model.MaxCommission)}
	}
	e.use("epcList")
	di, lot, err := lotOf("epcList", codes, lot)
	if err != nil {
		return nil, err
	}
	req.DI, req.Lot, req.Codes = di, lot, argsOf(codes)
	return req, nil
}

// lotOf checks that codes (of the list field) are serialized items of one product and at
// most one lot, lot (from ILMD) when given, and returns the product and lot.
func lotOf(field string, codes []code, lot string) (string, string, *fieldErr) {
	di := codes[0].c.DI
	for i, c := range codes {
		if c.c.SSCC != "" || c.c.DI == "" {
			return "", "", &fieldErr{fmt.Sprintf("%s[%d]", field, i), "an SSCC is not commissioned: the first packing event creates a container"}
		}
		if c.c.DI != di {
			return "", "", &fieldErr{fmt.Sprintf("%s[%d]", field, i), fmt.Sprintf("product %s differs from %s of %s[0]: one commissioning event covers one lot of one product", c.c.DI, di, field)}
		}
		switch {
		case c.c.Lot == "":
		case lot == "":
			lot = c.c.Lot
		case c.c.Lot != lot:
			return "", "", &fieldErr{fmt.Sprintf("%s[%d]", field, i), fmt.Sprintf("carries lot %s, not %s", quote(c.c.Lot), quote(lot))}
		}
	}
	if lot == "" {
		return "", "", &fieldErr{"ilmd", "the lot is required for commissioning: give ilmd cbvmda:lotNumber (or lots in the EPCs' Digital Link URIs)"}
	}
	return di, lot, nil
}

// dispense builds the public part of unit:Dispense; the patient reference is the caller's
// (Outcome.Transient).
func (e *event) dispense() (any, *fieldErr) {
	codes, qs, err := e.goods(true)
	if err != nil {
		return nil, err
	}
	loc, err := e.location(false)
	if err != nil {
		return nil, err
	}
	return &model.DispenseRequest{EventHeader: e.header(loc), Codes: codes, Quantities: qs}, nil
}

// dispose builds unit:Decommission and unit:Destroy, with the step and disposition as the
// reason.
func (e *event) dispose() (any, *fieldErr) {
	codes, qs, err := e.goods(true)
	if err != nil {
		return nil, err
	}
	loc, err := e.location(false)
	if err != nil {
		return nil, err
	}
	reason := "EPCIS " + string(e.step)
	if e.disp != "" {
		reason += ", disposition " + string(e.disp)
	}
	return &model.DisposeRequest{EventHeader: e.header(loc), Codes: codes, Quantities: qs, Reason: reason}, nil
}

// inspect builds unit:Inspect, which verifies exactly one code.
func (e *event) inspect() (any, *fieldErr) {
	codes, _, err := e.goods(false)
	if err != nil {
		return nil, err
	}
	if len(codes) != 1 {
		return nil, &fieldErr{"epcList", fmt.Sprintf("inspecting verifies one code per event (%s), got %d: send one event per code", e.fn(), len(codes))}
	}
	loc, err := e.location(false)
	if err != nil {
		return nil, err
	}
	if e.disp != "" {
		e.note("disposition " + string(e.disp) + " not recorded: the ledger sets conformant or non_conformant from its own verification")
	}
	return &model.InspectRequest{EventHeader: e.header(loc), Code: codes[0]}, nil
}
