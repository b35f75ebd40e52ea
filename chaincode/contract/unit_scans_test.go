package contract

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/udiledger/udiledger/chaincode/model"
)

// scanOf builds a scan of one code with the request its single transaction takes.
func scanOf(action model.ScanAction, id, code, arg string) (model.Scan, string, any) {
	h := model.EventHeader{EventID: id, Location: dstGLN}
	cs := []string{code}
	sc := model.Scan{Action: action}
	switch action {
	case model.ScanInspect:
		sc.Inspect = &model.InspectRequest{EventHeader: h, Code: code}
		return sc, "unit:Inspect", *sc.Inspect
	case model.ScanReceive:
		sc.Receive = &model.ReceiveRequest{EventHeader: h, Codes: cs}
		return sc, "unit:Receive", *sc.Receive
	case model.ScanShip:
		sc.Ship = &model.ShipRequest{EventHeader: h, To: arg, Codes: cs}
		return sc, "unit:Ship", *sc.Ship
	case model.ScanReturn:
		sc.Return = &model.ReturnRequest{EventHeader: h, Codes: cs}
		return sc, "unit:Return", *sc.Return
	case model.ScanDestroy:
		sc.Destroy = &model.DisposeRequest{EventHeader: h, Codes: cs, Reason: arg}
		return sc, "unit:Destroy", *sc.Destroy
	default:
		sc.Decommission = &model.DisposeRequest{EventHeader: h, Codes: cs, Reason: arg}
		return sc, "unit:Decommission", *sc.Decommission
	}
}

// scanLine is one scan of a test batch.
type scanLine struct {
	action model.ScanAction
	id     string
	code   string
	arg    string // ship's receiver, a disposal's reason
}

func batchOf(lines ...scanLine) model.ScanBatchRequest {
	var b model.ScanBatchRequest
	for _, l := range lines {
		sc, _, _ := scanOf(l.action, l.id, l.code, l.arg)
		b.Scans = append(b.Scans, sc)
	}
	return b
}

// station is a ledger where units 1 to 9 are commissioned, 1 to 4 shipped to the distributor
// and 5 to 8 received by it.
func station(t *testing.T) *env {
	e := newEnv(t)
	e.seed()
	e.commission("c", 1, 9)
	e.must(nil, mfr, "unit:Ship", model.ShipRequest{EventHeader: model.EventHeader{EventID: "s"}, To: dst, Codes: codes(deviceCode, 1, 4)})
	e.shipAndReceive("u5", mfr, dst, codes(deviceCode, 5, 4)...)
	return e
}

