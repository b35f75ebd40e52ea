package contract

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/udiledger/udiledger/chaincode/model"
	"github.com/udiledger/udiledger/gateway/ledger"
)

func TestConcurrentShipsOfOneUnit(t *testing.T) {
	e := newEnv(t)
	e.seed()
	e.commission("c1", 1, 1)
	const n = 100
	var wg sync.WaitGroup
	results := make(chan error, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			to := []string{dst, plt, hsp}[i%3]
			_, err := e.submit(mfr, "unit:Ship", model.ShipRequest{EventHeader: model.EventHeader{EventID: fmt.Sprintf("s%d", i)}, To: to, Codes: []string{deviceCode(1)}})
			results <- err
		}(i)
	}
	wg.Wait()
	close(results)
	won := 0
	for err := range results {
		var ce *ledger.CommitError
		var cce *ledger.ChaincodeError
		switch {
		case err == nil:
			won++
		case errors.As(err, &ce), errors.As(err, &cce):
		default:
			t.Fatalf("unexpected error %v", err)
		}
	}
	t.Run("exactly one of a hundred concurrent shipments of a unit wins", func(t *testing.T) {
		if won != 1 {
			t.Fatalf("%d shipments won", won)
		}
	})
}

func TestChaincodeEvents(t *testing.T) {
	e := newEnv(t)
	e.seed()
	e.commission("c1", 1, 2)
	e.must(nil, mfr, "unit:Ship", model.ShipRequest{EventHeader: model.EventHeader{EventID: "s1"}, To: dst, Codes: []string{deviceCode(1)}})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	ch, err := e.eng.Events(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	var got []model.Notification
	for ev := range ch {
		if ev.Name != model.ChaincodeEventName {
			t.Fatalf("event name %q", ev.Name)
		}
		var n model.Notification
		if err := json.Unmarshal(ev.Payload, &n); err != nil {
			t.Fatal(err)
		}
		got = append(got, n)
		if n.ID == "s1" {
			cancel()
		}
	}
	t.Run("every transaction emits one named event with a typed payload", func(t *testing.T) {
		// init, 4 parties, 2 products, 2 lots, commission, ship
		if len(got) != 11 {
			t.Fatalf("got %d events: %+v", len(got), got)
		}
		last := got[len(got)-1]
		if last.Kind != "event" || last.BizStep != model.BizStepShipping || last.To != dst || last.Actor != mfr || last.CodeCount != 1 {
			t.Fatalf("last = %+v", last)
		}
	})
}

func TestEventsByTime(t *testing.T) {
	e := newEnv(t)
	e.seed()
	from := model.FormatTime(e.now)
	e.commission("c1", 1, 1)
	e.must(nil, mfr, "unit:Ship", model.ShipRequest{EventHeader: model.EventHeader{EventID: "s1"}, To: dst, Codes: []string{deviceCode(1)}})
	e.must(nil, dst, "unit:Receive", model.ReceiveRequest{EventHeader: model.EventHeader{EventID: "r1"}, Codes: []string{deviceCode(1)}})
	to := model.FormatTime(e.now.Add(time.Second))

	var p1, p2 model.EventPage
	e.mustEval(&p1, reg, "query:EventsByTime", from, to, "2", "")
	e.mustEval(&p2, reg, "query:EventsByTime", from, to, "2", p1.Bookmark)
	t.Run("events in a window come in time order, a page at a time", func(t *testing.T) {
		if len(p1.Events) != 2 || p1.Events[0].EventID != "c1" || p1.Events[1].EventID != "s1" {
			t.Fatalf("page 1 %+v", p1.Events)
		}
		if len(p2.Events) != 1 || p2.Events[0].EventID != "r1" {
			t.Fatalf("page 2 %+v", p2.Events)
		}
	})
	t.Run("a malformed time is invalid", func(t *testing.T) {
		wantCode(t, e.eval(nil, reg, "query:EventsByTime", "yesterday", to, "2", ""), model.CodeInvalid)
	})
}

func TestDecommissionAndDestroy(t *testing.T) {
	e := newEnv(t)
	e.seed()
	e.commission("c1", 1, 3)
	e.must(nil, mfr, "unit:Decommission", model.DisposeRequest{EventHeader: model.EventHeader{EventID: "d1"}, Codes: []string{deviceCode(1)}, Reason: "damaged"})
	e.must(nil, mfr, "unit:Destroy", model.DisposeRequest{EventHeader: model.EventHeader{EventID: "d2"}, Codes: []string{deviceCode(2)}, Reason: "sample"})
	tests := []struct {
		name string
		give string
		want model.Status
	}{
		{"a decommissioned unit is decommissioned", deviceCode(1), model.StatusDecommissioned},
		{"a destroyed unit is destroyed", deviceCode(2), model.StatusDestroyed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := e.unitView(tt.give).Status; got != tt.want {
				t.Fatalf("status %s, want %s", got, tt.want)
			}
		})
	}
	_, err := e.submit(mfr, "unit:Ship", model.ShipRequest{EventHeader: model.EventHeader{EventID: "s1"}, To: dst, Codes: []string{deviceCode(2)}})
	t.Run("a destroyed unit cannot move", func(t *testing.T) { wantCode(t, err, model.CodeInvalid) })
	_, err = e.submit(mfr, "unit:Destroy", model.DisposeRequest{EventHeader: model.EventHeader{EventID: "d3"}, Codes: []string{deviceCode(3)}})
	t.Run("destroying without a reason is invalid", func(t *testing.T) { wantCode(t, err, model.CodeInvalid) })
	_, err = e.submit(dst, "unit:Destroy", model.DisposeRequest{EventHeader: model.EventHeader{EventID: "d4"}, Codes: []string{deviceCode(3)}, Reason: "x"})
	t.Run("only the holder destroys", func(t *testing.T) { wantCode(t, err, model.CodeForbidden) })
}

func TestArgumentErrorsCarryACode(t *testing.T) {
	e := newEnv(t)
	e.seed()
	_, err := e.submit(mfr, "unit:Ship", `{"eventId":"x","bogus":1}`)
	wantCode(t, err, model.CodeInvalid)
}
