// Command udi-chaincode runs the UDI Ledger chaincode as a chaincode-as-a-service server: the
// peer dials it at CHAINCODE_SERVER_ADDRESS and knows it by CHAINCODE_ID (the package ID).
//
// Environment:
//
//	CHAINCODE_ID               package ID from `peer lifecycle chaincode calculatepackageid` (required)
//	CHAINCODE_SERVER_ADDRESS   listen address, e.g. 0.0.0.0:9999 (required)
//	CHAINCODE_TLS_CERT         PEM file of the server certificate; with CHAINCODE_TLS_KEY enables TLS
//	CHAINCODE_TLS_KEY          PEM file of the server private key
//	CHAINCODE_TLS_CLIENT_CA    PEM file of the CA that signs peers' client certificates (optional)
//	UDI_DISPENSE_COLLECTION    private data collection for dispense details; "{msp}" is replaced
//	                           with the dispensing MSP ID (default "dispense-{msp}")
package main

import (
	"errors"
	"fmt"
	"log"
	"os"

	"github.com/hyperledger/fabric-chaincode-go/v2/shim"

	"github.com/udiledger/udiledger/chaincode/contract"
)

func main() {
	if err := run(); err != nil {
		log.Fatalf("udi-chaincode: %v", err)
	}
}

func run() error {
	id := os.Getenv("CHAINCODE_ID")
	addr := os.Getenv("CHAINCODE_SERVER_ADDRESS")
	if id == "" || addr == "" {
		return errors.New("CHAINCODE_ID and CHAINCODE_SERVER_ADDRESS must be set")
	}
	tlsProps, err := tlsFromEnv()
	if err != nil {
		return err
	}
	cc, err := contract.NewWithConfig(contract.Config{DispenseCollection: os.Getenv("UDI_DISPENSE_COLLECTION")})
	if err != nil {
		return err
	}
	server := &shim.ChaincodeServer{CCID: id, Address: addr, CC: cc, TLSProps: tlsProps}
	log.Printf("udi-chaincode: serving %s on %s (tls %t)", id, addr, !tlsProps.Disabled) // #nosec G706 -- the operator's own settings
	return server.Start()
}

func tlsFromEnv() (shim.TLSProperties, error) {
	certFile, keyFile := os.Getenv("CHAINCODE_TLS_CERT"), os.Getenv("CHAINCODE_TLS_KEY")
	if certFile == "" && keyFile == "" {
		return shim.TLSProperties{Disabled: true}, nil
	}
	if certFile == "" || keyFile == "" {
		return shim.TLSProperties{}, errors.New("CHAINCODE_TLS_CERT and CHAINCODE_TLS_KEY must be set together")
	}
	props := shim.TLSProperties{}
	var err error
	// The files are the operator's, named in the service's environment.
	if props.Cert, err = os.ReadFile(certFile); err != nil { // #nosec G304 G703
		return props, fmt.Errorf("read tls cert: %w", err)
	}
	if props.Key, err = os.ReadFile(keyFile); err != nil { // #nosec G304 G703
		return props, fmt.Errorf("read tls key: %w", err)
	}
	if caFile := os.Getenv("CHAINCODE_TLS_CLIENT_CA"); caFile != "" {
		if props.ClientCACerts, err = os.ReadFile(caFile); err != nil { // #nosec G304 G703
			return props, fmt.Errorf("read tls client ca: %w", err)
		}
	}
	return props, nil
}
