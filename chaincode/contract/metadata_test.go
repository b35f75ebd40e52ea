package contract

import (
	"context"
	"encoding/json"
	"reflect"
	"slices"
	"testing"

	"github.com/udiledger/udiledger/chaincode/ops"
	"github.com/udiledger/udiledger/gateway/ledger"
)

type txMetadata struct {
	Name       string   `json:"name"`
	Tag        []string `json:"tag"`
	Parameters []struct {
		Name   string         `json:"name"`
		Schema map[string]any `json:"schema"`
	} `json:"parameters"`
}

func chaincodeTransactions(t *testing.T) map[string]txMetadata {
	t.Helper()
	e := newEnv(t)
	b, err := e.eng.Evaluate(context.Background(), ledger.Proposal{Identity: e.identity(reg), Function: "org.hyperledger.fabric:GetMetadata"})
	if err != nil {
		t.Fatal(err)
	}
	var md struct {
		Contracts map[string]struct {
			Transactions []txMetadata `json:"transactions"`
		} `json:"contracts"`
	}
	if err := json.Unmarshal(b, &md); err != nil {
		t.Fatal(err)
	}
	out := map[string]txMetadata{}
	for name, c := range md.Contracts {
		if name == "org.hyperledger.fabric" {
			continue
		}
		for _, tx := range c.Transactions {
			out[name+":"+tx.Name] = tx
		}
	}
	return out
}

// TestOperationsMatchTheChaincode checks the operation catalogue against the chaincode's own
// metadata: every transaction is described once, with the same kind (submit or evaluate)
// and as many parameters as its request encodes to, and every description names a
// transaction that exists.
func TestOperationsMatchTheChaincode(t *testing.T) {
	txs := chaincodeTransactions(t)
	for name, tx := range txs {
		t.Run(name+" is described with its kind and parameters", func(t *testing.T) {
			op, ok := ops.ByName(name)
			if !ok {
				t.Fatalf("%s has no description in package ops", name)
			}
			isEval := slices.Contains(tx.Tag, "EVALUATE") || slices.Contains(tx.Tag, "evaluate")
			if want := op.Kind() == ops.Evaluate; isEval != want {
				t.Fatalf("chaincode tags %s %v, the description says %s", name, tx.Tag, op.Kind())
			}
			// A zero request encodes each parameter as its type's zero: "", "0" or "false".
			zero := []string{"{}"}
			if op.Kind() == ops.Evaluate {
				var err error
				if zero, err = ops.Args(reflect.New(op.RequestType()).Elem().Interface()); err != nil {
					t.Fatal(err)
				}
			}
			if len(tx.Parameters) != len(zero) {
				t.Fatalf("%s takes %d parameters, its request encodes to %d", name, len(tx.Parameters), len(zero))
			}
			for i, p := range tx.Parameters {
				want := map[string]string{"": "string", "0": "integer", "false": "boolean"}[zero[i]]
				if op.Kind() == ops.Evaluate && p.Schema["type"] != want {
					t.Errorf("parameter %d (%s) of %s is %v, its request field encodes as %s", i, p.Name, name, p.Schema["type"], want)
				}
			}
		})
	}
	for _, op := range ops.All {
		if _, ok := txs[op.Name()]; !ok {
			t.Errorf("package ops describes %s, which the chaincode does not have", op.Name())
		}
	}
}
