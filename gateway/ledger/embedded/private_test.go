package embedded_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"

	"github.com/udiledger/udiledger/gateway/ledger"
	"github.com/udiledger/udiledger/gateway/ledger/embedded"
)

const (
	hospital  = "HospitalOrg/admin"
	regulator = "RegulatorOrg/admin"
	coll      = "dispenseCollection"
)

func (f *fixture) putSecret(who, key, secret string) (*ledger.Result, error) {
	return f.engine.Submit(context.Background(), ledger.Proposal{
		Identity:  f.id(who),
		Function:  "asset:PutSecret",
		Args:      []string{coll, key},
		Transient: map[string][]byte{"secret": []byte(secret)},
	})
}

func TestPrivateData(t *testing.T) {
	f := newFixture(t)
	const secret = "patient-4711"
	r, err := f.putSecret(hospital, "rx1", secret)
	if err != nil {
		t.Fatal(err)
	}
	reads := []struct{ name, who, want, wantErr string }{
		{name: "the writing member reads it", who: hospital, want: secret},
		{name: "another member reads it", who: regulator, want: secret},
		{name: "a non-member is refused", who: manufacturer, wantErr: "does not have read access permission"},
	}
	for _, tt := range reads {
		t.Run(tt.name, func(t *testing.T) {
			got, err := f.evaluate(tt.who, "GetSecret", coll, "rx1")
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("got %q, %v; want %q", got, err, tt.want)
			}
		})
	}
	t.Run("a non-member cannot write a member-only collection", func(t *testing.T) {
		_, err := f.putSecret(manufacturer, "rx2", "x")
		if err == nil || !strings.Contains(err.Error(), "does not have write access permission") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("anyone reads the value's hash", func(t *testing.T) {
		sum := sha256.Sum256([]byte(secret))
		if got := f.mustEvaluate(manufacturer, "SecretHash", coll, "rx1"); got != fmt.Sprintf("%x", sum) {
			t.Fatalf("hash = %s", got)
		}
	})
	t.Run("the block holds neither the transient input nor the value, only hashes", func(t *testing.T) {
		tx, _, err := f.engine.TransactionByID(r.TxID)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Join(tx.Args, ",") != coll+",rx1" {
			t.Fatalf("args = %v", tx.Args)
		}
		if len(tx.RWSet.Collections) != 1 || len(tx.RWSet.Collections[0].Writes) != 1 {
			t.Fatalf("collections = %+v", tx.RWSet.Collections)
		}
		assertNotInBlocks(t, f, secret)
	})
	t.Run("a range query on private data reads the collection", func(t *testing.T) {
		if got := f.mustEvaluate(hospital, "SecretRange", coll); got != "rx1" {
			t.Fatalf("range = %q", got)
		}
	})
	t.Run("a range query on private data is refused once the transaction has written", func(t *testing.T) {
		_, err := f.submit(hospital, "PutThenSecretRange", coll)
		if err == nil || !strings.Contains(err.Error(), "Queries on pvt data is supported only in a read-only transaction") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("an undefined collection is an error", func(t *testing.T) {
		_, err := f.evaluate(hospital, "GetSecret", "nope", "rx1")
		if err == nil || !strings.Contains(err.Error(), "not defined") {
			t.Fatalf("err = %v", err)
		}
	})
}

// assertNotInBlocks reads every stored block's bytes and fails if s occurs in one.
func assertNotInBlocks(t *testing.T, f *fixture, s string) {
	t.Helper()
	for n := uint64(0); n < f.engine.Height(); n++ {
		b, err := f.engine.Block(n)
		if err != nil {
			t.Fatal(err)
		}
		for _, tx := range b.Transactions {
			if bytes.Contains([]byte(fmt.Sprintf("%+v", tx)), []byte(s)) {
				t.Fatalf("block %d contains %q", n, s)
			}
		}
	}
}

func TestBlockToLivePurgesPrivateData(t *testing.T) {
	f := newFixture(t, func(c *embedded.Config) { c.Collections[0].BlockToLive = 2 })
	r, err := f.putSecret(hospital, "rx1", "short-lived")
	if err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		if got := f.mustEvaluate(hospital, "GetSecret", coll, "rx1"); got != "short-lived" {
			t.Fatalf("block %d: value %q gone too early", r.BlockNumber+uint64(i), got)
		}
		f.mustSubmit(manufacturer, "Put", "tick", fmt.Sprint(i))
	}
	// Written in block b with blockToLive 2: kept in b+1 and b+2, purged at b+3.
	if got := f.mustEvaluate(hospital, "GetSecret", coll, "rx1"); got != "" {
		t.Fatalf("value %q still there after blockToLive", got)
	}
	if rep, err := f.engine.Verify(context.Background()); err != nil || !rep.OK() {
		t.Fatalf("verify after purge = %+v, %v", rep, err)
	}
}

func TestPurgePrivateData(t *testing.T) {
	f := newFixture(t)
	if _, err := f.putSecret(hospital, "rx1", "to-be-forgotten"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.submit(manufacturer, "PurgeSecret", coll, "rx1"); err == nil || !strings.Contains(err.Error(), "write access permission") {
		t.Fatalf("a non-member purged: %v", err)
	}
	r, err := f.submit(hospital, "PurgeSecret", coll, "rx1")
	if err != nil {
		t.Fatal(err)
	}
	for _, who := range []string{hospital, regulator} {
		if got := f.mustEvaluate(who, "GetSecret", coll, "rx1"); got != "" {
			t.Fatalf("%s reads %q after the purge", who, got)
		}
	}
	if got := f.mustEvaluate(manufacturer, "SecretHash", coll, "rx1"); got != "" {
		t.Fatalf("hash %q after the purge", got)
	}
	tx, _, err := f.engine.TransactionByID(r.TxID)
	if err != nil {
		t.Fatal(err)
	}
	if c := tx.RWSet.Collections; len(c) != 1 || len(c[0].Writes) != 1 || !c[0].Writes[0].IsPurge || !c[0].Writes[0].IsDelete {
		t.Fatalf("the block does not record a purge: %+v", c)
	}
	assertNotInBlocks(t, f, "to-be-forgotten")
	if _, err := f.submit(hospital, "PurgeSecret", coll, "rx1"); err != nil {
		t.Fatalf("purging an absent key: %v", err)
	}
	if rep, err := f.engine.Verify(context.Background()); err != nil || !rep.OK() {
		t.Fatalf("verify after purge = %+v, %v", rep, err)
	}
}

func TestVerifyDetectsTampering(t *testing.T) {
	lastByte := func(v []byte) []byte { v[len(v)-1] ^= 0x01; return v }
	tests := []struct {
		name   string
		bucket string
		key    []byte // nil: the first entry
		change func([]byte) []byte
	}{
		{name: "a changed argument in a block, still valid JSON, is detected", bucket: "blocks", key: []byte{0, 0, 0, 0, 0, 0, 0, 1},
			change: func(v []byte) []byte { return bytes.Replace(v, []byte(`"acme"`), []byte(`"acmf"`), 1) }},
		{name: "a changed last byte of a block is detected", bucket: "blocks", key: []byte{0, 0, 0, 0, 0, 0, 0, 2}, change: lastByte},
		{name: "a changed state value is detected", bucket: "state", key: []byte("a1"), change: lastByte},
		{name: "a changed history entry is detected", bucket: "history", change: lastByte},
		{name: "a changed private value is detected", bucket: "pvt", change: lastByte},
		{name: "a changed private hash is detected", bucket: "pvthash", change: lastByte},
		{name: "a changed transaction index entry is detected", bucket: "txids", change: lastByte},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			f.mustSubmit(manufacturer, "Create", "a1", "acme")
			f.mustSubmit(manufacturer, "Move", "a1", "acme", "bob")
			if _, err := f.putSecret(hospital, "rx1", "secret"); err != nil {
				t.Fatal(err)
			}
			if rep, err := f.engine.Verify(context.Background()); err != nil || !rep.OK() {
				t.Fatalf("verify before = %+v, %v", rep, err)
			}
			if err := f.engine.Close(); err != nil {
				t.Fatal(err)
			}
			changeEntry(t, f.dir+"/ledger/"+embedded.FileName, tt.bucket, tt.key, tt.change)
			f.open()
			rep, err := f.engine.Verify(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if rep.OK() {
				t.Fatalf("verify found nothing after changing one byte in %s", tt.bucket)
			}
			t.Logf("problems: %v", rep.Problems)
		})
	}
}

func TestVerifyDetectsARawByteChangeInTheFile(t *testing.T) {
	f := newFixture(t)
	const value = "unique-value-42"
	f.mustSubmit(manufacturer, "Put", "k", value)
	if err := f.engine.Close(); err != nil {
		t.Fatal(err)
	}
	path := f.dir + "/ledger/" + embedded.FileName
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(raw, []byte(value)) {
		t.Fatal("value not found in the file")
	}
	raw = bytes.ReplaceAll(raw, []byte(value), []byte("unique-value-43"))
	if err := os.WriteFile(path, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	if e, err := embedded.Open(f.dir+"/ledger", newTestChaincode(), f.cfg); !errors.Is(err, embedded.ErrDamaged) {
		if e != nil {
			_ = e.Close()
		}
		t.Fatalf("open after the last block was changed: %v, want ErrDamaged", err)
	}
	f.cfg.OpenDamaged = true
	f.open()
	rep, err := f.engine.Verify(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if rep.OK() {
		t.Fatal("verify found nothing after the value was changed in the file")
	}
}

// changeEntry rewrites one value of a bucket in the bbolt file through bbolt's API: the entry
// at key, or the first one when key is nil.
func changeEntry(t *testing.T, path, bucket string, key []byte, change func([]byte) []byte) {
	t.Helper()
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	err = db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte(bucket))
		k, v := key, b.Get(key)
		if key == nil {
			k, v = b.Cursor().First()
		}
		if v == nil {
			return fmt.Errorf("no entry to change in %s", bucket)
		}
		changed := change(bytes.Clone(v))
		if bytes.Equal(changed, v) {
			return fmt.Errorf("entry in %s unchanged", bucket)
		}
		return b.Put(bytes.Clone(k), changed)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestOpenRefusesAFileWhosePagesCannotBeRead(t *testing.T) {
	f := newFixture(t)
	for i := range 20 {
		f.mustSubmit(manufacturer, "Put", fmt.Sprintf("k%d", i), strings.Repeat("v", 500))
	}
	if err := f.engine.Close(); err != nil {
		t.Fatal(err)
	}
	path := f.dir + "/ledger/" + embedded.FileName
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	var root uint64
	_ = db.View(func(tx *bolt.Tx) error {
		root = uint64(tx.Bucket([]byte("blocks")).Root())
		return nil
	})
	size := uint64(db.Info().PageSize)
	_ = db.Close()
	raw, err := os.ReadFile(path)
	if err != nil || root == 0 {
		t.Fatalf("root page %d: %v", root, err)
	}
	raw[root*size+8] ^= 0xff // the page's type, in its header
	if err := os.WriteFile(path, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	f.cfg.OpenDamaged = true // even so: the file cannot be read
	e, err := embedded.Open(f.dir+"/ledger", newTestChaincode(), f.cfg)
	if e != nil {
		_ = e.Close()
	}
	if !errors.Is(err, embedded.ErrDamaged) {
		t.Fatalf("open: %v, want ErrDamaged and no panic", err)
	}
}