// notices reads the chaincode events' notifications, listed ones one by one, up to the
// notification of a regulator's inspection under marker, which it submits.
func notices(t *testing.T, e *env, marker string) []model.Notification {
	t.Helper()
	e.must(nil, reg, "unit:Inspect", model.InspectRequest{EventHeader: model.EventHeader{EventID: marker}, Code: deviceCode(9)})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	ch, err := e.eng.Events(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	var out []model.Notification
	for ev := range ch {
		var n model.Notification
		if err := json.Unmarshal(ev.Payload, &n); err != nil {
			t.Fatal(err)
		}
		if n.ID == marker {
			return out
		}
		out = append(out, n.Notices()...)
	}
	t.Fatalf("no notification %s", marker)
	return nil
}

// sameAnswer blanks what differs between two ledgers and two transactions (transaction IDs
// and times) in a result or notification.
func sameAnswer(v any) string {
	b, _ := json.Marshal(v)
	var m any
	_ = json.Unmarshal(b, &m)
	var blank func(any)
	blank = func(x any) {
		switch x := x.(type) {
		case map[string]any:
			for k, v := range x {
				switch k {
				case "txId", "time", "eventTime", "recordTime", "updatedAt", "at", "openedAt", "lastEventId":
					x[k] = ""
				default:
					blank(v)
				}
			}
		case []any:
			for _, v := range x {
				blank(v)
			}
		}
	}
	blank(m)
	out, _ := json.Marshal(m)
	return string(out)
}

func TestScansCommitAsTheSingleTransactionsWould(t *testing.T) {
	lines := []scanLine{
		{model.ScanReceive, "b0", deviceCode(1), ""},
		{model.ScanReceive, "b1", deviceCode(2), ""},
		{model.ScanShip, "b2", deviceCode(5), hsp},
		{model.ScanInspect, "b3", deviceCode(3), ""},
		{model.ScanReturn, "b4", deviceCode(6), ""},
		{model.ScanDestroy, "b5", deviceCode(7), "crushed"},
		{model.ScanDecommission, "b6", deviceCode(8), "sample"},
		{model.ScanInspect, "b7", "(01)" + deviceDI + "(21)NOPE", ""},
		{model.ScanInspect, "b8", deviceCode(9), ""}, // the manufacturer's: an alert
	}
	singles, batched := station(t), station(t)
	var want []string
	for _, l := range lines {
		_, fn, req := scanOf(l.action, l.id, l.code, l.arg)
		b, err := singles.submit(dst, fn, req)
		if err != nil {
			t.Fatalf("single %s %s: %v", fn, l.id, err)
		}
		var v any
		decode(t, b, &v)
		want = append(want, sameAnswer(v))
	}
	var got model.ScanBatchResult
	batched.must(&got, dst, "unit:Scans", batchOf(lines...))

	t.Run("each scan answers what its single transaction answers", func(t *testing.T) {
		if len(got.Results) != len(lines) {
			t.Fatalf("%d results for %d scans", len(got.Results), len(lines))
		}
		for i, r := range got.Results {
			var v any = r.Event
			if r.Inspect != nil {
				v = r.Inspect
			}
			if r.Action != lines[i].action || sameAnswer(v) != want[i] {
				t.Errorf("scan %d (%s): %s, want %s", i, r.Action, sameAnswer(v), want[i])
			}
		}
		if got.Results[7].Inspect.AlertID == "" || got.Results[8].Inspect.AlertID == "" {
			t.Fatalf("inspections %+v %+v, want alerts", got.Results[7].Inspect, got.Results[8].Inspect)
		}
	})
	t.Run("units and their provenance are those of the single transactions", func(t *testing.T) {
		for n := 1; n <= 9; n++ {
			if a, b := sameAnswer(singles.unitView(deviceCode(n))), sameAnswer(batched.unitView(deviceCode(n))); a != b {
				t.Errorf("unit %d: %s, want %s", n, b, a)
			}
			var pa, pb model.Provenance
			singles.mustEval(&pa, reg, "query:Provenance", deviceCode(n))
			batched.mustEval(&pb, reg, "query:Provenance", deviceCode(n))
			if a, b := sameAnswer(pa), sameAnswer(pb); a != b {
				t.Errorf("provenance of unit %d: %s, want %s", n, b, a)
			}
		}
	})
	t.Run("each alert opens its own case, as on its own", func(t *testing.T) {
		var a, b model.CasePage
		singles.mustEval(&a, reg, "case:List", "", "0", "")
		batched.mustEval(&b, reg, "case:List", "", "0", "")
		if len(a.Cases) != 2 || len(b.Cases) != len(a.Cases) {
			t.Fatalf("%d cases, want %d (as the single transactions open)", len(b.Cases), len(a.Cases))
		}
		byKind := func(p model.CasePage) {
			sort.Slice(p.Cases, func(i, j int) bool { return p.Cases[i].Kind < p.Cases[j].Kind }) // IDs follow transaction IDs
		}
		byKind(a)
		byKind(b)
		for i := range a.Cases {
			a.Cases[i].ID, b.Cases[i].ID = "", ""
			if sameAnswer(a.Cases[i]) != sameAnswer(b.Cases[i]) {
				t.Errorf("case %+v, want %+v", b.Cases[i], a.Cases[i])
			}
		}
	})
	t.Run("the one chaincode event lists the notifications of the single transactions", func(t *testing.T) {
		a, b := notices(t, singles, "m"), notices(t, batched, "m")
		if len(a) != len(b) {
			t.Fatalf("%d notifications, want %d", len(b), len(a))
		}
		for i := range a {
			if sameAnswer(a[i]) != sameAnswer(b[i]) {
				t.Errorf("notification %d: %+v, want %+v", i, b[i], a[i])
			}
		}
		last := b[len(b)-len(lines):]
		for i := range last {
			if last[i].TxID != last[0].TxID || last[i].ID != lines[i].id || last[i].Actor != dst {
				t.Errorf("notification %+v, want scan %s of the batch's transaction", last[i], lines[i].id)
			}
		}
	})
}

func TestAScanRefusedRefusesTheBatch(t *testing.T) {
	e := station(t)
	tests := []struct {
		name  string
		batch model.ScanBatchRequest
		code  model.Code
		index string
	}{
		{"receiving a unit received before", batchOf(scanLine{model.ScanReceive, "r1", deviceCode(1), ""},
			scanLine{model.ScanReceive, "r2", deviceCode(5), ""}), model.CodeInvalid, "scans[1]: "},
		{"shipping a unit still in transit", batchOf(scanLine{model.ScanReceive, "r1", deviceCode(1), ""},
			scanLine{model.ScanShip, "r2", deviceCode(3), hsp}), model.CodeForbidden, "scans[1]: "},
		{"a second write of a code", batchOf(scanLine{model.ScanReceive, "r1", deviceCode(1), ""},
			scanLine{model.ScanInspect, "r2", deviceCode(1), ""}, scanLine{model.ScanShip, "r3", deviceCode(1), hsp}), model.CodeInvalid,
			"scans[2]: " + deviceCode(1) + " was written by scans[0]"},
		{"destroying a unit another party holds", batchOf(scanLine{model.ScanReceive, "r1", deviceCode(1), ""},
			scanLine{model.ScanInspect, "r2", deviceCode(2), ""},
			scanLine{model.ScanDestroy, "r3", deviceCode(9), "crushed"}), model.CodeForbidden, "scans[2]: "},
		{"an unknown code", batchOf(scanLine{model.ScanReceive, "r1", "(01)" + deviceDI + "(21)NOPE", ""}), model.CodeNotFound, "scans[0]: "},
		{"a scan without its request", model.ScanBatchRequest{Scans: []model.Scan{{Action: model.ScanShip,
			Receive: &model.ReceiveRequest{Codes: []string{deviceCode(1)}}}}}, model.CodeInvalid, "scans[0]: "},
		{"no scans", model.ScanBatchRequest{}, model.CodeInvalid, "a batch takes 1 to 1000 scans"},
		{"too many scans", batchOf(make([]scanLine, model.MaxScanBatch+1)...), model.CodeInvalid, "a batch takes 1 to 1000 scans"},
	}
	for _, tt := range tests {
		t.Run(tt.name+" refuses the batch with the scan's code and index", func(t *testing.T) {
			_, err := e.submit(dst, "unit:Scans", tt.batch)
			wantCode(t, err, tt.code)
			if !strings.Contains(err.Error(), string(tt.code)+": "+tt.index) {
				t.Fatalf("error %q, want %s: %s…", err, tt.code, tt.index)
			}
		})
	}
	t.Run("nothing of a refused batch is written", func(t *testing.T) {
		if v := e.unitView(deviceCode(1)); v.Unit.Status != model.StatusInTransit {
			t.Fatalf("unit 1 is %s, want still in transit", v.Unit.Status)
		}
		err := e.eval(nil, dst, "query:Event", "r1", dst)
		wantCode(t, err, model.CodeNotFound)
		if n := notices(t, e, "m"); n[len(n)-1].ID != "u5-recv" {
			t.Fatalf("last notification %+v, want the setup's", n[len(n)-1])
		}
	})
}

func TestAReplayedBatchWritesNothingTwice(t *testing.T) {
	e := station(t)
	batch := batchOf(scanLine{model.ScanReceive, "p1", deviceCode(1), ""}, scanLine{model.ScanShip, "p2", deviceCode(5), hsp},
		scanLine{model.ScanInspect, "p3", deviceCode(3), ""})
	var first, again model.ScanBatchResult
	e.must(&first, dst, "unit:Scans", batch)
	e.must(&again, dst, "unit:Scans", batch)
	t.Run("every scan answers its first result, replayed", func(t *testing.T) {
		for i := range again.Results {
			f, a := first.Results[i], again.Results[i]
			if a.Inspect != nil {
				f.Event, a.Event = &f.Inspect.EventResult, &a.Inspect.EventResult
			}
			if !a.Event.Replayed || f.Event.Replayed || a.Event.TxID != f.Event.TxID || a.Event.EventID != f.Event.EventID {
				t.Errorf("scan %d: %+v then %+v, want the first result replayed", i, f.Event, a.Event)
			}
		}
	})
	t.Run("the ledger holds each event once", func(t *testing.T) {
		var p model.Provenance
		e.mustEval(&p, reg, "query:Provenance", deviceCode(1))
		var ids []string
		for _, en := range p.Events {
			ids = append(ids, en.Event.EventID)
		}
		if want := []string{"c", "s", "p1"}; !reflect.DeepEqual(ids, want) {
			t.Fatalf("events %v, want %v", ids, want)
		}
		n := notices(t, e, "m")
		if got := n[len(n)-3:]; got[0].ID != "p1" || got[2].ID != "p3" || got[0].TxID != got[2].TxID {
			t.Fatalf("last notifications %+v, want the first batch's only", got)
		}
	})
	t.Run("a partly replayed batch writes its new scans only", func(t *testing.T) {
		var r model.ScanBatchResult
		e.must(&r, dst, "unit:Scans", batchOf(scanLine{model.ScanReceive, "p1", deviceCode(1), ""},
			scanLine{model.ScanShip, "p4", deviceCode(1), hsp}))
		if !r.Results[0].Event.Replayed || r.Results[1].Event.Replayed || r.Results[1].Event.TxID == r.Results[0].Event.TxID {
			t.Fatalf("results %+v %+v, want the first replayed and the second new", r.Results[0].Event, r.Results[1].Event)
		}
		n := notices(t, e, "m2")
		if last := n[len(n)-1]; last.Kind != "event" || last.ID != "p4" || n[len(n)-2].ID != "m" {
			t.Fatalf("last notifications %+v, want p4's alone, as its single transaction's", n[len(n)-2:])
		}
	})
	t.Run("a scan whose event ID was recorded with other content is a conflict", func(t *testing.T) {
		_, err := e.submit(dst, "unit:Scans", batchOf(scanLine{model.ScanInspect, "p5", deviceCode(3), ""},
			scanLine{model.ScanInspect, "p1", deviceCode(2), ""}))
		wantCode(t, err, model.CodeConflict)
		if !strings.Contains(err.Error(), "CONFLICT: scans[1]: ") {
			t.Fatalf("error %q, want scans[1] named", err)
		}
	})
	t.Run("a single transaction recognises a scan of a batch as its retry", func(t *testing.T) {
		_, fn, req := scanOf(model.ScanShip, "p2", deviceCode(5), hsp)
		var r model.EventResult
		e.must(&r, dst, fn, req)
		if !r.Replayed || r.TxID != first.Results[1].Event.TxID {
			t.Fatalf("unit:Ship p2 again: %+v, want the batch's result replayed", r)
		}
	})
}

func TestScansAllowWhatEachSingleTransactionAllows(t *testing.T) {
	e := station(t)
	clerk := e.user(dst, "clerk", "")
	tests := []struct {
		name  string
		as    string
		batch model.ScanBatchRequest
		code  model.Code
	}{
		{"a regulator inspects", reg, batchOf(scanLine{model.ScanInspect, "a1", deviceCode(1), ""}), ""},
		{"a regulator may not ship", reg, batchOf(scanLine{model.ScanInspect, "a2", deviceCode(1), ""},
			scanLine{model.ScanShip, "a3", deviceCode(5), hsp}), model.CodeForbidden},
		{"the manufacturer may not receive what it shipped to another", mfr, batchOf(scanLine{model.ScanReceive, "a4", deviceCode(1), ""}), model.CodeForbidden},
		{"the receiver receives", dst, batchOf(scanLine{model.ScanReceive, "a5", deviceCode(1), ""}), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := e.submit(tt.as, "unit:Scans", tt.batch)
			if tt.code == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			wantCode(t, err, tt.code)
		})
	}
	t.Run("a certificate without a role may not scan", func(t *testing.T) {
		_, err := e.submitAs(clerk, "unit:Scans", nil, batchOf(scanLine{model.ScanInspect, "a6", deviceCode(1), ""}))
		wantCode(t, err, model.CodeForbidden)
	})
}

