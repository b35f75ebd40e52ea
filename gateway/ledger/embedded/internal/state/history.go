package state

import (
	"bytes"
	"encoding/binary"
	"errors"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/udiledger/udiledger/gateway/ledger/embedded/blocklog"
)

// HistoryEntry is one write of a key.
type HistoryEntry struct {
	Version   blocklog.Version
	TxID      string
	Timestamp time.Time
	IsDelete  bool
	Value     []byte
}

func historyPrefix(key string) []byte {
	b := make([]byte, 4, 4+len(key)+16)
	binary.BigEndian.PutUint32(b, uint32(len(key))) // #nosec G115 -- state keys are far below 4 GiB
	return append(b, key...)
}

// HistoryKey is the bucket key of one write of key.
func HistoryKey(key string, v blocklog.Version) []byte {
	b := historyPrefix(key)
	b = binary.BigEndian.AppendUint64(b, v.Block)
	return binary.BigEndian.AppendUint64(b, v.Tx)
}

// EncodeHistory lays out i64 unix nanos | u8 delete | u16 len | tx ID | value.
func EncodeHistory(e HistoryEntry) []byte {
	b := make([]byte, 0, 11+len(e.TxID)+len(e.Value))
	b = binary.BigEndian.AppendUint64(b, uint64(e.Timestamp.UnixNano()))
	del := byte(0)
	if e.IsDelete {
		del = 1
	}
	b = append(b, del)
	b = binary.BigEndian.AppendUint16(b, uint16(len(e.TxID))) // #nosec G115 -- transaction IDs are 64 hex digits
	b = append(b, e.TxID...)
	return append(b, e.Value...)
}

// DecodeHistory reverses HistoryKey and EncodeHistory.
func DecodeHistory(k, v []byte) (key string, e HistoryEntry, err error) {
	if len(k) < 20 || len(v) < 11 {
		return "", e, errors.New("state: history entry too short")
	}
	n := int(binary.BigEndian.Uint32(k))
	if 4+n+16 != len(k) {
		return "", e, errors.New("state: history key malformed")
	}
	key = string(k[4 : 4+n])
	e.Version.Block = binary.BigEndian.Uint64(k[4+n:])
	e.Version.Tx = binary.BigEndian.Uint64(k[4+n+8:])
	e.Timestamp = time.Unix(0, int64(binary.BigEndian.Uint64(v))).UTC() // #nosec G115 -- written from an int64 UnixNano
	e.IsDelete = v[8] == 1
	m := int(binary.BigEndian.Uint16(v[9:]))
	if 11+m > len(v) {
		return "", e, errors.New("state: history tx ID truncated")
	}
	e.TxID = string(v[11 : 11+m])
	e.Value = append([]byte{}, v[11+m:]...)
	return key, e, nil
}

// History returns up to limit writes of key, newest first.
func History(tx *bolt.Tx, key string, limit int) ([]HistoryEntry, error) {
	prefix := historyPrefix(key)
	c := tx.Bucket(BucketHistory).Cursor()
	// Seek past the last possible entry of key, then walk backwards.
	end := append(append([]byte{}, prefix...), bytes.Repeat([]byte{0xff}, 16)...)
	k, v := c.Seek(end)
	if k == nil {
		k, v = c.Last()
	} else if !bytes.Equal(k, end) {
		k, v = c.Prev()
	}
	var out []HistoryEntry
	for ; k != nil && bytes.HasPrefix(k, prefix) && len(k) == len(prefix)+16 && len(out) < limit; k, v = c.Prev() {
		_, e, err := DecodeHistory(k, v)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, nil
}
