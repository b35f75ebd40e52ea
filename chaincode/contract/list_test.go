package contract

import (
	"testing"

	"github.com/udiledger/udiledger/chaincode/model"
)

func TestLotAndRecallLists(t *testing.T) {
	e := newEnv(t)
	e.seed()
	e.must(nil, mfr, "lot:Register", model.Lot{DI: deviceDI, Lot: "L2", Expiry: e.day(300), Quantity: 10})

	t.Run("the lots of one product, and of all", func(t *testing.T) {
		var one, all model.LotPage
		e.mustEval(&one, hsp, "lot:List", deviceDI, "0", "")
		e.mustEval(&all, hsp, "lot:List", "", "0", "")
		if len(one.Lots) != 2 || one.Lots[0].Lot != "L1" || one.Lots[1].Lot != "L2" || len(all.Lots) != 3 {
			t.Fatalf("one %+v all %+v", one.Lots, all.Lots)
		}
	})
	t.Run("lots page with a bookmark", func(t *testing.T) {
		var p1, p2 model.LotPage
		e.mustEval(&p1, hsp, "lot:List", "", "2", "")
		e.mustEval(&p2, hsp, "lot:List", "", "2", p1.Bookmark)
		if len(p1.Lots) != 2 || len(p2.Lots) != 1 || p1.Bookmark == "" {
			t.Fatalf("pages %+v / %+v", p1, p2)
		}
	})

	e.commission("c1", 1, 1)
	e.shipAndReceive("s1", mfr, dst, deviceCode(1))
	e.must(nil, reg, "recall:Start", lotRecall("R1", model.DepthRetail))
	e.must(nil, dst, "recall:Acknowledge", model.AckRequest{RecallID: "R1"})
	t.Run("recalls are listed without their acknowledgements", func(t *testing.T) {
		var p model.RecallPage
		e.mustEval(&p, hsp, "recall:List", "0", "")
		if len(p.Recalls) != 1 || p.Recalls[0].ID != "R1" || p.Recalls[0].InitiatedBy != reg {
			t.Fatalf("recalls %+v", p.Recalls)
		}
	})
}
