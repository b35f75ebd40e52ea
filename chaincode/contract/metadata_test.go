package contract

import (
	"context"
	"encoding/json"
	"slices"
	"testing"

	"github.com/udiledger/udiledger/gateway/ledger"
)

// TestReadOnlyTransactionsAreEvaluate checks, from the chaincode's own metadata, that every
// query is tagged evaluate and every state change submit.
func TestReadOnlyTransactionsAreEvaluate(t *testing.T) {
	e := newEnv(t)
	b, err := e.eng.Evaluate(context.Background(), ledger.Proposal{Identity: e.identity(reg), Function: "org.hyperledger.fabric:GetMetadata"})
	if err != nil {
		t.Fatal(err)
	}
	var md struct {
		Contracts map[string]struct {
			Transactions []struct {
				Name string   `json:"name"`
				Tag  []string `json:"tag"`
			} `json:"transactions"`
		} `json:"contracts"`
	}
	if err := json.Unmarshal(b, &md); err != nil {
		t.Fatal(err)
	}
	evaluate := map[string][]string{
		"party":   {"Get", "List", "ExpiringLicences"},
		"product": {"Get", "List"},
		"lot":     {"Get", "List"},
		"unit":    {"DispenseDetails"},
		"recall":  {"Get", "List", "Scope"},
		"query":   {"Provenance", "Verify", "UnitsByHolder", "EventsByTime", "Alerts", "Event", "Unit", "Stock"},
	}
	for name, want := range evaluate {
		t.Run("contract "+name+" tags exactly its queries as evaluate", func(t *testing.T) {
			c, ok := md.Contracts[name]
			if !ok {
				t.Fatalf("no contract %s", name)
			}
			for _, tx := range c.Transactions {
				isEval := slices.Contains(tx.Tag, "EVALUATE") || slices.Contains(tx.Tag, "evaluate")
				if isEval != slices.Contains(want, tx.Name) {
					t.Fatalf("%s:%s tags %v", name, tx.Name, tx.Tag)
				}
			}
		})
	}
}
