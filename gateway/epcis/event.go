package epcis

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/udiledger/udiledger/chaincode/gs1"
	"github.com/udiledger/udiledger/chaincode/identifier"
	"github.com/udiledger/udiledger/chaincode/model"
)

// Fields of every event, and those of each supported type, from the EPCIS 2.0 JSON schema.
var (
	commonFields = set("@context", "type", "eventTime", "recordTime", "eventTimeZoneOffset", "eventID",
		"certificationInfo", "errorDeclaration")
	typeFields = map[string]map[string]bool{
		TypeObject: set("action", "epcList", "quantityList", "bizStep", "disposition", "persistentDisposition",
			"readPoint", "bizLocation", "bizTransactionList", "sourceList", "destinationList",
			"sensorElementList", "ilmd"),
		TypeAggregation: set("parentID", "childEPCs", "childQuantityList", "action", "bizStep", "disposition",
			"readPoint", "bizLocation", "bizTransactionList", "sourceList", "destinationList", "sensorElementList"),
		TypeTransaction: set("bizTransactionList", "parentID", "epcList", "quantityList", "action", "bizStep",
			"disposition", "readPoint", "bizLocation", "sourceList", "destinationList", "sensorElementList"),
	}
	// silentFields are read by every mapping, so they are never listed as not recorded.
	silentFields = set("@context", "type", "eventID", "recordTime", "action", "bizStep", "eventTime",
		"eventTimeZoneOffset")
)

const supportedSteps = "commissioning, packing, unpacking, shipping, receiving, dispensing, retail_selling, " +
	"decommissioning, destroying, inspecting, sensor_reporting"

// fieldErr is a rejection before the event index is known to it.
type fieldErr struct{ field, reason string }

// event is the state of capturing one event.
type event struct {
	m     map[string]any
	typ   string
	fn    string
	opt   Options
	id    string
	used  map[string]bool
	notes []string
}

func captureEvent(i int, raw any, opt Options) Outcome {
	out := Outcome{Index: i}
	m, ok := raw.(map[string]any)
	if !ok {
		out.Rejection = &Rejection{Index: i, Reason: "want an event object, got " + jsonKind(raw)}
		return out
	}
	e := &event{m: m, opt: opt, used: map[string]bool{}}
	req, ferr := e.capture(&out)
	if ferr != nil {
		out.Rejection = &Rejection{Index: i, Field: ferr.field, Reason: ferr.reason}
		out.Notes = nil
		return out
	}
	out.Function, out.Request, out.Notes = e.fn, req, e.notes
	if e.fn == FnDispense {
		out.Transient = model.TransientDispense
	}
	return out
}

func (e *event) note(s string) {
	for _, n := range e.notes {
		if n == s {
			return
		}
	}
	e.notes = append(e.notes, s)
}

func (e *event) use(keys ...string) {
	for _, k := range keys {
		e.used[k] = true
	}
}

func (e *event) capture(out *Outcome) (any, *fieldErr) {
	typ, ok := e.m["type"].(string)
	if !ok {
		if e.m["type"] == nil {
			return nil, &fieldErr{"type", "is required"}
		}
		return nil, &fieldErr{"type", "want a string, got " + jsonKind(e.m["type"])}
	}
	e.typ, out.EventType = typ, typ
	if err := e.eventID(); err != nil {
		return nil, err
	}
	out.EventID = e.id
	if t, reason := timeField(e.m["eventTime"], false); reason == "" {
		out.EventTime = t
	}
	fields, supported := typeFields[typ]
	if !supported {
		if typ == TypeTransformation || typ == TypeAssociation {
			return nil, &fieldErr{"type", typ + " is not supported: the ledger records ObjectEvent, AggregationEvent and TransactionEvent"}
		}
		return nil, &fieldErr{"type", quote(typ) + " is not an EPCIS 2.0 event type the ledger records: want ObjectEvent, AggregationEvent or TransactionEvent"}
	}
	for _, k := range sortedKeys(e.m) {
		switch {
		case commonFields[k], fields[k]:
		case isURI(k):
			e.note("extension field " + k + " not recorded")
		default:
			return nil, &fieldErr{k, "is not a field of " + typ}
		}
	}
	if err := e.common(); err != nil {
		return nil, err
	}
	if l, ok := e.m["bizTransactionList"].([]any); typ == TypeTransaction && (!ok || len(l) == 0) {
		return nil, &fieldErr{"bizTransactionList", "is required in a TransactionEvent: at least one business transaction"}
	}
	action, err := e.action()
	if err != nil {
		return nil, err
	}
	step, err := e.vocab("bizStep", vocBizStep)
	if err != nil {
		return nil, err
	}
	disp, err := e.vocab("disposition", vocDisposition)
	if err != nil {
		return nil, err
	}
	sensors, err := e.sensors()
	if err != nil {
		return nil, err
	}
	if err := e.route(action, step, disp, len(sensors) > 0); err != nil {
		return nil, err
	}
	if len(sensors) > 0 && e.fn != FnReportSensor {
		return nil, &fieldErr{"sensorElementList", "sensor data is recorded by sensor_reporting and inspecting ObjectEvents only: send the readings in an event of their own"}
	}
	req, err := e.build(step, disp, sensors)
	if err != nil {
		return nil, err
	}
	if err := declareTime(req, e.localEventTime()); err != nil {
		return nil, &fieldErr{"eventTime", err.Error()}
	}
	for _, k := range sortedKeys(e.m) {
		if !e.used[k] && !silentFields[k] && !isURI(k) {
			e.note(k + " not recorded by " + e.fn)
		}
	}
	return req, nil
}

