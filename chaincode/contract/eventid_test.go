package contract

import (
	"slices"
	"strings"
	"testing"

	"github.com/udiledger/udiledger/chaincode/model"
)

// Event IDs are per submitter (ADR 015): one organisation recording an ID first does not
// take it from another, each retry is answered to its own submitter, and every reference to
// an event finds the right one.

// ship ships codes as from to to under an event ID and returns the result.
func (e *env) shipAs(from, id, to string, cs ...string) model.EventResult {
	e.t.Helper()
	var r model.EventResult
	e.must(&r, from, "unit:Ship", model.ShipRequest{EventHeader: model.EventHeader{EventID: id}, To: to, Codes: cs})
	return r
}

// idsBy lists provenance entries as "eventID/actor".
func idsBy(p model.Provenance) []string {
	var out []string
	for _, x := range p.Events {
		out = append(out, x.Event.EventID+"/"+x.Event.Actor)
	}
	return out
}

func TestEventIDsArePerSubmitter(t *testing.T) {
	e := newEnv(t)
	e.seed()
	e.commission("c1", 1, 4)
	e.shipAndReceive("a", mfr, dst, deviceCode(1), deviceCode(2))

	dstX := e.shipAs(dst, "X", hsp, deviceCode(1)) // the distributor records X first
	mfrX := e.shipAs(mfr, "X", hsp, deviceCode(3)) // and the manufacturer's X is still its own
	var hspX model.EventResult
	e.must(&hspX, hsp, "unit:Receive", model.ReceiveRequest{EventHeader: model.EventHeader{EventID: "X"}, Codes: []string{deviceCode(1), deviceCode(3)}})
	e.shipAs(dst, "Y", hsp, deviceCode(2))
	e.shipAs(mfr, "Y", hsp, deviceCode(4))
	e.must(nil, hsp, "unit:Receive", model.ReceiveRequest{EventHeader: model.EventHeader{EventID: "Y-recv"}, Codes: []string{deviceCode(2), deviceCode(4)}})

	t.Run("another organisation's event under the same ID is no conflict", func(t *testing.T) {
		if dstX.TxID == mfrX.TxID || mfrX.TxID == hspX.TxID || mfrX.Replayed || hspX.Replayed {
			t.Fatalf("results %+v %+v %+v", dstX, mfrX, hspX)
		}
	})
	t.Run("each retry is answered to its own submitter", func(t *testing.T) {
		for _, c := range []struct {
			as    string
			code  string
			first model.EventResult
		}{{dst, deviceCode(1), dstX}, {mfr, deviceCode(3), mfrX}} {
			again := e.shipAs(c.as, "X", hsp, c.code)
			if !again.Replayed || again.TxID != c.first.TxID {
				t.Fatalf("%s's retry %+v, want its first result %+v", c.as, again, c.first)
			}
		}
		// The same ID with other content is still a conflict for its submitter.
		_, err := e.submit(mfr, "unit:Ship", model.ShipRequest{EventHeader: model.EventHeader{EventID: "X"}, To: dst, Codes: []string{deviceCode(3)}})
		wantCode(t, err, model.CodeConflict)
	})
	t.Run("by picks one organisation's event", func(t *testing.T) {
		for _, c := range []struct {
			by   string
			epcs []string
		}{{dst, []string{deviceCode(1)}}, {mfr, []string{deviceCode(3)}}, {hsp, []string{deviceCode(1), deviceCode(3)}}} {
			var ev model.Event
			e.mustEval(&ev, reg, "query:Event", "X", c.by)
			if ev.Actor != c.by || !slices.Equal(ev.EPCList, c.epcs) || ev.RequestHash != "" {
				t.Fatalf("by %s: %+v", c.by, ev)
			}
		}
	})
	t.Run("without by, the caller's own event", func(t *testing.T) {
		for _, msp := range []string{dst, mfr, hsp} {
			var ev model.Event
			e.mustEval(&ev, msp, "query:Event", "X", "")
			if ev.Actor != msp {
				t.Fatalf("%s read %s's event", msp, ev.Actor)
			}
		}
	})
	t.Run("without by, the one event the caller may see", func(t *testing.T) {
		var ev model.Event
		e.mustEval(&ev, dst, "query:Event", "a-ship", "")
		if ev.Actor != mfr {
			t.Fatalf("got %+v", ev)
		}
	})
	t.Run("without by, several visible events are a conflict naming their submitters", func(t *testing.T) {
		err := e.eval(nil, reg, "query:Event", "X", "")
		wantCode(t, err, model.CodeConflict)
		for _, msp := range []string{dst, mfr, hsp} {
			if !strings.Contains(err.Error(), msp) {
				t.Fatalf("%q does not name %s", err, msp)
			}
		}
		err = e.eval(nil, hsp, "query:Event", "Y", "")
		wantCode(t, err, model.CodeConflict)
		var ev model.Event
		e.mustEval(&ev, hsp, "query:Event", "Y", mfr)
		if ev.Actor != mfr || !slices.Equal(ev.EPCList, []string{deviceCode(4)}) {
			t.Fatalf("got %+v", ev)
		}
	})
	t.Run("events the caller may not see are not found, named or not", func(t *testing.T) {
		for _, by := range []string{"", mfr, dst, "NoSuchMSP"} {
			err := e.eval(nil, plt, "query:Event", "X", by)
			wantCode(t, err, model.CodeNotFound)
			if strings.Contains(err.Error(), hsp) || strings.Contains(err.Error(), mfr) {
				t.Fatalf("the refusal %q names a submitter", err)
			}
		}
	})
	t.Run("events by time lists every organisation's event", func(t *testing.T) {
		var page model.EventPage
		e.mustEval(&page, reg, "query:EventsByTime", "", "", "0", "")
		var actors []string
		for _, ev := range page.Events {
			if ev.EventID == "X" {
				actors = append(actors, ev.Actor)
			}
		}
		slices.Sort(actors)
		if want := []string{dst, hsp, mfr}; !slices.Equal(actors, sorted(want)) {
			t.Fatalf("X by %v, want %v", actors, sorted(want))
		}
	})
	t.Run("each unit's provenance shows its own events", func(t *testing.T) {
		for _, c := range []struct {
			code string
			want []string
		}{
			{deviceCode(1), []string{"c1/" + mfr, "a-ship/" + mfr, "a-recv/" + dst, "X/" + dst, "X/" + hsp}},
			{deviceCode(3), []string{"c1/" + mfr, "X/" + mfr, "X/" + hsp}},
			{deviceCode(4), []string{"c1/" + mfr, "Y/" + mfr, "Y-recv/" + hsp}},
		} {
			var p model.Provenance
			e.mustEval(&p, reg, "query:Provenance", c.code)
			if got := idsBy(p); !slices.Equal(got, c.want) {
				t.Fatalf("provenance of %s = %v, want %v", c.code, got, c.want)
			}
		}
	})
	t.Run("a unit names its last event with its submitter", func(t *testing.T) {
		u := e.unitView(deviceCode(3)).Unit
		if u.LastEventID != "X" || u.LastEventBy != hsp {
			t.Fatalf("last event %s by %s", u.LastEventID, u.LastEventBy)
		}
	})
}

