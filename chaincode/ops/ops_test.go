package ops_test

import (
	"strings"
	"testing"

	"github.com/udiledger/udiledger/chaincode/model"
	"github.com/udiledger/udiledger/chaincode/ops"
)

func TestReadsEncodeTheirFieldsInOrder(t *testing.T) {
	tests := []struct {
		name string
		give any
		want []string
	}{
		{"a code", model.CodeQuery{Code: "(01)1"}, []string{"(01)1"}},
		{"a holder's page", model.HolderQuery{MSPID: "M", PageQuery: model.PageQuery{PageSize: 10, Bookmark: "b"}}, []string{"M", "10", "b"}},
		{"a scope with units", model.ScopeQuery{RecallID: "R", Units: true}, []string{"R", "true"}},
		{"nothing", model.NoQuery{}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ops.Args(tt.give)
			if err != nil || len(got) != len(tt.want) {
				t.Fatalf("Args = %q, %v, want %q", got, err, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Fatalf("Args = %q, want %q", got, tt.want)
				}
			}
		})
	}
}

// A dispense is two calls: the private part travels in the first's transient map only, and
// the second, public, carries the hashes the first answered.
func TestADispenseSendsItsPrivatePartInTheTransientMapOnly(t *testing.T) {
	in := model.DispenseInput{
		DispenseRequest: model.DispenseRequest{EventHeader: model.EventHeader{EventID: "e1"}, Codes: []string{"c"}},
		DispensePrivate: model.DispensePrivate{PatientRef: "patient-42", Salt: "0123456789abcdef"},
	}
	c, err := ops.Dispense.Encode(in)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Args) != 1 || c.Function != "unit:PrepareDispense" || contains(c.Args[0], "patient-42") {
		t.Fatalf("call %+v carries the patient reference in its arguments", c)
	}
	if !contains(string(c.Transient[model.TransientDispense]), "patient-42") {
		t.Fatalf("transient %q lacks the patient reference", c.Transient)
	}
	if c.Then == nil {
		t.Fatal("a dispense is one call: nothing records it publicly")
	}
	next, err := c.Then([]byte(`{"eventId":"e1","patientHash":"ph","recordHash":"rh"}`))
	if err != nil {
		t.Fatal(err)
	}
	if next.Function != "unit:Dispense" || len(next.Transient) != 0 || contains(next.Args[0], "patient-42") ||
		!contains(next.Args[0], `"patientHash":"ph"`) || !contains(next.Args[0], `"recordHash":"rh"`) {
		t.Fatalf("the public call %+v: want unit:Dispense with the prepared hashes and no patient reference", next)
	}
}

func TestAStringAnswerIsReadRawOrAsJSON(t *testing.T) {
	for _, give := range []string{`0.1.0`, `"0.1.0"`} {
		v, err := ops.Version.Decode([]byte(give))
		if err != nil || *v != "0.1.0" {
			t.Fatalf("Decode(%s) = %v, %v", give, v, err)
		}
	}
}

func TestEveryOperationIsNamedOnce(t *testing.T) {
	seen := map[string]bool{}
	for _, op := range ops.All {
		if seen[op.Name()] {
			t.Fatalf("%s is described twice", op.Name())
		}
		seen[op.Name()] = true
		if d, ok := ops.ByName(op.Name()); !ok || d.Kind() != op.Kind() {
			t.Fatalf("ByName(%s) = %v, %v", op.Name(), d, ok)
		}
	}
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }
