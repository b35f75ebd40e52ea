package contract

import (
	"strings"
	"testing"
	"time"

	"github.com/udiledger/udiledger/chaincode/model"
)

func TestARecallsLifeAfterItsStart(t *testing.T) {
	e := newEnv(t)
	e.seed()
	e.commission("c1", 1, 2)
	e.must(nil, mfr, "recall:Start", lotRecall("RL", model.DepthRetail))

	t.Run("only its initiator or a regulator amends it, and an amendment must change something", func(t *testing.T) {
		amend := model.RecallAmendRequest{RecallID: "RL", Class: model.RecallClassII, Depth: model.DepthConsumer, Reason: "reclassified"}
		if _, err := e.submit(dst, "recall:Amend", amend); model.CodeOf(err) != model.CodeForbidden {
			t.Fatalf("a distributor amends: %v", err)
		}
		var r model.Recall
		e.must(&r, mfr, "recall:Amend", amend)
		if r.Class != model.RecallClassII || r.Depth != model.DepthConsumer || len(r.History) != 1 ||
			r.History[0].Step != "amended" || r.History[0].By != mfr || len(r.History[0].Changes) != 2 {
			t.Fatalf("amended %+v", r)
		}
		if _, err := e.submit(reg, "recall:Amend", amend); model.CodeOf(err) != model.CodeInvalid {
			t.Fatalf("an amendment that changes nothing: %v", err)
		}
	})
	t.Run("a regulator records effectiveness checks, one per holder", func(t *testing.T) {
		if _, err := e.submit(mfr, "recall:Check", model.EffectivenessCheckRequest{RecallID: "RL", Holder: mfr, Level: "A", Effective: true}); model.CodeOf(err) != model.CodeForbidden {
			t.Fatalf("a manufacturer checks: %v", err)
		}
		e.must(nil, reg, "recall:Check", model.EffectivenessCheckRequest{RecallID: "RL", Holder: mfr, Level: "C", Effective: false, Note: "notice not filed"})
		var r model.Recall
		e.must(&r, reg, "recall:Check", model.EffectivenessCheckRequest{RecallID: "RL", Holder: mfr, Level: "C", Effective: true})
		if len(r.Checks) != 1 || !r.Checks[0].Effective || r.Checks[0].By != reg {
			t.Fatalf("checks %+v", r.Checks)
		}
	})
	t.Run("termination waits for completion, then for 100 % unless a regulator overrides", func(t *testing.T) {
		close := model.RecallCloseRequest{RecallID: "RL", Reason: "all stock recovered"}
		if _, err := e.submit(reg, "recall:Terminate", close); model.CodeOf(err) != model.CodeConflict {
			t.Fatalf("terminating a started recall: %v", err)
		}
		e.must(nil, mfr, "recall:Complete", model.RecallCloseRequest{RecallID: "RL", Reason: "notices sent, returns arranged"})
		if _, err := e.submit(mfr, "recall:Amend", model.RecallAmendRequest{RecallID: "RL", Class: model.RecallClassII, Reason: "x"}); model.CodeOf(err) != model.CodeConflict {
			t.Fatalf("amending a completed recall: %v", err)
		}
		if _, err := e.submit(mfr, "recall:Terminate", close); model.CodeOf(err) != model.CodeForbidden {
			t.Fatalf("the manufacturer terminates: %v", err)
		}
		_, err := e.submit(reg, "recall:Terminate", close)
		if model.CodeOf(err) != model.CodeInvalid || !strings.Contains(err.Error(), "0 of 2 units") {
			t.Fatalf("terminating at 0 %%: %v", err)
		}
		e.must(nil, mfr, "unit:Destroy", model.DisposeRequest{EventHeader: model.EventHeader{EventID: "d1"}, Codes: []string{deviceCode(1)}, Reason: "recall RL"})
		close.Override, close.Reason = true, "the last unit is lost at sea"
		var r model.Recall
		e.must(&r, reg, "recall:Terminate", close)
		steps := []string{}
		for _, s := range r.History {
			steps = append(steps, s.Step)
		}
		if r.Current() != model.RecallTerminated || strings.Join(steps, ",") != "amended,completed,terminated" || !r.History[2].Override {
			t.Fatalf("terminated %+v", r)
		}
		if _, err := e.submit(reg, "recall:Check", model.EffectivenessCheckRequest{RecallID: "RL", Holder: mfr, Level: "A", Effective: true}); model.CodeOf(err) != model.CodeConflict {
			t.Fatalf("checking a terminated recall: %v", err)
		}
	})
}

