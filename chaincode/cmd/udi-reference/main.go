// Command udi-reference runs the reference chaincode as a service: the cost of Fabric alone
// (same contract API, same server, same endorsement policy as udi-chaincode) with no business
// logic, which `udi bench` sets beside the UDI Ledger chaincode.
//
// Transactions: reference:Put(key, value) writes value under key with one blind PutState (no
// read); reference:Get(key) returns it.
//
// Environment: that of every chaincode server (see chaincode/cmd/internal/ccserver:
// CHAINCODE_ID, CHAINCODE_SERVER_ADDRESS, CHAINCODE_TLS_CERT, CHAINCODE_TLS_KEY,
// CHAINCODE_TLS_CLIENT_CA, UDI_PPROF_ADDRESS).
package main

import (
	"log"

	"github.com/udiledger/udiledger/chaincode/cmd/internal/ccserver"
	"github.com/udiledger/udiledger/chaincode/reference"
)

func main() {
	cc, err := reference.New()
	if err == nil {
		err = ccserver.Serve("udi-reference", cc)
	}
	if err != nil {
		log.Fatalf("udi-reference: %v", err)
	}
}
