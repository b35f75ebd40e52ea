package embedded

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"fmt"

	bolt "go.etcd.io/bbolt"

	"github.com/udiledger/udiledger/gateway/ledger"
	"github.com/udiledger/udiledger/gateway/ledger/embedded/blocklog"
	"github.com/udiledger/udiledger/gateway/ledger/embedded/internal/state"
)

// maxProblems bounds a report; a damaged ledger is damaged after the first few.
const maxProblems = 100

// VerifyReport is what Verify found.
type VerifyReport struct {
	Height       uint64   // blocks checked
	Transactions int      // transactions in them, valid or not
	Valid        int      // valid transactions replayed into state
	Problems     []string // empty when the ledger is intact
}

// OK reports whether Verify found nothing wrong.
func (r *VerifyReport) OK() bool { return len(r.Problems) == 0 }

func (r *VerifyReport) problem(format string, args ...any) {
	if len(r.Problems) < maxProblems {
		r.Problems = append(r.Problems, fmt.Sprintf(format, args...))
	}
}

// Verify re-hashes every stored block, checks the chain of hashes, then replays the valid
// transactions of the log and compares the result with the stored public state, private
// state hashes and values, key history and transaction index. The error is for a failure to
// read, or ErrDamaged when the file's structure (bbolt's pages) cannot be read; damage to
// the blocks and state is reported in the report.
func (e *Engine) Verify(ctx context.Context) (*VerifyReport, error) {
	r := &VerifyReport{}
	err := readSafely(func() error { return e.db.View(verifyIn(ctx, r)) })
	if err != nil {
		return nil, fmt.Errorf("embedded: verify: %w", err)
	}
	return r, nil
}

// verifyIn is Verify in one read transaction.
func verifyIn(ctx context.Context, r *VerifyReport) func(tx *bolt.Tx) error {
	return func(tx *bolt.Tx) error {
		want, err := replayLog(ctx, tx, r)
		if err != nil {
			return err
		}
		compareBucket(tx, state.BucketState, want.state, r, "state")
		compareBucket(tx, state.BucketHistory, want.history, r, "history")
		compareBucket(tx, state.BucketPvtHash, want.pvtHash, r, "private hash")
		compareBucket(tx, state.BucketTxIDs, want.txIDs, r, "transaction index")
		comparePrivate(tx, want.pvtHash, r)
		return nil
	}
}

// expected is the content of the derived buckets according to the block log.
type expected struct {
	state, history, pvtHash, txIDs map[string][]byte
}

// replayLog checks the chain and applies the valid transactions of every block in order.
func replayLog(ctx context.Context, tx *bolt.Tx, r *VerifyReport) (*expected, error) {
	want := &expected{state: map[string][]byte{}, history: map[string][]byte{}, pvtHash: map[string][]byte{}, txIDs: map[string][]byte{}}
	meta := tx.Bucket(state.BucketMeta)
	r.Height = heightOf(meta)
	blocks := tx.Bucket(state.BucketBlocks)
	btl := map[string]uint64{}
	expiry := map[uint64][]expiring{}
	var prev []byte
	for n := uint64(0); n < r.Height; n++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		raw := blocks.Get(state.U64(n))
		if raw == nil {
			r.problem("block %d is missing", n)
			prev = nil
			continue
		}
		d, err := blocklog.Decode(raw)
		if err != nil {
			r.problem("block %d cannot be read: %v", n, err)
			prev = nil
			continue
		}
		if d.Header.Number != n {
			r.problem("block %d says it is block %d", n, d.Header.Number)
		}
		if n > 0 && !bytes.Equal(d.Header.PreviousHash, prev) {
			r.problem("block %d does not chain to block %d: previous hash differs", n, n-1)
		}
		if !d.DataHashOK {
			r.problem("block %d: transactions do not match the block's data hash", n)
		}
		prev = d.Hash
		for i, t := range d.Transactions {
			r.Transactions++
			rec := binary.BigEndian.AppendUint64(state.U64(n), uint64(i))
			if _, dup := want.txIDs[t.TxID]; !dup && t.ValidationCode != ledger.DuplicateTxID && t.Type == blocklog.TypeEndorser {
				want.txIDs[t.TxID] = append(rec, t.ValidationCode...)
			}
			if t.ValidationCode != blocklog.ValidationValid {
				continue
			}
			switch t.Type {
			case blocklog.TypeConfig:
				var c channelConfig
				if err := json.Unmarshal(t.Config, &c); err != nil {
					r.problem("block %d: configuration cannot be read: %v", n, err)
					continue
				}
				btl = map[string]uint64{}
				for _, col := range c.Collections {
					btl[col.Name] = col.BlockToLive
				}
			case blocklog.TypeEndorser:
				r.Valid++
				ver := blocklog.Version{Block: n, Tx: uint64(i)}
				if err := replayPublic(want, t, ver); err != nil {
					return nil, err
				}
				for _, c := range t.RWSet.Collections {
					if err := replayPrivate(want, c, ver, btl[c.Collection], expiry); err != nil {
						return nil, err
					}
				}
			}
		}
		for _, x := range expiry[n] {
			if cur, ok := want.pvtHash[x.hashKey]; ok && len(cur) >= 8 && binary.BigEndian.Uint64(cur) == x.written {
				delete(want.pvtHash, x.hashKey)
			}
		}
		delete(expiry, n)
	}
	if tip := meta.Get(state.MetaTip); r.Height > 0 && !bytes.Equal(tip, prev) {
		r.problem("the recorded tip hash does not match the last block")
	}
	if k, _ := blocks.Cursor().Last(); k != nil && binary.BigEndian.Uint64(k) >= r.Height {
		r.problem("blocks beyond the recorded height %d", r.Height)
	}
	return want, nil
}

