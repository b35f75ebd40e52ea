// Package integration holds the real-Fabric integration suite of UDI Ledger: one five-
// organisation network brought up from nothing (fabricnettest, addresses 127.0.102.*), the
// Fabric ledger backend acting as each organisation's cryptogen admin, and the same chaincode
// and demo story as on the embedded ledger. It has no code outside its tests.
package integration
