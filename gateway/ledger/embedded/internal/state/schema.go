// Package state is the bbolt layout of the embedded ledger: the block log, versioned public
// and private state, key history and the transaction index, all in one file.
package state

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"

	bolt "go.etcd.io/bbolt"

	"github.com/udiledger/udiledger/gateway/ledger/embedded/blocklog"
)

// Bucket names.
var (
	BucketBlocks    = []byte("blocks")    // u64 block number → stored block
	BucketState     = []byte("state")     // key → record
	BucketHistory   = []byte("history")   // u32 len | key | u64 block | u64 tx → history entry
	BucketPvt       = []byte("pvt")       // u16 len | collection | key → record
	BucketPvtHash   = []byte("pvthash")   // u16 len | collection | sha256(key) → record of sha256(value)
	BucketPvtExpiry = []byte("pvtexpiry") // u64 purge block | u16 len | collection | key → u64 write block
	BucketTxIDs     = []byte("txids")     // tx ID → u64 block | u64 tx | validation code
	BucketMeta      = []byte("meta")      // height, tip hash, config
)

// Keys of the meta bucket.
var (
	MetaHeight = []byte("height")
	MetaTip    = []byte("tip")
	MetaConfig = []byte("config")
)

// Buckets lists every bucket, for creation and verification.
var Buckets = [][]byte{BucketBlocks, BucketState, BucketHistory, BucketPvt, BucketPvtHash, BucketPvtExpiry, BucketTxIDs, BucketMeta}

// Init creates the buckets.
func Init(tx *bolt.Tx) error {
	for _, b := range Buckets {
		if _, err := tx.CreateBucketIfNotExists(b); err != nil {
			return fmt.Errorf("state: create bucket %s: %w", b, err)
		}
	}
	return nil
}

// Record is a versioned value with its metadata.
type Record struct {
	Version  blocklog.Version
	Metadata map[string][]byte
	Value    []byte
}

// EncodeRecord lays out u64 block | u64 tx | u32 metadata length | metadata JSON | value.
func EncodeRecord(r Record) ([]byte, error) {
	var meta []byte
	if len(r.Metadata) > 0 {
		var err error
		if meta, err = json.Marshal(r.Metadata); err != nil {
			return nil, fmt.Errorf("state: encode metadata: %w", err)
		}
	}
	b := make([]byte, 20, 20+len(meta)+len(r.Value))
	binary.BigEndian.PutUint64(b[0:], r.Version.Block)
	binary.BigEndian.PutUint64(b[8:], r.Version.Tx)
	binary.BigEndian.PutUint32(b[16:], uint32(len(meta))) // #nosec G115 -- metadata is a few bytes
	b = append(b, meta...)
	return append(b, r.Value...), nil
}

// DecodeRecord reverses EncodeRecord; the value is copied out of bbolt's memory.
func DecodeRecord(b []byte) (*Record, error) {
	r, meta, err := decodeRecord(b)
	if err != nil {
		return nil, err
	}
	if len(meta) > 0 {
		if err := json.Unmarshal(meta, &r.Metadata); err != nil {
			return nil, fmt.Errorf("state: decode metadata: %w", err)
		}
	}
	return r, nil
}

// DecodeValue is DecodeRecord without the metadata (key-level endorsement policies), which
// reads of values and versions do not need and which would cost a JSON decoding per key.
func DecodeValue(b []byte) (*Record, error) {
	r, _, err := decodeRecord(b)
	return r, err
}

func decodeRecord(b []byte) (r *Record, meta []byte, err error) {
	if len(b) < 20 {
		return nil, nil, errors.New("state: record too short")
	}
	r = &Record{Version: blocklog.Version{
		Block: binary.BigEndian.Uint64(b[0:]),
		Tx:    binary.BigEndian.Uint64(b[8:]),
	}}
	n := int(binary.BigEndian.Uint32(b[16:]))
	if 20+n > len(b) {
		return nil, nil, errors.New("state: record metadata longer than record")
	}
	r.Value = make([]byte, len(b)-20-n)
	copy(r.Value, b[20+n:])
	return r, b[20 : 20+n], nil
}

// U64 encodes n big-endian, so byte order is numeric order.
func U64(n uint64) []byte {
	b := make([]byte, 8)
	binary.BigEndian.PutUint64(b, n)
	return b
}

// CollectionKey prefixes key with its collection: u16 len | collection | key.
func CollectionKey(collection string, key []byte) []byte {
	b := make([]byte, 2, 2+len(collection)+len(key))
	binary.BigEndian.PutUint16(b, uint16(len(collection))) // #nosec G115 -- collection names are short configuration names
	b = append(b, collection...)
	return append(b, key...)
}

// SplitCollectionKey reverses CollectionKey.
func SplitCollectionKey(b []byte) (collection string, key []byte, err error) {
	if len(b) < 2 {
		return "", nil, errors.New("state: collection key too short")
	}
	n := int(binary.BigEndian.Uint16(b))
	if 2+n > len(b) {
		return "", nil, errors.New("state: collection key truncated")
	}
	return string(b[2 : 2+n]), b[2+n:], nil
}
