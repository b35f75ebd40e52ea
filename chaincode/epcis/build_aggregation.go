package epcis

import (
	"fmt"
	"strings"

	"github.com/udiledger/udiledger/chaincode/model"
)

// pack builds unit:Pack from an AggregationEvent ADD: parentID and childEPCs.
func (e *event) pack() (any, *fieldErr) {
	parent, children, loc, err := e.aggregation()
	if err != nil {
		return nil, err
	}
	if len(children) == 0 {
		return nil, &fieldErr{"childEPCs", "is required: packing names what goes into the container"}
	}
	if len(children) > model.MaxEventCodes {
		return nil, &fieldErr{"childEPCs", fmt.Sprintf("%d children, at most %d in one packing event", len(children), model.MaxEventCodes)}
	}
	return &model.PackRequest{EventHeader: e.header(loc), Parent: parent, Children: children}, nil
}

// unpack builds unit:Unpack from an AggregationEvent DELETE: no childEPCs means all.
func (e *event) unpack() (any, *fieldErr) {
	parent, children, loc, err := e.aggregation()
	if err != nil {
		return nil, err
	}
	return &model.UnpackRequest{EventHeader: e.header(loc), Parent: parent, Children: children}, nil
}

// aggregation reads what packing and unpacking share: the parent, the children (serialized
// only) and the location, readPoint first.
func (e *event) aggregation() (parent string, children []string, loc string, ferr *fieldErr) {
	pv, present := e.m["parentID"]
	if !present {
		return "", nil, "", &fieldErr{"parentID", "is required: the container (SSCC or serialized case) to " + strings.TrimPrefix(e.fn(), "unit:")}
	}
	ps, ok := pv.(string)
	if !ok {
		return "", nil, "", &fieldErr{"parentID", "want a string, got " + jsonKind(pv)}
	}
	p, reason := instanceCode(ps)
	if reason != "" {
		return "", nil, "", &fieldErr{"parentID", reason}
	}
	codes, err := e.instances("childEPCs")
	if err != nil {
		return "", nil, "", err
	}
	if q, _, err := e.list("childQuantityList"); err != nil {
		return "", nil, "", err
	} else if len(q) > 0 {
		return "", nil, "", &fieldErr{"childQuantityList", "the ledger packs serialized items only: list the children in childEPCs"}
	}
	for i, c := range codes {
		if c.c.Key == p.Key {
			return "", nil, "", &fieldErr{fmt.Sprintf("childEPCs[%d]", i), "is the parent itself"}
		}
	}
	loc, err = e.location(true)
	if err != nil {
		return "", nil, "", err
	}
	e.use("parentID", "childEPCs")
	return arg(p), argsOf(codes), loc, nil
}
