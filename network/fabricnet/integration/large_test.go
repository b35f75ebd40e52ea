package integration

import (
	"fmt"
	"testing"
	"time"

	"github.com/hyperledger/fabric-gateway/pkg/client"
	"github.com/hyperledger/fabric-protos-go-apiv2/common"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"google.golang.org/protobuf/proto"

	"github.com/udiledger/udiledger/chaincode/model"
	"github.com/udiledger/udiledger/gateway/ledger"
)

// The large lot: 10 commissions of model.MaxCommission codes.
const (
	largeLot     = "BIG1"
	largeBatches = 10
)

func largeCode(n int) string { return fmt.Sprintf("(01)%s(21)BIG%06d", fixtureGTIN, n) }

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
