// Package ledger defines the one interface through which the gateway and the CLI reach the
// ledger. It has two implementations: the embedded engine (package embedded), which runs the
// chaincode in-process, and the Fabric backend (package fabric), which uses fabric-gateway.
package ledger

import (
	"context"
	"errors"
	"fmt"

	"github.com/udiledger/udiledger/chaincode/model"
)

// Identity is an X.509 identity of one organisation, as Fabric sees a transaction's creator.
type Identity struct {
	// Name is a local label such as "ManufacturerOrg/admin"; it never reaches the ledger.
	Name        string
	MSPID       string
	Certificate []byte // PEM-encoded X.509 certificate
	PrivateKey  []byte // PEM-encoded PKCS#8 private key; signs proposals and transactions
}

// Proposal is one chaincode call.
type Proposal struct {
	Identity  *Identity
	Function  string // "contract:function" as contractapi names it, e.g. "unit:Ship"
	Args      []string
	Transient map[string][]byte // private inputs; never part of the transaction's arguments
	// EndorsingOrgs optionally names the MSP IDs whose peers must endorse (key-level
	// endorsement on Fabric); the embedded engine ignores it.
	EndorsingOrgs []string
}

// Result is what a committed transaction returned.
type Result struct {
	TxID        string
	BlockNumber uint64
	Payload     []byte
	// Replayed is set by a backend that is told the write was a recognised retry (a
	// gateway's Idempotent-Replayed header); Run also reads it from the answer.
	Replayed bool
}

// Event is one chaincode event from a committed, valid transaction.
type Event struct {
	BlockNumber uint64
	TxID        string
	Name        string
	Payload     []byte
}

// Client submits and evaluates transactions and streams chaincode events.
type Client interface {
	// Submit endorses, orders and commits a transaction and returns once it is committed.
	// A transaction that was ordered but invalidated returns a *CommitError.
	Submit(ctx context.Context, p Proposal) (*Result, error)
	// Evaluate runs a read-only call against committed state; nothing is written.
	Evaluate(ctx context.Context, p Proposal) ([]byte, error)
	// Events streams chaincode events from committed blocks starting at block fromBlock,
	// until ctx ends. The channel is closed when the stream ends.
	Events(ctx context.Context, fromBlock uint64) (<-chan Event, error)
	Close() error
}

// ValidationCode values used by CommitError, named as Fabric names them.
const (
	MVCCReadConflict         = "MVCC_READ_CONFLICT"
	PhantomReadConflict      = "PHANTOM_READ_CONFLICT"
	EndorsementPolicyFailure = "ENDORSEMENT_POLICY_FAILURE"
	DuplicateTxID            = "DUPLICATE_TXID"
)

// CommitError says a transaction reached a block but was marked invalid there.
type CommitError struct {
	TxID           string
	BlockNumber    uint64
	ValidationCode string
}

func (e *CommitError) Error() string {
	return fmt.Sprintf("transaction %s invalid in block %d: %s", e.TxID, e.BlockNumber, e.ValidationCode)
}

// ChaincodeError carries the message the chaincode returned, unchanged, so callers can read
// its stable code prefix (NOT_FOUND:, CONFLICT:, FORBIDDEN:, INVALID:).
type ChaincodeError struct {
	Message string
}

func (e *ChaincodeError) Error() string { return e.Message }

// StorageError says the backend could not write its files: a full disk, a file size limit, a
// read-only or failing device. Nothing of the transactions it failed was recorded, so the same
// request, with the same event ID, may be sent again once the storage has room.
type StorageError struct {
	Err error
}

func (e *StorageError) Error() string { return "ledger storage cannot be written: " + e.Err.Error() }
func (e *StorageError) Unwrap() error { return e.Err }

// Retryable reports whether err is worth retrying with the same event ID: a read conflict
// at commit, never a chaincode rejection.
func Retryable(err error) bool {
	var ce *CommitError
	if errors.As(err, &ce) {
		return ce.ValidationCode == MVCCReadConflict || ce.ValidationCode == PhantomReadConflict
	}
	return false
}

// CodeOf is the chaincode's code of err (NOT_FOUND, CONFLICT, FORBIDDEN, INVALID) when the
// chaincode refused the call, and "" for any other error.
func CodeOf(err error) model.Code {
	var ce *ChaincodeError
	if errors.As(err, &ce) {
		return model.ParseCode(ce.Message)
	}
	return ""
}
