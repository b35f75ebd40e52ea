package epcis

import "github.com/udiledger/udiledger/chaincode/model"

// cancelShipment builds unit:CancelShipment: a void_shipping event names the shipped goods
// the sender takes back.
func (e *event) cancelShipment() (any, *fieldErr) {
	codes, _, err := e.goods(false)
	if err != nil {
		return nil, err
	}
	loc, err := e.location(false)
	if err != nil {
		return nil, err
	}
	return &model.ShipmentRequest{EventHeader: e.header(loc), Codes: codes, Reason: "EPCIS " + string(e.step)}, nil
}

// stolen builds unit:SetPackState with state stolen: the CBV disposition stolen.
func (e *event) stolen() (any, *fieldErr) {
	codes, _, err := e.goods(false)
	if err != nil {
		return nil, err
	}
	loc, err := e.location(false)
	if err != nil {
		return nil, err
	}
	return &model.PackStateRequest{EventHeader: e.header(loc), Codes: codes, State: model.StatusStolen,
		Reason: "EPCIS " + string(e.step) + ", disposition " + string(e.disp)}, nil
}
