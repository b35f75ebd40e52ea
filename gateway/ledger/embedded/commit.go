package embedded

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/udiledger/udiledger/gateway/ledger"
	"github.com/udiledger/udiledger/gateway/ledger/embedded/blocklog"
	"github.com/udiledger/udiledger/gateway/ledger/embedded/internal/state"
)

// commitLoop is the single committer: it cuts blocks of up to MaxBatch transactions, of what
// is queued or (BatchTimeout > 0) of what comes within BatchTimeout after the first, and
// commits them in order.
func (e *Engine) commitLoop() {
	defer close(e.committed)
	busy := false // the last block held more than one transaction: others are submitting too
	for {
		var first *pending
		select {
		case first = <-e.queue:
		case <-e.closing:
			return
		}
		batch := e.collect(first, busy)
		busy = len(batch) > 1
		e.commitBatch(batch)
	}
}

// busyWait is how long a block waits for more transactions under concurrent load when no
// BatchTimeout is set: long enough for the clients of the last block to submit again.
const busyWait = 2 * time.Millisecond

// collect cuts a block starting with first: what is queued, and when BatchTimeout is set or
// others are submitting (busy), what comes within the timeout (busyWait by default).
func (e *Engine) collect(first *pending, busy bool) []*pending {
	batch := []*pending{first}
	wait := e.cfg.BatchTimeout
	if wait == 0 && busy {
		wait = busyWait
	}
	var deadline <-chan time.Time
	if wait > 0 {
		timer := time.NewTimer(wait)
		defer timer.Stop()
		deadline = timer.C
	}
	for len(batch) < e.cfg.MaxBatch {
		if deadline == nil {
			select {
			case p := <-e.queue:
				batch = append(batch, p)
				continue
			default:
				return batch
			}
		}
		select {
		case p := <-e.queue:
			batch = append(batch, p)
		case <-deadline:
			return batch
		case <-e.closing:
			return batch
		}
	}
	return batch
}

// commitBatch validates and commits one block and tells each submitter its outcome. The block
// and the state it changes are one bbolt transaction: a commit that cannot be written leaves
// both as they were, and its submitters get a *ledger.StorageError.
func (e *Engine) commitBatch(batch []*pending) {
	codes := make([]string, len(batch))
	var number uint64
	built := false // the block is built: what fails now is writing the file
	err := e.db.Update(func(tx *bolt.Tx) error {
		meta := tx.Bucket(state.BucketMeta)
		number = heightOf(meta)
		view := state.View{Tx: tx}
		txs := make([]blocklog.Transaction, len(batch))
		inBlock := map[string]bool{}
		for i, p := range batch {
			code, err := e.validate(view, p.en, inBlock)
			if err != nil {
				return err
			}
			codes[i] = code
			inBlock[p.en.prop.txID] = true
			if code == blocklog.ValidationValid {
				if err := e.apply(tx, number, uint64(i), p.en); err != nil {
					return err
				}
			}
			txs[i] = e.blockTransaction(p.en, code)
			if code != ledger.DuplicateTxID {
				rec := binary.BigEndian.AppendUint64(state.U64(number), uint64(i))
				if err := tx.Bucket(state.BucketTxIDs).Put([]byte(p.en.prop.txID), append(rec, code...)); err != nil {
					return err
				}
			}
		}
		if err := e.purgeExpired(tx, number); err != nil {
			return err
		}
		if err := appendBlock(tx, number, txs); err != nil {
			return err
		}
		built = true
		return nil
	})
	if err != nil {
		err = fmt.Errorf("embedded: commit block %d: %w", number, err)
		if built {
			err = &ledger.StorageError{Err: err}
		}
		for _, p := range batch {
			p.done <- outcome{err: err}
		}
		return
	}
	e.mu.Lock()
	e.height = number + 1
	close(e.changed)
	e.changed = make(chan struct{})
	e.mu.Unlock()
	for i, p := range batch {
		if codes[i] != blocklog.ValidationValid {
			p.done <- outcome{err: &ledger.CommitError{TxID: p.en.prop.txID, BlockNumber: number, ValidationCode: codes[i]}}
			continue
		}
		p.done <- outcome{result: &ledger.Result{TxID: p.en.prop.txID, BlockNumber: number, Payload: p.en.payload}}
	}
}

