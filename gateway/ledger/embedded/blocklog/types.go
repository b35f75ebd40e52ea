// Package blocklog defines the blocks of the embedded ledger and their byte format: an
// append-only chain in which each block names the hash of the previous block's header and the
// hash of its own transactions, so that any changed byte is detected.
package blocklog

import "time"

// Transaction types.
const (
	TypeEndorser = "ENDORSER_TRANSACTION"
	TypeConfig   = "CONFIG"
)

// ValidationValid marks a transaction whose writes were applied.
const ValidationValid = "VALID"

// Version is the height of the transaction that last wrote a key, as on Fabric.
type Version struct {
	Block uint64 `json:"block"`
	Tx    uint64 `json:"tx"`
}

// KVRead is a key read during simulation with the version seen; nil means the key did not exist.
type KVRead struct {
	Key     string   `json:"key"`
	Version *Version `json:"version,omitempty"`
}

// RangeQuery is a range scanned during simulation: keys from StartKey (inclusive) up to EndKey
// (exclusive; empty means no bound) when Exhausted, or up to the last read key (inclusive)
// when the scan stopped early.
type RangeQuery struct {
	StartKey  string   `json:"startKey"`
	EndKey    string   `json:"endKey"`
	Exhausted bool     `json:"exhausted"`
	Reads     []KVRead `json:"reads"`
}

// KVWrite is a key written or deleted.
type KVWrite struct {
	Key      string `json:"key"`
	IsDelete bool   `json:"isDelete,omitempty"`
	Value    []byte `json:"value,omitempty"`
}

// MetadataWrite replaces the metadata of a key (e.g. its VALIDATION_PARAMETER).
type MetadataWrite struct {
	Key     string            `json:"key"`
	Entries map[string][]byte `json:"entries"`
}

// HashedRead is a private key read, recorded by the hash of its key.
type HashedRead struct {
	KeyHash []byte   `json:"keyHash"`
	Version *Version `json:"version,omitempty"`
}

// HashedWrite is a private key write, recorded by hashes only.
type HashedWrite struct {
	KeyHash   []byte `json:"keyHash"`
	IsDelete  bool   `json:"isDelete,omitempty"`
	IsPurge   bool   `json:"isPurge,omitempty"` // a deletion by PurgePrivateData
	ValueHash []byte `json:"valueHash,omitempty"`
}

// HashedMetadataWrite replaces the metadata of a private key.
type HashedMetadataWrite struct {
	KeyHash []byte            `json:"keyHash"`
	Entries map[string][]byte `json:"entries"`
}

// CollectionRWSet is what a transaction did to one private data collection, in hashes.
type CollectionRWSet struct {
	Collection     string                `json:"collection"`
	Reads          []HashedRead          `json:"reads,omitempty"`
	Writes         []HashedWrite         `json:"writes,omitempty"`
	MetadataWrites []HashedMetadataWrite `json:"metadataWrites,omitempty"`
}

// RWSet is the read/write set of one transaction.
type RWSet struct {
	Reads          []KVRead          `json:"reads,omitempty"`
	RangeQueries   []RangeQuery      `json:"rangeQueries,omitempty"`
	Writes         []KVWrite         `json:"writes,omitempty"`
	MetadataWrites []MetadataWrite   `json:"metadataWrites,omitempty"`
	Collections    []CollectionRWSet `json:"collections,omitempty"`
}

// Event is a chaincode event.
type Event struct {
	Name    string `json:"name"`
	Payload []byte `json:"payload,omitempty"`
}

// Creator is the identity that signed a transaction's proposal.
type Creator struct {
	MSPID       string `json:"mspid"`
	Certificate []byte `json:"certificate"` // PEM
}

// Transaction is one transaction as stored in a block.
type Transaction struct {
	TxID           string    `json:"txID"`
	Type           string    `json:"type"`
	Creator        Creator   `json:"creator"`
	Timestamp      time.Time `json:"timestamp"`
	Function       string    `json:"function,omitempty"`
	Args           []string  `json:"args,omitempty"`
	RWSet          RWSet     `json:"rwset"`
	Response       []byte    `json:"response,omitempty"`
	Event          *Event    `json:"event,omitempty"`
	ValidationCode string    `json:"validationCode"`
	Config         []byte    `json:"config,omitempty"` // the channel configuration, in CONFIG transactions
}

// Header links a block into the chain.
type Header struct {
	Number       uint64 `json:"number"`
	PreviousHash []byte `json:"previousHash"`
	DataHash     []byte `json:"dataHash"`
}

// Block is a header and its transactions.
type Block struct {
	Header       Header
	Transactions []Transaction
}