// localEventTime is the event's time in its own time zone (eventTimeZoneOffset), RFC 3339:
// what the ledger keeps as the declared event time with its offset.
func (e *event) localEventTime() string {
	t, reason := timeField(e.m["eventTime"], true)
	if reason != "" {
		return ""
	}
	off, _ := e.m["eventTimeZoneOffset"].(string)
	if d, ok := parseOffset(off); ok {
		t = t.In(time.FixedZone(off, d))
	}
	return t.Format(time.RFC3339Nano)
}

// parseOffset reads "+08:00" as seconds east of UTC.
func parseOffset(s string) (int, bool) {
	if !offsetRe.MatchString(s) {
		return 0, false
	}
	h := int(s[1]-'0')*10 + int(s[2]-'0')
	m := int(s[4]-'0')*10 + int(s[5]-'0')
	d := h*3600 + m*60
	if s[0] == '-' {
		d = -d
	}
	return d, true
}

// eventID takes the event's ID or derives one from its content.
func (e *event) eventID() *fieldErr {
	v, present := e.m["eventID"]
	if !present {
		e.id = HashID(e.m)
		return nil
	}
	s, ok := v.(string)
	switch {
	case !ok:
		return &fieldErr{"eventID", "want a URI string, got " + jsonKind(v)}
	case !isURI(s):
		return &fieldErr{"eventID", quote(s) + " is not a URI (urn:uuid:…, ni:///sha-256;…)"}
	case len(s) > MaxEventIDLength:
		return &fieldErr{"eventID", fmt.Sprintf("is %d characters, the ledger takes at most %d", len(s), MaxEventIDLength)}
	}
	e.id = s
	return nil
}

// common checks the fields every event has.
func (e *event) common() *fieldErr {
	if _, reason := timeField(e.m["eventTime"], true); reason != "" {
		return &fieldErr{"eventTime", reason}
	}
	switch off := e.m["eventTimeZoneOffset"].(type) {
	case nil:
		return &fieldErr{"eventTimeZoneOffset", "is required: want an offset such as \"+01:00\""}
	case string:
		if !offsetRe.MatchString(off) {
			return &fieldErr{"eventTimeZoneOffset", quote(off) + " is not an offset from -14:00 to +14:00 such as \"+01:00\""}
		}
	default:
		return &fieldErr{"eventTimeZoneOffset", "want a string, got " + jsonKind(off)}
	}
	if _, reason := timeField(e.m["recordTime"], false); reason != "" {
		return &fieldErr{"recordTime", reason}
	}
	if err := checkContext(e.m["@context"], "@context", false); err != nil {
		var de *DocumentError
		if errors.As(err, &de) {
			return &fieldErr{de.Field, de.Reason}
		}
	}
	if v, present := e.m["errorDeclaration"]; present {
		if _, ok := v.(map[string]any); !ok {
			return &fieldErr{"errorDeclaration", "want an object, got " + jsonKind(v)}
		}
		return &fieldErr{"errorDeclaration", "error declarations are not supported: the ledger never edits a recorded event; record the correcting event (a return, a decommissioning…) instead"}
	}
	if v, present := e.m["persistentDisposition"]; present {
		if _, ok := v.(map[string]any); !ok {
			return &fieldErr{"persistentDisposition", "want an object with set and/or unset, got " + jsonKind(v)}
		}
	}
	return nil
}

func (e *event) action() (model.Action, *fieldErr) {
	v, present := e.m["action"]
	if !present {
		return "", &fieldErr{"action", "is required: want ADD, OBSERVE or DELETE"}
	}
	s, _ := v.(string)
	switch a := model.Action(s); a {
	case model.ActionAdd, model.ActionObserve, model.ActionDelete:
		return a, nil
	}
	return "", &fieldErr{"action", "want ADD, OBSERVE or DELETE, got " + describe(v)}
}

func (e *event) vocab(key string, voc vocabulary) (string, *fieldErr) {
	v, present := e.m[key]
	if !present {
		return "", nil
	}
	s, ok := v.(string)
	if !ok {
		return "", &fieldErr{key, "want a string, got " + jsonKind(v)}
	}
	n, reason := voc.normalize(s)
	if reason != "" {
		return "", &fieldErr{key, reason}
	}
	return n, nil
}