// validate checks a transaction as a committing peer does: a new transaction ID, every key
// read still at the version read, every range scanned still returning the same keys.
// Writes of earlier valid transactions of the same block are already applied in view.
func (e *Engine) validate(view state.View, en *endorsement, inBlock map[string]bool) (string, error) {
	if inBlock[en.prop.txID] || view.Tx.Bucket(state.BucketTxIDs).Get([]byte(en.prop.txID)) != nil {
		return ledger.DuplicateTxID, nil
	}
	for key, ver := range en.sim.Reads {
		rec, err := view.Value(key)
		if err != nil {
			return "", err
		}
		if !sameVersion(rec, ver) {
			return ledger.MVCCReadConflict, nil
		}
	}
	for _, rq := range en.sim.RangeQueries {
		ok, err := rangeUnchanged(view, rq)
		if err != nil {
			return "", err
		}
		if !ok {
			return ledger.PhantomReadConflict, nil
		}
	}
	for coll, ps := range en.sim.Private {
		for key, ver := range ps.Reads {
			rec, err := view.PrivateHash(coll, key)
			if err != nil {
				return "", err
			}
			if !sameVersion(rec, ver) {
				return ledger.MVCCReadConflict, nil
			}
		}
	}
	return blocklog.ValidationValid, nil
}

func sameVersion(rec *state.Record, ver *blocklog.Version) bool {
	if rec == nil || ver == nil {
		return rec == nil && ver == nil
	}
	return rec.Version == *ver
}

// rangeUnchanged runs a recorded range scan again and compares keys and versions.
func rangeUnchanged(view state.View, rq *blocklog.RangeQuery) (bool, error) {
	end := rq.EndKey
	if !rq.Exhausted {
		end = "" // bounded below by the last key read, inclusive
	}
	cur := view.Range(rq.StartKey, end)
	i := 0
	for {
		key, rec, ok, err := cur.Next()
		if err != nil {
			return false, err
		}
		if !ok || (!rq.Exhausted && key > rq.EndKey) {
			break
		}
		if i >= len(rq.Reads) || rq.Reads[i].Key != key || !sameVersion(rec, rq.Reads[i].Version) {
			return false, nil
		}
		i++
	}
	return i == len(rq.Reads), nil
}

func heightOf(meta *bolt.Bucket) uint64 {
	if b := meta.Get(state.MetaHeight); len(b) == 8 {
		return binary.BigEndian.Uint64(b)
	}
	return 0
}

// appendBlock seals txs into block number, chained to the current tip.
func appendBlock(tx *bolt.Tx, number uint64, txs []blocklog.Transaction) error {
	meta := tx.Bucket(state.BucketMeta)
	prev := bytes.Clone(meta.Get(state.MetaTip))
	raw, hash, err := blocklog.Seal(number, prev, txs)
	if err != nil {
		return err
	}
	if err := tx.Bucket(state.BucketBlocks).Put(state.U64(number), raw); err != nil {
		return err
	}
	if err := meta.Put(state.MetaTip, hash); err != nil {
		return err
	}
	return meta.Put(state.MetaHeight, state.U64(number+1))
}

// appendConfigBlock records the channel configuration in a block of its own.
func (e *Engine) appendConfigBlock(tx *bolt.Tx, conf []byte) (uint64, error) {
	meta := tx.Bucket(state.BucketMeta)
	number := heightOf(meta)
	ctx := blocklog.Transaction{
		TxID:           fmt.Sprintf("config-%d", number),
		Type:           blocklog.TypeConfig,
		Timestamp:      e.cfg.Clock().UTC(),
		ValidationCode: blocklog.ValidationValid,
		Config:         conf,
	}
	if err := appendBlock(tx, number, []blocklog.Transaction{ctx}); err != nil {
		return 0, err
	}
	if err := meta.Put(state.MetaConfig, conf); err != nil {
		return 0, err
	}
	return number + 1, nil
}
