package epcis

import (
	"encoding/json"
	"strings"
	"time"

	"github.com/udiledger/udiledger/chaincode/epcis/cbv"

	"github.com/udiledger/udiledger/chaincode/gs1"
	"github.com/udiledger/udiledger/chaincode/identifier"
	"github.com/udiledger/udiledger/chaincode/model"
)

// RenderOptions tune Render.
type RenderOptions struct {
	// PartyGLN returns the party GLN of an MSP ID, so an owning party is shown as a GS1
	// party URI; without it (or when it has none) the party is shown as PartyURIPrefix and
	// its MSP ID.
	PartyGLN func(mspID string) (gln string, ok bool)
	// Recall returns the scope of a recall by its ID, so that a lot or product recall names
	// what it recalls as an EPC class (quantityList without quantity). Without it (or when it
	// does not know the recall), such a recall is shown with an empty epcList.
	Recall func(recallID string) (model.RecallScope, bool)
	// EPCURN writes GS1 EPCs, EPC classes, locations and parties as EPC URNs
	// (urn:epc:id:sgtin:…, urn:epc:class:lgtin:…, urn:epc:id:sgln:…) instead of GS1 Digital
	// Link URIs: the REST binding's GS1-EPC-Format Always_EPC_URN. An EPC URN splits a key
	// after its GS1 company prefix, which the key does not carry: CompanyPrefixes lists those
	// the ledger knows (its parties'), and a key under none of them stays a Digital Link.
	EPCURN          bool
	CompanyPrefixes []string
	// DigitalLink writes the GS1 identifiers of captured events as GS1 Digital Link URIs
	// (Always_GS1_Digital_Link); without it and EPCURN, captured events keep the form they
	// were captured in. Ledger events are always written as Digital Links unless EPCURN.
	DigitalLink bool
}

// Event is an EPCIS 2.0 event in JSON-LD, as Render writes it.
type Event struct {
	Type                string            `json:"type"`
	EventID             string            `json:"eventID"`
	EventTime           string            `json:"eventTime"`
	RecordTime          string            `json:"recordTime,omitempty"`
	EventTimeZoneOffset string            `json:"eventTimeZoneOffset"`
	EPCList             []string          `json:"epcList,omitzero"` // empty, not left out, for an ObjectEvent naming nothing
	ParentID            string            `json:"parentID,omitempty"`
	ChildEPCs           []string          `json:"childEPCs,omitempty"`
	QuantityList        []Quantity        `json:"quantityList,omitempty"`
	InputEPCList        []string          `json:"inputEPCList,omitempty"`
	InputQuantityList   []Quantity        `json:"inputQuantityList,omitempty"`
	OutputEPCList       []string          `json:"outputEPCList,omitempty"`
	TransformationID    string            `json:"transformationID,omitempty"`
	Action              string            `json:"action,omitempty"` // every type but TransformationEvent has one
	BizStep             string            `json:"bizStep,omitempty"`
	Disposition         string            `json:"disposition,omitempty"`
	ReadPoint           *Place            `json:"readPoint,omitempty"`
	BizLocation         *Place            `json:"bizLocation,omitempty"`
	BizTransactionList  []BizTransaction  `json:"bizTransactionList,omitempty"`
	SourceList          []Source          `json:"sourceList,omitempty"`
	DestinationList     []Destination     `json:"destinationList,omitempty"`
	SensorElementList   []SensorElement   `json:"sensorElementList,omitempty"`
	ILMD                map[string]string `json:"ilmd,omitempty"`
	// Ledger facts, as extension fields.
	Actor string `json:"udi:actor,omitempty"`
	TxID  string `json:"udi:txId,omitempty"`
	// captured is the event as captured, with the repository's fields added: written
	// instead of the fields above, which hold what the ledger read of it.
	captured map[string]any
}

// MarshalJSON writes a captured event as it was captured, else the fields.
func (e Event) MarshalJSON() ([]byte, error) {
	if e.captured != nil {
		return json.Marshal(e.captured)
	}
	type fields Event
	return json.Marshal(fields(e))
}

// Captured reports whether the event is answered as it was captured.
func (e Event) Captured() bool { return e.captured != nil }

// Quantity is an EPCIS quantity element.
type Quantity struct {
	EPCClass string `json:"epcClass"`
	Quantity int    `json:"quantity,omitempty"` // left out: an unspecified quantity (a recalled class)
}

// Place is a readPoint or bizLocation.
type Place struct {
	ID string `json:"id"`
}

// BizTransaction is an EPCIS business transaction.
type BizTransaction struct {
	Type           string `json:"type,omitempty"`
	BizTransaction string `json:"bizTransaction"`
}

