// Command udi-chaincode runs the UDI Ledger chaincode as a chaincode-as-a-service server: the
// peer dials it at CHAINCODE_SERVER_ADDRESS and knows it by CHAINCODE_ID (the package ID).
//
// Environment: that of every chaincode server (see chaincode/cmd/internal/ccserver:
// CHAINCODE_ID, CHAINCODE_SERVER_ADDRESS, CHAINCODE_TLS_CERT, CHAINCODE_TLS_KEY,
// CHAINCODE_TLS_CLIENT_CA, UDI_PPROF_ADDRESS), and
//
//	UDI_DISPENSE_COLLECTION    private data collection for dispense details; "{msp}" is replaced
//	                           with the dispensing MSP ID (default "dispense-{msp}")
package main

import (
	"log"
	"os"

	"github.com/udiledger/udiledger/chaincode/cmd/internal/ccserver"
	"github.com/udiledger/udiledger/chaincode/contract"
)

func main() {
	cc, err := contract.NewWithConfig(contract.Config{DispenseCollection: os.Getenv("UDI_DISPENSE_COLLECTION")})
	if err == nil {
		err = ccserver.Serve("udi-chaincode", cc)
	}
	if err != nil {
		log.Fatalf("udi-chaincode: %v", err)
	}
}
