package state_test

import (
	"path/filepath"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/udiledger/udiledger/gateway/ledger/embedded/blocklog"
	"github.com/udiledger/udiledger/gateway/ledger/embedded/internal/state"
)

func TestHistoryOfOneKeyOnly(t *testing.T) {
	db, err := bolt.Open(filepath.Join(t.TempDir(), "db"), 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	writes := []struct {
		key string
		ver blocklog.Version
	}{
		{"a", blocklog.Version{Block: 1}}, {"ab", blocklog.Version{Block: 2}},
		{"a", blocklog.Version{Block: 3, Tx: 1}}, {"a\x00", blocklog.Version{Block: 4}}, {"", blocklog.Version{Block: 5}},
	}
	err = db.Update(func(tx *bolt.Tx) error {
		if err := state.Init(tx); err != nil {
			return err
		}
		for _, w := range writes {
			e := state.HistoryEntry{TxID: w.key + "@" + time.Unix(int64(w.ver.Block), 0).UTC().Format("15:04:05"), Timestamp: time.Unix(int64(w.ver.Block), 0)}
			if err := tx.Bucket(state.BucketHistory).Put(state.HistoryKey(w.key, w.ver), state.EncodeHistory(e)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, key string
		want      []uint64 // blocks, newest first
	}{
		{name: "a key's history excludes keys it is a prefix of", key: "a", want: []uint64{3, 1}},
		{name: "a longer key has its own history", key: "ab", want: []uint64{2}},
		{name: "a key with a null byte is its own key", key: "a\x00", want: []uint64{4}},
		{name: "an unknown key has no history", key: "zz", want: nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []uint64
			err := db.View(func(tx *bolt.Tx) error {
				hs, err := state.History(tx, tt.key, 100)
				for _, h := range hs {
					got = append(got, h.Version.Block)
				}
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("history = %v, want %v", got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Fatalf("history = %v, want %v", got, tt.want)
				}
			}
		})
	}
}

func TestRecordRoundTrip(t *testing.T) {
	in := state.Record{Version: blocklog.Version{Block: 7, Tx: 3}, Metadata: map[string][]byte{"VALIDATION_PARAMETER": []byte("p")}, Value: []byte("v")}
	b, err := state.EncodeRecord(in)
	if err != nil {
		t.Fatal(err)
	}
	out, err := state.DecodeRecord(b)
	if err != nil {
		t.Fatal(err)
	}
	if out.Version != in.Version || string(out.Value) != "v" || string(out.Metadata["VALIDATION_PARAMETER"]) != "p" {
		t.Fatalf("round trip = %+v", out)
	}
}

func TestDecodeValueSkipsTheMetadata(t *testing.T) {
	in := state.Record{Version: blocklog.Version{Block: 9, Tx: 2}, Metadata: map[string][]byte{"VALIDATION_PARAMETER": []byte("p")}, Value: []byte("v")}
	b, err := state.EncodeRecord(in)
	if err != nil {
		t.Fatal(err)
	}
	out, err := state.DecodeValue(b)
	if err != nil {
		t.Fatal(err)
	}
	if out.Version != in.Version || string(out.Value) != "v" || out.Metadata != nil {
		t.Fatalf("DecodeValue = %+v", out)
	}
	if _, err := state.DecodeValue(b[:19]); err == nil {
		t.Fatal("a truncated record decodes")
	}
}
