package contract

import (
	"crypto/sha256"
	"encoding/hex"
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

// A dispense is two transactions (ADR 014). PrepareDispense takes the patient and prescription
// references from the transient map and writes only the dispensing organisation's own
// collection, so only members of it (the dispenser and the regulator) endorse it and see the
// references. Dispense then changes the units and records the public event with the salted
// hashes alone, endorsed as every write of the units is (the owner and a majority, ADR 008);
// it checks that the prepared record is there, as every peer can: by its hash.

// PrepareDispense records a dispense's private details in the caller's collection and answers
// the hashes unit:Dispense records. The transient map carries model.DispensePrivate under
// model.TransientDispense. A prescription-only product needs a prescription reference. A
// retry answers what was recorded, under the recorded salt; another patient under the same
// event ID is a CONFLICT.
func (c *UnitContract) PrepareDispense(ctx contractapi.TransactionContextInterface, req model.DispenseRequest) (*model.DispensePrepared, error) {
	t, err := begin(ctx, c.cfg)
	if err != nil {
		return nil, err
	}
	if _, err := t.trader("dispense", dispensingRoles...); err != nil {
		return nil, err
	}
	if req.EventID == "" || len(req.EventID) > model.MaxEventIDLength {
		return nil, model.Invalid("eventId is required, at most %d characters", model.MaxEventIDLength)
	}
	priv, err := dispensePrivate(t)
	if err != nil {
		return nil, err
	}
	prev, raw, err := t.dispenseRecord(req.EventID)
	if err != nil {
		return nil, err
	}
	if prev == nil {
		ev, err := t.event(req.EventID, t.caller)
		switch {
		case err == nil && ev.Detail != nil && ev.Detail.PatientHash != "":
			return nil, model.Conflict("the details of dispense %s are erased or expired", req.EventID)
		case err == nil:
			return nil, model.Conflict("event ID %s is already taken by another of your events: choose another", req.EventID)
		case model.CodeOf(err) != model.CodeNotFound:
			return nil, err
		}
	}
	if prev != nil {
		priv.Salt = prev.Salt // the salt exists only in the record: a retry is compared under it
	}
	rec := model.DispenseRecord{EventID: req.EventID, PatientRef: priv.PatientRef, PrescriptionRef: priv.PrescriptionRef,
		Salt: priv.Salt, PatientHash: model.SaltedHash(priv.Salt, priv.PatientRef), By: t.caller, At: t.nowText}
	if priv.PrescriptionRef != "" {
		rec.PrescriptionHash = model.SaltedHash(priv.Salt, priv.PrescriptionRef)
	}
	if prev != nil {
		if prev.PatientHash != rec.PatientHash || prev.PrescriptionHash != rec.PrescriptionHash {
			return nil, model.Conflict("dispense %s was already prepared for another patient or prescription", req.EventID)
		}
		return prepared(prev, raw), nil
	}
	codes, _, _, err := t.dispensable(req, priv.PrescriptionRef != "")
	if err != nil {
		return nil, err
	}
	rec.Codes = keysOf(codes)
	b, err := json.Marshal(rec)
	if err != nil {
		return nil, fmt.Errorf("encode private record: %w", err)
	}
	if err := t.putPrivate(t.collection(t.caller), req.EventID, b); err != nil {
		return nil, err
	}
	return prepared(&rec, b), nil
}

// prepared is what PrepareDispense answers for the record rec stored as raw.
func prepared(rec *model.DispenseRecord, raw []byte) *model.DispensePrepared {
	sum := sha256.Sum256(raw)
	return &model.DispensePrepared{EventID: rec.EventID, PatientHash: rec.PatientHash,
		PrescriptionHash: rec.PrescriptionHash, RecordHash: hex.EncodeToString(sum[:])}
}

// dispensable checks a dispense of req by the caller: loose units it holds, active, and a
// prescription for prescription-only products (rx says whether there is one).
func (t *txn) dispensable(req model.DispenseRequest, rx bool) ([]code, []qty, []*item, error) {
	if err := validGLN(req.Location); err != nil {
		return nil, nil, nil, err
	}
	codes, items, qs, err := t.requestGoods(req.Codes, req.Quantities)
	if err != nil {
		return nil, nil, nil, err
	}
	for _, it := range items {
		if it.unit == nil {
			return nil, nil, nil, model.Invalid("%s is a container: unpack it and dispense its units", it.key())
		}
		if err := t.movable(it, "dispense"); err != nil {
			return nil, nil, nil, err
		}
		if err := t.needsPrescription(it.unit.DI, rx); err != nil {
			return nil, nil, nil, err
		}
	}
	for _, q := range qs {
		if err := t.lotMovable(q.code); err != nil {
			return nil, nil, nil, err
		}
		if err := t.needsPrescription(q.code.DI, rx); err != nil {
			return nil, nil, nil, err
		}
	}
	return codes, qs, items, nil
}

// needsPrescription refuses a prescription-only product di without a prescription.
func (t *txn) needsPrescription(di string, rx bool) error {
	p, err := t.product(di)
	if err != nil {
		return err
	}
	if p.Prescription && !rx {
		return model.Invalid("%s is a prescription-only product: a prescription reference is required", p.DI)
	}
	return nil
}

// Dispense hands units to a patient (a hospital or pharmacy dispenses, a platform sells):
// the public half of a dispense whose details unit:PrepareDispense recorded. The public state
// gets the salted hashes only.
func (c *UnitContract) Dispense(ctx contractapi.TransactionContextInterface, req model.DispensePublic) (*model.EventResult, error) {
	t, prev, hash, err := beginEvent(ctx, c.cfg, req.EventID, req)
	if err != nil || prev != nil {
		return replayOr(prev, err)
	}
	me, err := t.trader("dispense", dispensingRoles...)
	if err != nil {
		return nil, err
	}
	p := req.Prepared
	if p.EventID != req.EventID || p.PatientHash == "" || p.RecordHash == "" {
		return nil, model.Invalid("prepared: the answer of unit:PrepareDispense for event %s is required", req.EventID)
	}
	if err := t.checkPrepared(req.EventID, p.RecordHash); err != nil {
		return nil, err
	}
	codes, qs, items, err := t.dispensable(req.DispenseRequest, p.PrescriptionHash != "")
	if err != nil {
		return nil, err
	}
	for _, q := range qs {
		if err := t.addStock(otStock, q.code, -q.n, t.caller); err != nil {
			return nil, err
		}
	}
	info := &model.DispenseInfo{By: t.caller, At: t.nowText, EventID: req.EventID, PatientHash: p.PatientHash, PrescriptionHash: p.PrescriptionHash}
	for _, it := range items {
		it.setState(model.StatusDispensed, t.caller, "", req.Location, "", "")
		it.unit.Dispense = info
		if err := t.setHolder(it, t.caller, ""); err != nil {
			return nil, err
		}
		if err := t.save(it, req.EventID); err != nil {
			return nil, err
		}
	}
	step, disp := model.BizStepDispensing, model.DispositionDispensed
	if me.HasRole(model.RolePlatform) && !me.HasRole(model.RoleHospital, model.RolePharmacy) {
		step, disp = model.BizStepRetailSelling, model.DispositionRetailSold
	}
	return t.record(&model.Event{
		EventID: req.EventID, Type: model.ObjectEvent, Action: model.ActionObserve,
		BizStep: step, Disposition: disp, EPCList: keysOf(codes), QuantityList: quantityList(qs),
		ReadPoint: req.Location, BizLocation: req.Location,
		Detail: &model.EventDetail{PatientHash: p.PatientHash, PrescriptionHash: p.PrescriptionHash, UnitCount: len(codes) + sumQuantities(qs)},
	}, hash)
}

// checkPrepared checks that the caller's collection holds the record of eventID whose hash is
// recordHash. Every peer of the channel keeps the hashes of private data, members or not, so
// every endorser checks it alike.
func (t *txn) checkPrepared(eventID, recordHash string) error {
	k, err := t.key(otDispense, eventID, t.caller)
	if err != nil {
		return err
	}
	h, err := t.stub.GetPrivateDataHash(t.collection(t.caller), k)
	if err != nil {
		return fmt.Errorf("read dispense details hash: %w", err)
	}
	if h == nil {
		return model.Invalid("dispense %s has no details recorded: unit:PrepareDispense records them first", eventID)
	}
	if hex.EncodeToString(h) != recordHash {
		return model.Conflict("the details of dispense %s are not the ones prepared: prepare it again", eventID)
	}
	return nil
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

// dispenseRecord reads the caller's private record of eventID, nil when there is none, and its
// bytes as stored.
func (t *txn) dispenseRecord(eventID string) (*model.DispenseRecord, []byte, error) {
	k, err := t.key(otDispense, eventID, t.caller)
	if err != nil {
		return nil, nil, err
	}
	b, err := t.stub.GetPrivateData(t.collection(t.caller), k)
	if err != nil {
		return nil, nil, fmt.Errorf("read dispense details: %w", err)
	}
	if b == nil {
		return nil, nil, nil
	}
	var rec model.DispenseRecord
	if err := jsonUnmarshal(b, &rec); err != nil {
		return nil, nil, err
	}
	return &rec, b, nil
}

func (t *txn) putPrivate(collection, eventID string, b []byte) error {
	k, err := t.key(otDispense, eventID, t.caller)
	if err != nil {
		return err
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
	codes, items, err := t.requestItems(req.Codes)
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
