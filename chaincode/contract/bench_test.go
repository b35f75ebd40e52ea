package contract

import (
	"fmt"
	"testing"

	"github.com/udiledger/udiledger/chaincode/model"
)

// BenchmarkCommission10000 commissions 10,000 codes in one transaction per iteration.
func BenchmarkCommission10000(b *testing.B) {
	e := newEnv(b)
	e.seed()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		e.must(nil, mfr, "unit:Commission", model.CommissionRequest{EventHeader: model.EventHeader{EventID: fmt.Sprintf("c%d", i)}, DI: deviceDI, Lot: "L1",
			Codes: codes(deviceCode, i*model.MaxCommission, model.MaxCommission)})
	}
	b.ReportMetric(float64(b.N*model.MaxCommission)/b.Elapsed().Seconds(), "units/s")
}

// palletOf commissions and packs 1,000 units into 10 cases on one pallet.
func (e *env) palletOf(n int) string {
	e.t.Helper()
	e.must(nil, mfr, "unit:Commission", model.CommissionRequest{EventHeader: model.EventHeader{EventID: "bc"}, DI: deviceDI, Lot: "L1", Codes: codes(deviceCode, 0, 1000)})
	var cases []string
	for c := 0; c < 10; c++ {
		e.must(nil, mfr, "unit:Pack", model.PackRequest{EventHeader: model.EventHeader{EventID: fmt.Sprintf("bp%d", c)}, Parent: caseCode(c), Children: codes(deviceCode, c*100, 100)})
		cases = append(cases, caseCode(c))
	}
	pallet := sscc(fmt.Sprintf("069012340%08d", n))
	e.must(nil, mfr, "unit:Pack", model.PackRequest{EventHeader: model.EventHeader{EventID: "bpal"}, Parent: pallet, Children: cases})
	return pallet
}

// BenchmarkShipPallet ships a pallet of 1,000 units back and forth: one event per iteration.
func BenchmarkShipPallet(b *testing.B) {
	e := newEnv(b)
	e.seed()
	pallet := e.palletOf(1)
	from, to := mfr, dst
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		e.must(nil, from, "unit:Ship", model.ShipRequest{EventHeader: model.EventHeader{EventID: fmt.Sprintf("s%d", i)}, To: to, Codes: []string{pallet}})
		b.StopTimer()
		e.must(nil, to, "unit:Receive", model.ReceiveRequest{EventHeader: model.EventHeader{EventID: fmt.Sprintf("r%d", i)}, Codes: []string{pallet}})
		from, to = to, from
		b.StartTimer()
	}
	b.ReportMetric(float64(b.N*1000)/b.Elapsed().Seconds(), "units/s")
}

// BenchmarkShipUnit ships a single unit: one event per iteration.
func BenchmarkShipUnit(b *testing.B) {
	e := newEnv(b)
	e.seed()
	e.commission("c", 0, 1)
	from, to := mfr, dst
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		e.must(nil, from, "unit:Ship", model.ShipRequest{EventHeader: model.EventHeader{EventID: fmt.Sprintf("s%d", i)}, To: to, Codes: []string{deviceCode(0)}})
		b.StopTimer()
		e.must(nil, to, "unit:Receive", model.ReceiveRequest{EventHeader: model.EventHeader{EventID: fmt.Sprintf("r%d", i)}, Codes: []string{deviceCode(0)}})
		from, to = to, from
		b.StartTimer()
	}
}

// BenchmarkProvenance reads the provenance of a unit that went through case, pallet and two
// hand-overs.
func BenchmarkProvenance(b *testing.B) {
	e := newEnv(b)
	e.seed()
	pallet := e.palletOf(1)
	e.shipAndReceive("a", mfr, dst, pallet)
	e.must(nil, dst, "unit:Unpack", model.UnpackRequest{EventHeader: model.EventHeader{EventID: "u"}, Parent: pallet})
	e.shipAndReceive("b", dst, hsp, caseCode(3))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		var p model.Provenance
		e.mustEval(&p, reg, "query:Provenance", deviceCode(350))
		if len(p.Events) != 8 {
			b.Fatalf("%d events", len(p.Events))
		}
	}
}

// BenchmarkRecallScope100k computes the scope of a recall of a lot of 100,000 units.
func BenchmarkRecallScope100k(b *testing.B) {
	e := newEnv(b)
	e.seed()
	const lot = 100000
	for i := 0; i < lot/model.MaxCommission; i++ {
		e.must(nil, mfr, "unit:Commission", model.CommissionRequest{EventHeader: model.EventHeader{EventID: fmt.Sprintf("c%d", i)}, DI: deviceDI, Lot: "L1",
			Codes: codes(deviceCode, i*model.MaxCommission, model.MaxCommission)})
	}
	e.must(nil, reg, "recall:Start", lotRecall("R1", model.DepthRetail))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		var s model.RecallStatus
		e.mustEval(&s, reg, "recall:Scope", "R1", "false")
		if s.Counts.Total != lot {
			b.Fatalf("total %d", s.Counts.Total)
		}
	}
}