func sorted(s []string) []string {
	out := slices.Clone(s)
	slices.Sort(out)
	return out
}

// A container's events are found by their submitters too: the distributor unpacks under the
// ID the manufacturer packed with.
func TestProvenanceThroughAContainerWithReusedIDs(t *testing.T) {
	e := newEnv(t)
	e.seed()
	e.commission("c1", 1, 2)
	e.must(nil, mfr, "unit:Pack", model.PackRequest{EventHeader: model.EventHeader{EventID: "P"}, Parent: caseCode(1), Children: codes(deviceCode, 1, 2)})
	e.shipAndReceive("S", mfr, dst, caseCode(1))
	e.must(nil, dst, "unit:Unpack", model.UnpackRequest{EventHeader: model.EventHeader{EventID: "P"}, Parent: caseCode(1)})

	var p model.Provenance
	e.mustEval(&p, reg, "query:Provenance", deviceCode(1))
	want := []string{"c1/" + mfr, "P/" + mfr, "S-ship/" + mfr, "S-recv/" + dst, "P/" + dst}
	if got := idsBy(p); !slices.Equal(got, want) {
		t.Fatalf("provenance = %v, want %v", got, want)
	}
	if last := p.Events[len(p.Events)-1].Event; last.Type != model.AggregationEvent || last.Action != model.ActionDelete {
		t.Fatalf("the distributor's P is %+v, want its unpacking", last)
	}
}

