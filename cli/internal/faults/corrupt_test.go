package faults

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"
)

// TestCorruptedBlockFile changes one byte of a block in the ledger file of a stopped gateway,
// as a failing disk or a hand would, and runs `udi ledger verify` and `udi serve` on it.
func TestCorruptedBlockFile(t *testing.T) {
	dir := t.TempDir()
	w := newScanWorkload(1, 10)
	g := startGateway(t, dir)
	g.seedGoods(w.units())
	for n := range 6 {
		w.send(g, w.next(0, n))
	}
	g.stop()
	if out, errOut, code := verifyLedger(t, dir); code != 0 {
		t.Fatalf("the untouched ledger: exit %d\n%s\n%s", code, out, errOut)
	}

	t.Run("a changed byte in the last block: verify names the block, the gateway refuses to start", func(t *testing.T) {
		d := copyDir(t, dir)
		block := changeBlock(t, d, func(height uint64) uint64 { return height - 1 })
		out, errOut, code := verifyLedger(t, d)
		if code != 1 || !strings.Contains(errOut, "block "+block) || !strings.Contains(out, "PROBLEM  block "+block) {
			t.Fatalf("verify: exit %d\nstdout %s\nstderr %s\nwant exit 1 and block %s named", code, out, errOut, block)
		}
		t.Logf("udi ledger verify: exit %d, stderr: %s", code, errOut)
		_, err := launch(t, d)
		var exit *exitError
		if !errors.As(err, &exit) || exit.code == 0 || !strings.Contains(exit.stderr, "damaged") || !strings.Contains(exit.stderr, "block "+block) ||
			!strings.Contains(exit.stderr, "udi ledger verify --data-dir") {
			t.Fatalf("udi serve on the damaged ledger: %v, want it to exit non-zero naming block %s", err, block)
		}
		t.Logf("udi serve: exit %d, stderr: %s", exit.code, exit.stderr)
	})
	t.Run("a changed byte in an earlier block: verify names it, before and after the gateway wrote more", func(t *testing.T) {
		d := copyDir(t, dir)
		block := changeBlock(t, d, func(height uint64) uint64 { return height / 2 })
		out, errOut, code := verifyLedger(t, d)
		if code != 1 || !strings.Contains(errOut, "block "+block) {
			t.Fatalf("verify: exit %d\nstdout %s\nstderr %s\nwant exit 1 and block %s named", code, out, errOut, block)
		}
		// Only the last block is checked at start (ADR 040): the gateway serves, and what it
		// writes does not hide the change.
		g := startGateway(t, d)
		g.must(http.StatusCreated, nil, mfr, "POST", "/v1/events/inspect", map[string]any{"code": unitCode(1), "location": mfrGLN})
		g.stop()
		if out, errOut, code := verifyLedger(t, d); code != 1 || !strings.Contains(errOut, "block "+block) {
			t.Fatalf("verify after more writes: exit %d\nstdout %s\nstderr %s", code, out, errOut)
		}
	})
	t.Run("a changed page header: verify and the gateway say the file is damaged, without a crash", func(t *testing.T) {
		d := copyDir(t, dir)
		page := changeBlocksPage(t, d)
		out, errOut, code := verifyLedger(t, d)
		if code != 1 || !strings.Contains(errOut, "damaged") || strings.Contains(errOut, "goroutine ") {
			t.Fatalf("verify: exit %d\nstdout %s\nstderr %s\nwant exit 1 saying the file is damaged", code, out, errOut)
		}
		t.Logf("udi ledger verify (page %d): exit %d, stderr: %s", page, code, errOut)
		_, err := launch(t, d)
		var exit *exitError
		if !errors.As(err, &exit) || exit.code == 0 || !strings.Contains(exit.stderr, "damaged") || strings.Contains(exit.stderr, "goroutine ") {
			t.Fatalf("udi serve on the damaged file: %v, want it to exit non-zero saying the ledger is damaged", err)
		}
	})
}

// changeBlocksPage flips the page type of the root page of the blocks bucket (bbolt's page
// header, not a block's bytes) and returns the page's number.
func changeBlocksPage(t *testing.T, dir string) uint64 {
	t.Helper()
	path := filepath.Join(dir, "ledger", "ledger.db")
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
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if root == 0 {
		t.Fatal("the blocks bucket has no page of its own")
	}
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	flags := make([]byte, 1)
	at := int64(root*size + 8) // the page header: id (8 bytes), then flags
	if _, err := f.ReadAt(flags, at); err != nil {
		t.Fatal(err)
	}
	flags[0] ^= 0xff
	if _, err := f.WriteAt(flags, at); err != nil {
		t.Fatal(err)
	}
	return root
}

// changeBlock flips one bit near the end of a block (in its last transaction) wherever the
// ledger file holds that block's bytes (bbolt may keep stale copies in free pages), and
// returns the block's number. pick chooses the block from the height.
func changeBlock(t *testing.T, dir string, pick func(height uint64) uint64) string {
	t.Helper()
	path := filepath.Join(dir, "ledger", "ledger.db")
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	var n uint64
	var raw []byte
	err = db.View(func(tx *bolt.Tx) error {
		height := binary.BigEndian.Uint64(tx.Bucket([]byte("meta")).Get([]byte("height")))
		n = pick(height)
		raw = bytes.Clone(tx.Bucket([]byte("blocks")).Get(binary.BigEndian.AppendUint64(nil, n)))
		return nil
	})
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	if err != nil || len(raw) < 64 {
		t.Fatalf("block %d: %d bytes, %v", n, len(raw), err)
	}
	file, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var offsets []int
	for at := 0; ; {
		i := bytes.Index(file[at:], raw)
		if i < 0 {
			break
		}
		off := at + i + len(raw) - 20
		file[off] ^= 0x02
		offsets = append(offsets, off)
		at += i + len(raw)
	}
	if len(offsets) == 0 {
		t.Fatalf("block %d not found in the file", n)
	}
	if err := os.WriteFile(path, file, 0o600); err != nil {
		t.Fatal(err)
	}
	t.Logf("block %d (%d bytes): flipped a bit at file offsets %v", n, len(raw), offsets)
	return strconv.FormatUint(n, 10)
}

// copyDir copies a stopped gateway's data directory.
func copyDir(t *testing.T, src string) string {
	t.Helper()
	dst := t.TempDir()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o700)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, b, 0o600)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}
