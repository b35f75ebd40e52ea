package routes_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/udiledger/udiledger/chaincode/ops"
	"github.com/udiledger/udiledger/gateway/ledger"
	"github.com/udiledger/udiledger/gateway/ledger/devledger"
	"github.com/udiledger/udiledger/gateway/routes"
)

// chaincodeTransactions reads the transactions of the chaincode's own metadata, as a peer
// answers org.hyperledger.fabric:GetMetadata.
func chaincodeTransactions(t *testing.T) []string {
	t.Helper()
	led, err := devledger.Open(t.TempDir(), devledger.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = led.Close() })
	id, err := led.Admin(devledger.Regulator)
	if err != nil {
		t.Fatal(err)
	}
	b, err := led.Evaluate(context.Background(), ledger.Proposal{Identity: id, Function: "org.hyperledger.fabric:GetMetadata"})
	if err != nil {
		t.Fatal(err)
	}
	var md struct {
		Contracts map[string]struct {
			Transactions []struct {
				Name string `json:"name"`
			} `json:"transactions"`
		} `json:"contracts"`
	}
	if err := json.Unmarshal(b, &md); err != nil {
		t.Fatal(err)
	}
	var out []string
	for name, c := range md.Contracts {
		if name == "org.hyperledger.fabric" {
			continue
		}
		for _, tx := range c.Transactions {
			out = append(out, name+":"+tx.Name)
		}
	}
	return out
}

func TestEveryTransactionIsRoutedOrInternal(t *testing.T) {
	txs := chaincodeTransactions(t)
	if len(txs) < len(ops.All) {
		t.Fatalf("the chaincode lists %d transactions, the catalogue %d", len(txs), len(ops.All))
	}
	for _, name := range txs {
		_, routed := routes.ForOp(name)
		why, internal := routes.Internal[name]
		switch {
		case routed && internal:
			t.Errorf("%s is routed and also marked internal (%s)", name, why)
		case !routed && !internal:
			t.Errorf("%s is neither routed nor marked internal: add its row to routes.Table", name)
		}
	}
}

func TestTheTableIsConsistent(t *testing.T) {
	seen := map[string]bool{}
	for _, rt := range routes.Table {
		key := rt.Method + " " + rt.Path
		if seen[key] {
			t.Errorf("%s is in the table twice", key)
		}
		seen[key] = true
		if (rt.Op == nil) == (rt.Own == "") {
			t.Errorf("%s names both or neither of an operation and an own handler", key)
		}
		if rt.Op == nil {
			continue
		}
		if rt.Op.Kind() == ops.Evaluate && rt.Method != "GET" {
			t.Errorf("%s reads (%s) but is not a GET", key, rt.Op.Name())
		}
		if rt.Op.Kind() == ops.Submit && rt.Method == "GET" {
			t.Errorf("%s writes (%s) but is a GET", key, rt.Op.Name())
		}
		fields := routes.Fields(rt.Op.RequestType())
		for _, p := range append(rt.PathParams(), paramsOf(rt.Location)...) {
			if _, ok := fields[p]; !ok {
				t.Errorf("%s: path parameter {%s} is no field of %s", key, p, rt.Op.RequestType())
			}
		}
	}
}

func paramsOf(path string) []string {
	return routes.Route{Path: path}.PathParams()
}
