package ops

import (
	"encoding/json"
	"fmt"

	"github.com/udiledger/udiledger/chaincode/model"
)

// Parties: the regulator registers participants and their licences.
var (
	InitLedger       = submit[model.Party, model.Party]("party:Init")
	RegisterParty    = submit[model.Party, model.Party]("party:Register")
	UpdateParty      = submit[model.Party, model.Party]("party:Update")
	GetParty         = evaluate[model.PartyQuery, model.Party]("party:Get")
	ListParties      = evaluate[model.PageQuery, model.PartyPage]("party:List")
	ExpiringLicences = evaluate[model.LicenceQuery, []model.ExpiringLicence]("party:ExpiringLicences")
)

// Products and lots: a manufacturer's master data.
var (
	RegisterProduct = submit[model.Product, model.Product]("product:Register")
	SetProductLinks = submit[model.ProductLinksRequest, model.Product]("product:SetLinks")
	GetProduct      = evaluate[model.ProductQuery, model.Product]("product:Get")
	ListProducts    = evaluate[model.PageQuery, model.ProductPage]("product:List")
	RegisterLot     = submit[model.Lot, model.Lot]("lot:Register")
	SetLotStatus    = submit[model.LotStatusRequest, model.Lot]("lot:SetStatus")
	GetLot          = evaluate[model.LotQuery, model.Lot]("lot:Get")
	ListLots        = evaluate[model.LotListQuery, model.LotPage]("lot:List")
)

// Events: every hand-over of a unit, as an EPCIS event.
var (
	Commission      = submit[model.CommissionRequest, model.EventResult]("unit:Commission")
	Pack            = submit[model.PackRequest, model.EventResult]("unit:Pack")
	Unpack          = submit[model.UnpackRequest, model.EventResult]("unit:Unpack")
	Ship            = submit[model.ShipRequest, model.EventResult]("unit:Ship")
	Receive         = submit[model.ReceiveRequest, model.EventResult]("unit:Receive")
	PrepareDispense = submitWith[model.DispenseInput, model.DispensePrepared]("unit:PrepareDispense", encodePrepareDispense)
	Dispense        = submitWith[model.DispenseInput, model.EventResult]("unit:Dispense", encodeDispense)
	UndoDispense    = submit[model.UndoDispenseRequest, model.EventResult]("unit:UndoDispense")
	EraseDispense   = submit[model.EraseDispenseRequest, model.EventResult]("unit:EraseDispense")
	Return          = submit[model.ReturnRequest, model.EventResult]("unit:Return")
	Decommission    = submit[model.DisposeRequest, model.EventResult]("unit:Decommission")
	Destroy         = submit[model.DisposeRequest, model.EventResult]("unit:Destroy")
	Release         = submit[model.DisposeRequest, model.EventResult]("unit:Release")
	ReportSensor    = submit[model.SensorRequest, model.EventResult]("unit:ReportSensor")
	Inspect         = submit[model.InspectRequest, model.InspectResult]("unit:Inspect")
	Transform       = submit[model.TransformRequest, model.EventResult]("unit:Transform")
	Associate       = submit[model.AssociateRequest, model.EventResult]("unit:Associate")
	DispenseDetails = evaluate[model.EventIDQuery, model.DispenseRecord]("unit:DispenseDetails")
	// Scans records a scanner station's write scans in one transaction (ADR 036).
	Scans = submit[model.ScanBatchRequest, model.ScanBatchResult]("unit:Scans")
)

// Pack states and shipment corrections (ADR 028).
var (
	SetPackState   = submit[model.PackStateRequest, model.EventResult]("unit:SetPackState")
	UndoPackState  = submit[model.UndoPackStateRequest, model.EventResult]("unit:UndoPackState")
	CancelShipment = submit[model.ShipmentRequest, model.EventResult]("unit:CancelShipment")
	RefuseShipment = submit[model.ShipmentRequest, model.EventResult]("unit:RefuseShipment")
	Relocate       = submit[model.RelocateRequest, model.EventResult]("unit:Relocate")
)

// Returned goods: re-worked under a recall, or restocked when verify finds them sellable
// (ADR 031).
var (
	Rework  = submit[model.ReworkRequest, model.EventResult]("unit:Rework")
	Restock = submit[model.RestockRequest, model.EventResult]("unit:Restock")
)

// EPCIS: every captured event, kept whole; the chaincode maps those about goods it governs to
// the transaction of their business step (ADR 019).
var (
	CaptureEPCIS = submit[model.EPCISCapture, model.EPCISResult]("epcis:Capture")
)

