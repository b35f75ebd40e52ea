package contract

import (
	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/udiledger/udiledger/chaincode/model"
)

// tradingRoles may ship and receive.
var tradingRoles = []model.Role{model.RoleManufacturer, model.RoleDistributor, model.RoleLogistics,
	model.RolePlatform, model.RoleHospital, model.RolePharmacy}

// Ship sends top-level units or containers to a named party. Only the holder ships, with a
// valid licence, to a registered party with a valid licence; every item must be active (not
// in transit, recalled, quarantined, expired, dispensed or destroyed). A container is one
// write, whatever it holds.
func (c *UnitContract) Ship(ctx contractapi.TransactionContextInterface, req model.ShipRequest) (*model.EventResult, error) {
	t, prev, hash, err := beginTrade(ctx, c.cfg, req, "ship", tradingRoles...)
	if err != nil || prev != nil {
		return replayOr(prev, err)
	}
	if err := validGLN(req.Destination); err != nil {
		return nil, err
	}
	if req.To == t.caller {
		return nil, model.Invalid("cannot ship to oneself")
	}
	to, err := t.party(req.To)
	if err != nil {
		return nil, err
	}
	if !to.HasRole(tradingRoles...) {
		return nil, model.Invalid("party %s does not trade goods", to.MSPID)
	}
	if err := t.licensed(to); err != nil {
		return nil, err
	}
	codes, items, qs, err := t.requestGoods(req.Codes, req.Quantities)
	if err != nil {
		return nil, err
	}
	if err := t.shipQuantities(qs, to.MSPID); err != nil {
		return nil, err
	}
	units := sumQuantities(qs)
	for _, it := range items {
		if err := t.movable(it, "ship"); err != nil {
			return nil, err
		}
		it.setState(model.StatusInTransit, t.caller, "", req.Location, to.MSPID, t.caller)
		units += it.unitCount()
		if err := t.save(it, req.EventID); err != nil {
			return nil, err
		}
	}
	return t.record(&model.Event{
		EventID: req.EventID, Type: model.ObjectEvent, Action: model.ActionObserve,
		BizStep: model.BizStepShipping, Disposition: model.DispositionInTransit,
		EPCList: keysOf(codes), QuantityList: quantityList(qs), ReadPoint: req.Location, BizTransactionList: req.BizTransactions,
		SourceList:      []model.SourceDest{{Type: model.SDOwningParty, Value: t.caller}},
		DestinationList: destinations(to.MSPID, req.Destination),
		Detail:          &model.EventDetail{To: to.MSPID, UnitCount: units},
	}, hash)
}

// parseGoods parses the codes and quantities of a movement: at least one of them.
func parseGoods(raw []string, quantities []model.QuantityElement) ([]code, []qty, error) {
	qs, err := parseQuantities(quantities)
	if err != nil {
		return nil, nil, err
	}
	if len(raw) == 0 && len(qs) > 0 {
		return nil, qs, nil
	}
	codes, err := parseCodes(raw, model.MaxEventCodes)
	return codes, qs, err
}

func destinations(party, gln string) []model.SourceDest {
	out := []model.SourceDest{{Type: model.SDOwningParty, Value: party}}
	if gln != "" {
		out = append(out, model.SourceDest{Type: model.SDLocation, Value: gln})
	}
	return out
}

// Receive takes in units or containers shipped to the caller, and quantities sent to it.
// Only the named receiver receives; receiving is allowed even when a recall or quarantine came
// up on the way. A receipt of returns is the receiver's confirmation: the goods are returned
// in its books, and the event names the recalls they came back under.
func (c *UnitContract) Receive(ctx contractapi.TransactionContextInterface, req model.ReceiveRequest) (*model.EventResult, error) {
	t, prev, hash, err := beginTrade(ctx, c.cfg, req, "receive", tradingRoles...)
	if err != nil || prev != nil {
		return replayOr(prev, err)
	}
	codes, items, qs, err := t.requestGoods(req.Codes, req.Quantities)
	if err != nil {
		return nil, err
	}
	returns, recalls, err := t.receiveQuantities(qs)
	if err != nil {
		return nil, err
	}
	units := sumQuantities(qs)
	senders := []string{}
	for _, q := range qs {
		senders = insertSorted(senders, q.from)
	}
	if len(qs) == 0 && len(items) > 0 {
		returns = items[0].returning()
	}
	for _, it := range items {
		if it.returning() != returns {
			return nil, model.Invalid("a receipt takes returns or deliveries, not both: receive %s on its own", it.key())
		}
		if it.status() != model.StatusInTransit {
			return nil, model.Invalid("%s is not in transit (status %s)", it.key(), it.status())
		}
		if it.shipTo() != t.caller {
			return nil, model.Forbidden("%s is not shipped to %s", it.key(), t.caller)
		}
		from := it.owner()
		senders = insertSorted(senders, from)
		if err := t.setHolder(it, from, t.caller); err != nil {
			return nil, err
		}
		status := model.StatusActive
		if returns {
			status = model.StatusReturned
			if id := it.returnRecall(); id != "" {
				recalls = insertSorted(recalls, id)
			}
			it.setReturning(false)
			it.setReturnRecall("")
		}
		it.setState(status, t.caller, t.caller, req.Location, "", "")
		units += it.unitCount()
		if err := t.save(it, req.EventID); err != nil {
			return nil, err
		}
	}
	sources := make([]model.SourceDest, 0, len(senders))
	for _, s := range senders {
		sources = append(sources, model.SourceDest{Type: model.SDOwningParty, Value: s})
	}
	disposition := model.DispositionActive
	if returns {
		disposition = model.DispositionReturned
	}
	return t.record(&model.Event{
		EventID: req.EventID, Type: model.ObjectEvent, Action: model.ActionObserve,
		BizStep: model.BizStepReceiving, Disposition: disposition,
		EPCList: keysOf(codes), QuantityList: quantityList(qs), ReadPoint: req.Location, BizLocation: req.Location,
		BizTransactionList: req.BizTransactions, SourceList: sources,
		DestinationList: destinations(t.caller, req.Location),
		Detail:          &model.EventDetail{From: joinSorted(senders), RecallID: joinSorted(recalls), UnitCount: units},
	}, hash)
}

func joinSorted(list []string) string {
	out := ""
	for i, s := range list {
		if i > 0 {
			out += ","
		}
		out += s
	}
	return out
}