// Source is an EPCIS source.
type Source struct {
	Type   string `json:"type"`
	Source string `json:"source"`
}

// Destination is an EPCIS destination.
type Destination struct {
	Type        string `json:"type"`
	Destination string `json:"destination"`
}

// SensorElement is an EPCIS sensor element.
type SensorElement struct {
	SensorMetadata *SensorMetadata `json:"sensorMetadata,omitempty"`
	SensorReport   []SensorReport  `json:"sensorReport"`
}

// SensorMetadata is the part of EPCIS sensor metadata the ledger keeps.
type SensorMetadata struct {
	DeviceID string `json:"deviceID,omitempty"`
}

// SensorReport is one EPCIS sensor report.
type SensorReport struct {
	Type  string  `json:"type"`
	Value float64 `json:"value"`
	UOM   string  `json:"uom,omitempty"`
	Time  string  `json:"time,omitempty"`
}

// QueryDocument is an EPCIS 2.0 EPCISQueryDocument.
type QueryDocument struct {
	Context       []any     `json:"@context"`
	Type          string    `json:"type"`
	SchemaVersion string    `json:"schemaVersion"`
	CreationDate  string    `json:"creationDate"`
	EPCISBody     QueryBody `json:"epcisBody"`
}

// QueryBody is the epcisBody of a query document.
type QueryBody struct {
	QueryResults QueryResults `json:"queryResults"`
}

// QueryResults holds the events that answer a query.
type QueryResults struct {
	QueryName   string      `json:"queryName"`
	ResultsBody ResultsBody `json:"resultsBody"`
}

// ResultsBody is the list of events of a query answer.
type ResultsBody struct {
	EventList []Event `json:"eventList"`
}

// Context is the JSON-LD context of rendered documents: the EPCIS 2.0 context, the CBV
// master data prefix of ILMD and the prefix of the ledger's extension fields.
// The extension prefixes of captured events join it; where two events give one prefix
// different namespaces, the first is kept.
func Context(namespaces ...map[string]string) []any {
	m := map[string]string{
		"cbvmda":        "urn:epcglobal:cbv:mda:",
		ExtensionPrefix: ExtensionNamespace,
	}
	for _, ns := range namespaces {
		for k, v := range ns {
			if _, taken := m[k]; !taken {
				m[k] = v
			}
		}
	}
	return []any{ContextURI, m}
}

