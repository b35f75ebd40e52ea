// Package embedded is the in-process ledger: it runs the chaincode object itself for each
// transaction against a bbolt store and gives what a Fabric peer gives — versioned keys with
// MVCC and phantom checks at commit, range and composite key scans, key history, one event
// per transaction, private data collections, the creator's X.509 identity — and commits to an
// append-only, hash-chained block log that Verify can check. Think Hardhat Network for Fabric.
package embedded

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"sync"
	"time"

	"github.com/hyperledger/fabric-chaincode-go/v2/shim"
	bolt "go.etcd.io/bbolt"

	"github.com/udiledger/udiledger/gateway/ledger"
	"github.com/udiledger/udiledger/gateway/ledger/embedded/blocklog"
	"github.com/udiledger/udiledger/gateway/ledger/embedded/internal/state"
	"github.com/udiledger/udiledger/gateway/ledger/embedded/internal/stub"
	"github.com/udiledger/udiledger/gateway/ledger/localmsp"
)

// ErrClosed is returned by calls on a closed engine.
var ErrClosed = errors.New("embedded: ledger is closed")

// FileName is the bbolt file the engine keeps in its directory.
const FileName = "ledger.db"

// Engine is an embedded ledger. It implements ledger.Client and is safe for concurrent use.
type Engine struct {
	cfg         Config
	cc          shim.Chaincode
	db          *bolt.DB
	msps        *localmsp.Verifier
	collections map[string]stub.Collection
	btl         map[string]uint64
	certs       sync.Map // validated creators
	keys        sync.Map // parsed signing keys, by PEM
	signers     sync.Map // identities (MSP ID, certificate, key) whose signature verified

	queue     chan *pending
	closing   chan struct{}
	committed chan struct{} // closed when the committer has stopped
	closeOnce sync.Once

	mu      sync.Mutex
	height  uint64
	changed chan struct{} // closed and replaced at each commit
}

var _ ledger.Client = (*Engine)(nil)

// Open opens (or creates) the ledger in dir and starts its committer. cc is the chaincode,
// in practice the *contractapi.ContractChaincode of the contract package. A configuration
// different from the one last recorded is committed as a new CONFIG block.
func Open(dir string, cc shim.Chaincode, cfg Config) (*Engine, error) {
	if cc == nil {
		return nil, errors.New("embedded: no chaincode")
	}
	if err := cfg.setDefaults(); err != nil {
		return nil, err
	}
	msps, err := localmsp.NewVerifier(cfg.MSPs)
	if err != nil {
		return nil, fmt.Errorf("embedded: %w", err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("embedded: %w", err)
	}
	var db *bolt.DB
	err = readSafely(func() (err error) {
		db, err = bolt.Open(filepath.Join(dir, FileName), 0o600, &bolt.Options{Timeout: 2 * time.Second, NoSync: cfg.NoSync})
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("embedded: open %s: %w", dir, err)
	}
	e := &Engine{
		cfg:         cfg,
		cc:          cc,
		db:          db,
		msps:        msps,
		collections: map[string]stub.Collection{},
		btl:         map[string]uint64{},
		queue:       make(chan *pending, cfg.MaxBatch),
		closing:     make(chan struct{}),
		committed:   make(chan struct{}),
		changed:     make(chan struct{}),
	}
	for _, c := range cfg.Collections {
		members := map[string]bool{}
		for _, m := range c.MemberMSPs {
			members[m] = true
		}
		e.collections[c.Name] = stub.Collection{Members: members, MemberOnlyRead: c.MemberOnlyRead, MemberOnlyWrite: c.MemberOnlyWrite}
		e.btl[c.Name] = c.BlockToLive
	}
	if err := readSafely(e.init); err != nil {
		_ = db.Close()
		return nil, err
	}
	go e.commitLoop()
	return e, nil
}

// ErrDamaged says the ledger's files were changed outside the engine: Open found its last
// block different from the tip it recorded. `udi ledger verify` lists what was changed.
var ErrDamaged = errors.New("embedded: the ledger is damaged")

// init creates the buckets, reads the height, checks the last block and records the
// configuration if it changed.
func (e *Engine) init() error {
	conf, err := e.cfg.encode()
	if err != nil {
		return err
	}
	return e.db.Update(func(tx *bolt.Tx) error {
		if err := state.Init(tx); err != nil {
			return err
		}
		meta := tx.Bucket(state.BucketMeta)
		e.height = heightOf(meta)
		if err := checkTip(tx, e.height); err != nil && !e.cfg.OpenDamaged {
			return err
		}
		if e.height > 0 && string(meta.Get(state.MetaConfig)) == string(conf) {
			return nil
		}
		h, err := e.appendConfigBlock(tx, conf)
		e.height = h
		return err
	})
}

// readSafely runs f, which reads the bbolt file, and makes a damaged file an error: bbolt
// panics on a page whose header it does not expect, and a read of the memory map can fault.
func readSafely(f func() error) (err error) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%w: its file's structure cannot be read: %v", ErrDamaged, r)
		}
	}()
	return f()
}

// checkTip checks that the last block reads, is the block it should be and hashes to the
// recorded tip: a cheap check at every start, where Verify reads every block. A commit is
// one bbolt transaction, so a crash cannot leave them apart; a change to the file can.
func checkTip(tx *bolt.Tx, height uint64) error {
	if height == 0 {
		return nil
	}
	last := height - 1
	raw := tx.Bucket(state.BucketBlocks).Get(state.U64(last))
	if raw == nil {
		return fmt.Errorf("%w: block %d, the last, is missing", ErrDamaged, last)
	}
	d, err := blocklog.Decode(raw)
	switch {
	case err != nil:
		return fmt.Errorf("%w: block %d, the last, cannot be read: %v", ErrDamaged, last, err)
	case d.Header.Number != last:
		return fmt.Errorf("%w: block %d, the last, says it is block %d", ErrDamaged, last, d.Header.Number)
	case !d.DataHashOK:
		return fmt.Errorf("%w: block %d, the last: its transactions do not match its data hash", ErrDamaged, last)
	case !bytes.Equal(d.Hash, tx.Bucket(state.BucketMeta).Get(state.MetaTip)):
		return fmt.Errorf("%w: block %d, the last, does not hash to the recorded tip", ErrDamaged, last)
	}
	return nil
}

// Height is the number of blocks, the configuration block 0 included.
func (e *Engine) Height() uint64 {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.height
}

// Close stops the committer (a block being committed is finished) and closes the store.
// Event streams end.
func (e *Engine) Close() error {
	var err error
	e.closeOnce.Do(func() {
		close(e.closing)
		<-e.committed
		err = e.db.Close()
	})
	return err
}

func (e *Engine) isClosed() bool {
	select {
	case <-e.closing:
		return true
	default:
		return false
	}
}