// Recalls: started by a regulator or the manufacturer, acknowledged by every holder.
var (
	StartRecall       = submit[model.RecallRequest, model.Recall]("recall:Start")
	AcknowledgeRecall = submit[model.AckRequest, model.Acknowledgement]("recall:Acknowledge")
	AmendRecall       = submit[model.RecallAmendRequest, model.Recall]("recall:Amend")
	CompleteRecall    = submit[model.RecallCloseRequest, model.Recall]("recall:Complete")
	TerminateRecall   = submit[model.RecallCloseRequest, model.Recall]("recall:Terminate")
	CheckRecall       = submit[model.EffectivenessCheckRequest, model.Recall]("recall:Check")
	GetRecall         = evaluate[model.RecallQuery, model.Recall]("recall:Get")
	ListRecalls       = evaluate[model.PageQuery, model.RecallPage]("recall:List")
	RecallScope       = evaluate[model.ScopeQuery, model.RecallStatus]("recall:Scope")
	RecallDispensed   = evaluate[model.RecallQuery, model.RecallDispensed]("recall:Dispensed")
)

// Cases: alerts investigated by the product's manufacturer or a regulator (ADR 027).
var (
	TakeCase        = submit[model.CaseRequest, model.Case]("case:Take")
	NoteCase        = submit[model.CaseRequest, model.Case]("case:Note")
	InvestigateCase = submit[model.CaseRequest, model.Case]("case:Investigate")
	CloseCase       = submit[model.CloseCaseRequest, model.Case]("case:Close")
	GetCase         = evaluate[model.CaseQuery, model.Case]("case:Get")
	ListCases       = evaluate[model.CaseListQuery, model.CasePage]("case:List")
)

// Queries: provenance, verification, holdings, alerts.
var (
	Provenance    = evaluate[model.CodeQuery, model.Provenance]("query:Provenance")
	Verify        = evaluate[model.CodeQuery, model.Verification]("query:Verify")
	Unit          = evaluate[model.CodeQuery, model.UnitView]("query:Unit")
	Stock         = evaluate[model.CodeQuery, model.StockView]("query:Stock")
	Event         = evaluate[model.EventIDQuery, model.Event]("query:Event")
	UnitsByHolder = evaluate[model.HolderQuery, model.HoldingPage]("query:UnitsByHolder")
	StockByHolder = evaluate[model.HolderQuery, model.LotStockPage]("query:StockByHolder")
	EventsByTime  = evaluate[model.TimeQuery, model.EventPage]("query:EventsByTime")
	EventsByIndex = evaluate[model.IndexQuery, model.EventPage]("query:EventsByIndex")
	Alerts        = evaluate[model.PageQuery, model.AlertPage]("query:Alerts")
	Version       = evaluate[model.NoQuery, string]("info:Version")
)

// All lists every operation, in the order of the catalogue.
var All = []Descriptor{
	InitLedger, RegisterParty, UpdateParty, GetParty, ListParties, ExpiringLicences,
	RegisterProduct, SetProductLinks, GetProduct, ListProducts, RegisterLot, SetLotStatus, GetLot, ListLots,
	Commission, Pack, Unpack, Ship, Receive, PrepareDispense, Dispense, UndoDispense, EraseDispense, Return, Decommission,
	Destroy, Release, ReportSensor, Inspect, Transform, Associate, DispenseDetails, Scans, CaptureEPCIS,
	SetPackState, UndoPackState, CancelShipment, RefuseShipment, Relocate,
	Rework, Restock,
	StartRecall, AcknowledgeRecall, AmendRecall, CompleteRecall, TerminateRecall, CheckRecall, GetRecall, ListRecalls, RecallScope, RecallDispensed,
	TakeCase, NoteCase, InvestigateCase, CloseCase, GetCase, ListCases,
	Provenance, Verify, Unit, Stock, Event, UnitsByHolder, StockByHolder, EventsByTime, EventsByIndex, Alerts, Version,
}

// ByName finds an operation by its function name.
func ByName(name string) (Descriptor, bool) {
	for _, d := range All {
		if d.Name() == name {
			return d, true
		}
	}
	return nil, false
}

// encodePrepareDispense sends the public request as the argument and the private part in the
// transient map, never in the arguments.
func encodePrepareDispense(in model.DispenseInput) (Call, error) {
	c, err := jsonArg[model.DispenseRequest]("unit:PrepareDispense")(in.DispenseRequest)
	if err != nil {
		return Call{}, err
	}
	priv, err := json.Marshal(in.DispensePrivate)
	if err != nil {
		return Call{}, err
	}
	c.Transient = map[string][]byte{model.TransientDispense: priv}
	return c, nil
}

// encodeDispense is a dispense in two transactions. The first, unit:PrepareDispense, carries
// the patient reference and writes only the dispenser's collection, so only members of it
// endorse it; the second, unit:Dispense, carries none and changes the units, endorsed as any
// write of them is (ADR 014).
func encodeDispense(in model.DispenseInput) (Call, error) {
	c, err := encodePrepareDispense(in)
	if err != nil {
		return Call{}, err
	}
	c.Then = func(answer []byte) (Call, error) {
		var p model.DispensePrepared
		if err := DecodeAnswer(answer, &p); err != nil {
			return Call{}, fmt.Errorf("unit:PrepareDispense answer: %w", err)
		}
		return jsonArg[model.DispensePublic]("unit:Dispense")(model.DispensePublic{DispenseRequest: in.DispenseRequest, Prepared: p})
	}
	return c, nil
}
