package stub

import (
	"errors"

	"github.com/hyperledger/fabric-protos-go-apiv2/ledger/queryresult"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/udiledger/udiledger/gateway/ledger/embedded/blocklog"
	"github.com/udiledger/udiledger/gateway/ledger/embedded/internal/state"
)

// batchSize is how many results the peer hands the shim at a time (maxResultLimit); a scan
// that stops early records the range up to the last key fetched, as Fabric does.
const batchSize = 100

// rangeIter reads a key range lazily, a batch at a time, recording what it fetched.
type rangeIter struct {
	ns        string
	cur       *state.Cursor
	remaining int
	info      *blocklog.RangeQuery // nil when the scan is not recorded
	buf       []*queryresult.KV
	pos       int
	done      bool
	lastKey   string
	end       string // the range's end, which an exhausted scan records
	err       error
}

func (it *rangeIter) fill() {
	it.buf, it.pos = it.buf[:0], 0
	for len(it.buf) < batchSize {
		if it.remaining <= 0 {
			it.done = true
			return
		}
		key, rec, ok, err := it.cur.Next()
		if err != nil {
			it.err, it.done = err, true
			return
		}
		if !ok {
			it.done = true
			if it.info != nil {
				// A scan read to its end records the whole range, also after a batch
				// that ended it at its last key.
				it.info.Exhausted, it.info.EndKey = true, it.end
			}
			return
		}
		it.remaining--
		it.lastKey = key
		it.buf = append(it.buf, &queryresult.KV{Namespace: it.ns, Key: key, Value: rec.Value})
		if it.info != nil {
			v := rec.Version
			it.info.Reads = append(it.info.Reads, blocklog.KVRead{Key: key, Version: &v})
		}
	}
	if it.info != nil && !it.info.Exhausted {
		it.info.EndKey = it.lastKey
	}
}

// HasNext reports whether Next has a result.
func (it *rangeIter) HasNext() bool {
	if it.pos < len(it.buf) {
		return true
	}
	if it.done {
		return false
	}
	it.fill()
	return it.pos < len(it.buf)
}

// Next returns the next key and value.
func (it *rangeIter) Next() (*queryresult.KV, error) {
	if it.err != nil {
		return nil, it.err
	}
	if !it.HasNext() {
		if it.err != nil {
			return nil, it.err
		}
		return nil, errors.New("no such key")
	}
	kv := it.buf[it.pos]
	it.pos++
	return kv, nil
}

// Close ends the iteration.
func (it *rangeIter) Close() error {
	it.done, it.buf, it.pos = true, nil, 0
	return nil
}

// listIter walks results already fetched (pages, private ranges).
type listIter struct {
	kvs []*queryresult.KV
	pos int
}

func (it *listIter) HasNext() bool { return it.pos < len(it.kvs) }
func (it *listIter) Close() error  { it.pos = len(it.kvs); return nil }
func (it *listIter) Next() (*queryresult.KV, error) {
	if !it.HasNext() {
		return nil, errors.New("no such key")
	}
	it.pos++
	return it.kvs[it.pos-1], nil
}

// historyIter walks a key's history, newest first.
type historyIter struct {
	entries []state.HistoryEntry
	pos     int
}

func (it *historyIter) HasNext() bool { return it.pos < len(it.entries) }
func (it *historyIter) Close() error  { it.pos = len(it.entries); return nil }
func (it *historyIter) Next() (*queryresult.KeyModification, error) {
	if !it.HasNext() {
		return nil, errors.New("no such key")
	}
	e := it.entries[it.pos]
	it.pos++
	return &queryresult.KeyModification{
		TxId:      e.TxID,
		Value:     e.Value,
		Timestamp: timestamppb.New(e.Timestamp),
		IsDelete:  e.IsDelete,
	}, nil
}
