package contract

import (
	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/udiledger/udiledger/chaincode/model"
)

// Pack puts units or containers into a container (an SSCC, or the serialized code of a case),
// creating the container on its first packing. The caller must hold the container and every
// child at top level, all active. Each child's record is written once (its parent); moving
// the container later never rewrites the children.
func (c *UnitContract) Pack(ctx contractapi.TransactionContextInterface, req model.PackRequest) (*model.EventResult, error) {
	t, prev, hash, err := beginTrade(ctx, c.cfg, req, "pack", tradingRoles...)
	if err != nil || prev != nil {
		return replayOr(prev, err)
	}
	pc, err := parseCode(req.Parent)
	if err != nil {
		return nil, err
	}
	parent, created, err := t.packTarget(pc, req.Location)
	if err != nil {
		return nil, err
	}
	codes, err := parseCodes(req.Children, model.MaxEventCodes)
	if err != nil {
		return nil, err
	}
	children, err := t.lookupAll(codes)
	if err != nil {
		return nil, err
	}
	units := 0
	for _, ch := range children {
		if ch.key() == parent.Key {
			return nil, model.Invalid("container %s cannot contain itself", parent.Key)
		}
		if err := t.movable(ch, "pack"); err != nil {
			return nil, err
		}
		if ch.unit != nil {
			ch.unit.Parent = parent.Key
			parent.Units = insertSorted(parent.Units, ch.key())
		} else {
			ch.cont.Parent = parent.Key
			parent.Containers = insertSorted(parent.Containers, ch.key())
		}
		parent.Contents = model.AddContents(parent.Contents, ch.contents(), 1)
		units += ch.unitCount()
		if err := t.setHolder(ch, t.caller, ""); err != nil {
			return nil, err
		}
		if err := t.save(ch, req.EventID); err != nil {
			return nil, err
		}
	}
	if created {
		if err := t.putIndex(otHeld, t.caller, heldContainer, parent.Key); err != nil {
			return nil, err
		}
	}
	if err := t.save(&item{code: pc, cont: parent}, req.EventID); err != nil {
		return nil, err
	}
	return t.record(&model.Event{
		EventID: req.EventID, Type: model.AggregationEvent, Action: model.ActionAdd,
		BizStep: model.BizStepPacking, Disposition: model.DispositionInProgress,
		ParentID: parent.Key, ChildEPCs: keysOf(codes), ReadPoint: req.Location, BizLocation: parent.Location,
		Detail: &model.EventDetail{UnitCount: units},
	}, hash)
}

// packTarget returns the container to pack into, new when it does not exist yet.
func (t *txn) packTarget(pc code, location string) (*model.Container, bool, error) {
	if pc.SSCC == "" && !pc.serialized() {
		return nil, false, model.Invalid("container code %s must be an SSCC or a serialized case code", pc.Key)
	}
	ct, err := t.container(pc.Key)
	if err != nil {
		return nil, false, err
	}
	if ct != nil {
		if err := t.movable(&item{code: pc, cont: ct}, "pack into"); err != nil {
			return nil, false, err
		}
		return ct, false, nil
	}
	if pc.SSCC == "" {
		u, err := t.unit(pc.Key)
		if err != nil {
			return nil, false, err
		}
		if u != nil {
			return nil, false, model.Conflict("code %s is a commissioned unit, not a container", pc.Key)
		}
	}
	owner, err := t.containerOwner(pc)
	if err != nil {
		return nil, false, err
	}
	if owner != "" && owner != t.caller {
		return nil, false, model.Forbidden("container code %s lies under a prefix of %s: create containers under your own prefix", pc.Key, owner)
	}
	kind := model.ContainerCase
	if pc.SSCC != "" {
		kind = model.ContainerLogistic
	}
	return &model.Container{
		Key: pc.Key, Kind: kind, Status: model.StatusActive, Owner: t.caller, Custodian: t.caller,
		Location: location, Units: []string{}, Containers: []string{}, Contents: []model.LotCount{},
	}, true, nil
}

