package integration

import (
	"testing"

	"github.com/udiledger/udiledger/chaincode/model"
	"github.com/udiledger/udiledger/cli/bench"
	"github.com/udiledger/udiledger/cli/demo"
	"github.com/udiledger/udiledger/gateway/ledger"
	"github.com/udiledger/udiledger/network/fabricnet"
	"github.com/udiledger/udiledger/network/fabricnet/fabricnettest"
)

// benchSmoke runs every phase of `udi bench` on the network, beside the reference chaincode
// it deploys, with the smoke profile (seconds): what `udi bench --backend fabric` runs.
func (s *suite) benchSmoke(t *testing.T) {
	env := bench.Env{Backend: "fabric", Via: "ledger", Inv: &ledger.Caller{Client: s.client}, Log: fabricnettest.LogWriter{T: t},
		Actors: demo.Actors{Regulator: s.ids[reg], Manufacturer: s.ids[mfr], Distributor: s.ids[dst], Platform: s.ids[plt], Hospital: s.ids[hsp]}}
	closeRef, err := bench.OnFabric(s.ctx, &env, s.cfg, t.TempDir(), fabricnettest.LogWriter{T: t})
	if err != nil {
		t.Fatal(err)
	}
	defer closeRef()
	r, err := bench.Run(s.ctx, env, bench.Smoke)
	if err != nil {
		t.Fatal(err)
	}
	if r.ScanTxPerS <= 0 || r.TrivialTxPerS <= 0 || r.RatioToTrivial <= 0 || r.BatchedEventsPerS <= 0 || r.CommitP99Ms <= 0 ||
		r.Commission10kS <= 0 || r.Pallet10kShipS <= 0 || r.ProvenanceP99Ms <= 0 || r.RecallUnits != bench.Smoke.RecallUnits {
		t.Errorf("report %+v", r)
	}
	for _, kind := range []string{fabricnet.KindPeer, fabricnet.KindOrderer, fabricnet.KindChaincode, fabricnet.KindReference, "udi"} {
		if r.RSSMB[kind] <= 0 {
			t.Errorf("no memory of the %s processes: %v", kind, r.RSSMB)
		}
	}
}

// largeScope commissions the rest of the large lot (the first 10,000 codes are the
// commission subtest's), starts its recall and reads the scope: 100,000 units in one
// evaluate.
func (s *suite) largeScope(t *testing.T) {
	for batch := 1; batch < largeBatches; batch++ {
		_, took := s.commissionLarge(t, batch)
		t.Logf("commission %d of %d: %.1f s", batch+1, largeBatches, took.Seconds())
	}
	s.must(t, reg, "recall:Start", largeRecall())
	if st, _ := s.scope(t); st.Counts.Total != largeBatches*model.MaxCommission || st.Counts.InStock != largeBatches*model.MaxCommission {
		t.Fatalf("scope counts %+v, want all %d units in stock", st.Counts, largeBatches*model.MaxCommission)
	}
}
