package blocklog_test

import (
	"bytes"
	"testing"
	"time"

	"github.com/udiledger/udiledger/gateway/ledger/embedded/blocklog"
)

func sample() []blocklog.Transaction {
	return []blocklog.Transaction{{
		TxID: "t1", Type: blocklog.TypeEndorser, Timestamp: time.Unix(1, 2).UTC(),
		Function: "asset:Move", Args: []string{"a1"}, ValidationCode: blocklog.ValidationValid,
		RWSet: blocklog.RWSet{
			Reads:  []blocklog.KVRead{{Key: "a1", Version: &blocklog.Version{Block: 1}}},
			Writes: []blocklog.KVWrite{{Key: "a1", Value: []byte("bob")}},
		},
		Event: &blocklog.Event{Name: "Moved", Payload: []byte("a1")},
	}}
}

func TestSealThenDecode(t *testing.T) {
	raw, hash, err := blocklog.Seal(3, []byte("prev"), sample())
	if err != nil {
		t.Fatal(err)
	}
	d, err := blocklog.Decode(raw)
	if err != nil {
		t.Fatal(err)
	}
	if !d.DataHashOK || !bytes.Equal(d.Hash, hash) || d.Header.Number != 3 || string(d.Header.PreviousHash) != "prev" {
		t.Fatalf("decoded %+v", d.Header)
	}
	if d.Transactions[0].Event.Name != "Moved" || string(d.Transactions[0].RWSet.Writes[0].Value) != "bob" {
		t.Fatalf("transaction = %+v", d.Transactions[0])
	}
}

func TestEveryChangedByteIsDetected(t *testing.T) {
	raw, hash, err := blocklog.Seal(3, []byte("prev"), sample())
	if err != nil {
		t.Fatal(err)
	}
	for i := range raw {
		changed := bytes.Clone(raw)
		changed[i] ^= 0x20
		d, err := blocklog.Decode(changed)
		if err == nil && d.DataHashOK && bytes.Equal(d.Hash, hash) {
			t.Fatalf("changing byte %d of %d went unnoticed", i, len(raw))
		}
	}
}
