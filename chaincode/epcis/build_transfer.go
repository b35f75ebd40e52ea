package epcis

import "github.com/udiledger/udiledger/chaincode/model"

// The transfers between parties, from an ObjectEvent or a TransactionEvent.

// ship builds unit:Ship: the receiver is the owning_party destination.
func (e *event) ship() (any, *fieldErr) {
	codes, qs, err := e.goods(true)
	if err != nil {
		return nil, err
	}
	to, err := e.owner("destinationList", "destination", ownerRequired, "the receiver of a shipment")
	if err != nil {
		return nil, err
	}
	dest, err := e.destinationGLN()
	if err != nil {
		return nil, err
	}
	bt, err := e.bizTransactions()
	if err != nil {
		return nil, err
	}
	loc, err := e.location(true)
	if err != nil {
		return nil, err
	}
	if _, err := e.owner("sourceList", "source", ownerCheck, ""); err != nil {
		return nil, err
	}
	return &model.ShipRequest{EventHeader: e.header(loc), To: to, Codes: codes, Quantities: qs, Destination: dest, BizTransactions: bt}, nil
}

// receive builds unit:Receive: received quantities name their sender, the owning_party
// source.
func (e *event) receive() (any, *fieldErr) {
	codes, qs, err := e.goods(true)
	if err != nil {
		return nil, err
	}
	if len(qs) > 0 {
		from, err := e.owner("sourceList", "source", ownerRequired, "the sender of the received quantities")
		if err != nil {
			return nil, err
		}
		for i := range qs {
			qs[i].From = from
		}
	} else if _, err := e.owner("sourceList", "source", ownerCheck, ""); err != nil {
		return nil, err
	}
	if _, err := e.owner("destinationList", "destination", ownerCheck, ""); err != nil {
		return nil, err
	}
	bt, err := e.bizTransactions()
	if err != nil {
		return nil, err
	}
	loc, err := e.location(false)
	if err != nil {
		return nil, err
	}
	return &model.ReceiveRequest{EventHeader: e.header(loc), Codes: codes, Quantities: qs, BizTransactions: bt}, nil
}

// ret builds unit:Return: to the owning_party destination, else the product's manufacturer.
func (e *event) ret() (any, *fieldErr) {
	codes, qs, err := e.goods(true)
	if err != nil {
		return nil, err
	}
	to, err := e.owner("destinationList", "destination", ownerOptional, "")
	if err != nil {
		return nil, err
	}
	loc, err := e.location(true)
	if err != nil {
		return nil, err
	}
	if _, err := e.owner("sourceList", "source", ownerCheck, ""); err != nil {
		return nil, err
	}
	return &model.ReturnRequest{EventHeader: e.header(loc), Codes: codes, Quantities: qs, To: to}, nil
}