func TestHoldersThatHaveNotAcknowledgedByTheDeadlineAreOverdue(t *testing.T) {
	e := newEnv(t)
	e.seed()
	e.commission("c1", 1, 2)
	e.must(nil, mfr, "unit:Ship", model.ShipRequest{EventHeader: model.EventHeader{EventID: "s1"}, To: dst, Codes: []string{deviceCode(1)}})
	e.must(nil, dst, "unit:Receive", model.ReceiveRequest{EventHeader: model.EventHeader{EventID: "r1", Location: dstGLN}, Codes: []string{deviceCode(1)}})
	req := lotRecall("RD", model.DepthRetail)
	req.AcknowledgeWithinHours = 4
	var r model.Recall
	e.must(&r, reg, "recall:Start", req)
	start, _ := model.ParseTime(r.StartedAt)
	if by, _ := model.ParseTime(r.AcknowledgeBy); !by.Equal(start.Add(4 * time.Hour)) {
		t.Fatalf("acknowledge by %s, started %s", r.AcknowledgeBy, r.StartedAt)
	}
	overdue := func() map[string]bool {
		var s model.RecallStatus
		e.mustEval(&s, reg, "recall:Scope", "RD", "true")
		out := map[string]bool{}
		for _, h := range s.Holders {
			out[h.Holder] = h.Overdue
			for _, u := range h.Units {
				if u.At == "" || u.EventID == "" || u.EventBy == "" {
					t.Fatalf("unit without its last change: %+v", u)
				}
			}
		}
		return out
	}
	if o := overdue(); o[mfr] || o[dst] {
		t.Fatalf("overdue before the deadline: %v", o)
	}
	e.must(nil, mfr, "recall:Acknowledge", model.AckRequest{RecallID: "RD"})
	e.advance(5 * time.Hour)
	if o := overdue(); o[mfr] || !o[dst] {
		t.Fatalf("after the deadline, the manufacturer acknowledged and the distributor did not: %v", o)
	}
}

func TestAUnitReturnedInItsCaseCameBackWithTheCase(t *testing.T) {
	e := newEnv(t)
	e.seed()
	e.commission("c1", 1, 3)
	e.must(nil, mfr, "unit:Pack", model.PackRequest{EventHeader: model.EventHeader{EventID: "p1", Location: mfrGLN}, Parent: caseCode(1), Children: codes(deviceCode, 1, 3)})
	e.shipAndReceive("out", mfr, dst, caseCode(1))
	e.must(nil, reg, "recall:Start", lotRecall("RC", model.DepthRetail))
	e.advance(time.Hour)
	e.must(nil, dst, "unit:Return", model.ReturnRequest{EventHeader: model.EventHeader{EventID: "back", Location: dstGLN}, Codes: []string{caseCode(1)}, RecallID: "RC"})
	e.must(nil, mfr, "unit:Receive", model.ReceiveRequest{EventHeader: model.EventHeader{EventID: "accepted", Location: mfrGLN}, Codes: []string{caseCode(1)}})
	var s model.RecallStatus
	e.mustEval(&s, reg, "recall:Scope", "RC", "true")
	if len(s.Holders) != 1 || len(s.Holders[0].Units) != 3 {
		t.Fatalf("holders %+v", s.Holders)
	}
	for _, u := range s.Holders[0].Units {
		if u.Stage != model.StatusReturned || u.EventID != "accepted" || u.EventBy != mfr || u.At <= s.Recall.StartedAt {
			t.Fatalf("a unit back in its case: %+v (recall started %s)", u, s.Recall.StartedAt)
		}
	}
}

