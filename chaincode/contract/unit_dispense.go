package contract

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/udiledger/udiledger/chaincode/model"
)

// dispensingRoles may dispense or sell to patients.
var dispensingRoles = model.DispensingRoles

// collection returns the private data collection of dispense details of msp.
func (t *txn) collection(msp string) string {
	return model.DispenseCollectionOf(t.cfg.DispenseCollection, msp)
}

// Dispense hands units to a patient (a hospital or pharmacy dispenses, a platform sells). The
// transient map carries model.DispensePrivate under model.TransientDispense; the public state
// gets salted hashes only, the references go to the dispensing organisation's private
// collection. A prescription-only product needs a prescription reference.
func (c *UnitContract) Dispense(ctx contractapi.TransactionContextInterface, req model.DispenseRequest) (*model.EventResult, error) {
	t, err := begin(ctx, c.cfg)
	if err != nil {
		return nil, err
	}
	priv, err := dispensePrivate(t)
	if err != nil {
		return nil, err
	}
	if err := t.recordedSalt(req.EventID, priv); err != nil {
		return nil, err
	}
	// The hashes, not the references, take part in the request hash of the event ID.
	patientHash := model.SaltedHash(priv.Salt, priv.PatientRef)
	rxHash := ""
	if priv.PrescriptionRef != "" {
		rxHash = model.SaltedHash(priv.Salt, priv.PrescriptionRef)
	}
	prev, hash, err := t.replay(req.EventID, struct {
		model.DispenseRequest
		P, R string
	}{req, patientHash, rxHash})
	if err != nil || prev != nil {
		return replayOr(prev, err)
	}
	me, err := t.trader("dispense", dispensingRoles...)
	if err != nil {
		return nil, err
	}
	if err := validGLN(req.Location); err != nil {
		return nil, err
	}
	codes, qs, err := parseGoods(req.Codes, req.Quantities)
	if err != nil {
		return nil, err
	}
	items, err := t.lookupAll(codes)
	if err != nil {
		return nil, err
	}
	if err := t.dispenseQuantities(qs, priv.PrescriptionRef != ""); err != nil {
		return nil, err
	}
	info := &model.DispenseInfo{By: t.caller, At: t.nowText, EventID: req.EventID, PatientHash: patientHash, PrescriptionHash: rxHash}
	for _, it := range items {
		if it.unit == nil {
			return nil, model.Invalid("%s is a container: unpack it and dispense its units", it.key())
		}
		if err := t.movable(it, "dispense"); err != nil {
			return nil, err
		}
		p, err := t.product(it.unit.DI)
		if err != nil {
			return nil, err
		}
		if p.Prescription && priv.PrescriptionRef == "" {
			return nil, model.Invalid("%s is a prescription-only product: a prescription reference is required", p.DI)
		}
		it.setState(model.StatusDispensed, t.caller, "", req.Location, "", "")
		it.unit.Dispense = info
		if err := t.setHolder(it, t.caller, ""); err != nil {
			return nil, err
		}
		if err := t.save(it, req.EventID); err != nil {
			return nil, err
		}
	}
	rec := model.DispenseRecord{EventID: req.EventID, Codes: keysOf(codes), PatientRef: priv.PatientRef,
		PrescriptionRef: priv.PrescriptionRef, Salt: priv.Salt, By: t.caller, At: t.nowText}
	if err := t.putPrivate(t.collection(t.caller), req.EventID, rec); err != nil {
		return nil, err
	}
	step, disp := model.BizStepDispensing, model.DispositionDispensed
	if me.HasRole(model.RolePlatform) && !me.HasRole(model.RoleHospital, model.RolePharmacy) {
		step, disp = model.BizStepRetailSelling, model.DispositionRetailSold
	}
	return t.record(&model.Event{
		EventID: req.EventID, Type: model.ObjectEvent, Action: model.ActionObserve,
		BizStep: step, Disposition: disp, EPCList: keysOf(codes), QuantityList: quantityList(qs),
		ReadPoint: req.Location, BizLocation: req.Location,
		Detail: &model.EventDetail{PatientHash: patientHash, PrescriptionHash: rxHash, UnitCount: len(codes) + sumQuantities(qs)},
	}, hash)
}

