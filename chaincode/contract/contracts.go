package contract

import (
	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"
)

// contracts lists every contract of the chaincode.
func contracts(cfg Config) []contractapi.ContractInterface {
	c := &cfg
	return []contractapi.ContractInterface{
		newPartyContract(c),
		newProductContract(c),
		newLotContract(c),
		newUnitContract(c),
		newRecallContract(c),
		newCaseContract(c),
		newEPCISContract(c),
		newQueryContract(c),
		newInfoContract(),
	}
}
