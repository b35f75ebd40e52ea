package blocklog

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// A stored block is framed as
//
//	u32 len | header JSON | u32 n | n × (u32 len | transaction JSON)
//
// all integers big-endian. DataHash is sha256 over the sha256 of each transaction's stored
// bytes; the block's hash is sha256 of its stored header bytes.

// Seal fills in the header's DataHash for txs and returns the stored bytes and the block hash.
func Seal(number uint64, prevHash []byte, txs []Transaction) (raw, hash []byte, err error) {
	encoded := make([][]byte, len(txs))
	for i := range txs {
		if encoded[i], err = json.Marshal(&txs[i]); err != nil {
			return nil, nil, fmt.Errorf("blocklog: encode transaction %d: %w", i, err)
		}
	}
	h := Header{Number: number, PreviousHash: prevHash, DataHash: dataHash(encoded)}
	hdr, err := json.Marshal(&h)
	if err != nil {
		return nil, nil, fmt.Errorf("blocklog: encode header: %w", err)
	}
	var buf bytes.Buffer
	writeFrame(&buf, hdr)
	_ = binary.Write(&buf, binary.BigEndian, uint32(len(encoded))) // #nosec G115 -- MaxBatch transactions at most
	for _, tx := range encoded {
		writeFrame(&buf, tx)
	}
	sum := sha256.Sum256(hdr)
	return buf.Bytes(), sum[:], nil
}

// Decoded is a block read back from its stored bytes.
type Decoded struct {
	Block
	Hash []byte // sha256 of the stored header bytes
	// DataHashOK says whether the transactions' bytes match the header's DataHash.
	DataHashOK bool
}

// Decode reads a stored block. A block whose transactions do not match its DataHash is
// returned with DataHashOK false; a block that cannot be parsed is an error.
func Decode(raw []byte) (*Decoded, error) {
	r := bytes.NewReader(raw)
	hdr, err := readFrame(r)
	if err != nil {
		return nil, fmt.Errorf("blocklog: header: %w", err)
	}
	var d Decoded
	if err := json.Unmarshal(hdr, &d.Header); err != nil {
		return nil, fmt.Errorf("blocklog: header: %w", err)
	}
	var n uint32
	if err := binary.Read(r, binary.BigEndian, &n); err != nil {
		return nil, fmt.Errorf("blocklog: transaction count: %w", err)
	}
	if int64(n) > int64(r.Len()) {
		return nil, errors.New("blocklog: transaction count larger than block")
	}
	encoded := make([][]byte, n)
	d.Transactions = make([]Transaction, n)
	for i := range encoded {
		if encoded[i], err = readFrame(r); err != nil {
			return nil, fmt.Errorf("blocklog: transaction %d: %w", i, err)
		}
		if err := json.Unmarshal(encoded[i], &d.Transactions[i]); err != nil {
			return nil, fmt.Errorf("blocklog: transaction %d: %w", i, err)
		}
	}
	if r.Len() != 0 {
		return nil, errors.New("blocklog: trailing bytes after the last transaction")
	}
	sum := sha256.Sum256(hdr)
	d.Hash = sum[:]
	d.DataHashOK = bytes.Equal(dataHash(encoded), d.Header.DataHash)
	return &d, nil
}

func dataHash(encoded [][]byte) []byte {
	h := sha256.New()
	for _, tx := range encoded {
		sum := sha256.Sum256(tx)
		h.Write(sum[:])
	}
	return h.Sum(nil)
}

func writeFrame(buf *bytes.Buffer, b []byte) {
	_ = binary.Write(buf, binary.BigEndian, uint32(len(b))) // #nosec G115 -- a block is far below 4 GiB
	buf.Write(b)
}

func readFrame(r *bytes.Reader) ([]byte, error) {
	var n uint32
	if err := binary.Read(r, binary.BigEndian, &n); err != nil {
		return nil, err
	}
	if int64(n) > int64(r.Len()) {
		return nil, errors.New("frame longer than block")
	}
	b := make([]byte, n)
	_, err := io.ReadFull(r, b)
	return b, err
}