// route picks the chaincode function from the event type, action, business step and
// disposition (docs/epcis.md has the table).
func (e *event) route(action model.Action, step, disp string, sensors bool) *fieldErr {
	wantAction := func(ok bool, want string) *fieldErr {
		if ok {
			return nil
		}
		what := step
		if what == "" {
			what = "an event without bizStep"
		}
		return &fieldErr{"action", fmt.Sprintf("%s in %s is recorded from action %s, not %s", what, article(e.typ), want, action)}
	}
	wantDisp := func(allowed ...string) *fieldErr {
		if disp == "" {
			return nil
		}
		for _, a := range allowed {
			if disp == a {
				return nil
			}
		}
		return &fieldErr{"disposition", fmt.Sprintf("%s records disposition %s, not %s", step, strings.Join(allowed, " or "), quote(disp))}
	}
	unsupported := func() *fieldErr {
		if step == "" {
			return &fieldErr{"bizStep", "is required for " + article(e.typ) + " with action " + string(action) + ": the business step says which transaction to record"}
		}
		return &fieldErr{"bizStep", quote(step) + " is not a business step the ledger records in " + article(e.typ) + " (supported: " + supportedSteps + ")"}
	}
	observe := action == model.ActionObserve
	switch e.typ {
	case TypeAggregation:
		switch {
		case action == model.ActionAdd && (step == "" || step == string(model.BizStepPacking)):
			e.fn, step = FnPack, string(model.BizStepPacking)
			return wantDisp("in_progress", "container_closed", "active")
		case action == model.ActionDelete && (step == "" || step == string(model.BizStepUnpacking)):
			e.fn, step = FnUnpack, string(model.BizStepUnpacking)
			return wantDisp("active", "container_open", "in_progress")
		case step == string(model.BizStepPacking):
			return wantAction(false, "ADD")
		case step == string(model.BizStepUnpacking):
			return wantAction(false, "DELETE")
		case action == model.ActionObserve:
			return &fieldErr{"action", "an AggregationEvent with action OBSERVE is not recorded: the ledger records packing (ADD) and unpacking (DELETE); ship or receive a container as an ObjectEvent with its SSCC in epcList"}
		}
		return unsupported()
	case TypeTransaction:
		if action == model.ActionDelete {
			return &fieldErr{"action", "a TransactionEvent with action DELETE (ending the association with a business transaction) is not recorded"}
		}
	}
	switch model.BizStep(step) {
	case model.BizStepCommissioning:
		if e.typ == TypeTransaction {
			return unsupported()
		}
		e.fn = FnCommission
		if err := wantAction(action == model.ActionAdd, "ADD"); err != nil {
			return err
		}
		return wantDisp("active")
	case "":
		switch {
		case e.typ == TypeObject && action == model.ActionAdd:
			e.fn = FnCommission
			return wantDisp("active")
		case e.typ == TypeObject && observe && sensors:
			e.fn = FnReportSensor
			return nil
		}
		return unsupported()
	case model.BizStepShipping:
		if err := wantAction(observe || e.typ == TypeTransaction, "OBSERVE"); err != nil {
			return err
		}
		if disp == string(model.DispositionReturned) {
			e.fn = FnReturn
			return nil
		}
		e.fn = FnShip
		return wantDisp("in_transit", "returned")
	case model.BizStepReceiving:
		if err := wantAction(observe || e.typ == TypeTransaction, "OBSERVE"); err != nil {
			return err
		}
		if disp == string(model.DispositionReturned) {
			return &fieldErr{"disposition", "receiving with disposition returned is not recorded: on the ledger a return (shipping, disposition returned) hands the goods straight to the party they go back to"}
		}
		e.fn = FnReceive
		return wantDisp("active", "in_progress")
	}
	if e.typ == TypeTransaction {
		return unsupported()
	}
	switch model.BizStep(step) {
	case model.BizStepDispensing, model.BizStepRetailSelling:
		e.fn = FnDispense
		if err := wantAction(observe, "OBSERVE"); err != nil {
			return err
		}
		if step == string(model.BizStepDispensing) {
			return wantDisp("dispensed")
		}
		return wantDisp("retail_sold")
	case model.BizStepDecommissioning:
		e.fn = FnDecommission
		if err := wantAction(action != model.ActionAdd, "DELETE or OBSERVE"); err != nil {
			return err
		}
		return wantDisp("inactive")
	case model.BizStepDestroying:
		e.fn = FnDestroy
		if err := wantAction(action != model.ActionAdd, "OBSERVE or DELETE"); err != nil {
			return err
		}
		return wantDisp("destroyed")
	case model.BizStepInspecting:
		if err := wantAction(observe, "OBSERVE"); err != nil {
			return err
		}
		if sensors {
			e.fn = FnReportSensor
		} else {
			e.fn = FnInspect
		}
		return nil
	case model.BizStepSensorReporting:
		if err := wantAction(observe, "OBSERVE"); err != nil {
			return err
		}
		if !sensors {
			return &fieldErr{"sensorElementList", "is required: sensor_reporting records sensor readings"}
		}
		e.fn = FnReportSensor
		return nil
	}
	return unsupported()
}

