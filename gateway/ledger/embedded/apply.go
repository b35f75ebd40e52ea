package embedded

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"slices"
	"sort"

	bolt "go.etcd.io/bbolt"

	"github.com/udiledger/udiledger/gateway/ledger/embedded/blocklog"
	"github.com/udiledger/udiledger/gateway/ledger/embedded/internal/state"
	"github.com/udiledger/udiledger/gateway/ledger/embedded/internal/stub"
)

// kv is one key and value to put.
type kv struct{ k, v []byte }

// apply writes a valid transaction's writes at version (block, txNum), with history, private
// values, their hashes and their expiry.
func (e *Engine) apply(tx *bolt.Tx, block, txNum uint64, en *endorsement) error {
	ver := blocklog.Version{Block: block, Tx: txNum}
	ts := en.prop.timestamp.AsTime().UTC()
	sim := en.sim
	stateB, histB := tx.Bucket(state.BucketState), tx.Bucket(state.BucketHistory)
	var history []kv
	for _, key := range unionKeys(sim.Writes, sim.Metadata) {
		w, written := sim.Writes[key]
		md, hasMD := sim.Metadata[key]
		if written && w.Delete {
			if err := stateB.Delete([]byte(key)); err != nil {
				return err
			}
		} else {
			rec, err := state.View{Tx: tx}.State(key)
			if err != nil {
				return err
			}
			next := state.Record{Version: ver}
			switch {
			case written:
				next.Value = w.Value
				if rec != nil {
					next.Metadata = rec.Metadata
				}
			case rec != nil:
				next.Value, next.Metadata = rec.Value, rec.Metadata
			default:
				continue // metadata of a key that does not exist is dropped, as on Fabric
			}
			if hasMD {
				next.Metadata = md
			}
			b, err := state.EncodeRecord(next)
			if err != nil {
				return err
			}
			if err := stateB.Put([]byte(key), b); err != nil {
				return err
			}
		}
		if written {
			history = append(history, kv{state.HistoryKey(key, ver),
				state.EncodeHistory(state.HistoryEntry{TxID: en.prop.txID, Timestamp: ts, IsDelete: w.Delete, Value: w.Value})})
		}
	}
	// History keys sort by key length first: put them in their own order, so that bbolt
	// appends instead of shifting a growing node at every insert.
	slices.SortFunc(history, func(a, b kv) int { return bytes.Compare(a.k, b.k) })
	for _, h := range history {
		if err := histB.Put(h.k, h.v); err != nil {
			return err
		}
	}
	for _, coll := range sortedKeys(sim.Private) {
		if err := e.applyPrivate(tx, coll, sim.Private[coll], ver); err != nil {
			return err
		}
	}
	return nil
}

func (e *Engine) applyPrivate(tx *bolt.Tx, coll string, ps *stub.PrivateSet, ver blocklog.Version) error {
	pvtB, hashB := tx.Bucket(state.BucketPvt), tx.Bucket(state.BucketPvtHash)
	view := state.View{Tx: tx}
	for _, key := range unionKeys(ps.Writes, ps.Metadata) {
		w, written := ps.Writes[key]
		md, hasMD := ps.Metadata[key]
		keyHash := sha256.Sum256([]byte(key))
		pk, hk := state.CollectionKey(coll, []byte(key)), state.CollectionKey(coll, keyHash[:])
		if written && w.Delete {
			if err := pvtB.Delete(pk); err != nil {
				return err
			}
			if err := hashB.Delete(hk); err != nil {
				return err
			}
			continue
		}
		old, err := view.Private(coll, key)
		if err != nil {
			return err
		}
		oldHash, err := view.PrivateHash(coll, key)
		if err != nil {
			return err
		}
		value := w.Value
		var meta map[string][]byte
		switch {
		case written:
			if oldHash != nil {
				meta = oldHash.Metadata
			}
		case old != nil && oldHash != nil:
			value, meta = old.Value, oldHash.Metadata
		default:
			continue
		}
		if hasMD {
			meta = md
		}
		valueHash := sha256.Sum256(value)
		for _, put := range []struct {
			b   *bolt.Bucket
			k   []byte
			rec state.Record
		}{
			{pvtB, pk, state.Record{Version: ver, Value: value}},
			{hashB, hk, state.Record{Version: ver, Metadata: meta, Value: valueHash[:]}},
		} {
			b, err := state.EncodeRecord(put.rec)
			if err != nil {
				return err
			}
			if err := put.b.Put(put.k, b); err != nil {
				return err
			}
		}
		if btl := e.btl[coll]; btl > 0 {
			ek := append(state.U64(ver.Block+btl+1), pk...)
			if err := tx.Bucket(state.BucketPvtExpiry).Put(ek, state.U64(ver.Block)); err != nil {
				return err
			}
		}
	}
	return nil
}

