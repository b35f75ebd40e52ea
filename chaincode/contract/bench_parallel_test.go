package contract

import (
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/udiledger/udiledger/chaincode/model"
)

// BenchmarkEventsParallel measures event throughput with many clients at once: each
// iteration ships a unit of its own to another party and has it received (two events).
func BenchmarkEventsParallel(b *testing.B) {
	e := newEnv(b)
	e.seed()
	const units = 2 * model.MaxCommission
	for i := 0; i < units/model.MaxCommission; i++ {
		e.must(nil, mfr, "unit:Commission", model.CommissionRequest{EventHeader: model.EventHeader{EventID: fmt.Sprintf("c%d", i)}, DI: deviceDI, Lot: "L1",
			Codes: codes(deviceCode, i*model.MaxCommission, model.MaxCommission)})
	}
	var next atomic.Int64
	b.SetParallelism(16)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			// Unit n%units goes out on even rounds through the units and comes back on odd ones.
			n := int(next.Add(1) - 1)
			code := deviceCode(n % units)
			from, to := mfr, dst
			if n/units%2 == 1 {
				from, to = dst, mfr
			}
			if _, err := e.submit(from, "unit:Ship", model.ShipRequest{EventHeader: model.EventHeader{EventID: fmt.Sprintf("s%d", n)}, To: to, Codes: []string{code}}); err != nil {
				b.Error(err)
				return
			}
			if _, err := e.submit(to, "unit:Receive", model.ReceiveRequest{EventHeader: model.EventHeader{EventID: fmt.Sprintf("r%d", n)}, Codes: []string{code}}); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(2*b.N)/b.Elapsed().Seconds(), "events/s")
}