// build makes the request of the chosen function.
func (e *event) build(step, disp string, sensors []model.SensorElement) (any, *fieldErr) {
	e.use("disposition")
	switch e.fn {
	case FnCommission:
		return e.commission()
	case FnPack, FnUnpack:
		return e.pack()
	case FnShip:
		return e.ship()
	case FnReceive:
		return e.receive()
	case FnDispense:
		codes, qs, err := e.goods(true)
		if err != nil {
			return nil, err
		}
		loc, err := e.location(false)
		if err != nil {
			return nil, err
		}
		return &model.DispenseRequest{EventID: e.id, Codes: codes, Quantities: qs, Location: loc}, nil
	case FnReturn:
		return e.ret()
	case FnDecommission, FnDestroy:
		codes, _, err := e.goods(false)
		if err != nil {
			return nil, err
		}
		loc, err := e.location(false)
		if err != nil {
			return nil, err
		}
		reason := "EPCIS " + step
		if disp != "" {
			reason += ", disposition " + disp
		}
		return &model.DisposeRequest{EventID: e.id, Codes: codes, Reason: reason, Location: loc}, nil
	case FnInspect:
		codes, _, err := e.goods(false)
		if err != nil {
			return nil, err
		}
		if len(codes) != 1 {
			return nil, &fieldErr{"epcList", fmt.Sprintf("inspecting verifies one code per event (unit:Inspect), got %d: send one event per code", len(codes))}
		}
		loc, err := e.location(false)
		if err != nil {
			return nil, err
		}
		if disp != "" {
			e.note("disposition " + disp + " not recorded: the ledger sets conformant or non_conformant from its own verification")
		}
		return &model.InspectRequest{EventID: e.id, Code: codes[0], Location: loc}, nil
	case FnReportSensor:
		codes, _, err := e.goods(false)
		if err != nil {
			return nil, err
		}
		loc, err := e.location(true)
		if err != nil {
			return nil, err
		}
		e.use("sensorElementList")
		if disp != "" {
			e.note("disposition " + disp + " not recorded: a sensor report changes no disposition")
		}
		return &model.SensorRequest{EventID: e.id, Codes: codes, Location: loc, SensorElementList: sensors}, nil
	}
	return nil, &fieldErr{"", "no transaction for this event"}
}

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
	req := &model.CommissionRequest{EventID: e.id, Location: loc}
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
	di := codes[0].c.DI
	for i, c := range codes {
		if c.c.SSCC != "" || c.c.DI == "" {
			return nil, &fieldErr{fmt.Sprintf("epcList[%d]", i), "an SSCC is not commissioned: the first packing event creates a container"}
		}
		if c.c.DI != di {
			return nil, &fieldErr{fmt.Sprintf("epcList[%d]", i), fmt.Sprintf("product %s differs from %s of epcList[0]: one commissioning event covers one lot of one product", c.c.DI, di)}
		}
		switch {
		case c.c.Lot == "":
		case lot == "":
			lot = c.c.Lot
		case c.c.Lot != lot:
			return nil, &fieldErr{fmt.Sprintf("epcList[%d]", i), fmt.Sprintf("carries lot %s, not %s", quote(c.c.Lot), quote(lot))}
		}
		req.Codes = append(req.Codes, c.arg)
	}
	if lot == "" {
		return nil, &fieldErr{"ilmd", "the lot is required for commissioning: give ilmd cbvmda:lotNumber (or lots in the EPCs' Digital Link URIs)"}
	}
	req.DI, req.Lot = di, lot
	return req, nil
}

func (e *event) pack() (any, *fieldErr) {
	pv, present := e.m["parentID"]
	if !present {
		return nil, &fieldErr{"parentID", "is required: the container (SSCC or serialized case) to " + strings.TrimPrefix(e.fn, "unit:")}
	}
	ps, ok := pv.(string)
	if !ok {
		return nil, &fieldErr{"parentID", "want a string, got " + jsonKind(pv)}
	}
	parent, reason := instanceCode(ps)
	if reason != "" {
		return nil, &fieldErr{"parentID", reason}
	}
	children, err := e.instances("childEPCs")
	if err != nil {
		return nil, err
	}
	if q, _, err := e.list("childQuantityList"); err != nil {
		return nil, err
	} else if len(q) > 0 {
		return nil, &fieldErr{"childQuantityList", "the ledger packs serialized items only: list the children in childEPCs"}
	}
	for i, c := range children {
		if c.c.Key == parent.Key {
			return nil, &fieldErr{fmt.Sprintf("childEPCs[%d]", i), "is the parent itself"}
		}
	}
	loc, err := e.location(true)
	if err != nil {
		return nil, err
	}
	e.use("parentID", "childEPCs")
	args := argsOf(children)
	if e.fn == FnPack {
		if len(children) == 0 {
			return nil, &fieldErr{"childEPCs", "is required: packing names what goes into the container"}
		}
		if len(children) > model.MaxCommission {
			return nil, &fieldErr{"childEPCs", fmt.Sprintf("%d children, at most %d in one packing event", len(children), model.MaxCommission)}
		}
		return &model.PackRequest{EventID: e.id, Parent: arg(parent), Children: args, Location: loc}, nil
	}
	return &model.UnpackRequest{EventID: e.id, Parent: arg(parent), Children: args, Location: loc}, nil
}

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
	return &model.ShipRequest{EventID: e.id, To: to, Codes: codes, Quantities: qs, Location: loc,
		Destination: dest, BizTransactions: bt}, nil
}

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
	return &model.ReceiveRequest{EventID: e.id, Codes: codes, Quantities: qs, Location: loc, BizTransactions: bt}, nil
}

func (e *event) ret() (any, *fieldErr) {
	codes, _, err := e.goods(false)
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
	return &model.ReturnRequest{EventID: e.id, Codes: codes, To: to, Location: loc}, nil
}

// goods reads what an ObjectEvent or TransactionEvent names: EPCs, quantities (when the
// transaction takes them), or a TransactionEvent's parentID alone.
func (e *event) goods(quantities bool) ([]string, []model.QuantityElement, *fieldErr) {
	codes, err := e.instances("epcList")
	if err != nil {
		return nil, nil, err
	}
	qs, err := e.quantities("quantityList")
	if err != nil {
		return nil, nil, err
	}
	if len(qs) > 0 && !quantities {
		return nil, nil, &fieldErr{"quantityList", e.fn + " takes serialized items only, not quantities of a lot"}
	}
	if pv, present := e.m["parentID"]; present {
		ps, ok := pv.(string)
		if !ok {
			return nil, nil, &fieldErr{"parentID", "want a string, got " + jsonKind(pv)}
		}
		parent, reason := instanceCode(ps)
		if reason != "" {
			return nil, nil, &fieldErr{"parentID", reason}
		}
		if len(codes) > 0 || len(qs) > 0 {
			return nil, nil, &fieldErr{"parentID", "name the container alone (its contents move with it) or the items alone, not both"}
		}
		codes = []code{{c: parent, arg: arg(parent)}}
		e.use("parentID")
	}
	if len(codes) == 0 && len(qs) == 0 {
		what := "epcList"
		if quantities {
			what = "epcList and quantityList"
		}
		return nil, nil, &fieldErr{"epcList", "names nothing: " + what + " are empty"}
	}
	e.use("epcList", "quantityList")
	var out []model.QuantityElement
	for _, q := range qs {
		out = append(out, q.q)
	}
	return argsOf(codes), out, nil
}