// purgeExpired removes private values whose blockToLive ends at this block, unless they were
// written again since; their hashes go too, as Fabric's purge manager does.
func (e *Engine) purgeExpired(tx *bolt.Tx, block uint64) error {
	expB := tx.Bucket(state.BucketPvtExpiry)
	prefix := state.U64(block)
	c := expB.Cursor()
	var done [][]byte
	for k, v := c.First(); k != nil && bytes.Compare(k[:8], prefix) <= 0; k, v = c.Next() {
		done = append(done, bytes.Clone(k))
		coll, key, err := state.SplitCollectionKey(k[8:])
		if err != nil {
			return err
		}
		keyHash := sha256.Sum256(key)
		hk := state.CollectionKey(coll, keyHash[:])
		rec, err := state.View{Tx: tx}.PrivateHashByHash(coll, keyHash[:])
		if err != nil {
			return err
		}
		if rec == nil || rec.Version.Block != binary.BigEndian.Uint64(v) {
			continue
		}
		if err := tx.Bucket(state.BucketPvt).Delete(k[8:]); err != nil {
			return err
		}
		if err := tx.Bucket(state.BucketPvtHash).Delete(hk); err != nil {
			return err
		}
	}
	for _, k := range done {
		if err := expB.Delete(k); err != nil {
			return err
		}
	}
	return nil
}

// blockTransaction is the stored form of a transaction: private data only as hashes.
func (e *Engine) blockTransaction(en *endorsement, code string) blocklog.Transaction {
	sim := en.sim
	var rw blocklog.RWSet
	for _, key := range sortedKeys(sim.Reads) {
		rw.Reads = append(rw.Reads, blocklog.KVRead{Key: key, Version: sim.Reads[key]})
	}
	for _, rq := range sim.RangeQueries {
		rw.RangeQueries = append(rw.RangeQueries, *rq)
	}
	for _, key := range sortedKeys(sim.Writes) {
		w := sim.Writes[key]
		rw.Writes = append(rw.Writes, blocklog.KVWrite{Key: key, IsDelete: w.Delete, Value: w.Value})
	}
	for _, key := range sortedKeys(sim.Metadata) {
		rw.MetadataWrites = append(rw.MetadataWrites, blocklog.MetadataWrite{Key: key, Entries: sim.Metadata[key]})
	}
	for _, coll := range sortedKeys(sim.Private) {
		ps := sim.Private[coll]
		c := blocklog.CollectionRWSet{Collection: coll}
		for _, key := range sortedKeys(ps.Reads) {
			c.Reads = append(c.Reads, blocklog.HashedRead{KeyHash: hash(key), Version: ps.Reads[key]})
		}
		for _, key := range sortedKeys(ps.Writes) {
			w := ps.Writes[key]
			hw := blocklog.HashedWrite{KeyHash: hash(key), IsDelete: w.Delete, IsPurge: w.Purge}
			if !w.Delete {
				hw.ValueHash = hash(string(w.Value))
			}
			c.Writes = append(c.Writes, hw)
		}
		for _, key := range sortedKeys(ps.Metadata) {
			c.MetadataWrites = append(c.MetadataWrites, blocklog.HashedMetadataWrite{KeyHash: hash(key), Entries: ps.Metadata[key]})
		}
		rw.Collections = append(rw.Collections, c)
	}
	args := make([]string, 0, len(en.prop.args))
	for _, a := range en.prop.args {
		args = append(args, string(a))
	}
	t := blocklog.Transaction{
		TxID:           en.prop.txID,
		Type:           blocklog.TypeEndorser,
		Creator:        blocklog.Creator{MSPID: en.prop.mspID, Certificate: en.prop.cert},
		Timestamp:      en.prop.timestamp.AsTime().UTC(),
		RWSet:          rw,
		Response:       en.payload,
		Event:          sim.Event,
		ValidationCode: code,
	}
	if len(args) > 0 {
		t.Function, t.Args = args[0], args[1:]
	}
	return t
}

func hash(s string) []byte {
	sum := sha256.Sum256([]byte(s))
	return sum[:]
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func unionKeys[A, B any](a map[string]A, b map[string]B) []string {
	keys := sortedKeys(a)
	for k := range b {
		if _, ok := a[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	return keys
}
