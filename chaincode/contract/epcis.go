package contract

import (
	"fmt"
	"slices"
	"time"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/udiledger/udiledger/chaincode/epcis"
	"github.com/udiledger/udiledger/chaincode/model"
	"github.com/udiledger/udiledger/chaincode/ops"
)

// EPCISContract keeps every captured EPCIS 2.0 event whole (ADR 019). An event about goods the
// ledger governs goes through the transaction its business step maps to, with every rule of
// that transaction; any other event is kept as an observation that changes no unit; an error
// declaration marks its submitter's original event and is kept beside it.
type EPCISContract struct {
	contractapi.Contract
	cfg  *Config
	unit *UnitContract
}

func newEPCISContract(cfg *Config) *EPCISContract {
	c := &EPCISContract{cfg: cfg, unit: newUnitContract(cfg)}
	c.Name = "epcis"
	return c
}

// declarationSuffix makes the ledger ID under which an error declaration is kept beside the
// event it declares (both carry the same eventID in EPCIS).
const declarationSuffix = "#errorDeclaration"

// captured is the event a transaction keeps whole beside the ledger's own record of it.
type captured struct {
	raw        []byte
	namespaces map[string]string
	hashID     string
	bizStep    string // as the event says, which the business step index keeps
}

// capturingContext carries the captured event to the transaction its event maps to, whose
// record keeps it (txn.record).
type capturingContext struct {
	contractapi.TransactionContextInterface
	captured *captured
}

// Capture keeps one captured EPCIS event and does what it says.
func (c *EPCISContract) Capture(ctx contractapi.TransactionContextInterface, req model.EPCISCapture) (*model.EPCISResult, error) {
	raw, err := epcis.Compact(req.Event)
	if err != nil {
		return nil, model.Invalid("event: not JSON: %v", err)
	}
	ev, err := epcis.ReadEvent(raw)
	if err != nil {
		return nil, model.Invalid("event: %v", err)
	}
	id, rej := epcis.Identify(ev, req.Namespaces)
	if rej != nil {
		return nil, rejected(rej)
	}
	if req.EventID != id.EventID {
		return nil, model.Invalid("eventId %q is not the event's ID %q", req.EventID, id.EventID)
	}
	cap := &captured{raw: raw, namespaces: req.Namespaces, hashID: id.HashID, bizStep: epcis.BizStepOf(ev)}
	t, err := begin(ctx, c.cfg)
	if err != nil {
		return nil, err
	}
	decl, rej := epcis.Declaration(ev)
	if rej != nil {
		return nil, rejected(rej)
	}
	if decl != nil {
		return c.declare(ctx, req, ev, id, decl, cap)
	}
	governed, err := t.governs(epcis.Goods(ev))
	if err == nil && !governed {
		governed, err = t.governsDevice(ev)
	}
	if err != nil {
		return nil, err
	}
	if !governed {
		res, err := c.deviceReport(ctx, t, ev, id, cap)
		if err != nil || res != nil {
			return res, err
		}
		return c.observe(ctx, req, ev, id, cap)
	}
	if err := t.readGLNs(); err != nil {
		return nil, err
	}
	out := epcis.Map(0, ev, epcis.Options{Resolve: t.partyByGLN, HashID: id.HashID})
	switch {
	case out.Rejection != nil:
		return nil, rejected(out.Rejection)
	case out.Transient != "":
		return nil, model.Invalid("a dispense needs the patient reference, which EPCIS does not carry: record it with POST /v1/events/dispense")
	}
	res, err := c.apply(&capturingContext{ctx, cap}, out.Op.Name(), out.Request)
	if err != nil {
		return nil, err
	}
	res.HashID, res.Operation, res.Notes = id.HashID, out.Op.Name(), out.Notes
	return res, nil
}

