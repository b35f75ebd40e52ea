package epcis

import (
	"fmt"
	"slices"
	"strings"

	"github.com/udiledger/udiledger/chaincode/model"
	"github.com/udiledger/udiledger/chaincode/ops"
)

// noBizStep stands in a row's steps for an event without bizStep.
const noBizStep model.BizStep = ""

// noAction stands in a row's actions for a TransformationEvent, which has no action.
const noAction model.Action = ""

// sensorUse says whether a row takes the events that carry a sensorElementList.
type sensorUse int

const (
	withoutSensors sensorUse = iota // sensor data is refused: readings go in their own event
	withSensors                     // only events with sensor data; they are its readings
)

// rule is one row of the routing table: the events it takes, keyed by type, action,
// business step, sensor data and, where it picks the row, disposition; and the chaincode
// operation and request builder that record them.
type rule struct {
	typ     model.EventType
	actions []model.Action
	steps   []model.BizStep // noBizStep: an event without bizStep
	sensors sensorUse
	// disp, when set, is the disposition the event must have: it picks this row over the
	// row without disp of the same key.
	disp model.Disposition
	// allowed are the dispositions a row without disp accepts besides none; nil accepts any
	// and records none.
	allowed []model.Disposition
	op      ops.Descriptor
	build   func(*event) (any, *fieldErr)
}

// routes maps EPCIS events to chaincode operations; docs/epcis.md shows it row for row
// (TestDocsShowTheRoutingTable). It is read only.
var routes = []rule{
	{typ: model.ObjectEvent, actions: []model.Action{model.ActionAdd}, steps: []model.BizStep{model.BizStepCommissioning, noBizStep},
		allowed: []model.Disposition{model.DispositionActive}, op: ops.Commission, build: (*event).commission},
	{typ: model.AggregationEvent, actions: []model.Action{model.ActionAdd}, steps: []model.BizStep{model.BizStepPacking, noBizStep},
		allowed: []model.Disposition{model.DispositionInProgress, model.DispositionContainerClosed, model.DispositionActive},
		op:      ops.Pack, build: (*event).pack},
	{typ: model.AggregationEvent, actions: []model.Action{model.ActionDelete}, steps: []model.BizStep{model.BizStepUnpacking, noBizStep},
		allowed: []model.Disposition{model.DispositionActive, model.DispositionContainerOpen, model.DispositionInProgress},
		op:      ops.Unpack, build: (*event).unpack},
	{typ: model.ObjectEvent, actions: []model.Action{model.ActionObserve}, steps: []model.BizStep{model.BizStepShipping},
		allowed: []model.Disposition{model.DispositionInTransit}, op: ops.Ship, build: (*event).ship},
	{typ: model.TransactionEvent, actions: []model.Action{model.ActionAdd, model.ActionObserve}, steps: []model.BizStep{model.BizStepShipping},
		allowed: []model.Disposition{model.DispositionInTransit}, op: ops.Ship, build: (*event).ship},
	{typ: model.ObjectEvent, actions: []model.Action{model.ActionObserve}, steps: []model.BizStep{model.BizStepShipping},
		disp: model.DispositionReturned, op: ops.Return, build: (*event).ret},
	{typ: model.TransactionEvent, actions: []model.Action{model.ActionAdd, model.ActionObserve}, steps: []model.BizStep{model.BizStepShipping},
		disp: model.DispositionReturned, op: ops.Return, build: (*event).ret},
	{typ: model.ObjectEvent, actions: []model.Action{model.ActionObserve}, steps: []model.BizStep{model.BizStepReceiving},
		allowed: []model.Disposition{model.DispositionActive, model.DispositionInProgress, model.DispositionReturned}, op: ops.Receive, build: (*event).receive},
	{typ: model.TransactionEvent, actions: []model.Action{model.ActionAdd, model.ActionObserve}, steps: []model.BizStep{model.BizStepReceiving},
		allowed: []model.Disposition{model.DispositionActive, model.DispositionInProgress, model.DispositionReturned}, op: ops.Receive, build: (*event).receive},
	{typ: model.ObjectEvent, actions: []model.Action{model.ActionObserve}, steps: []model.BizStep{model.BizStepDispensing},
		allowed: []model.Disposition{model.DispositionDispensed}, op: ops.Dispense, build: (*event).dispense},
	{typ: model.ObjectEvent, actions: []model.Action{model.ActionObserve}, steps: []model.BizStep{model.BizStepRetailSelling},
		allowed: []model.Disposition{model.DispositionRetailSold}, op: ops.Dispense, build: (*event).dispense},
	{typ: model.ObjectEvent, actions: []model.Action{model.ActionObserve, model.ActionDelete}, steps: []model.BizStep{model.BizStepDecommissioning},
		allowed: []model.Disposition{model.DispositionInactive}, op: ops.Decommission, build: (*event).dispose},
	{typ: model.ObjectEvent, actions: []model.Action{model.ActionObserve, model.ActionDelete}, steps: []model.BizStep{model.BizStepDestroying},
		allowed: []model.Disposition{model.DispositionDestroyed}, op: ops.Destroy, build: (*event).dispose},
	{typ: model.ObjectEvent, actions: []model.Action{model.ActionObserve, model.ActionDelete}, steps: []model.BizStep{model.BizStepDecommissioning},
		disp: model.DispositionStolen, op: ops.SetPackState, build: (*event).stolen},
	{typ: model.ObjectEvent, actions: []model.Action{model.ActionObserve}, steps: []model.BizStep{model.BizStepVoidShipping},
		allowed: []model.Disposition{model.DispositionActive}, op: ops.CancelShipment, build: (*event).cancelShipment},
	{typ: model.ObjectEvent, actions: []model.Action{model.ActionObserve}, steps: []model.BizStep{model.BizStepInspecting},
		op: ops.Inspect, build: (*event).inspect},
	{typ: model.ObjectEvent, actions: []model.Action{model.ActionObserve}, steps: []model.BizStep{model.BizStepInspecting, model.BizStepSensorReporting, noBizStep},
		sensors: withSensors, op: ops.ReportSensor, build: (*event).reportSensor},
	{typ: model.TransformationEvent, actions: []model.Action{noAction},
		steps:   []model.BizStep{model.BizStepCommissioning, model.BizStepRepackaging, model.BizStepAssembling, noBizStep},
		allowed: []model.Disposition{model.DispositionActive, model.DispositionInProgress}, op: ops.Transform, build: (*event).transform},
	{typ: model.AssociationEvent, actions: []model.Action{model.ActionAdd, model.ActionObserve, model.ActionDelete},
		steps: []model.BizStep{model.BizStepAssembling, model.BizStepDisassembling, model.BizStepInstalling, model.BizStepRemoving, noBizStep},
		op:    ops.Associate, build: (*event).associate},
}

