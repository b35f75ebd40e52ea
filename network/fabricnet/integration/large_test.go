package integration

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/hyperledger/fabric-gateway/pkg/client"
	"github.com/hyperledger/fabric-protos-go-apiv2/common"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"google.golang.org/protobuf/proto"

	"github.com/udiledger/udiledger/chaincode/model"
	"github.com/udiledger/udiledger/gateway/ledger"
	"github.com/udiledger/udiledger/network/fabricnet"
	"github.com/udiledger/udiledger/network/fabricnet/fabricnettest"
)

// The large lot: 10 commissions of model.MaxCommission codes, the first packed into 100
// cases of 100 units on one pallet.
const (
	largeLot     = "BIG1"
	largeBatches = 10
	casesPerPal  = 100
	unitsPerCase = model.MaxCommission / casesPerPal
)

func largeCode(n int) string { return fmt.Sprintf("(01)%s(21)BIG%06d", fixtureGTIN, n) }

var (
	caseGTIN   = withCheck("1690123400077") // case level of the fixture product
	palletCode = "(00)" + withCheck("06901234000000001")
)

func caseCodeOf(n int) string { return fmt.Sprintf("(01)%s(21)CS%04d", caseGTIN, n) }

func largeCodes(from, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = largeCode(from + i)
	}
	return out
}

// commissionLarge commissions batch b of the large lot in one transaction and returns it.
func (s *suite) commissionLarge(t testing.TB, b int) (*ledger.Result, time.Duration) {
	t.Helper()
	start := time.Now()
	res := s.must(t, mfr, "unit:Commission", model.CommissionRequest{EventHeader: model.EventHeader{EventID: fmt.Sprintf("big-commission-%d", b), Location: mfrGLN},
		DI: fixtureGTIN, Lot: largeLot, Codes: largeCodes(b*model.MaxCommission, model.MaxCommission)})
	return res, time.Since(start)
}

// largeCommission commits a commission of model.MaxCommission codes, reads back its last
// unit and counts the lot through a draft recall's scope, and logs the transaction's sizes.
func (s *suite) largeCommission(t *testing.T) {
	s.registerLargeLot(t)
	res, took := s.commissionLarge(t, 0)
	t.Logf("commission of %d codes in one transaction: %.1f s (block %d)", model.MaxCommission, took.Seconds(), res.BlockNumber)
	s.logSizes(t, mfr, res)

	if u := s.view(t, largeCode(model.MaxCommission-1)); u.Unit.Owner != mfr || u.Unit.Lot != largeLot {
		t.Fatalf("last unit of the commission: %+v", u.Unit)
	}
	req := largeRecall()
	req.Draft = true
	s.must(t, reg, "recall:Start", req)
	if st, _ := s.scope(t); st.Counts.Total != model.MaxCommission {
		t.Fatalf("the lot counts %d units, want %d", st.Counts.Total, model.MaxCommission)
	}
}

func (s *suite) registerLargeLot(t testing.TB) {
	t.Helper()
	now := time.Now().UTC()
	s.must(t, mfr, "lot:Register", model.Lot{DI: fixtureGTIN, Lot: largeLot, Expiry: model.DateOf(now.AddDate(1, 0, 0)), Quantity: largeBatches * model.MaxCommission})
}

// view reads a unit's view as the regulator.
func (s *suite) view(t testing.TB, code string) model.UnitView {
	t.Helper()
	var v model.UnitView
	if err := s.evaluate(reg, "query:Unit", &v, code); err != nil {
		t.Fatalf("query:Unit %s: %v", code, err)
	}
	return v
}

func largeRecall() model.RecallRequest {
	return model.RecallRequest{ID: "big-recall", Class: model.RecallClassI, Depth: model.DepthRetail, Reason: "sterility breach",
		Scope: model.RecallScope{Type: model.ScopeLot, DI: fixtureGTIN, Lot: largeLot}}
}

// scope evaluates the large recall's scope as the regulator and logs how long it took.
func (s *suite) scope(t testing.TB) (model.RecallStatus, time.Duration) {
	t.Helper()
	var st model.RecallStatus
	start := time.Now()
	if err := s.evaluate(reg, "recall:Scope", &st, "big-recall", "false"); err != nil {
		t.Fatalf("recall:Scope: %v", err)
	}
	took := time.Since(start)
	t.Logf("recall scope of %d units: %.1f s", st.Counts.Total, took.Seconds())
	return st, took
}

// largePallet packs the first commission into 100 cases of 100 on one pallet and ships the
// pallet, 10,000 units, in one transaction; it returns the time of the packing and of the
// shipment.
func (s *suite) largePallet(t testing.TB) (pack, ship time.Duration) {
	start := time.Now()
	var wg sync.WaitGroup
	errs := make([]error, casesPerPal)
	sem := make(chan struct{}, 10)
	for c := range casesPerPal {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			_, errs[c] = s.submit(mfr, "unit:Pack", model.PackRequest{EventHeader: model.EventHeader{EventID: fmt.Sprintf("big-case-%d", c)},
				Parent: caseCodeOf(c), Children: largeCodes(c*unitsPerCase, unitsPerCase)})
		}()
	}
	wg.Wait()
	cases := make([]string, casesPerPal)
	for c, err := range errs {
		if err != nil {
			t.Fatalf("pack case %d: %v", c, err)
		}
		cases[c] = caseCodeOf(c)
	}
	s.must(t, mfr, "unit:Pack", model.PackRequest{EventHeader: model.EventHeader{EventID: "big-pallet"}, Parent: palletCode, Children: cases})
	pack = time.Since(start)
	t.Logf("%d cases and their pallet packed: %.1f s", casesPerPal, pack.Seconds())

	start = time.Now()
	res := s.must(t, mfr, "unit:Ship", model.ShipRequest{EventHeader: model.EventHeader{EventID: "big-ship"}, To: dst, Codes: []string{palletCode}})
	ship = time.Since(start)
	t.Logf("shipment of a pallet of %d units in one transaction: %.1f s", model.MaxCommission, ship.Seconds())
	s.logSizes(t, mfr, res)
	// The units ride in the pallet: the shipment writes the pallet, each unit's view follows
	// its outermost container.
	if u := s.view(t, largeCode(model.MaxCommission-1)); u.Stage != model.StatusInTransit || len(u.Chain) != 2 || u.Chain[1] != palletCode {
		t.Fatalf("a unit of the shipped pallet: stage %s, chain %v", u.Stage, u.Chain)
	}
	return pack, ship
}

