package epcis

import (
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/udiledger/udiledger/chaincode/model"
	"github.com/udiledger/udiledger/chaincode/ops"
)

// docTableHeading is the heading of docs/epcis.md whose first table shows routes.
const docTableHeading = "### Business step → transaction"

// routeTable renders routes as the Markdown table docs/epcis.md shows.
func routeTable() []string {
	code := func(s string) string { return "`" + s + "`" }
	out := []string{
		"| EPCIS event | action | bizStep | disposition | transaction |",
		"|---|---|---|---|---|",
	}
	for _, r := range routes {
		var actions, steps, disps []string
		for _, a := range r.actions {
			if a == noAction {
				a = "none"
			}
			actions = append(actions, string(a))
		}
		none := false
		for _, s := range r.steps {
			if s == noBizStep {
				none = true
			} else {
				steps = append(steps, code(string(s)))
			}
		}
		if none {
			steps = append(steps, "none")
		}
		step := joinOr(steps)
		if r.sensors == withSensors {
			step += ", with `sensorElementList`"
		}
		switch {
		case r.disp != "":
			disps = []string{code(string(r.disp))}
		case r.allowed == nil:
			disps = []string{"any (not recorded)"}
		default:
			for _, d := range r.allowed {
				disps = append(disps, code(string(d)))
			}
			disps = append(disps, "none")
		}
		out = append(out, "| "+strings.Join([]string{string(r.typ), joinOr(actions), step, joinOr(disps), code(r.op.Name())}, " | ")+" |")
	}
	return out
}

// joinOr lists items as "a, b or c".
func joinOr(items []string) string {
	if len(items) < 2 {
		return strings.Join(items, "")
	}
	return strings.Join(items[:len(items)-1], ", ") + " or " + items[len(items)-1]
}

// docTable reads the first table after docTableHeading.
func docTable(t *testing.T) []string {
	t.Helper()
	b, err := os.ReadFile("../../docs/epcis.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(b), "\n"+docTableHeading+"\n")
	if !ok {
		t.Fatalf("docs/epcis.md has no heading %q", docTableHeading)
	}
	var table []string
	for _, line := range strings.Split(rest, "\n") {
		line = strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(line, "|"):
			table = append(table, line)
		case len(table) > 0:
			return table
		}
	}
	return table
}

func TestDocsShowTheRoutingTable(t *testing.T) {
	want, got := routeTable(), docTable(t)
	if !slices.Equal(got, want) {
		for i := range max(len(got), len(want)) {
			g, w := "", ""
			if i < len(got) {
				g = got[i]
			}
			if i < len(want) {
				w = want[i]
			}
			if g != w {
				t.Errorf("docs/epcis.md table line %d:\n got %s\nwant %s", i+1, g, w)
			}
		}
		t.Logf("the table of the code, to paste under %q:\n%s", docTableHeading, strings.Join(want, "\n"))
	}
}

// TestRoutingTableIsUnambiguous checks that at most one row takes any event: rows of the
// same event type, step, action and sensor use differ by a disposition that picks them,
// and one of them at most has none.
func TestRoutingTableIsUnambiguous(t *testing.T) {
	for i, a := range routes {
		if d, ok := ops.ByName(a.op.Name()); !ok || d.Kind() != ops.Submit {
			t.Errorf("row %d: %s is not a write of the catalogue", i, a.op.Name())
		}
		if a.build == nil || len(a.actions) == 0 || len(a.steps) == 0 {
			t.Errorf("row %d (%s) is incomplete", i, a.op.Name())
		}
		if a.disp != "" && a.allowed != nil {
			t.Errorf("row %d (%s) has both a disposition that picks it and allowed dispositions", i, a.op.Name())
		}
		for j, b := range routes[i+1:] {
			overlap := a.typ == b.typ && a.sensors == b.sensors &&
				slices.ContainsFunc(a.steps, func(s model.BizStep) bool { return slices.Contains(b.steps, s) }) &&
				slices.ContainsFunc(a.actions, func(x model.Action) bool { return slices.Contains(b.actions, x) })
			if overlap && a.disp == b.disp {
				t.Errorf("rows %d (%s) and %d (%s) take the same events", i, a.op.Name(), i+1+j, b.op.Name())
			}
		}
	}
}

