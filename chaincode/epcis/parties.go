package epcis

import (
	"fmt"

	"github.com/udiledger/udiledger/chaincode/epcis/cbv"

	"github.com/udiledger/udiledger/chaincode/model"
	"github.com/udiledger/udiledger/chaincode/ops"
)

// The readers of sourceList and destinationList: owning parties resolved to MSP IDs, and
// location GLNs.

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
		typ, reason := normalize(cbv.SourceDestType, ts)
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
	if len(places) > 0 && !(e.fn() == ops.Ship.Name() && key == "destinationList") {
		e.note(key + " location not recorded by " + e.fn())
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
		e.note(key + " owning_party not recorded by " + e.fn() + ": the ledger takes the parties from the transaction itself")
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
