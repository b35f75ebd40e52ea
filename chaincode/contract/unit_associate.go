package contract

import (
	"slices"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/udiledger/udiledger/chaincode/model"
)

// otAssociation keys the device associations: [device key] -> model.Association.
const otAssociation = "association"

// Associate records that a device (a data logger, a sensor) travels with units or
// containers (EPCIS AssociationEvent). ADD starts it for goods the caller holds (at top
// level, or in a container it holds); OBSERVE confirms it; DELETE ends it for the goods named,
// all when none. OBSERVE and DELETE are for the party that associated the device or one that
// holds its goods now. While it lasts, the device's sensor reports apply to its goods
// (epcis:Capture).
func (c *UnitContract) Associate(ctx contractapi.TransactionContextInterface, req model.AssociateRequest) (*model.EventResult, error) {
	t, prev, hash, err := beginTrade(ctx, c.cfg, req, "associate a device with goods", tradingRoles...)
	if err != nil || prev != nil {
		return replayOr(prev, err)
	}
	if req.Device == "" || len(req.Device) > model.MaxEventIDLength {
		return nil, model.Invalid("device is required, at most %d characters", model.MaxEventIDLength)
	}
	device := deviceKey(req.Device)
	var codes []code
	if len(req.Codes) > 0 {
		if codes, err = parseCodes(req.Codes, model.MaxEventCodes); err != nil {
			return nil, err
		}
	}
	a, err := t.association(device)
	if err != nil {
		return nil, err
	}
	at := t.eventTime()
	active := a != nil && a.Until == ""
	if active && at < a.Since {
		return nil, model.Invalid("eventTime %s is before device %s was associated (%s)", at, device, a.Since)
	}
	named := keysOf(codes)
	switch req.Action {
	case model.ActionAdd:
		if active {
			return nil, model.Conflict("device %s travels with %v since %s: end that association (DELETE) first", device, a.Codes, a.Since)
		}
		if len(codes) == 0 {
			return nil, model.Invalid("an ADD names the goods the device travels with")
		}
		for _, cd := range codes {
			if cd.Key == device {
				return nil, model.Invalid("%s cannot travel with itself", device)
			}
			if err := t.holdsCode(cd); err != nil {
				return nil, err
			}
		}
		named = slices.Sorted(slices.Values(named))
		a = &model.Association{Device: device, Codes: named, Since: at, EventID: req.EventID, By: t.caller}
	case model.ActionObserve, model.ActionDelete:
		if !active {
			return nil, model.Invalid("device %s travels with no goods", device)
		}
		if err := t.mayChange(a); err != nil {
			return nil, err
		}
		for _, k := range named {
			if _, found := slices.BinarySearch(a.Codes, k); !found {
				return nil, model.Invalid("device %s does not travel with %s", device, k)
			}
		}
		if req.Action == model.ActionObserve {
			a.ObservedAt = at
			break
		}
		if len(named) == 0 {
			named = slices.Clone(a.Codes)
		}
		for _, k := range named {
			a.Codes = removeSorted(a.Codes, k)
		}
		if len(a.Codes) == 0 {
			a.Codes, a.Until, a.EndedBy = named, at, req.EventID
		}
	default:
		return nil, model.Invalid("action %q: want ADD, OBSERVE or DELETE", req.Action)
	}
	k, err := t.key(otAssociation, device)
	if err != nil {
		return nil, err
	}
	if err := t.putJSON(k, a); err != nil {
		return nil, err
	}
	return t.record(&model.Event{
		EventID: req.EventID, Type: model.AssociationEvent, Action: req.Action,
		ParentID: device, ChildEPCs: named, ReadPoint: req.Location,
		Detail: &model.EventDetail{UnitCount: len(named)},
	}, hash)
}

// deviceKey is the key of a device: the canonical key of a code the ledger reads (a GIAI
// URN and its Digital Link are one device), else the URI as it is.
func deviceKey(s string) string {
	if c, err := parseCode(s); err == nil {
		return c.Key
	}
	return s
}

// association reads the association of a device; nil when it never had one.
func (t *txn) association(device string) (*model.Association, error) {
	k, err := t.key(otAssociation, device)
	if err != nil {
		return nil, err
	}
	var a model.Association
	ok, err := t.getJSON(k, &a)
	if err != nil || !ok {
		return nil, err
	}
	return &a, nil
}

// eventTime is the time the event declares, else the transaction time (model.TimeLayout).
func (t *txn) eventTime() string {
	if t.declared != "" {
		return t.declared
	}
	return t.nowText
}

// holdsCode returns FORBIDDEN unless the caller holds the unit or container, itself or in
// the containers around it.
func (t *txn) holdsCode(cd code) error {
	it, err := t.lookup(cd)
	if err != nil {
		return err
	}
	owner, err := t.topOwner(it)
	if err != nil {
		return err
	}
	if owner != t.caller {
		return model.Forbidden("%s is not held by %s", cd.Key, t.caller)
	}
	return nil
}

// mayChange returns FORBIDDEN unless the caller made the association or holds its goods.
func (t *txn) mayChange(a *model.Association) error {
	if a.By == t.caller {
		return nil
	}
	for _, k := range a.Codes {
		cd, err := parseCode(k)
		if err != nil {
			return err
		}
		err = t.holdsCode(cd)
		if err == nil {
			return nil
		}
		if model.CodeOf(err) != model.CodeForbidden {
			return err
		}
	}
	return model.Forbidden("%s neither associated device %s nor holds its goods", t.caller, a.Device)
}