// code is a parsed EPC and the form it takes in a request.
type code struct {
	c   identifier.Code
	arg string
}

// arg is the form of a code in a request: every GS1 element it carries, bracketed, so the
// chaincode still checks a lot or expiry given in a Digital Link against the lot record;
// the canonical key for the other schemes.
func arg(c identifier.Code) string {
	if c.Scheme == identifier.SchemeGS1 && len(c.AIs) > 0 {
		return string(gs1.AppendBracketed(nil, c.AIs))
	}
	return c.Key
}

func argsOf(codes []code) []string {
	if len(codes) == 0 {
		return nil
	}
	out := make([]string, len(codes))
	for i, c := range codes {
		out[i] = c.arg
	}
	return out
}

func (e *event) list(key string) ([]any, bool, *fieldErr) {
	v, present := e.m[key]
	if !present {
		return nil, false, nil
	}
	l, ok := v.([]any)
	if !ok {
		return nil, true, &fieldErr{key, "want an array, got " + jsonKind(v)}
	}
	return l, true, nil
}

// instances reads a list of EPCs that name single objects.
func (e *event) instances(key string) ([]code, *fieldErr) {
	l, _, err := e.list(key)
	if err != nil {
		return nil, err
	}
	out := make([]code, 0, len(l))
	seen := make(map[string]int, len(l))
	for i, v := range l {
		f := fmt.Sprintf("%s[%d]", key, i)
		s, ok := v.(string)
		if !ok {
			return nil, &fieldErr{f, "want an EPC URI string, got " + jsonKind(v)}
		}
		c, reason := instanceCode(s)
		if reason != "" {
			return nil, &fieldErr{f, reason}
		}
		if j, dup := seen[c.Key]; dup {
			return nil, &fieldErr{f, fmt.Sprintf("names %s again (as %s[%d])", c.Key, key, j)}
		}
		seen[c.Key] = i
		out = append(out, code{c: c, arg: arg(c)})
	}
	return out, nil
}

type quantity struct {
	c identifier.Code
	q model.QuantityElement
}

// countUnits are the UN/CEFACT units that count items.
var countUnits = set("EA", "H87", "C62")

// quantities reads a quantityList: lots of products counted in items.
func (e *event) quantities(key string) ([]quantity, *fieldErr) {
	l, _, err := e.list(key)
	if err != nil {
		return nil, err
	}
	out := make([]quantity, 0, len(l))
	seen := map[string]int{}
	for i, v := range l {
		f := fmt.Sprintf("%s[%d]", key, i)
		m, ok := v.(map[string]any)
		if !ok {
			return nil, &fieldErr{f, "want a quantity element object, got " + jsonKind(v)}
		}
		for _, k := range sortedKeys(m) {
			if k != "epcClass" && k != "quantity" && k != "uom" {
				return nil, &fieldErr{f + "." + k, "is not a field of a quantity element"}
			}
		}
		cs, ok := m["epcClass"].(string)
		if !ok {
			return nil, &fieldErr{f + ".epcClass", "is required: want an EPC class URI, got " + jsonKind(m["epcClass"])}
		}
		c, reason := classCode(cs)
		if reason != "" {
			return nil, &fieldErr{f + ".epcClass", reason}
		}
		if u, present := m["uom"]; present {
			us, _ := u.(string)
			if !countUnits[us] {
				return nil, &fieldErr{f + ".uom", describe(u) + " is a measure, not a count: the ledger counts items (leave uom out, or EA, H87, C62)"}
			}
		}
		num, ok := m["quantity"].(json.Number)
		if !ok {
			return nil, &fieldErr{f + ".quantity", "is required: want the number of items, got " + jsonKind(m["quantity"])}
		}
		x, ferr := strconv.ParseFloat(num.String(), 64)
		if ferr != nil || x != math.Trunc(x) || x < 1 || x > model.MaxQuantity {
			return nil, &fieldErr{f + ".quantity", fmt.Sprintf("%s is not a whole number of items from 1 to %d", num, model.MaxQuantity)}
		}
		if j, dup := seen[c.Key]; dup {
			return nil, &fieldErr{f, fmt.Sprintf("names lot %s again (as %s[%d])", c.Key, key, j)}
		}
		seen[c.Key] = i
		out = append(out, quantity{c: c, q: model.QuantityElement{Code: c.Key, Quantity: int(x)}})
	}
	return out, nil
}