// TestRouteNamesTheFieldAtFault routes keys without building a request.
func TestRouteNamesTheFieldAtFault(t *testing.T) {
	tests := []struct {
		typ     model.EventType
		action  model.Action
		step    model.BizStep
		disp    model.Disposition
		sensors bool
		op      string // the operation, or the field of the rejection
		reason  string
	}{
		{model.ObjectEvent, model.ActionAdd, noBizStep, "", false, "unit:Commission", ""},
		{model.ObjectEvent, model.ActionAdd, noBizStep, model.DispositionInTransit, false, "disposition", "commissioning records disposition active, not"},
		{model.AggregationEvent, model.ActionDelete, noBizStep, model.DispositionContainerOpen, false, "unit:Unpack", ""},
		{model.AggregationEvent, model.ActionObserve, noBizStep, "", false, "action", "AggregationEvent with action OBSERVE"},
		{model.AggregationEvent, model.ActionObserve, model.BizStepPacking, "", false, "action", "packing in an AggregationEvent is recorded from action ADD, not OBSERVE"},
		{model.TransactionEvent, model.ActionAdd, model.BizStepShipping, model.DispositionReturned, false, "unit:Return", ""},
		{model.TransactionEvent, model.ActionAdd, model.BizStepDispensing, "", false, "bizStep", `"dispensing" is not a business step the ledger records in a TransactionEvent (supported: commissioning, packing,`},
		{model.TransactionEvent, model.ActionDelete, model.BizStepShipping, "", false, "action", "DELETE"},
		{model.ObjectEvent, model.ActionObserve, model.BizStepShipping, model.DispositionDestroyed, false, "disposition", "shipping records disposition in_transit or returned, not"},
		{model.ObjectEvent, model.ActionObserve, model.BizStepShipping, model.DispositionDestroyed, true, "disposition", "shipping records"},
		{model.ObjectEvent, model.ActionObserve, model.BizStepShipping, "", true, "sensorElementList", "send the readings in an event of their own"},
		{model.ObjectEvent, model.ActionDelete, model.BizStepReceiving, model.DispositionReturned, false, "action", "from action OBSERVE, not DELETE"},
		{model.ObjectEvent, model.ActionObserve, model.BizStepReceiving, model.DispositionReturned, false, "unit:Receive", ""},
		{model.ObjectEvent, model.ActionAdd, model.BizStepDestroying, "", false, "action", "destroying in an ObjectEvent is recorded from action OBSERVE or DELETE, not ADD"},
		{model.ObjectEvent, model.ActionObserve, model.BizStepInspecting, model.Disposition("damaged"), false, "unit:Inspect", ""},
		{model.ObjectEvent, model.ActionObserve, model.BizStepInspecting, "", true, "unit:ReportSensor", ""},
		{model.ObjectEvent, model.ActionObserve, model.BizStepSensorReporting, "", false, "sensorElementList", "is required: sensor_reporting records sensor readings"},
		{model.ObjectEvent, model.ActionObserve, noBizStep, "", true, "unit:ReportSensor", ""},
		{model.ObjectEvent, model.ActionObserve, noBizStep, "", false, "bizStep", "is required for an ObjectEvent with action OBSERVE"},
	}
	for _, tt := range tests {
		e := &event{typ: tt.typ}
		r, err := e.route(tt.action, tt.step, tt.disp, tt.sensors)
		switch {
		case err != nil && (err.field != tt.op || !strings.Contains(err.reason, tt.reason)):
			t.Errorf("%s %s %q %q sensors=%v: rejected at %s: %s; want %s %q", tt.typ, tt.action, tt.step, tt.disp, tt.sensors, err.field, err.reason, tt.op, tt.reason)
		case err == nil && r.op.Name() != tt.op:
			t.Errorf("%s %s %q %q sensors=%v: routed to %s; want %s", tt.typ, tt.action, tt.step, tt.disp, tt.sensors, r.op.Name(), tt.op)
		}
	}
}
