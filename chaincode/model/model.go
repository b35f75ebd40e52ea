// Package model is the UDI Ledger data model and vocabulary shared by the chaincode, the
// gateway and the CLI: parties, products, lots, units, containers, recalls, alerts, EPCIS 2.0
// events, the request and response of every transaction, the error codes, and the pure rules
// (status transitions, licence validity, expiry, ownership). It imports only the standard
// library, so programs that do not run chaincode can use it without the Fabric shim.
package model

import "strings"

// ChaincodeVersion is reported in the chaincode metadata.
const ChaincodeVersion = "0.1.0"

// DispenseCollection is the default name pattern of the private data collections of dispense
// details: one collection per dispensing organisation, "{msp}" standing for its MSP ID.
const DispenseCollection = "dispense-{msp}"

// DispenseCollectionOf names the dispense details collection of an organisation under a
// pattern such as DispenseCollection.
func DispenseCollectionOf(pattern, msp string) string {
	return strings.ReplaceAll(pattern, "{msp}", msp)
}