// place reads a readPoint or bizLocation.
func (e *event) place(key string) (string, bool, *fieldErr) {
	v, present := e.m[key]
	if !present {
		return "", false, nil
	}
	m, ok := v.(map[string]any)
	if !ok {
		return "", true, &fieldErr{key, "want an object with id, got " + jsonKind(v)}
	}
	id, ok := m["id"].(string)
	if !ok {
		return "", true, &fieldErr{key + ".id", "is required: want a location URI, got " + jsonKind(m["id"])}
	}
	gln, ext, reason := placeGLN(id)
	if reason != "" {
		return "", true, &fieldErr{key + ".id", reason}
	}
	if ext != "" {
		e.note(key + " extension " + quote(ext) + " not recorded: the ledger records the GLN " + gln)
	}
	return gln, true, nil
}

// location picks the one location the transaction records: the readPoint or the
// bizLocation, whichever the chaincode keeps for it, else the other.
func (e *event) location(readPointFirst bool) (string, *fieldErr) {
	rp, rpOK, err := e.place("readPoint")
	if err != nil {
		return "", err
	}
	bl, blOK, err := e.place("bizLocation")
	if err != nil {
		return "", err
	}
	first, firstOK, firstKey, second, secondOK, secondKey := rp, rpOK, "readPoint", bl, blOK, "bizLocation"
	if !readPointFirst {
		first, firstOK, firstKey, second, secondOK, secondKey = bl, blOK, "bizLocation", rp, rpOK, "readPoint"
	}
	switch {
	case firstOK:
		e.use(firstKey)
		if secondOK && second == first {
			e.use(secondKey)
		} else if secondOK {
			e.use(secondKey)
			e.note(secondKey + " GLN " + second + " not recorded: " + e.fn + " records one location, the " + firstKey + " GLN " + first)
		}
		return first, nil
	case secondOK:
		e.use(secondKey)
		return second, nil
	}
	return "", nil
}

// sourceDest reads a sourceList or destinationList.
func (e *event) sourceDest(key, valueKey string) (owners []partyRef, places []string, err *fieldErr) {
	l, _, err := e.list(key)
	if err != nil {
		return nil, nil, err
	}
	for i, v := range l {
		f := fmt.Sprintf("%s[%d]", key, i)
		m, ok := v.(map[string]any)
		if !ok {
			return nil, nil, &fieldErr{f, "want an object with type and " + valueKey + ", got " + jsonKind(v)}
		}
		for _, k := range sortedKeys(m) {
			if k != "type" && k != valueKey {
				return nil, nil, &fieldErr{f + "." + k, "is not a field of a " + valueKey}
			}
		}
		ts, ok := m["type"].(string)
		if !ok {
			return nil, nil, &fieldErr{f + ".type", "is required: want owning_party, possessing_party or location, got " + jsonKind(m["type"])}
		}
		typ, reason := vocSourceDestType.normalize(ts)
		if reason != "" {
			return nil, nil, &fieldErr{f + ".type", reason}
		}
		val, ok := m[valueKey].(string)
		if !ok || !isURI(val) {
			return nil, nil, &fieldErr{f + "." + valueKey, "is required: want a URI, got " + describe(m[valueKey])}
		}
		switch typ {
		case model.SDOwningParty:
			p, reason := parseParty(val)
			if reason != "" {
				return nil, nil, &fieldErr{f + "." + valueKey, reason}
			}
			p.kind = fmt.Sprintf("%s[%d].%s", key, i, valueKey)
			owners = append(owners, p)
		case model.SDLocation:
			gln, ext, reason := placeGLN(val)
			if reason != "" {
				return nil, nil, &fieldErr{f + "." + valueKey, reason}
			}
			if ext != "" {
				e.note(f + " extension " + quote(ext) + " not recorded: the ledger records the GLN " + gln)
			}
			places = append(places, gln)
		case model.SDPossessingParty:
			if _, reason := parseParty(val); reason != "" {
				return nil, nil, &fieldErr{f + "." + valueKey, reason}
			}
			e.note(f + " possessing_party not recorded: the ledger records owners")
		default:
			e.note(f + " of type " + typ + " not recorded")
		}
	}
	return owners, places, nil
}

// ownerMode says what a transaction does with the owning party of a list.
type ownerMode int

const (
	ownerCheck    ownerMode = iota // not recorded: the format is checked, the party not resolved
	ownerOptional                  // recorded when given
	ownerRequired                  // recorded, must be given
)

// owner reads the owning party of a sourceList or destinationList and resolves it to an
// MSP ID; need says what the party is for, in messages.
func (e *event) owner(key, valueKey string, mode ownerMode, need string) (string, *fieldErr) {
	owners, places, err := e.sourceDest(key, valueKey)
	if err != nil {
		return "", err
	}
	if len(places) > 0 && !(e.fn == FnShip && key == "destinationList") {
		e.note(key + " location not recorded by " + e.fn)
	}
	if _, present := e.m[key]; present {
		e.use(key)
	}
	if len(owners) == 0 {
		if mode == ownerRequired {
			return "", &fieldErr{key, "needs an owning_party " + valueKey + " naming " + need}
		}
		return "", nil
	}
	if mode == ownerCheck {
		e.note(key + " owning_party not recorded by " + e.fn + ": the ledger takes the parties from the transaction itself")
		return "", nil
	}
	msp := ""
	for _, p := range owners {
		id := p.msp
		if id == "" {
			if e.opt.Resolve == nil {
				return "", &fieldErr{p.kind, "owning_party " + quote(p.uri) + " cannot be resolved: the gateway has no party directory"}
			}
			var ok bool
			if id, ok = e.opt.Resolve(p.gln); !ok || id == "" {
				return "", &fieldErr{p.kind, "owning_party " + quote(p.uri) + " (GLN " + p.gln + ") is not a party the ledger knows"}
			}
		}
		if msp != "" && id != msp {
			return "", &fieldErr{p.kind, "names a second owning_party (" + id + " besides " + msp + "): an event moves goods between two parties"}
		}
		msp = id
	}
	return msp, nil
}