// Two dispensers using one event ID keep their private records apart.
func TestDispenseDetailsPerDispenser(t *testing.T) {
	e := newEnv(t)
	e.seed()
	e.stockHospital(1)
	e.commission("c1", 1, 1)
	e.shipAndReceive("m2p", mfr, plt, deviceCode(1))
	if _, err := e.submitT(hsp, "unit:Dispense", dispenseTransient("patient-h", "rx-h"), model.DispenseRequest{EventHeader: model.EventHeader{EventID: "D"}, Codes: []string{drugCode(1)}}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.submitT(plt, "unit:Dispense", dispenseTransient("buyer-p", ""), model.DispenseRequest{EventHeader: model.EventHeader{EventID: "D"}, Codes: []string{deviceCode(1)}}); err != nil {
		t.Fatalf("a second dispenser's D: %v", err)
	}
	read := func(as, by string) string {
		t.Helper()
		var rec model.DispenseRecord
		e.mustEval(&rec, as, "unit:DispenseDetails", "D", by)
		return rec.PatientRef
	}
	t.Run("each dispenser reads its own", func(t *testing.T) {
		if h, p := read(hsp, ""), read(plt, ""); h != "patient-h" || p != "buyer-p" {
			t.Fatalf("hospital read %q, platform %q", h, p)
		}
	})
	t.Run("a regulator names the dispenser", func(t *testing.T) {
		wantCode(t, e.eval(nil, reg, "unit:DispenseDetails", "D", ""), model.CodeConflict)
		if h, p := read(reg, hsp), read(reg, plt); h != "patient-h" || p != "buyer-p" {
			t.Fatalf("by hospital %q, by platform %q", h, p)
		}
	})
	t.Run("one dispenser is not told of the other's", func(t *testing.T) {
		wantCode(t, e.eval(nil, hsp, "unit:DispenseDetails", "D", plt), model.CodeNotFound)
	})
	t.Run("the dispense a unit names is its dispenser's", func(t *testing.T) {
		u := e.unitView(deviceCode(1)).Unit
		if u.Dispense == nil || u.Dispense.EventID != "D" || u.Dispense.By != plt || u.LastEventBy != plt {
			t.Fatalf("unit %+v", u)
		}
	})
	var undo model.Event
	e.must(nil, hsp, "unit:UndoDispense", model.UndoDispenseRequest{EventHeader: model.EventHeader{EventID: "U"}, Codes: []string{drugCode(1)}})
	e.mustEval(&undo, hsp, "query:Event", "U", "")
	t.Run("an undo names the dispense of its own submitter", func(t *testing.T) {
		if undo.Detail == nil || undo.Detail.Undoes != "D" || undo.Actor != hsp {
			t.Fatalf("undo %+v", undo)
		}
		var d model.Event
		e.mustEval(&d, hsp, "query:Event", undo.Detail.Undoes, undo.Actor)
		if d.Actor != hsp || !slices.Equal(d.EPCList, []string{drugCode(1)}) {
			t.Fatalf("the undone dispense %+v", d)
		}
	})
}

// Alerts take the ID of the event that raised them, so they are per reporter too.
func TestAlertsUnderOneEventIDArePerReporter(t *testing.T) {
	e := newEnv(t)
	e.seed()
	for _, msp := range []string{hsp, plt} {
		var r model.InspectResult
		e.must(&r, msp, "unit:Inspect", model.InspectRequest{EventHeader: model.EventHeader{EventID: "I"}, Code: deviceCode(99)})
		if r.AlertID != "I" {
			t.Fatalf("%s's inspection %+v", msp, r)
		}
	}
	var alerts model.AlertPage
	e.mustEval(&alerts, reg, "query:Alerts", "0", "")
	var parties []string
	for _, a := range alerts.Alerts {
		if a.ID == "I" {
			parties = append(parties, a.Party)
		}
	}
	if !slices.Equal(sorted(parties), sorted([]string{hsp, plt})) {
		t.Fatalf("alerts I by %v", parties)
	}
}

// Recall IDs stay one namespace (recalls are public and named by ID); a recall's event is its
// initiator's.
func TestRecallIDsAreOneNamespace(t *testing.T) {
	e := newEnv(t)
	e.seed()
	e.commission("R1", 1, 1)
	e.must(nil, reg, "recall:Start", lotRecall("R1", model.DepthWholesale))
	_, err := e.submit(mfr, "recall:Start", lotRecall("R1", model.DepthWholesale))
	wantCode(t, err, model.CodeConflict)

	var p model.Provenance
	e.mustEval(&p, reg, "query:Provenance", deviceCode(1))
	if got, want := idsBy(p), []string{"R1/" + mfr, "R1/" + reg}; !slices.Equal(got, want) {
		t.Fatalf("provenance = %v, want %v", got, want)
	}
	var again model.Recall
	e.must(&again, reg, "recall:Start", lotRecall("R1", model.DepthWholesale))
	if again.InitiatedBy != reg {
		t.Fatalf("the regulator's retry %+v", again)
	}
}
