package event

import (
	"context"
	"strings"
	"testing"

	"github.com/udiledger/udiledger/chaincode/model"
	"github.com/udiledger/udiledger/chaincode/ops"
	"github.com/udiledger/udiledger/chaincode/orgs"
	"github.com/udiledger/udiledger/cli/internal/clitest"
	"github.com/udiledger/udiledger/cli/internal/cmdutil"
	"github.com/udiledger/udiledger/gateway/ledger"
)

func TestReturnsReworkAndRestock(t *testing.T) {
	g := clitest.StoryGateway(t)
	ctx := context.Background()
	codes := commissioned(t, g, "0690123400048", 4)
	di := codes[0][4:18]
	do := func(msp string, op ops.Descriptor, req any) {
		t.Helper()
		if _, err := ledger.Run(ctx, g.Client(t, msp), nil, op, req); err != nil {
			t.Fatalf("%s as %s: %v", op.Name(), msp, err)
		}
	}
	run := func(msp, name string, args ...string) (string, int) {
		_, errOut, exit := clitest.RunWith(ctx, clitest.Input{Env: g.Env(msp)}, cmd(name), args...)
		t.Logf("$ udi %s %s\n%s", name, strings.Join(args, " "), errOut)
		return errOut, exit
	}
	lotCode := "(01)" + di + "(10)E1"
	do(orgs.Manufacturer, ops.Commission, model.CommissionRequest{EventHeader: model.EventHeader{EventID: "test:q"}, DI: di, Lot: "E1", Quantity: 20})
	do(orgs.Manufacturer, ops.Ship, model.ShipRequest{EventHeader: model.EventHeader{EventID: "test:s"}, To: orgs.Distributor, Codes: codes,
		Quantities: []model.QuantityElement{{Code: lotCode, Quantity: 20}}})
	do(orgs.Distributor, ops.Receive, model.ReceiveRequest{EventHeader: model.EventHeader{EventID: "test:r"}, Codes: codes,
		Quantities: []model.QuantityElement{{Code: lotCode, Quantity: 20, From: orgs.Manufacturer}}})

	t.Run("an ordinary return is restocked", func(t *testing.T) {
		if _, exit := run(orgs.Distributor, "return", "--reason", "overstock", codes[3]); exit != 0 {
			t.Fatalf("return: exit %d", exit)
		}
		if _, exit := run(orgs.Manufacturer, "receive", codes[3]); exit != 0 || status(t, g, codes[3]) != model.StatusReturned {
			t.Fatalf("receive: exit %d", exit)
		}
		if _, exit := run(orgs.Manufacturer, "restock", "--reason", "seal intact", codes[3]); exit != 0 || status(t, g, codes[3]) != model.StatusActive {
			t.Fatalf("restock: exit %d", exit)
		}
	})

	do(orgs.Manufacturer, ops.StartRecall, model.RecallRequest{ID: "RC-cli", Class: model.RecallClassII, Depth: model.DepthRetail, Reason: "IFU",
		Scope: model.RecallScope{Type: model.ScopeLot, DI: di, Lot: "E1"}})
	t.Run("units and quantities go back under the recall; the firm re-works and destroys them", func(t *testing.T) {
		if _, exit := run(orgs.Distributor, "return", "--reason", "recall", "--recall", "RC-cli", "--quantity", lotCode+"=20", codes[0], codes[1]); exit != 0 {
			t.Fatalf("return: exit %d", exit)
		}
		do(orgs.Manufacturer, ops.Receive, model.ReceiveRequest{EventHeader: model.EventHeader{EventID: "test:acc"}, Codes: codes[:2],
			Quantities: []model.QuantityElement{{Code: lotCode, Quantity: 20, From: orgs.Distributor}}})
		if _, exit := run(orgs.Manufacturer, "rework", "--recall", "RC-cli", "--reason", "relabelled", codes[0]); exit != 0 || status(t, g, codes[0]) != model.StatusActive {
			t.Fatalf("rework: exit %d", exit)
		}
		if _, exit := run(orgs.Manufacturer, "destroy", "--reason", "incinerated", "--recall", "RC-cli", "--from-returned", "--quantity", lotCode+"=20", codes[1]); exit != 0 {
			t.Fatalf("destroy: exit %d", exit)
		}
		sv, err := ledger.Do(ctx, g.Client(t, orgs.Manufacturer), nil, ops.Stock, model.CodeQuery{Code: lotCode})
		if err != nil || len(sv.Value.Destroyed) != 1 || sv.Value.Destroyed[0].Quantity != 20 {
			t.Fatalf("stock %+v %v", sv, err)
		}
	})
	t.Run("a restock of a recalled return is refused with the reason", func(t *testing.T) {
		_, _ = run(orgs.Distributor, "return", "--reason", "damaged", codes[2])
		_, _ = run(orgs.Manufacturer, "receive", codes[2])
		if errOut, exit := run(orgs.Manufacturer, "restock", codes[2]); exit != cmdutil.ExitRejected || !strings.Contains(errOut, "recalled") {
			t.Fatalf("restock: exit %d", exit)
		}
	})
	for _, tt := range []struct {
		name string
		args []string
		want string
	}{
		{"rework", []string{"--reason", "x", codes[0]}, "--recall is required"},
		{"return", []string{"--reason", "x", "--quantity", "nonsense"}, "want CODE=N"},
		{"return", []string{"--reason", "x", "--quantity", lotCode + "=0"}, "from 1 to"},
		{"destroy", []string{"--reason", "x", "--quantity", codes[0] + "=3"}, "no serial"},
		{"destroy", []string{"--reason", "x", "--from-returned", codes[0]}, "give --quantity"},
		{"restock", []string{"--quantity", lotCode + "=1", "--quantity", lotCode + "=2"}, "given twice"},
	} {
		t.Run("refuses "+tt.name+" "+strings.Join(tt.args, " "), func(t *testing.T) {
			if errOut, exit := run(orgs.Distributor, tt.name, tt.args...); exit != cmdutil.ExitInvalid || !strings.Contains(errOut, tt.want) {
				t.Fatalf("exit %d: %s", exit, errOut)
			}
		})
	}
}