// apply runs the transaction a governed event maps to.
func (c *EPCISContract) apply(ctx contractapi.TransactionContextInterface, op string, req any) (*model.EPCISResult, error) {
	var (
		r   *model.EventResult
		err error
	)
	switch q := req.(type) {
	case *model.CommissionRequest:
		r, err = c.unit.Commission(ctx, *q)
	case *model.PackRequest:
		r, err = c.unit.Pack(ctx, *q)
	case *model.UnpackRequest:
		r, err = c.unit.Unpack(ctx, *q)
	case *model.ShipRequest:
		r, err = c.unit.Ship(ctx, *q)
	case *model.ReceiveRequest:
		r, err = c.unit.Receive(ctx, *q)
	case *model.ReturnRequest:
		r, err = c.unit.Return(ctx, *q)
	case *model.SensorRequest:
		r, err = c.unit.ReportSensor(ctx, *q)
	case *model.TransformRequest:
		r, err = c.unit.Transform(ctx, *q)
	case *model.AssociateRequest:
		r, err = c.unit.Associate(ctx, *q)
	case *model.DisposeRequest:
		if op == ops.Destroy.Name() {
			r, err = c.unit.Destroy(ctx, *q)
		} else {
			r, err = c.unit.Decommission(ctx, *q)
		}
	case *model.PackStateRequest:
		r, err = c.unit.SetPackState(ctx, *q)
	case *model.ShipmentRequest:
		if op != ops.CancelShipment.Name() {
			return nil, fmt.Errorf("epcis: %s: no transaction takes %T", op, req)
		}
		r, err = c.unit.CancelShipment(ctx, *q)
	case *model.InspectRequest:
		ir, ierr := c.unit.Inspect(ctx, *q)
		if ierr != nil {
			return nil, ierr
		}
		return &model.EPCISResult{EventResult: ir.EventResult, Verification: &ir.Verification}, nil
	default:
		return nil, fmt.Errorf("epcis: %s: no transaction takes %T", op, req)
	}
	if err != nil {
		return nil, err
	}
	return &model.EPCISResult{EventResult: *r}, nil
}

// governsDevice reports whether an AssociationEvent is about a device that travels with
// goods: its OBSERVE or DELETE needs not name them.
func (t *txn) governsDevice(ev map[string]any) (bool, error) {
	device, _ := ev["parentID"].(string)
	if ev["type"] != string(model.AssociationEvent) || device == "" {
		return false, nil
	}
	a, err := t.association(deviceKey(device))
	return a != nil && a.Until == "", err
}

// deviceReport records a sensor report about a device alone (epcis.SensorDevices) as the
// readings of the goods the device travelled with when they were taken (unit:ReportSensor,
// with its excursion rules and alerts); nil when no association covers them.
func (c *EPCISContract) deviceReport(ctx contractapi.TransactionContextInterface, t *txn, ev map[string]any, id epcis.Identity, cap *captured) (*model.EPCISResult, error) {
	var found *model.Association
	for _, d := range epcis.SensorDevices(ev) {
		a, err := t.association(deviceKey(d))
		if err != nil {
			return nil, err
		}
		if a == nil || (found != nil && found.Device == a.Device) {
			continue
		}
		if found != nil {
			return nil, model.Invalid("readings of devices %s and %s, each associated with goods: send one event per device", found.Device, a.Device)
		}
		found = a
	}
	if found == nil {
		return nil, nil
	}
	if err := t.readGLNs(); err != nil {
		return nil, err
	}
	out := epcis.Map(0, epcis.WithGoods(ev, found.Codes), epcis.Options{Resolve: t.partyByGLN, HashID: id.HashID})
	req, ok := out.Request.(*model.SensorRequest)
	switch {
	case (out.Rejection != nil || !ok) && !found.Active(eventTimeOf(ev)):
		return nil, nil // an association of another time: the event is an observation
	case out.Rejection != nil:
		return nil, rejected(out.Rejection)
	case !ok:
		return nil, model.Invalid("epcis event: device %s travels with goods: its readings are recorded by a sensor report (sensor_reporting, inspecting or no bizStep)", found.Device)
	}
	req.SensorElementList = devicesReadings(req, found)
	if len(req.SensorElementList) == 0 {
		return nil, nil
	}
	res, err := c.apply(&capturingContext{ctx, cap}, ops.ReportSensor.Name(), req)
	if err != nil {
		return nil, err
	}
	res.HashID, res.Operation = id.HashID, ops.ReportSensor.Name()
	res.Notes = append(out.Notes, "readings of device "+found.Device+" applied to the goods it travels with since "+found.Since)
	return res, nil
}

