package embedded

import (
	"encoding/binary"
	"errors"
	"fmt"

	bolt "go.etcd.io/bbolt"

	"github.com/udiledger/udiledger/gateway/ledger/embedded/blocklog"
	"github.com/udiledger/udiledger/gateway/ledger/embedded/internal/state"
)

// ErrNotFound is returned for a block or transaction the ledger does not have.
var ErrNotFound = errors.New("embedded: not found")

// Block returns block number n as stored.
func (e *Engine) Block(n uint64) (*blocklog.Decoded, error) {
	var raw []byte
	err := e.db.View(func(tx *bolt.Tx) error {
		raw = append(raw, tx.Bucket(state.BucketBlocks).Get(state.U64(n))...)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("embedded: block %d: %w", n, err)
	}
	if raw == nil {
		return nil, fmt.Errorf("embedded: block %d: %w", n, ErrNotFound)
	}
	return blocklog.Decode(raw)
}

// TransactionByID returns a transaction, valid or not, and the number of its block.
func (e *Engine) TransactionByID(txID string) (*blocklog.Transaction, uint64, error) {
	var rec []byte
	err := e.db.View(func(tx *bolt.Tx) error {
		rec = append(rec, tx.Bucket(state.BucketTxIDs).Get([]byte(txID))...)
		return nil
	})
	if err != nil {
		return nil, 0, fmt.Errorf("embedded: transaction %s: %w", txID, err)
	}
	if len(rec) < 16 {
		return nil, 0, fmt.Errorf("embedded: transaction %s: %w", txID, ErrNotFound)
	}
	number, index := binary.BigEndian.Uint64(rec), binary.BigEndian.Uint64(rec[8:])
	b, err := e.Block(number)
	if err != nil {
		return nil, 0, err
	}
	if index >= uint64(len(b.Transactions)) {
		return nil, 0, fmt.Errorf("embedded: transaction %s: index %d beyond block %d", txID, index, number)
	}
	return &b.Transactions[index], number, nil
}