func dispensePrivate(t *txn) (*model.DispensePrivate, error) {
	tm, err := t.stub.GetTransient()
	if err != nil {
		return nil, fmt.Errorf("read transient map: %w", err)
	}
	raw, ok := tm[model.TransientDispense]
	if !ok {
		return nil, model.Invalid("transient %q with the patient reference is required", model.TransientDispense)
	}
	var p model.DispensePrivate
	if err := json.Unmarshal(raw, &p); err != nil {
		return nil, model.Invalid("transient %q: %v", model.TransientDispense, err)
	}
	if p.PatientRef == "" {
		return nil, model.Invalid("patientRef is required")
	}
	if len(p.Salt) < model.MinSaltLength {
		return nil, model.Invalid("salt of at least %d characters is required", model.MinSaltLength)
	}
	return &p, nil
}

// recordedSalt gives a retried dispense the salt of its first submission. The submitting side
// draws a new salt every time and only the private record keeps it (so purging the record
// leaves the public hashes unlinkable); a retry is compared under the recorded one.
func (t *txn) recordedSalt(eventID string, priv *model.DispensePrivate) error {
	me, err := t.me()
	if err != nil || !me.HasRole(dispensingRoles...) {
		return err // a caller that is no dispenser has no collection; it is refused below
	}
	k, err := t.key(otDispense, eventID, t.caller)
	if err != nil {
		return err
	}
	b, err := t.stub.GetPrivateData(t.collection(t.caller), k)
	if err != nil {
		return fmt.Errorf("read dispense details: %w", err)
	}
	if b == nil {
		return nil
	}
	var rec model.DispenseRecord
	if err := jsonUnmarshal(b, &rec); err != nil {
		return err
	}
	priv.Salt = rec.Salt
	return nil
}

func (t *txn) putPrivate(collection, eventID string, v any) error {
	k, err := t.key(otDispense, eventID, t.caller)
	if err != nil {
		return err
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode private record: %w", err)
	}
	if err := t.stub.PutPrivateData(collection, k, b); err != nil {
		return fmt.Errorf("write private data to %s: %w", collection, err)
	}
	return nil
}

// UndoDispense reverses a dispense by the same party within model.UndoDispenseDays, as long
// as the unit is neither recalled nor expired. The units go back to the dispenser's stock.
func (c *UnitContract) UndoDispense(ctx contractapi.TransactionContextInterface, req model.UndoDispenseRequest) (*model.EventResult, error) {
	t, prev, hash, err := beginEvent(ctx, c.cfg, req.EventID, req)
	if err != nil || prev != nil {
		return replayOr(prev, err)
	}
	if _, err := t.trader("undo a dispense", dispensingRoles...); err != nil {
		return nil, err
	}
	codes, err := parseCodes(req.Codes, model.MaxEventCodes)
	if err != nil {
		return nil, err
	}
	items, err := t.lookupAll(codes)
	if err != nil {
		return nil, err
	}
	undone := ""
	for _, it := range items {
		u := it.unit
		if u == nil || u.Status != model.StatusDispensed || u.Dispense == nil {
			return nil, model.Invalid("%s is not dispensed", it.key())
		}
		if u.Dispense.By != t.caller {
			return nil, model.Forbidden("%s was not dispensed by %s: only the dispensing organisation undoes a dispense", u.Key, t.caller)
		}
		at, err := model.ParseTime(u.Dispense.At)
		if err != nil {
			return nil, err
		}
		if t.now.Sub(at) > model.UndoDispenseDays*24*time.Hour {
			return nil, model.Invalid("%s was dispensed on %s, more than %d days ago", u.Key, model.DateOf(at), model.UndoDispenseDays)
		}
		cond, _, err := t.unitCondition(u)
		if err != nil {
			return nil, err
		}
		cond.Own = model.StatusActive
		if s := cond.Effective(); s == model.StatusRecalled || s == model.StatusExpired {
			return nil, model.Invalid("%s is %s: its dispense cannot be undone", u.Key, s)
		}
		undone = u.Dispense.EventID
		u.Dispense = nil
		it.setState(model.StatusActive, t.caller, t.caller, req.Location, "", "")
		if err := t.setHolder(it, "", t.caller); err != nil {
			return nil, err
		}
		if err := t.save(it, req.EventID); err != nil {
			return nil, err
		}
	}
	return t.record(&model.Event{
		EventID: req.EventID, Type: model.ObjectEvent, Action: model.ActionObserve,
		BizStep: model.BizStepDispensing, Disposition: model.DispositionActive, EPCList: keysOf(codes),
		ReadPoint: req.Location, BizLocation: req.Location,
		Detail: &model.EventDetail{Undoes: undone, Reason: req.Reason, UnitCount: len(codes)},
	}, hash)
}

