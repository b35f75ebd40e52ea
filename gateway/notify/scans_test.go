package notify

import (
	"testing"
	"time"

	"github.com/udiledger/udiledger/chaincode/model"
	"github.com/udiledger/udiledger/chaincode/ops"
)

// A unit:Scans transaction's one chaincode event lists its scans' notifications: the alerts
// of its inspections open cases as their single transactions would.
func TestScansInOneTransactionOpenTheirCases(t *testing.T) {
	w := newWorld(t)
	w.start()
	rm := newReceiver(t)
	w.register(mfr, rm)
	w.advance(time.Second)
	inspect := func(id, code string) model.Scan {
		return model.Scan{Action: model.ScanInspect, Inspect: &model.InspectRequest{EventHeader: model.EventHeader{EventID: id}, Code: code}}
	}
	w.do(hsp, ops.Scans, model.ScanBatchRequest{Scans: []model.Scan{inspect("b1", deviceCode(98)), inspect("b2", deviceCode(99))}})
	eventually(t, "the owner is told of both cases", func() bool { return len(rm.of(KindCaseOpened)) == 2 })
}