// Unpack takes children out of a container (all of them when none are named). The children
// come out at the container's place, held by its holder, and inherit its quarantine and its
// status (active, or returned for a returned container).
func (c *UnitContract) Unpack(ctx contractapi.TransactionContextInterface, req model.UnpackRequest) (*model.EventResult, error) {
	t, prev, hash, err := beginTrade(ctx, c.cfg, req, "unpack", tradingRoles...)
	if err != nil || prev != nil {
		return replayOr(prev, err)
	}
	pc, err := parseCode(req.Parent)
	if err != nil {
		return nil, err
	}
	ct, err := t.container(pc.Key)
	if err != nil {
		return nil, err
	}
	if ct == nil {
		return nil, model.NotFound("container %s is not on the ledger", pc.Key)
	}
	if ct.Parent != "" {
		return nil, model.Invalid("%s is packed in %s: unpack that first", ct.Key, ct.Parent)
	}
	if ct.Owner != t.caller {
		return nil, model.Forbidden("%s is not held by %s", ct.Key, t.caller)
	}
	if ct.Status != model.StatusActive && ct.Status != model.StatusReturned { // a returned container is opened returned
		return nil, model.Invalid("%s is %s", ct.Key, ct.Status)
	}
	var keys []string
	if len(req.Children) == 0 {
		keys = append(append(keys, ct.Units...), ct.Containers...)
	} else {
		codes, err := parseCodes(req.Children, model.MaxEventCodes)
		if err != nil {
			return nil, err
		}
		keys = keysOf(codes)
	}
	if len(keys) == 0 {
		return nil, model.Invalid("container %s is empty", ct.Key)
	}
	if req.Location != "" {
		ct.Location = req.Location
	}
	units := 0
	for _, k := range keys {
		ch, err := t.childOf(ct, k)
		if err != nil {
			return nil, err
		}
		if ch.unit != nil {
			ch.unit.Parent = ""
			ch.unit.Quarantined = ch.unit.Quarantined || ct.Quarantined
			ct.Units = removeSorted(ct.Units, k)
		} else {
			ch.cont.Parent = ""
			ch.cont.Quarantined = ch.cont.Quarantined || ct.Quarantined
			ct.Containers = removeSorted(ct.Containers, k)
		}
		ch.setState(ct.Status, ct.Owner, ct.Owner, ct.Location, "", "")
		ct.Contents = model.AddContents(ct.Contents, ch.contents(), -1)
		units += ch.unitCount()
		if err := t.setHolder(ch, "", ct.Owner); err != nil {
			return nil, err
		}
		if err := t.save(ch, req.EventID); err != nil {
			return nil, err
		}
	}
	if err := t.save(&item{code: pc, cont: ct}, req.EventID); err != nil {
		return nil, err
	}
	return t.record(&model.Event{
		EventID: req.EventID, Type: model.AggregationEvent, Action: model.ActionDelete,
		BizStep: model.BizStepUnpacking, Disposition: model.DispositionActive,
		ParentID: ct.Key, ChildEPCs: keys, ReadPoint: req.Location, BizLocation: ct.Location,
		Detail: &model.EventDetail{UnitCount: units},
	}, hash)
}

// childOf returns a direct child of ct by key.
func (t *txn) childOf(ct *model.Container, key string) (*item, error) {
	if u, err := t.unit(key); err != nil {
		return nil, err
	} else if u != nil && u.Parent == ct.Key {
		return &item{code: code{Key: key}, unit: u}, nil
	}
	if in, err := t.container(key); err != nil {
		return nil, err
	} else if in != nil && in.Parent == ct.Key {
		return &item{code: code{Key: key}, cont: in}, nil
	}
	return nil, model.Invalid("%s is not packed in %s", key, ct.Key)
}

// containerOwner returns the party whose GS1 company prefix (or drug product code) a new
// container's code lies under, or "" when nobody registered it.
func (t *txn) containerOwner(pc code) (string, error) {
	switch {
	case pc.SSCC != "":
		// SSCC: extension digit, then the company prefix (4 to 12 digits).
		for n := 4; n <= 12 && 1+n < len(pc.SSCC); n++ {
			owner, err := t.prefixOwner(prefixGS1, pc.SSCC[1:1+n])
			if err != nil || owner != "" {
				return owner, err
			}
		}
		return "", nil
	case pc.Scheme == model.SchemeGS1 || pc.Scheme == model.SchemeCNDrug:
		return t.diOwner(pc.Scheme, pc.DI)
	}
	return "", nil
}
