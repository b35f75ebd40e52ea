package contract

import "testing"

func TestNewBuildsEveryContract(t *testing.T) {
	cc, err := New()
	if err != nil {
		t.Fatalf("New() error = %v", err)
	}
	if cc == nil {
		t.Fatal("New() returned nil chaincode")
	}
}
