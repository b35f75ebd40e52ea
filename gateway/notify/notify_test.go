package notify

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/udiledger/udiledger/chaincode/model"
	"github.com/udiledger/udiledger/chaincode/ops"
)

// startRecall has by recall lot L1 with an acknowledgement window of hours.
func (w *world) startRecall(by, id string, hours int) {
	w.t.Helper()
	w.do(by, ops.StartRecall, model.RecallRequest{ID: id, Class: model.RecallClassII, Depth: model.DepthWholesale, Reason: "sterility not assured",
		Scope: model.RecallScope{Type: model.ScopeLot, DI: deviceDI, Lot: "L1"}, AcknowledgeWithinHours: hours})
}

func recallData(t *testing.T, m received) RecallNotice {
	t.Helper()
	var d RecallNotice
	if err := json.Unmarshal(m.Data, &d); err != nil {
		t.Fatal(err)
	}
	return d
}

func TestRecallNotifiesTheHoldersInScope(t *testing.T) {
	w := newWorld(t)
	w.start()
	rm, rd, rh := newReceiver(t), newReceiver(t), newReceiver(t)
	w.register(mfr, rm)
	w.register(dst, rd)
	w.register(hsp, rh)
	w.startRecall(reg, "R1", 2)
	eventually(t, "both holders are told", func() bool {
		return len(rd.of(KindRecallStarted)) == 1 && len(rm.of(KindRecallStarted)) == 1
	})

	t.Run("the distributor's notification holds the recall and its own line, signed", func(t *testing.T) {
		m := rd.of(KindRecallStarted)[0]
		d := recallData(t, m)
		if !m.sigOK || m.idem != m.ID || m.Org != dst || m.Subject != "R1" {
			t.Fatalf("got %+v", m)
		}
		if d.RecallID != "R1" || d.Class != model.RecallClassII || d.Depth != model.DepthWholesale || d.AcknowledgeBy == "" ||
			d.Holder.Holder != dst || d.Holder.Counts.Total != 4 || d.Holder.Acknowledged {
			t.Fatalf("data %+v", d)
		}
		if got := recallData(t, rm.of(KindRecallStarted)[0]); got.Holder.Holder != mfr || got.Holder.Counts.Total != 6 {
			t.Fatalf("the manufacturer's line %+v", got.Holder)
		}
	})

	w.do(reg, ops.AmendRecall, model.RecallAmendRequest{RecallID: "R1", Class: model.RecallClassI, Reason: "a death reported"})
	eventually(t, "the amendment reaches both holders", func() bool {
		return len(rd.of(KindRecallAmended)) == 1 && len(rm.of(KindRecallAmended)) == 1
	})
	t.Run("an amendment says what changed", func(t *testing.T) {
		d := recallData(t, rd.of(KindRecallAmended)[0])
		if d.Class != model.RecallClassI || len(d.Changes) == 0 || d.Reason != "a death reported" {
			t.Fatalf("data %+v", d)
		}
	})

	t.Run("an organisation that holds nothing hears nothing", func(t *testing.T) {
		if got := rh.all(); len(got) != 0 {
			t.Fatalf("the hospital got %+v", got)
		}
		ds, _, err := w.n.Store().Deliveries(hsp, 10, "")
		if err != nil || len(ds) != 0 {
			t.Fatalf("deliveries %v %+v", err, ds)
		}
	})

	t.Run("a holder that has not acknowledged by the deadline is reminded once a day", func(t *testing.T) {
		w.do(dst, ops.AcknowledgeRecall, model.AckRequest{RecallID: "R1"})
		w.advance(2 * time.Hour)
		w.until(t, "the manufacturer is reminded", func() bool { return len(rm.of(KindRecallReminder)) == 1 })
		w.advance(20 * time.Hour)
		if n := len(rm.of(KindRecallReminder)); n != 1 {
			t.Fatalf("%d reminders within a day", n)
		}
		w.until(t, "a second reminder a day later", func() bool { return len(rm.of(KindRecallReminder)) == 2 })
		first, second := rm.of(KindRecallReminder)[0], rm.of(KindRecallReminder)[1]
		if gap := second.Time.Sub(first.Time); gap < ReminderEvery || gap > ReminderEvery+time.Hour {
			t.Fatalf("reminders %s apart", gap)
		}
		if d := recallData(t, rm.of(KindRecallReminder)[0]); !d.Holder.Overdue || d.Holder.Acknowledged {
			t.Fatalf("reminder %+v", d.Holder)
		}
		if got := rd.of(KindRecallReminder); len(got) != 0 {
			t.Fatalf("the distributor acknowledged and was reminded: %+v", got)
		}
	})
}