// route picks the row that records the event. The checks go from the event type to the
// business step, the action, the sensor data and the disposition, so a rejection names
// the first field at fault and what it would take.
func (e *event) route(action model.Action, step model.BizStep, disp model.Disposition, sensors bool) (*rule, *fieldErr) {
	if e.typ == model.TransactionEvent && action == model.ActionDelete {
		return nil, &fieldErr{"action", "a TransactionEvent with action DELETE (ending the association with a business transaction) is not recorded"}
	}
	var forStep, forAction []*rule
	for i := range routes {
		r := &routes[i]
		if r.typ != e.typ || !slices.Contains(r.steps, step) {
			continue
		}
		forStep = append(forStep, r)
		if slices.Contains(r.actions, action) {
			forAction = append(forAction, r)
		}
	}
	switch {
	case len(forStep) == 0, len(forAction) == 0 && step == noBizStep:
		return nil, e.unsupported(action, step)
	case len(forAction) == 0:
		var want []string
		for _, r := range forStep {
			for _, a := range r.actions {
				if !slices.Contains(want, string(a)) {
					want = append(want, string(a))
				}
			}
		}
		return nil, &fieldErr{"action", fmt.Sprintf("%s in %s is recorded from action %s, not %s", step, article(e.typ), strings.Join(want, " or "), action)}
	}
	// Sensor data picks the rows that take it. An event with sensor data that no row takes
	// is refused for it once its disposition is checked.
	var rows []*rule
	for _, r := range forAction {
		if (r.sensors == withSensors) == sensors {
			rows = append(rows, r)
		}
	}
	switch {
	case len(rows) == 0 && sensors:
		rows = forAction
	case len(rows) == 0 && step == noBizStep:
		return nil, e.unsupported(action, step)
	case len(rows) == 0:
		return nil, &fieldErr{"sensorElementList", "is required: " + string(step) + " records sensor readings"}
	}
	r, err := pickDisposition(rows, step, disp)
	if err != nil {
		return nil, err
	}
	if sensors && r.sensors != withSensors {
		return nil, &fieldErr{"sensorElementList", "sensor data is recorded by sensor_reporting and inspecting ObjectEvents only: send the readings in an event of their own"}
	}
	return r, nil
}

// pickDisposition picks among rows of one key the row whose disp the event has, else the
// row without disp, whose allowed dispositions the event must have.
func pickDisposition(rows []*rule, step model.BizStep, disp model.Disposition) (*rule, *fieldErr) {
	var open *rule
	var want []string
	for _, r := range rows {
		switch {
		case r.disp != "" && r.disp == disp:
			return r, nil
		case r.disp != "":
			want = append(want, string(r.disp))
		case open == nil:
			open = r
			for _, d := range r.allowed {
				want = append(want, string(d))
			}
		}
	}
	if open != nil && (disp == "" || open.allowed == nil || slices.Contains(open.allowed, disp)) {
		return open, nil
	}
	if step == noBizStep {
		step = rows[0].steps[0]
	}
	if open == nil && disp == "" {
		return nil, &fieldErr{"disposition", fmt.Sprintf("is required: %s records disposition %s", step, strings.Join(want, " or "))}
	}
	return nil, &fieldErr{"disposition", fmt.Sprintf("%s records disposition %s, not %s", step, strings.Join(want, " or "), quote(string(disp)))}
}

// unsupported rejects an event no row takes.
func (e *event) unsupported(action model.Action, step model.BizStep) *fieldErr {
	switch {
	case e.typ == model.AggregationEvent && action == model.ActionObserve:
		return &fieldErr{"action", "an AggregationEvent with action OBSERVE is not recorded: the ledger records packing (ADD) and unpacking (DELETE); ship or receive a container as an ObjectEvent with its SSCC in epcList"}
	case step == noBizStep:
		return &fieldErr{"bizStep", "is required for " + article(e.typ) + " with action " + string(action) + ": the business step says which transaction to record"}
	}
	var steps []string
	for _, r := range routes {
		for _, s := range r.steps {
			if s != noBizStep && !slices.Contains(steps, string(s)) {
				steps = append(steps, string(s))
			}
		}
	}
	return &fieldErr{"bizStep", quote(string(step)) + " is not a business step the ledger records in " + article(e.typ) + " (supported: " + strings.Join(steps, ", ") + ")"}
}

// article puts "a" or "an" before an event type.
func article(typ model.EventType) string {
	if strings.HasPrefix(string(typ), "A") || strings.HasPrefix(string(typ), "O") {
		return "an " + string(typ)
	}
	return "a " + string(typ)
}