// destinationGLN reads the location destination of a shipment.
func (e *event) destinationGLN() (string, *fieldErr) {
	_, places, err := e.sourceDest("destinationList", "destination")
	if err != nil {
		return "", err
	}
	if len(places) > 1 {
		for _, p := range places[1:] {
			if p != places[0] {
				return "", &fieldErr{"destinationList", "names more than one location: a shipment goes to one place"}
			}
		}
	}
	if len(places) == 0 {
		return "", nil
	}
	return places[0], nil
}

func (e *event) bizTransactions() ([]model.BizTransaction, *fieldErr) {
	l, _, err := e.list("bizTransactionList")
	if err != nil {
		return nil, err
	}
	var out []model.BizTransaction
	for i, v := range l {
		f := fmt.Sprintf("bizTransactionList[%d]", i)
		m, ok := v.(map[string]any)
		if !ok {
			return nil, &fieldErr{f, "want an object with bizTransaction, got " + jsonKind(v)}
		}
		for _, k := range sortedKeys(m) {
			if k != "type" && k != "bizTransaction" {
				return nil, &fieldErr{f + "." + k, "is not a field of a business transaction"}
			}
		}
		val, ok := m["bizTransaction"].(string)
		if !ok || !isURI(val) {
			return nil, &fieldErr{f + ".bizTransaction", "is required: want a URI, got " + describe(m["bizTransaction"])}
		}
		bt := model.BizTransaction{Value: val}
		if tv, present := m["type"]; present {
			ts, ok := tv.(string)
			if !ok {
				return nil, &fieldErr{f + ".type", "want a string, got " + jsonKind(tv)}
			}
			typ, reason := vocBizTransactionType.normalize(ts)
			if reason != "" {
				return nil, &fieldErr{f + ".type", reason}
			}
			bt.Type = model.BizTransactionType(typ)
		}
		out = append(out, bt)
	}
	if len(out) > 0 {
		e.use("bizTransactionList")
	}
	return out, nil
}

// ilmdLot reads the lot number of a commissioning event's ILMD.
func (e *event) ilmdLot() (string, *fieldErr) {
	v, present := e.m["ilmd"]
	if !present {
		return "", nil
	}
	m, ok := v.(map[string]any)
	if !ok {
		return "", &fieldErr{"ilmd", "want an object, got " + jsonKind(v)}
	}
	e.use("ilmd")
	lot := ""
	for _, k := range sortedKeys(m) {
		if termName(k) == "lotNumber" {
			s, ok := m[k].(string)
			if !ok || s == "" {
				return "", &fieldErr{"ilmd." + k, "want the lot number as a string, got " + describe(m[k])}
			}
			lot = s
			continue
		}
		e.note("ilmd " + k + " not recorded: the lot record on the ledger holds the lot's master data")
	}
	return lot, nil
}

// termName is the local name of a compact IRI or URI: "cbvmda:lotNumber" → "lotNumber".
func termName(k string) string {
	if i := strings.LastIndexAny(k, ":#/"); i >= 0 {
		return k[i+1:]
	}
	return k
}

// sensors reads a sensorElementList into the readings the ledger stores.
func (e *event) sensors() ([]model.SensorElement, *fieldErr) {
	l, _, err := e.list("sensorElementList")
	if err != nil {
		return nil, err
	}
	var out []model.SensorElement
	for i, v := range l {
		f := fmt.Sprintf("sensorElementList[%d]", i)
		m, ok := v.(map[string]any)
		if !ok {
			return nil, &fieldErr{f, "want a sensor element object, got " + jsonKind(v)}
		}
		var el model.SensorElement
		var defTime string
		for _, k := range sortedKeys(m) {
			switch {
			case k == "sensorMetadata", k == "sensorReport":
			case isURI(k):
				e.note(f + " extension field " + k + " not recorded")
			default:
				return nil, &fieldErr{f + "." + k, "is not a field of a sensor element"}
			}
		}
		if mv, present := m["sensorMetadata"]; present {
			md, ok := mv.(map[string]any)
			if !ok {
				return nil, &fieldErr{f + ".sensorMetadata", "want an object, got " + jsonKind(mv)}
			}
			for _, k := range sortedKeys(md) {
				mf := f + ".sensorMetadata." + k
				switch k {
				case "deviceID":
					s, ok := md[k].(string)
					if !ok || !isURI(s) {
						return nil, &fieldErr{mf, "want a URI, got " + describe(md[k])}
					}
					el.DeviceID = s
				case "time":
					t, reason := timeField(md[k], true)
					if reason != "" {
						return nil, &fieldErr{mf, reason}
					}
					defTime = model.FormatTime(t)
				case "startTime", "endTime":
					if _, reason := timeField(md[k], true); reason != "" {
						return nil, &fieldErr{mf, reason}
					}
					e.note(f + ".sensorMetadata " + k + " not recorded")
				default:
					e.note(f + ".sensorMetadata " + k + " not recorded")
				}
			}
		}
		rl, ok := m["sensorReport"].([]any)
		if !ok || len(rl) == 0 {
			return nil, &fieldErr{f + ".sensorReport", "is required: want an array of at least one report, got " + describe(m["sensorReport"])}
		}
		for j, rv := range rl {
			r, ferr := e.report(fmt.Sprintf("%s.sensorReport[%d]", f, j), rv, defTime)
			if ferr != nil {
				return nil, ferr
			}
			el.Reports = append(el.Reports, r)
		}
		out = append(out, el)
	}
	return out, nil
}

