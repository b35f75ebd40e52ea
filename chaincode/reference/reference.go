// Package reference is the benchmarks' reference chaincode: the cost of Fabric alone (same
// contract API, same server, same endorsement policy as the UDI Ledger chaincode) with no
// business logic. reference:Put(key, value) writes value under key with one blind PutState;
// reference:Get(key) returns it.
package reference

import (
	"fmt"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"
)

// Reference is the contract: one blind write, one read.
type Reference struct {
	contractapi.Contract
}

// Put writes value under key without reading anything.
func (Reference) Put(ctx contractapi.TransactionContextInterface, key, value string) error {
	return ctx.GetStub().PutState(key, []byte(value))
}

// Get returns the value under key.
func (Reference) Get(ctx contractapi.TransactionContextInterface, key string) (string, error) {
	b, err := ctx.GetStub().GetState(key)
	if err != nil {
		return "", err
	}
	if b == nil {
		return "", fmt.Errorf("NOT_FOUND: no value under %q", key)
	}
	return string(b), nil
}

// GetEvaluateTransactions marks Get as a read in the contract metadata.
func (Reference) GetEvaluateTransactions() []string { return []string{"Get"} }

// The reference's transactions, as a ledger.Proposal names them.
const (
	Put = "reference:Put"
	Get = "reference:Get"
)

// New returns the reference chaincode.
func New() (*contractapi.ContractChaincode, error) {
	return contractapi.NewChaincode(&Reference{Contract: contractapi.Contract{Name: "reference"}})
}