// DispenseDetails returns the private record of a dispense event to a member of the
// dispensing organisation's collection (that organisation, or the regulator). by picks the
// dispenser when several organisations used the event ID (query:Event resolves it alike).
func (c *UnitContract) DispenseDetails(ctx contractapi.TransactionContextInterface, eventID, by string) (*model.DispenseRecord, error) {
	t, err := begin(ctx, c.cfg)
	if err != nil {
		return nil, err
	}
	r, err := t.reader()
	if err != nil {
		return nil, err
	}
	ev, err := t.findEvent(r, eventID, by)
	if err != nil {
		return nil, err
	}
	if ev.BizStep != model.BizStepDispensing && ev.BizStep != model.BizStepRetailSelling || ev.Detail == nil || ev.Detail.PatientHash == "" {
		return nil, model.Invalid("event %s is not a dispense", eventID)
	}
	me, err := t.me()
	if err != nil {
		return nil, err
	}
	if t.caller != ev.Actor && !me.HasRole(model.RoleRegulator) {
		return nil, model.Forbidden("dispense details of %s are for %s and regulators", eventID, ev.Actor)
	}
	k, err := t.key(otDispense, eventID, ev.Actor)
	if err != nil {
		return nil, err
	}
	b, err := t.stub.GetPrivateData(t.collection(ev.Actor), k)
	if err != nil {
		return nil, model.Forbidden("read dispense details: %v", err)
	}
	if b == nil {
		return nil, model.NotFound("no dispense details for %s: erased or expired", eventID)
	}
	var rec model.DispenseRecord
	if err := jsonUnmarshal(b, &rec); err != nil {
		return nil, err
	}
	return &rec, nil
}

// EraseDispense purges the private record of one of the caller's dispenses (Fabric's
// PurgePrivateData: the value, its hash and every earlier version go from every peer of the
// collection) and records an erasure event that names the dispense, not the patient. Only the
// dispensing organisation, the controller of the data, may erase; the regulator reads but does
// not erase (ADR 014). An erased dispense cannot be erased again: CONFLICT.
func (c *UnitContract) EraseDispense(ctx contractapi.TransactionContextInterface, req model.EraseDispenseRequest) (*model.EventResult, error) {
	t, prev, hash, err := beginEvent(ctx, c.cfg, req.EventID, req)
	if err != nil || prev != nil {
		return replayOr(prev, err)
	}
	if _, err := t.meAs("erase dispense details", dispensingRoles...); err != nil {
		return nil, err
	}
	if req.Dispense == "" {
		return nil, model.Invalid("dispense (the event ID of the dispense) is required")
	}
	// Event IDs are the submitter's own (ADR 015): the caller erases only dispenses it recorded.
	ev, err := t.event(req.Dispense, t.caller)
	if err != nil {
		return nil, err
	}
	if ev.BizStep != model.BizStepDispensing && ev.BizStep != model.BizStepRetailSelling || ev.Detail == nil || ev.Detail.PatientHash == "" {
		return nil, model.Invalid("event %s is not a dispense", req.Dispense)
	}
	k, err := t.key(otDispense, req.Dispense, t.caller)
	if err != nil {
		return nil, err
	}
	col := t.collection(t.caller)
	// The hash, which every peer may read, says whether the record is still there.
	h, err := t.stub.GetPrivateDataHash(col, k)
	if err != nil {
		return nil, fmt.Errorf("read dispense details hash: %w", err)
	}
	if h == nil {
		return nil, model.Conflict("the details of dispense %s are already erased or expired", req.Dispense)
	}
	if err := t.stub.PurgePrivateData(col, k); err != nil {
		return nil, fmt.Errorf("purge dispense details from %s: %w", col, err)
	}
	return t.record(&model.Event{
		EventID: req.EventID, Type: model.ObjectEvent, Action: model.ActionObserve,
		BizStep: model.BizStepErasing, EPCList: ev.EPCList, ReadPoint: req.Location, BizLocation: req.Location,
		Detail: &model.EventDetail{Erases: req.Dispense, Reason: req.Reason},
	}, hash)
}
