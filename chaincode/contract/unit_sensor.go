package contract

import (
	"fmt"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/udiledger/udiledger/chaincode/model"
)

// ReportSensor records sensor readings (EPCIS sensorElementList) for units or containers. A
// temperature outside a product's storage range raises an alert and quarantines what was
// exposed: the container, or the unit itself, or, for a unit packed in a container, that
// container. The holder, the sender and receiver of a shipment, a logistics party or a
// regulator may report.
func (c *UnitContract) ReportSensor(ctx contractapi.TransactionContextInterface, req model.SensorRequest) (*model.EventResult, error) {
	t, prev, hash, err := beginEvent(ctx, c.cfg, req.EventID, req)
	if err != nil || prev != nil {
		return replayOr(prev, err)
	}
	me, err := t.trader("report sensor readings", tradingRoles...)
	if err != nil {
		return nil, err
	}
	if err := validGLN(req.Location); err != nil {
		return nil, err
	}
	if len(req.SensorElementList) == 0 {
		return nil, model.Invalid("sensorElementList is empty")
	}
	codes, items, err := t.requestItems(req.Codes)
	if err != nil {
		return nil, err
	}
	var quarantined []string
	var excursions []string
	for _, it := range items {
		target, err := t.exposed(it)
		if err != nil {
			return nil, err
		}
		top, err := t.top(target)
		if err != nil {
			return nil, err
		}
		if !me.HasRole(model.RoleLogistics, model.RoleRegulator) && !involved(top, t.caller) {
			return nil, model.Forbidden("%s may not report readings for %s", t.caller, it.key())
		}
		msg, err := t.excursion(target, req.SensorElementList)
		if err != nil {
			return nil, err
		}
		if msg == "" {
			continue
		}
		excursions = append(excursions, it.key()+": "+msg)
		if target.unit != nil && !target.unit.Quarantined {
			target.unit.Quarantined = true
		} else if target.cont != nil && !target.cont.Quarantined {
			target.cont.Quarantined = true
		} else {
			continue
		}
		quarantined = insertSorted(quarantined, target.key())
		if err := t.save(target, req.EventID); err != nil {
			return nil, err
		}
	}
	detail := &model.EventDetail{Quarantined: quarantined}
	if len(excursions) > 0 {
		alert := model.Alert{ID: req.EventID, Kind: model.AlertTemperature, Codes: keysOf(codes), Party: t.caller,
			Location: req.Location, Time: t.nowText, Message: fmt.Sprint(excursions)}
		if err := t.putAlert(&alert); err != nil {
			return nil, err
		}
		detail.AlertID = alert.ID
	}
	return t.record(&model.Event{
		EventID: req.EventID, Type: model.ObjectEvent, Action: model.ActionObserve,
		BizStep: model.BizStepSensorReporting, EPCList: keysOf(codes),
		ReadPoint: req.Location, SensorElementList: req.SensorElementList, Detail: detail,
	}, hash)
}

// exposed is what a reading on it quarantines: a packed unit's container, else it.
func (t *txn) exposed(it *item) (*item, error) {
	if it.unit == nil || it.unit.Parent == "" {
		return it, nil
	}
	ct, err := t.container(it.unit.Parent)
	if err != nil {
		return nil, err
	}
	if ct == nil {
		return nil, model.NotFound("container %s is not on the ledger", it.unit.Parent)
	}
	return &item{code: code{Key: ct.Key}, cont: ct}, nil
}

// involved reports whether msp holds it or is a party of its shipment.
func involved(it *item, msp string) bool {
	return it.owner() == msp || it.shipTo() == msp || it.shipFrom() == msp
}

// excursion returns a description of the first temperature reading outside the storage
// range of a product in it, or "".
func (t *txn) excursion(it *item, elems []model.SensorElement) (string, error) {
	for _, di := range it.dis() {
		p, err := t.product(di)
		if err != nil {
			return "", err
		}
		if p.Storage == nil {
			continue
		}
		for _, e := range elems {
			for _, r := range e.Reports {
				celsius, ok := r.Celsius()
				if ok && !p.Storage.Contains(celsius) {
					return fmt.Sprintf("%.1f °C%s outside %.1f–%.1f °C of %s", celsius, kindNote(r.Kind), p.Storage.Min, p.Storage.Max, di), nil
				}
			}
		}
	}
	return "", nil
}

// kindNote names a summary reading in an excursion's message.
func kindNote(kind string) string {
	if kind == "" {
		return ""
	}
	return " (" + kind + ")"
}

// putAlert stores an alert and files it in a case.
func (t *txn) putAlert(a *model.Alert) error {
	if err := t.openCase(a); err != nil {
		return err
	}
	k, err := t.key(otAlert, a.ID, a.Party)
	if err != nil {
		return err
	}
	return t.putJSON(k, a)
}

// Release lifts the quarantine of units or containers after inspection: the manufacturer of
// every product inside (its quality function) or a regulator, never the holder on its own
// say, since a quarantine protects those further down the chain.
func (c *UnitContract) Release(ctx contractapi.TransactionContextInterface, req model.DisposeRequest) (*model.EventResult, error) {
	t, prev, hash, err := beginEvent(ctx, c.cfg, req.EventID, req)
	if err != nil || prev != nil {
		return replayOr(prev, err)
	}
	me, err := t.trader("release a quarantine", model.RoleManufacturer, model.RoleRegulator)
	if err != nil {
		return nil, err
	}
	if len(req.Quantities) > 0 || req.FromReturned || req.RecallID != "" {
		return nil, model.Invalid("a release names codes only: no quantities, fromReturned or recallId")
	}
	codes, items, err := t.requestItems(req.Codes)
	if err != nil {
		return nil, err
	}
	for _, it := range items {
		if !me.HasRole(model.RoleRegulator) {
			if err := t.madeBy(it, t.caller); err != nil {
				return nil, err
			}
		}
		if it.unit != nil && it.unit.Quarantined {
			it.unit.Quarantined = false
		} else if it.cont != nil && it.cont.Quarantined {
			it.cont.Quarantined = false
		} else {
			return nil, model.Invalid("%s is not quarantined", it.key())
		}
		if err := t.save(it, req.EventID); err != nil {
			return nil, err
		}
	}
	return t.record(&model.Event{
		EventID: req.EventID, Type: model.ObjectEvent, Action: model.ActionObserve,
		BizStep: model.BizStepInspecting, Disposition: model.DispositionConformant, EPCList: keysOf(codes),
		ReadPoint: req.Location, Detail: &model.EventDetail{Reason: req.Reason},
	}, hash)
}

// madeBy returns FORBIDDEN unless msp manufactures every product in it.
func (t *txn) madeBy(it *item, msp string) error {
	for _, di := range it.dis() {
		p, err := t.product(di)
		if err != nil {
			return err
		}
		if p.Manufacturer != msp {
			return model.Forbidden("%s holds products of %s: only their manufacturer or a regulator releases it", it.key(), p.Manufacturer)
		}
	}
	return nil
}