// eventTimeOf is an event's eventTime in model.TimeLayout, "" when it has none.
func eventTimeOf(ev map[string]any) string {
	s, _ := ev["eventTime"].(string)
	return layoutTime(s)
}

// layoutTime is an RFC 3339 time in model.TimeLayout, "" when s is none.
func layoutTime(s string) string {
	at, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return ""
	}
	return model.FormatTime(at)
}

// devicesReadings keeps the readings of the association's device taken while it lasted: the
// elements naming it (or no device), each report at its own time, else the event's.
func devicesReadings(req *model.SensorRequest, a *model.Association) []model.SensorElement {
	eventTime := layoutTime(req.EventTime)
	var out []model.SensorElement
	for _, el := range req.SensorElementList {
		if el.DeviceID != "" && deviceKey(el.DeviceID) != a.Device {
			continue
		}
		var kept []model.SensorReport
		for _, r := range el.Reports {
			at := eventTime
			if r.Time != "" {
				at = r.Time
			}
			if a.Active(at) {
				kept = append(kept, r)
			}
		}
		if len(kept) > 0 {
			el.Reports = kept
			out = append(out, el)
		}
	}
	return out
}

// observe keeps an event about goods the ledger does not govern: another company's products,
// returnable assets, locations. It changes no unit.
func (c *EPCISContract) observe(ctx contractapi.TransactionContextInterface, req model.EPCISCapture, ev map[string]any, id epcis.Identity, cap *captured) (*model.EPCISResult, error) {
	t, prev, hash, err := beginEvent(ctx, c.cfg, id.EventID, req)
	if err != nil || prev != nil {
		return epcisReplayOr(prev, id, err)
	}
	if err := t.observer(); err != nil {
		return nil, err
	}
	if err := t.readGLNs(); err != nil {
		return nil, err
	}
	rec, rej := epcis.Observed(ev, t.partyByGLN)
	if rej != nil {
		return nil, rejected(rej)
	}
	if err := t.declareObserved(rec.EventTime); err != nil {
		return nil, err
	}
	rec.EventID, rec.Observation = id.EventID, true
	t.captured = cap
	res, err := t.record(&rec, hash)
	if err != nil {
		return nil, err
	}
	return &model.EPCISResult{EventResult: *res, HashID: id.HashID, Observation: true}, nil
}

// declare keeps an error declaration: the submitter's original event, when the ledger holds
// it, stays as recorded and is marked declared; the declaration is kept beside it. The ledger's state follows the
// corrective events, which are events of their own.
func (c *EPCISContract) declare(ctx contractapi.TransactionContextInterface, req model.EPCISCapture, ev map[string]any, id epcis.Identity, decl *model.ErrorDeclaration, cap *captured) (*model.EPCISResult, error) {
	t, prev, hash, err := beginEvent(ctx, c.cfg, id.EventID+declarationSuffix, req)
	if err != nil || prev != nil {
		res, err := epcisReplayOr(prev, id, err)
		if res != nil {
			res.EventID, res.Declaration = id.EventID, true
		}
		return res, err
	}
	if err := t.observer(); err != nil {
		return nil, err
	}
	if err := t.markDeclared(id.EventID, decl); err != nil {
		return nil, err
	}
	rec, rej := epcis.Observed(ev, t.partyByGLN)
	if rej != nil {
		return nil, rejected(rej)
	}
	if err := t.declareObserved(rec.EventTime); err != nil {
		return nil, err
	}
	rec.EventID, rec.Observation = id.EventID+declarationSuffix, true
	rec.Declared = decl
	t.captured = cap
	res, err := t.record(&rec, hash)
	if err != nil {
		return nil, err
	}
	res.EventID = id.EventID
	return &model.EPCISResult{EventResult: *res, HashID: id.HashID, Declaration: true}, nil
}

