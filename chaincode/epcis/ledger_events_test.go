package epcis_test

import "github.com/udiledger/udiledger/chaincode/model"

// ledgerShip is a shipment as the chaincode stores it.
var ledgerShip = model.Event{
	EventID: "urn:uuid:s1", Type: model.ObjectEvent, Action: model.ActionObserve,
	BizStep: model.BizStepShipping, Disposition: model.DispositionInTransit,
	EventTime: "2024-05-01T02:00:00.000000000Z", EPCList: []string{sgtinArg, ssccKey},
	QuantityList:       []model.QuantityElement{{Code: lotKey, Quantity: 5}},
	ReadPoint:          siteGLN,
	BizTransactionList: []model.BizTransaction{{Type: model.BizTxDespatch, Value: "urn:epcglobal:cbv:bt:9506000000015:D1"}},
	SourceList:         []model.SourceDest{{Type: model.SDOwningParty, Value: "DistributorMSP"}},
	DestinationList:    []model.SourceDest{{Type: model.SDOwningParty, Value: "HospitalMSP"}, {Type: model.SDLocation, Value: "9506000000091"}},
	Actor:              "DistributorMSP", TxID: "tx1",
}

// ledgerPack is a packing as the chaincode stores it.
var ledgerPack = model.Event{
	EventID: "urn:uuid:p1", Type: model.AggregationEvent, Action: model.ActionAdd,
	BizStep: model.BizStepPacking, Disposition: model.DispositionInProgress,
	EventTime: "2024-04-30T00:00:00.000000000Z", ParentID: ssccKey, ChildEPCs: []string{sgtinArg},
	ReadPoint: siteGLN, BizLocation: siteGLN, Actor: "ManufacturerMSP", TxID: "tx0",
}

// ledgerReturn is a return as the chaincode stores it.
var ledgerReturn = model.Event{
	EventID: "urn:uuid:rt", Type: model.ObjectEvent, Action: model.ActionObserve,
	BizStep: model.BizStepReturning, Disposition: model.DispositionReturned,
	EventTime: "2024-05-03T00:00:00.000000000Z", EPCList: []string{drugCode},
}