// BenchmarkScanBatch100 records batches of 100 inspections, one transaction each, from one
// station.
func BenchmarkScanBatch100(b *testing.B) { benchScanBatches(b, 1) }

func benchScanBatches(b *testing.B, stations int) {
	const batch, units = 100, 5000
	e := newEnv(b)
	e.seed()
	e.commission("c", 0, units)
	var next atomic.Int64
	b.SetParallelism(stations)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := int(next.Add(1))
			req := model.ScanBatchRequest{Scans: make([]model.Scan, batch)}
			for j := range req.Scans {
				req.Scans[j] = model.Scan{Action: model.ScanInspect, Inspect: &model.InspectRequest{
					EventHeader: model.EventHeader{EventID: fmt.Sprintf("i%d-%d", i, j), Location: mfrGLN}, Code: deviceCode((i*batch + j) % units)}}
			}
			if _, err := e.submit(mfr, "unit:Scans", req); err != nil {
				b.Error(err)
			}
		}
	})
	b.ReportMetric(float64(b.N*batch)/b.Elapsed().Seconds(), "events/s")
}

// BenchmarkScanSingle records the same inspections one transaction each, for comparison.
func BenchmarkScanSingle(b *testing.B) {
	const units = 5000
	e := newEnv(b)
	e.seed()
	e.commission("c", 0, units)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		e.must(nil, mfr, "unit:Inspect", model.InspectRequest{EventHeader: model.EventHeader{EventID: fmt.Sprintf("i%d", i), Location: mfrGLN},
			Code: deviceCode(i % units)})
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
}
