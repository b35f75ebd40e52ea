// Package contract holds the UDI Ledger contracts (fabric-contract-api-go): one contract per
// aggregate, the single source of the business rules. The same *contractapi.ContractChaincode
// built by New runs as a chaincode-as-a-service server on Fabric and in-process in the
// embedded ledger engine.
package contract

import (
	"fmt"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/udiledger/udiledger/chaincode/model"
)

// Config holds what differs between deployments of the same chaincode.
type Config struct {
	// DispenseCollection names the private data collection that receives dispense details
	// (patient and prescription references). The text "{msp}" in it is replaced with the
	// dispensing organisation's MSP ID: one collection per dispenser, the regulator its second
	// member (chaincode/orgs). Empty means model.DispenseCollection ("dispense-{msp}").
	DispenseCollection string
}

// New builds the chaincode with the default configuration.
func New() (*contractapi.ContractChaincode, error) {
	return NewWithConfig(Config{})
}

// NewWithConfig builds the chaincode: every contract, named, with the serializer that keeps
// error codes on argument errors.
func NewWithConfig(cfg Config) (*contractapi.ContractChaincode, error) {
	if cfg.DispenseCollection == "" {
		cfg.DispenseCollection = model.DispenseCollection
	}
	cc, err := contractapi.NewChaincode(contracts(cfg)...)
	if err != nil {
		return nil, fmt.Errorf("build chaincode: %w", err)
	}
	cc.TransactionSerializer = serializer{}
	cc.Info.Title = "udi-ledger"
	cc.Info.Version = model.ChaincodeVersion
	return cc, nil
}