func TestDeliveriesAreRetriedAndSurviveARestart(t *testing.T) {
	w := newWorld(t)
	w.start()
	first, _, _ := w.n.Store().Cursor()
	if first == 0 {
		t.Fatal("the first run starts at block 0, want the ledger's height")
	}
	rd := newReceiver(t, 503, 429)
	rm := newReceiver(t, 400)
	w.register(dst, rd)
	w.register(mfr, rm)
	w.startRecall(mfr, "R1", 48)

	t.Run("a failing receiver is retried until it takes the notification", func(t *testing.T) {
		eventually(t, "delivered after two failures", func() bool {
			w.clock.Advance(5 * time.Second)
			return len(rd.of(KindRecallStarted)) == 1
		})
		ds, _, err := w.n.Store().Deliveries(dst, 10, "")
		if err != nil || len(ds) != 1 {
			t.Fatalf("%v %+v", err, ds)
		}
		eventually(t, "the delivery is recorded", func() bool {
			ds, _, _ = w.n.Store().Deliveries(dst, 10, "")
			return ds[0].State == Delivered
		})
		if d := ds[0]; d.Attempts != 3 || d.Kind != KindRecallStarted || d.Subject != "R1" || d.LastError != "" {
			t.Fatalf("delivery %+v", d)
		}
		if m := rd.of(KindRecallStarted)[0]; m.ID != ds[0].ID || m.idem != ds[0].ID {
			t.Fatalf("message %+v, delivery %s", m, ds[0].ID)
		}
	})

	t.Run("a 4xx fails the delivery at once", func(t *testing.T) {
		eventually(t, "failed", func() bool {
			ds, _, _ := w.n.Store().Deliveries(mfr, 10, "")
			return len(ds) == 1 && ds[0].State == Failed
		})
		ds, _, _ := w.n.Store().Deliveries(mfr, 10, "")
		if ds[0].Attempts != 1 || ds[0].LastError == "" {
			t.Fatalf("delivery %+v", ds[0])
		}
	})

	t.Run("after a restart the notifier resumes from its cursor and its queue", func(t *testing.T) {
		w.stop()
		rd.mu.Lock()
		rd.fail = []int{503, 503, 503}
		rd.mu.Unlock()
		w.do(reg, ops.AmendRecall, model.RecallAmendRequest{RecallID: "R1", Depth: model.DepthRetail, Reason: "to pharmacies"})
		w.start()
		eventually(t, "the amendment made while stopped is delivered", func() bool {
			w.clock.Advance(5 * time.Second)
			return len(rd.of(KindRecallAmended)) == 1
		})
		if n := len(rd.of(KindRecallStarted)); n != 1 {
			t.Fatalf("the start was notified %d times", n)
		}
		if c, _, _ := w.n.Store().Cursor(); c <= first {
			t.Fatalf("cursor %d, first %d", c, first)
		}
	})
}

func TestNoWebhookOnlyMovesTheCursor(t *testing.T) {
	w := newWorld(t)
	w.start()
	before, _, _ := w.n.Store().Cursor()
	w.startRecall(reg, "R1", 1)
	w.do(dst, ops.AcknowledgeRecall, model.AckRequest{RecallID: "R1"})
	eventually(t, "the cursor moves", func() bool { c, _, _ := w.n.Store().Cursor(); return c > before })
	w.advance(3 * time.Hour)
	for _, org := range []string{mfr, dst, hsp, reg} {
		if ds, _, _ := w.n.Store().Deliveries(org, 10, ""); len(ds) != 0 {
			t.Fatalf("%s: %+v", org, ds)
		}
	}
}