// Fields of a sensor report by what becomes of them.
var (
	aggregateFields = set("minValue", "maxValue", "meanValue", "sDev", "percRank", "percValue")
	otherValueField = set("stringValue", "booleanValue", "hexBinaryValue", "uriValue")
	reportFields    = set("type", "exception", "deviceID", "deviceMetadata", "rawData", "dataProcessingMethod",
		"bizRules", "time", "microorganism", "chemicalSubstance", "coordinateReferenceSystem", "value",
		"component", "stringValue", "booleanValue", "hexBinaryValue", "uriValue", "minValue", "maxValue",
		"meanValue", "sDev", "percRank", "percValue", "uom")
)

func (e *event) report(f string, v any, defTime string) (model.SensorReport, *fieldErr) {
	m, ok := v.(map[string]any)
	if !ok {
		return model.SensorReport{}, &fieldErr{f, "want a sensor report object, got " + jsonKind(v)}
	}
	ts, ok := m["type"].(string)
	if !ok {
		return model.SensorReport{}, &fieldErr{f + ".type", "is required: want a measurement type such as \"Temperature\", got " + jsonKind(m["type"])}
	}
	typ, reason := measurementType(ts)
	if reason != "" {
		return model.SensorReport{}, &fieldErr{f + ".type", reason}
	}
	r := model.SensorReport{Type: typ, Time: defTime}
	num, hasValue := m["value"].(json.Number)
	if _, present := m["value"]; present && !hasValue {
		return model.SensorReport{}, &fieldErr{f + ".value", "want a number, got " + jsonKind(m["value"])}
	}
	for _, k := range sortedKeys(m) {
		switch {
		case k == "type", k == "value":
		case k == "uom":
			s, ok := m[k].(string)
			if !ok {
				return model.SensorReport{}, &fieldErr{f + ".uom", "want a string, got " + jsonKind(m[k])}
			}
			r.UOM = s
		case k == "time":
			t, reason := timeField(m[k], true)
			if reason != "" {
				return model.SensorReport{}, &fieldErr{f + ".time", reason}
			}
			r.Time = model.FormatTime(t)
		case aggregateFields[k] && !hasValue:
			return model.SensorReport{}, &fieldErr{f + "." + k, "a report without value is not recorded: the ledger stores single readings (value), not " + k + " over a period"}
		case otherValueField[k] && !hasValue:
			return model.SensorReport{}, &fieldErr{f + "." + k, "a report without value is not recorded: the ledger stores numeric readings (value) only"}
		case reportFields[k], isURI(k):
			e.note(f + " " + k + " not recorded")
		default:
			return model.SensorReport{}, &fieldErr{f + "." + k, "is not a field of a sensor report"}
		}
	}
	if !hasValue {
		return model.SensorReport{}, &fieldErr{f + ".value", "is required: the ledger stores numeric readings"}
	}
	x, err := strconv.ParseFloat(num.String(), 64)
	if err != nil || math.IsInf(x, 0) {
		return model.SensorReport{}, &fieldErr{f + ".value", num.String() + " is not a finite number"}
	}
	r.Value = x
	return r, nil
}

// HashID derives an event ID from an event's content, for events that carry no eventID:
// "ni:///sha-256;" and the hex SHA-256 of the event's JSON with its keys sorted, leaving out
// eventID, recordTime and @context and with eventTime in UTC. It follows the idea of the
// EPCIS 2.0 event hash ID (the same event always gets the same ID, so a resubmitted
// document is recognised) but not the CBV 2.0 canonical pre-hash string, so it carries no
// "?ver=CBV2.0".
func HashID(ev map[string]any) string {
	c := make(map[string]any, len(ev))
	for k, v := range ev {
		switch k {
		case "eventID", "recordTime", "@context":
			continue
		case "eventTime":
			if s, ok := v.(string); ok {
				if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
					v = t.UTC().Format(time.RFC3339Nano)
				}
			}
		}
		c[k] = v
	}
	b, err := json.Marshal(c)
	if err != nil {
		// Only values decoded from JSON arrive here; they always encode.
		b = []byte(fmt.Sprint(c))
	}
	sum := sha256.Sum256(b)
	return "ni:///sha-256;" + hex.EncodeToString(sum[:])
}

// article puts "a" or "an" before an event type.
func article(typ string) string {
	if strings.HasPrefix(typ, "A") || strings.HasPrefix(typ, "O") {
		return "an " + typ
	}
	return "a " + typ
}

// declareTime sets the declared event time on a chaincode request: every event request of
// package model has the field EventTime (see model.DeclaredTimer).
func declareTime(req any, at string) error {
	v := reflect.ValueOf(req)
	if v.Kind() == reflect.Pointer && v.Elem().Kind() == reflect.Struct {
		if f := v.Elem().FieldByName("EventTime"); f.IsValid() && f.Kind() == reflect.String && f.CanSet() {
			f.SetString(at)
			return nil
		}
	}
	return fmt.Errorf("no event time for a %T", req)
}