// BenchmarkLargeLotOnFabric runs the largest transactions UDI Ledger allows on a real
// five-organisation network brought up from nothing (BatchTimeout 100 ms, as TestFabric):
// ten commissions of model.MaxCommission codes into one lot, the first packed into 100 cases
// of 100 units on one pallet shipped in one transaction, and the scope of the lot's recall,
// 100,000 units, in one evaluate. It reports the seconds of each step. Its commissions take
// minutes on two cores, which is why it is a benchmark and not part of TestFabric (ADR 035):
//
//	UDI_FABRIC_IT=1 go test -run '^$' -bench LargeLotOnFabric -benchtime 1x -timeout 40m ./network/fabricnet/integration/
func BenchmarkLargeLotOnFabric(b *testing.B) {
	n, cfg := fabricnettest.Start(b, addressPrefix, func(c *fabricnet.Config) { c.BatchTimeout = batchTimeout })
	s := newSuite(b, n, cfg)
	ctx, cancel := context.WithTimeout(context.Background(), 40*time.Minute)
	b.Cleanup(cancel)
	s.ctx = ctx
	s.seedCapture(b)
	s.registerLargeLot(b)

	var commissions time.Duration
	res, took := s.commissionLarge(b, 0)
	commissions += took
	s.logSizes(b, mfr, res)
	pack, ship := s.largePallet(b)
	for batch := 1; batch < largeBatches; batch++ {
		_, took := s.commissionLarge(b, batch)
		commissions += took
	}
	b.Logf("%d commissions of %d codes: %.1f s, %.1f s each", largeBatches, model.MaxCommission, commissions.Seconds(), commissions.Seconds()/largeBatches)
	s.must(b, reg, "recall:Start", largeRecall())
	st, scope := s.scope(b)
	if st.Counts.Total != largeBatches*model.MaxCommission {
		b.Fatalf("scope total %d, want %d", st.Counts.Total, largeBatches*model.MaxCommission)
	}
	b.ReportMetric(commissions.Seconds()/largeBatches, "s/commission-10k")
	b.ReportMetric(pack.Seconds(), "s/pack-100-cases")
	b.ReportMetric(ship.Seconds(), "s/ship-pallet-10k")
	b.ReportMetric(scope.Seconds(), "s/scope-100k")
}

// logSizes reads a committed transaction and its block back from the submitter's peer and
// logs their sizes: what the orderer's BatchSize and every gRPC limit must let through.
func (s *suite) logSizes(t testing.TB, submitter string, res *ledger.Result) {
	t.Helper()
	o, _ := s.net.Org(submitter)
	gw, closeGW := rawGateway(t, s.net, o)
	defer closeGW()
	qscc := gw.GetNetwork(s.net.Channel).GetContract("qscc")
	b, err := qscc.EvaluateWithContext(s.ctx, "GetTransactionByID", client.WithArguments(s.net.Channel, res.TxID))
	if err != nil {
		t.Fatalf("qscc GetTransactionByID: %v", err)
	}
	var pt peer.ProcessedTransaction
	var pl common.Payload
	var tx peer.Transaction
	var ap peer.ChaincodeActionPayload
	var prp peer.ProposalResponsePayload
	var ca peer.ChaincodeAction
	must := func(b []byte, m proto.Message) {
		t.Helper()
		if err := proto.Unmarshal(b, m); err != nil {
			t.Fatal(err)
		}
	}
	must(b, &pt)
	env := pt.GetTransactionEnvelope()
	must(env.GetPayload(), &pl)
	must(pl.GetData(), &tx)
	must(tx.GetActions()[0].GetPayload(), &ap)
	must(ap.GetAction().GetProposalResponsePayload(), &prp)
	must(prp.GetExtension(), &ca)
	block, err := qscc.EvaluateWithContext(s.ctx, "GetBlockByNumber", client.WithArguments(s.net.Channel, fmt.Sprint(res.BlockNumber)))
	if err != nil {
		t.Fatalf("qscc GetBlockByNumber: %v", err)
	}
	mib := func(n int) string { return fmt.Sprintf("%.2f MiB", float64(n)/(1<<20)) }
	t.Logf("sizes: envelope %s (proposal input %s, rwset %s, event %s, response %s, %d endorsements); block %d: %s",
		mib(proto.Size(env)), mib(len(ap.GetChaincodeProposalPayload())), mib(len(ca.GetResults())), mib(len(ca.GetEvents())),
		mib(len(ca.GetResponse().GetPayload())), len(ap.GetAction().GetEndorsements()), res.BlockNumber, mib(len(block)))
}
