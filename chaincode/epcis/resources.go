package epcis

import (
	"github.com/udiledger/udiledger/chaincode/epcis/cbv"
	"github.com/udiledger/udiledger/chaincode/model"
)

// The top-level resources of the EPCIS 2.0 REST binding (/eventTypes, /bizSteps,
// /dispositions, /epcs, /bizLocations, /readPoints) and their /events.

// Collection is the binding's list answer (EventTypeCollection, BizStepCollection,
// DispositionCollection, UriCollection): a JSON-LD Collection of members.
type Collection struct {
	Context []any    `json:"@context"`
	Type    string   `json:"type"`
	Member  []string `json:"member"`
}

// NewCollection wraps members (never null) in a Collection.
func NewCollection(members []string) *Collection {
	if members == nil {
		members = []string{}
	}
	return &Collection{Context: Context(), Type: "Collection", Member: members}
}

// EventTypes are the EPCIS event types the ledger records, in alphabetical order.
func EventTypes() []string {
	return []string{string(model.AggregationEvent), string(model.AssociationEvent), string(model.ObjectEvent),
		string(model.TransactionEvent), string(model.TransformationEvent)}
}

// BizSteps are the business steps the gateway knows, as queries take and answers show them:
// the CBV 2.0 business steps, then the ledger's own that the CBV lacks (recalling, erasing).
func BizSteps() []string {
	out := cbv.BizStep.Sorted()
	for _, s := range []model.BizStep{model.BizStepRecalling, model.BizStepErasing} {
		out = append(out, cbvBizStep(s))
	}
	return out
}

// Dispositions are the CBV 2.0 dispositions, the vocabulary the gateway knows.
func Dispositions() []string {
	return cbv.Disposition.Sorted()
}

// EPCs lists the codes an event names (epcList, childEPCs, parentID) as the answer shows
// them, in that order.
func (opt RenderOptions) EPCs(ev model.Event) []string {
	var out []string
	for _, k := range ev.EPCList {
		out = append(out, opt.codeURI(k))
	}
	for _, k := range ev.ChildEPCs {
		out = append(out, opt.codeURI(k))
	}
	if ev.ParentID != "" {
		out = append(out, opt.codeURI(ev.ParentID))
	}
	return out
}

// Location is the URI of a GLN as the answer shows a readPoint or bizLocation.
func (opt RenderOptions) Location(gln string) string {
	if gln == "" {
		return ""
	}
	return opt.locationURI(gln)
}