func TestLicenceExpiryWarnings(t *testing.T) {
	w := newWorld(t)
	p := w.party(hsp, model.RoleHospital)
	p.Licences = append(p.Licences, model.Licence{Type: "medical institution", Number: "MI-9", ValidFrom: w.day(-300), ValidTo: w.day(10)})
	w.do(reg, ops.UpdateParty, p)
	w.start()
	rh := newReceiver(t)
	w.register(hsp, rh)
	w.advance(15 * time.Minute)
	eventually(t, "the 30-day warning", func() bool { return len(rh.of(KindLicenceExpiring)) == 1 })
	w.advance(4 * 24 * time.Hour) // 6 days left
	eventually(t, "the 7-day warning", func() bool { return len(rh.of(KindLicenceExpiring)) == 2 })
	w.advance(6 * 24 * time.Hour) // 0 days left: its last day
	eventually(t, "the 1-day warning", func() bool { return len(rh.of(KindLicenceExpiring)) == 3 })
	w.advance(2 * 24 * time.Hour)
	eventually(t, "expired", func() bool { return len(rh.of(KindLicenceExpired)) == 1 })
	w.advance(24 * time.Hour)
	var warnings []int
	for _, m := range rh.of(KindLicenceExpiring) {
		var d LicenceNotice
		if err := json.Unmarshal(m.Data, &d); err != nil {
			t.Fatal(err)
		}
		if d.Licence.Number != "MI-9" || m.Subject != "MI-9" {
			t.Fatalf("warning %+v", d)
		}
		warnings = append(warnings, d.Warning)
	}
	if !slices.Equal(warnings, []int{30, 7, 1}) || len(rh.of(KindLicenceExpired)) != 1 {
		t.Fatalf("warnings %v, expired %d", warnings, len(rh.of(KindLicenceExpired)))
	}
}

func TestCaseOpenedAndOverdue(t *testing.T) {
	w := newWorld(t)
	w.start()
	rm, rr, rh := newReceiver(t), newReceiver(t), newReceiver(t)
	w.register(mfr, rm)
	w.register(reg, rr)
	w.register(hsp, rh)
	w.advance(time.Second)
	w.do(hsp, ops.Inspect, model.InspectRequest{EventHeader: model.EventHeader{EventID: "i1"}, Code: deviceCode(99)})
	eventually(t, "the owner and the regulator are told", func() bool {
		return len(rm.of(KindCaseOpened)) == 1 && len(rr.of(KindCaseOpened)) == 1
	})
	var c CaseNotice
	if err := json.Unmarshal(rm.of(KindCaseOpened)[0].Data, &c); err != nil {
		t.Fatal(err)
	}
	if c.Owner != mfr || c.Kind != model.AlertCounterfeit || c.NotifyBy == "" || c.Overdue {
		t.Fatalf("case %+v", c)
	}
	w.advance(25 * time.Hour)
	eventually(t, "overdue, told to both", func() bool {
		return len(rm.of(KindCaseOverdue)) == 1 && len(rr.of(KindCaseOverdue)) == 1
	})
	w.advance(2 * time.Hour)
	if len(rm.of(KindCaseOverdue)) != 1 || len(rr.of(KindCaseOverdue)) != 1 || len(rh.all()) != 0 {
		t.Fatalf("manufacturer %d, regulator %d overdue; the reporter got %+v", len(rm.of(KindCaseOverdue)), len(rr.of(KindCaseOverdue)), rh.all())
	}
}

func TestRegister(t *testing.T) {
	st, err := Open(t.TempDir() + "/n.db")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	n := New(Options{Store: st})
	ctx := context.Background()
	for _, tt := range []struct {
		give, secret string
		ok           bool
	}{
		{"https://203.0.113.7/hook", secret, true},
		{"http://127.0.0.1:9000/hook", secret, true},
		{"http://localhost/hook", secret, true},
		{"http://203.0.113.7/hook", secret, false},
		{"https://10.0.0.1/hook", secret, false},
		{"https://203.0.113.7/hook", "short", false},
		{"ftp://203.0.113.7/", secret, false},
	} {
		_, err := n.Register(ctx, mfr, "m", tt.give, tt.secret)
		if tt.ok != (err == nil) || (err != nil && !errors.Is(err, ErrInvalid)) {
			t.Errorf("%s %q: %v", tt.give, tt.secret, err)
		}
	}
	w, err := st.Webhook(mfr)
	if err != nil || w.URL != "http://localhost/hook" || w.Identity != "m" {
		t.Fatalf("%v %+v", err, w)
	}
	if err := st.DeleteWebhook(mfr); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Webhook(mfr); !errors.Is(err, ErrNotFound) {
		t.Fatal(err)
	}
}