// markDeclared marks the caller's own event id declared in error. An event the caller did
// not record here (kept by another repository, or another organisation's) is left alone: the
// declaration is kept on its own.
func (t *txn) markDeclared(id string, decl *model.ErrorDeclaration) error {
	k, err := t.key(otEvent, id, t.caller)
	if err != nil {
		return err
	}
	// Read with the request hash, which t.event leaves out, so that a retry of the original
	// is still recognised.
	var stored model.Event
	ok, err := t.getJSON(k, &stored)
	if err != nil || !ok {
		return err
	}
	stored.Declared = decl
	return t.putJSON(k, &stored)
}

// epcisReplayOr answers a retried capture with its first result.
func epcisReplayOr(prev *model.Event, id epcis.Identity, err error) (*model.EPCISResult, error) {
	if err != nil {
		return nil, err
	}
	return &model.EPCISResult{EventResult: *replayed(prev), HashID: id.HashID, Observation: prev.Observation}, nil
}

// rejected is the error of an event the chaincode cannot take, naming the field at fault.
func rejected(r *epcis.Rejection) error {
	if r.Field == "" {
		return model.Invalid("epcis event: %s", r.Reason)
	}
	return model.Invalid("epcis event: %s: %s", r.Field, r.Reason)
}

// governs reports whether the ledger governs any of goods: a registered product's code, or a
// container it knows.
func (t *txn) governs(goods []epcis.Good) (bool, error) {
	for _, g := range goods {
		if !g.OK {
			continue
		}
		ok, err := t.governed(code{Key: g.Code.Key, DI: g.Code.DI, SSCC: g.Code.SSCC})
		if err != nil || ok {
			return ok, err
		}
	}
	return false, nil
}

// governed reports whether the ledger governs one code: a container it knows, or a code of a
// registered product.
func (t *txn) governed(c code) (bool, error) {
	if c.SSCC == "" && c.DI != "" {
		_, err := t.product(c.DI)
		switch model.CodeOf(err) {
		case "":
			return true, nil
		case model.CodeNotFound:
		default:
			return false, err
		}
	}
	if c.SSCC == "" && c.Key == "" {
		return false, nil
	}
	ct, err := t.container(c.Key)
	return ct != nil, err
}

// observer checks that the caller may keep events on the ledger: a trading party with a valid
// licence, or a regulator.
func (t *txn) observer() error {
	roles := append(slices.Clone(tradingRoles), model.RoleRegulator)
	p, err := t.meAs("capture EPCIS events", roles...)
	if err != nil {
		return err
	}
	if p.HasRole(model.RoleRegulator) {
		return nil
	}
	return t.licensed(p)
}

// declareObserved takes the event time of an observation: any time not after the
// transaction time (an observation changes no state, so an old event is kept as it is).
func (t *txn) declareObserved(s string) error {
	err := t.declare(s)
	if err != nil && model.CodeOf(err) == model.CodeInvalid && t.declared == "" {
		at, perr := time.Parse(time.RFC3339Nano, s)
		if perr != nil || at.After(t.now.Add(model.MaxClockSkew)) {
			return err
		}
		t.declared, t.declaredOffset = model.FormatTime(at), at.Format("-07:00")
		return nil
	}
	return err
}

// readGLNs reads the GLNs of every party's locations, for partyByGLN.
func (t *txn) readGLNs() error {
	t.glns = map[string]string{}
	return t.scanAll(otParty, nil, func(_ string, v []byte) error {
		var p model.Party
		if err := jsonUnmarshal(v, &p); err != nil {
			return err
		}
		for _, l := range p.Locations {
			t.glns[l.GLN] = p.MSPID
		}
		return nil
	})
}

// partyByGLN resolves the GLN of a party's location to its MSP ID (after readGLNs).
func (t *txn) partyByGLN(gln string) (string, bool) {
	msp, ok := t.glns[gln]
	return msp, ok
}