func TestADraftRecallIsItsInitiatorsUntilStarted(t *testing.T) {
	e := newEnv(t)
	e.seed()
	e.commission("c1", 1, 2)
	e.shipAndReceive("out", mfr, dst, deviceCode(1))
	req := lotRecall("RDRAFT", model.DepthRetail)
	req.Draft, req.TargetPercent = true, 50
	var r model.Recall
	e.must(&r, mfr, "recall:Start", req)
	if r.Current() != model.RecallDraft || r.DraftedAt == "" || r.StartedAt != "" {
		t.Fatalf("draft %+v", r)
	}
	t.Run("a draft marks nothing and is seen only by its initiator and the regulators", func(t *testing.T) {
		if v := e.unitView(deviceCode(1)); v.Recalled || len(v.RecallIDs) != 0 {
			t.Fatalf("a draft recalled %+v", v)
		}
		for msp, want := range map[string]model.Code{mfr: "", reg: "", dst: model.CodeNotFound} {
			var got model.Recall
			err := e.eval(&got, msp, "recall:Get", "RDRAFT")
			if model.CodeOf(err) != want {
				t.Fatalf("%s reads the draft: %v", msp, err)
			}
			var page model.RecallPage
			e.mustEval(&page, msp, "recall:List", "10", "")
			if listed := len(page.Recalls) == 1; listed != (want == "") {
				t.Fatalf("%s lists %+v", msp, page.Recalls)
			}
		}
		if _, err := e.submit(dst, "recall:Acknowledge", model.AckRequest{RecallID: "RDRAFT"}); model.CodeOf(err) != model.CodeNotFound {
			t.Fatalf("acknowledging a draft: %v", err)
		}
		if _, err := e.submit(reg, "recall:Start", lotRecall("RDRAFT", model.DepthRetail)); model.CodeOf(err) != model.CodeConflict {
			t.Fatalf("another party starts the draft's ID: %v", err)
		}
	})
	t.Run("a second draft request rewrites it; the same request without draft starts it", func(t *testing.T) {
		req.Class = model.RecallClassII
		e.must(nil, mfr, "recall:Start", req)
		req.Draft = false
		r = model.Recall{}
		e.must(&r, mfr, "recall:Start", req)
		if r.Current() != model.RecallStarted || r.Class != model.RecallClassII || r.DraftedAt == "" || r.StartedAt == "" || r.Target() != 50 {
			t.Fatalf("started %+v", r)
		}
		if v := e.unitView(deviceCode(1)); !v.Recalled {
			t.Fatalf("a started recall did not recall the unit: %+v", v)
		}
		e.must(nil, dst, "recall:Acknowledge", model.AckRequest{RecallID: "RDRAFT"})
	})
	t.Run("termination waits for the recall's own target", func(t *testing.T) {
		e.must(nil, mfr, "recall:Complete", model.RecallCloseRequest{RecallID: "RDRAFT", Reason: "notices sent"})
		end := model.RecallCloseRequest{RecallID: "RDRAFT", Reason: "half is the target"}
		if _, err := e.submit(reg, "recall:Terminate", end); model.CodeOf(err) != model.CodeInvalid || !strings.Contains(err.Error(), "target of 50 %") {
			t.Fatalf("terminating at 0 %%: %v", err)
		}
		e.must(nil, mfr, "unit:Destroy", model.DisposeRequest{EventHeader: model.EventHeader{EventID: "d2"}, Codes: []string{deviceCode(2)}, RecallID: "RDRAFT", Reason: "recall"})
		r = model.Recall{}
		e.must(&r, reg, "recall:Terminate", end)
		if r.Current() != model.RecallTerminated || r.History[len(r.History)-1].Override {
			t.Fatalf("terminated %+v", r)
		}
	})
}