// Render shows a ledger event as an EPCIS 2.0 event that conforms to the official EPCIS 2.0
// JSON schema. Codes become GS1 Digital Link URIs (CodeURI), GLNs Digital Link /414/ URIs,
// owning parties party URIs; an event ID, business transaction or sensor device that is not a
// URI gets the ledger's URN (EventURI, asURI). eventTime is the declared time in UTC with its
// offset, recordTime the transaction's. A return, which the ledger names "returning", is
// shown the CBV way: shipping with disposition returned. A recall of a lot or a product names
// it as an EPC class (RenderOptions.Recall).
func Render(ev model.Event, opt RenderOptions) Event {
	out := Event{
		Type: string(ev.Type), EventID: EventURI(ev.EventID), EventTime: ev.EventTime, RecordTime: recordTime(ev),
		EventTimeZoneOffset: firstNonEmpty(ev.EventTimeZoneOffset, "+00:00"), Action: string(ev.Action), BizStep: cbvBizStep(ev.BizStep),
		Disposition: cbvDisposition(ev), Actor: ev.Actor, TxID: ev.TxID,
	}
	if m, err := ReadEvent(ev.Captured); len(ev.Captured) > 0 && err == nil {
		// Kept whole: answered as captured, with the repository's recordTime, the hash ID
		// of an event captured without eventID, and the ledger's facts.
		m["recordTime"] = out.RecordTime
		if _, ok := m["eventID"]; !ok {
			m["eventID"] = ev.HashID
		}
		m[ExtensionPrefix+":actor"], m[ExtensionPrefix+":txId"] = ev.Actor, ev.TxID
		opt.translate(m)
		out.captured = m
	}
	out.EPCList = opt.codeURIs(ev.EPCList)
	out.ChildEPCs = opt.codeURIs(ev.ChildEPCs)
	switch {
	case ev.Type == model.AssociationEvent && isAbsoluteURI(ev.ParentID):
		out.ParentID = ev.ParentID // a device the ledger knows by its URI
	case ev.ParentID != "":
		out.ParentID = opt.codeURI(ev.ParentID)
	}
	for _, q := range ev.QuantityList {
		out.QuantityList = append(out.QuantityList, Quantity{EPCClass: opt.codeURI(q.Code), Quantity: q.Quantity})
	}
	if ev.ReadPoint != "" {
		out.ReadPoint = &Place{ID: opt.locationURI(ev.ReadPoint)}
	}
	if ev.BizLocation != "" {
		out.BizLocation = &Place{ID: opt.locationURI(ev.BizLocation)}
	}
	for _, bt := range ev.BizTransactionList {
		out.BizTransactionList = append(out.BizTransactionList, BizTransaction{Type: bizTransactionType(bt.Type),
			BizTransaction: asURI(bt.Value, BizTransactionURIPrefix)})
	}
	for _, s := range ev.SourceList {
		out.SourceList = append(out.SourceList, Source{Type: s.Type, Source: sourceDestURI(s, opt)})
	}
	for _, d := range ev.DestinationList {
		out.DestinationList = append(out.DestinationList, Destination{Type: d.Type, Destination: sourceDestURI(d, opt)})
	}
	for _, el := range ev.SensorElementList {
		se := SensorElement{SensorReport: make([]SensorReport, 0, len(el.Reports))}
		if el.DeviceID != "" {
			se.SensorMetadata = &SensorMetadata{DeviceID: asURI(el.DeviceID, DeviceURIPrefix)}
		}
		for _, r := range el.Reports {
			se.SensorReport = append(se.SensorReport, SensorReport{Type: renderMeasurementType(r.Type), Value: r.Value, UOM: r.UOM, Time: r.Time})
		}
		out.SensorElementList = append(out.SensorElementList, se)
	}
	if ev.Type == model.ObjectEvent && len(out.EPCList) == 0 && len(out.QuantityList) == 0 && len(out.SensorElementList) == 0 {
		// A recall of a lot or a product records no codes: name the class it recalls, or
		// else nothing (the schema wants an ObjectEvent to list EPCs, even none, or quantities).
		if scope, ok := recallScope(ev, opt); ok && scope.DI != "" {
			lot := ""
			if scope.Type == model.ScopeLot {
				lot = scope.Lot
			}
			out.QuantityList = []Quantity{{EPCClass: opt.classURI(scope.DI, lot)}}
		} else {
			out.EPCList = []string{}
		}
	}
	if ev.Type == model.TransformationEvent {
		// The ledger keeps a transformation's inputs as children and its outputs as EPCs.
		out.InputEPCList, out.OutputEPCList, out.InputQuantityList = out.ChildEPCs, out.EPCList, out.QuantityList
		out.ChildEPCs, out.EPCList, out.QuantityList = nil, nil, nil
		if ev.TransformationID != "" {
			out.TransformationID = asURI(ev.TransformationID, LedgerURIPrefix+"transformation:")
		}
	}
	if ev.ILMD != nil && (ev.Type == model.ObjectEvent && ev.Action == model.ActionAdd || ev.Type == model.TransformationEvent) {
		m := map[string]string{}
		if ev.ILMD.LotNumber != "" {
			m["cbvmda:lotNumber"] = ev.ILMD.LotNumber
		}
		if ev.ILMD.ItemExpirationDate != "" {
			m["cbvmda:itemExpirationDate"] = ev.ILMD.ItemExpirationDate
		}
		if ev.ILMD.ProductionDate != "" {
			m[ExtensionPrefix+":productionDate"] = ev.ILMD.ProductionDate
		}
		if len(m) > 0 {
			out.ILMD = m
		}
	}
	return out
}

// recallScope is the scope of the recall ev records, when ev is a recall and opt knows it.
func recallScope(ev model.Event, opt RenderOptions) (model.RecallScope, bool) {
	if ev.BizStep != model.BizStepRecalling || ev.Detail == nil || ev.Detail.RecallID == "" || opt.Recall == nil {
		return model.RecallScope{}, false
	}
	return opt.Recall(ev.Detail.RecallID)
}

// bizTransactionType shows a business transaction type: a CBV name bare, a URI as it is, any
// other word under BizTransactionTypeURIPrefix (the schema takes CBV names and URIs only).
func bizTransactionType(t model.BizTransactionType) string {
	s := string(t)
	if s == "" || cbv.BizTransactionType.Terms[s] {
		return s
	}
	return asURI(s, BizTransactionTypeURIPrefix)
}

func (opt RenderOptions) codeURIs(keys []string) []string {
	if len(keys) == 0 {
		return nil
	}
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = opt.codeURI(k)
	}
	return out
}

// codeURI is CodeURI, or the EPC URN of a GS1 key when opt asks for URNs and knows its
// company prefix.
func (opt RenderOptions) codeURI(key string) string {
	if u, ok := opt.urn(key); ok {
		return u
	}
	return CodeURI(key)
}

