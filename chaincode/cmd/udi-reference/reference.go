package main

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

func newChaincode() (*contractapi.ContractChaincode, error) {
	return contractapi.NewChaincode(&Reference{Contract: contractapi.Contract{Name: "reference"}})
}