type expiring struct {
	hashKey string
	written uint64
}

func replayPublic(want *expected, t blocklog.Transaction, ver blocklog.Version) error {
	writes := map[string]blocklog.KVWrite{}
	for _, w := range t.RWSet.Writes {
		writes[w.Key] = w
	}
	md := map[string]map[string][]byte{}
	for _, m := range t.RWSet.MetadataWrites {
		md[m.Key] = m.Entries
	}
	for _, key := range unionKeys(writes, md) {
		w, written := writes[key]
		entries, hasMD := md[key]
		if written {
			want.history[string(state.HistoryKey(key, ver))] = state.EncodeHistory(state.HistoryEntry{
				TxID: t.TxID, Timestamp: t.Timestamp, IsDelete: w.IsDelete, Value: w.Value,
			})
		}
		if written && w.IsDelete {
			delete(want.state, key)
			continue
		}
		var old *state.Record
		if b, ok := want.state[key]; ok {
			var err error
			if old, err = state.DecodeRecord(b); err != nil {
				return err
			}
		}
		next := state.Record{Version: ver}
		switch {
		case written:
			next.Value = w.Value
			if old != nil {
				next.Metadata = old.Metadata
			}
		case old != nil:
			next.Value, next.Metadata = old.Value, old.Metadata
		default:
			continue
		}
		if hasMD {
			next.Metadata = entries
		}
		b, err := state.EncodeRecord(next)
		if err != nil {
			return err
		}
		want.state[key] = b
	}
	return nil
}

func replayPrivate(want *expected, c blocklog.CollectionRWSet, ver blocklog.Version, btl uint64, expiry map[uint64][]expiring) error {
	writes := map[string]blocklog.HashedWrite{}
	for _, w := range c.Writes {
		writes[string(w.KeyHash)] = w
	}
	md := map[string]map[string][]byte{}
	for _, m := range c.MetadataWrites {
		md[string(m.KeyHash)] = m.Entries
	}
	for _, kh := range unionKeys(writes, md) {
		w, written := writes[kh]
		entries, hasMD := md[kh]
		hk := string(state.CollectionKey(c.Collection, []byte(kh)))
		if written && w.IsDelete {
			delete(want.pvtHash, hk)
			continue
		}
		var old *state.Record
		if b, ok := want.pvtHash[hk]; ok {
			var err error
			if old, err = state.DecodeRecord(b); err != nil {
				return err
			}
		}
		next := state.Record{Version: ver}
		switch {
		case written:
			next.Value = w.ValueHash
			if old != nil {
				next.Metadata = old.Metadata
			}
		case old != nil:
			next.Value, next.Metadata = old.Value, old.Metadata
		default:
			continue
		}
		if hasMD {
			next.Metadata = entries
		}
		b, err := state.EncodeRecord(next)
		if err != nil {
			return err
		}
		want.pvtHash[hk] = b
		if btl > 0 {
			at := ver.Block + btl + 1
			expiry[at] = append(expiry[at], expiring{hashKey: hk, written: ver.Block})
		}
	}
	return nil
}

// compareBucket reports every entry of the bucket that differs from want, and every entry of
// want the bucket lacks.
func compareBucket(tx *bolt.Tx, name []byte, want map[string][]byte, r *VerifyReport, what string) {
	seen := 0
	_ = tx.Bucket(name).ForEach(func(k, v []byte) error {
		w, ok := want[string(k)]
		switch {
		case !ok:
			r.problem("%s: key %q is not written by any valid transaction", what, k)
		case !bytes.Equal(w, v):
			r.problem("%s: key %q does not match the block log", what, k)
		default:
			seen++
		}
		return nil
	})
	if seen != len(want) {
		for k := range want {
			if tx.Bucket(name).Get([]byte(k)) == nil {
				r.problem("%s: key %q written by the block log is missing", what, k)
			}
		}
	}
}

// comparePrivate checks that every private value hashes to its recorded hash and version.
func comparePrivate(tx *bolt.Tx, wantHash map[string][]byte, r *VerifyReport) {
	found := 0
	_ = tx.Bucket(state.BucketPvt).ForEach(func(k, v []byte) error {
		coll, key, err := state.SplitCollectionKey(k)
		if err != nil {
			r.problem("private data: malformed key %q", k)
			return nil
		}
		keyHash := sha256.Sum256(key)
		rec, err := state.DecodeRecord(v)
		if err != nil {
			r.problem("private data: %s/%q cannot be read: %v", coll, key, err)
			return nil
		}
		again, err := state.EncodeRecord(*rec)
		if err != nil || !bytes.Equal(again, v) {
			r.problem("private data: %s/%q is malformed", coll, key)
			return nil
		}
		hb, ok := wantHash[string(state.CollectionKey(coll, keyHash[:]))]
		if !ok {
			r.problem("private data: %s/%q is not written by any valid transaction", coll, key)
			return nil
		}
		h, err := state.DecodeRecord(hb)
		if err != nil {
			return nil
		}
		valueHash := sha256.Sum256(rec.Value)
		if h.Version != rec.Version || !bytes.Equal(h.Value, valueHash[:]) {
			r.problem("private data: %s/%q does not match the hash in the block log", coll, key)
			return nil
		}
		found++
		return nil
	})
	if found != len(wantHash) {
		r.problem("private data: %d values for %d hashes in the block log", found, len(wantHash))
	}
}