func (opt RenderOptions) classURI(di, lot string) string {
	es := "(01)" + di
	if lot != "" {
		es += "(10)" + lot
	}
	if u, ok := opt.urn(es); ok {
		return u
	}
	return ClassURI(di, lot)
}

func (opt RenderOptions) locationURI(gln string) string {
	if u, ok := opt.urn("(414)" + gln); ok {
		return u
	}
	return LocationURI(gln)
}

// urn returns the EPC URN of the GS1 element string es when opt.EPCURN is set and a company
// prefix of opt.CompanyPrefixes starts its key (the longest one).
func (opt RenderOptions) urn(es string) (string, bool) {
	if !opt.EPCURN {
		return "", false
	}
	c, err := identifier.Parse(es)
	if err != nil || c.Scheme != identifier.SchemeGS1 || len(c.AIs) == 0 {
		return "", false
	}
	digits := c.AIs[0].Value
	switch c.AIs[0].AI {
	case "00", "01":
		digits = digits[1:] // after the extension or indicator digit
	case "414", "417":
	default:
		return "", false
	}
	gcp := 0
	for _, p := range opt.CompanyPrefixes {
		if len(p) > gcp && len(p) >= 6 && len(p) <= 12 && strings.HasPrefix(digits, p) {
			gcp = len(p)
		}
	}
	if gcp == 0 {
		return "", false
	}
	u, err := gs1.EPCURN(c.AIs, gcp)
	return u, err == nil
}

// translate writes the GS1 EPCs, EPC classes and locations of a captured event in the form
// opt asks for (EPCURN or DigitalLink); other identifiers stay as captured.
func (opt RenderOptions) translate(ev map[string]any) {
	if !opt.EPCURN && !opt.DigitalLink {
		return
	}
	conv := func(v any) any {
		s, ok := v.(string)
		if !ok {
			return v
		}
		c, reason := parseCode(s)
		switch {
		case reason != "" || c.Scheme != identifier.SchemeGS1:
			return v
		case c.GTIN != "" && c.Serial == "" && c.Lot != "":
			return opt.classURI(c.GTIN, c.Lot)
		case len(c.AIs) > 0 && c.AIs[0].AI == "414":
			return opt.locationURI(c.AIs[0].Value)
		case c.SSCC != "" || c.Serial != "":
			return opt.codeURI(c.Key)
		}
		return v
	}
	if v, ok := ev["parentID"]; ok {
		ev["parentID"] = conv(v)
	}
	for _, k := range instanceLists {
		if l, ok := ev[k].([]any); ok {
			for i := range l {
				l[i] = conv(l[i])
			}
		}
	}
	for _, k := range classLists {
		if l, ok := ev[k].([]any); ok {
			for _, q := range l {
				if m, ok := q.(map[string]any); ok {
					m["epcClass"] = conv(m["epcClass"])
				}
			}
		}
	}
	for _, k := range []string{"readPoint", "bizLocation"} {
		if m, ok := ev[k].(map[string]any); ok {
			m["id"] = conv(m["id"])
		}
	}
}

func sourceDestURI(sd model.SourceDest, opt RenderOptions) string {
	if sd.Type == model.SDLocation {
		return opt.locationURI(sd.Value)
	}
	gln := ""
	if opt.PartyGLN != nil {
		if g, ok := opt.PartyGLN(sd.Value); ok {
			gln = g
		}
	}
	if gln != "" {
		if u, ok := opt.urn("(417)" + gln); ok {
			return u
		}
	}
	return PartyURI(sd.Value, gln)
}

// NewQueryDocument renders ledger events as the EPCISQueryDocument answering a
// SimpleEventQuery, created at the given time.
func NewQueryDocument(events []model.Event, opt RenderOptions, created time.Time) *QueryDocument {
	list := make([]Event, len(events))
	var namespaces []map[string]string
	for i, ev := range events {
		list[i] = Render(ev, opt)
		if len(ev.Namespaces) > 0 {
			namespaces = append(namespaces, ev.Namespaces)
		}
	}
	return &QueryDocument{
		Context: Context(namespaces...), Type: "EPCISQueryDocument", SchemaVersion: "2.0",
		CreationDate: created.UTC().Format(time.RFC3339Nano),
		EPCISBody: QueryBody{QueryResults: QueryResults{
			QueryName: "SimpleEventQuery", ResultsBody: ResultsBody{EventList: list},
		}},
	}
}

// recordTime is when the ledger recorded ev (events recorded before record times were kept
// have only their event time).
func recordTime(ev model.Event) string { return firstNonEmpty(ev.RecordTime, ev.EventTime) }

func firstNonEmpty(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}
