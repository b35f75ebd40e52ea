package contract

import (
	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/udiledger/udiledger/chaincode/model"
)

// InfoContract answers health checks.
type InfoContract struct {
	contractapi.Contract
}

func newInfoContract() *InfoContract {
	c := &InfoContract{}
	c.Name = "info"
	return c
}

// GetEvaluateTransactions lists the read-only transactions.
func (c *InfoContract) GetEvaluateTransactions() []string { return []string{"Version"} }

// Version returns the chaincode version.
func (c *InfoContract) Version() string { return model.ChaincodeVersion }
