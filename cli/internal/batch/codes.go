// Package batch is what the commands that write events over many codes share (udi commission,
// ship, receive, pack, dispense, scan…): codes read one per line with their line numbers,
// events of at most model.MaxEventCodes codes with IDs derived from the input, a progress
// bar, a per-event report and the summary line with its exit status.
package batch

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/udiledger/udiledger/chaincode/identifier"
	"github.com/udiledger/udiledger/chaincode/model"
)

// MaxCodes bounds one run, so that a typo in a range does not fill the memory.
const MaxCodes = 10_000_000

// Codes is the codes of one run in input order, with where each came from.
type Codes struct {
	Codes  []string
	Lines  []int  // line of each code in the file; nil when the codes were made or given as arguments
	Source string // the file name, or how the codes were made
	keys   map[string]int
}

// NewCodes starts an empty list; withLines keeps each code's line.
func NewCodes(source string, withLines bool) *Codes {
	l := &Codes{Source: source, keys: map[string]int{}}
	if withLines {
		l.Lines = []int{}
	}
	return l
}

// Len is the number of codes.
func (l *Codes) Len() int { return len(l.Codes) }

func (l *Codes) where(i, line int) string {
	if l.Lines != nil {
		return l.Source + ":" + strconv.Itoa(line)
	}
	return fmt.Sprintf("%s (code %d)", l.Source, i+1)
}

// Add checks the shape of one code, as udi parse reads it, and that it is not given twice,
// then adds it. A refused code is not added; the error names the file and line.
func (l *Codes) Add(code string, line int) error {
	i := len(l.Codes)
	fail := func(format string, args ...any) error {
		return fmt.Errorf("%s: %s", l.where(i, line), fmt.Sprintf(format, args...))
	}
	if i >= MaxCodes {
		return fail("more than %d codes in one run", MaxCodes)
	}
	if len(code) > model.MaxCodeLength {
		return fail("code is longer than %d characters", model.MaxCodeLength)
	}
	c, err := identifier.Parse(code)
	if err != nil {
		return fail("code %q: %v", Printable(code), err)
	}
	if first, dup := l.keys[c.Key]; dup {
		return fail("code %q repeats %s", Printable(code), l.place(first))
	}
	l.keys[c.Key] = i
	l.Codes = append(l.Codes, code)
	if l.Lines != nil {
		l.Lines = append(l.Lines, line)
	}
	return nil
}

func (l *Codes) place(i int) string {
	if l.Lines != nil {
		return "line " + strconv.Itoa(l.Lines[i])
	}
	return "code " + strconv.Itoa(i+1)
}

// Lines calls line for each line of r that is not blank and is no # comment, trimmed, with
// its 1-based number; it stops at the first error line returns.
func Lines(r io.Reader, name string, line func(s string, n int) error) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	n := 0
	for sc.Scan() {
		n++
		s := strings.TrimSpace(sc.Text())
		if s == "" || strings.HasPrefix(s, "#") {
			continue
		}
		if err := line(s, n); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("%s:%d: %w", name, n+1, err)
	}
	return nil
}

// Read reads one code per line; blank lines and lines starting with # are skipped. The first
// bad or repeated code is the error, with its line.
func Read(r io.Reader, name string) (*Codes, error) {
	l := NewCodes(name, true)
	if err := Lines(r, name, l.Add); err != nil {
		return nil, err
	}
	if l.Len() == 0 {
		return nil, fmt.Errorf("%s: no codes", name)
	}
	return l, nil
}

// Open opens the input named path: a file, or standard input for "" or "-". It returns the
// name to report lines under; closing the standard input is left to its owner.
func Open(path string, stdin io.Reader) (io.ReadCloser, string, error) {
	if path == "" || path == "-" {
		return io.NopCloser(stdin), "stdin", nil
	}
	fh, err := os.Open(filepath.Clean(path))
	if err != nil {
		return nil, "", err
	}
	return fh, path, nil
}

// ReadFile is Read of the input named path (see Open).
func ReadFile(path string, stdin io.Reader) (*Codes, error) {
	r, name, err := Open(path, stdin)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return Read(r, name)
}

// Chunk is the codes of one event.
type Chunk struct {
	Index   int      `json:"chunk"` // 1-based
	EventID string   `json:"eventId"`
	First   int      `json:"first"` // 1-based position of its first code in the input
	Lines   string   `json:"lines,omitempty"`
	Codes   []string `json:"-"`
}

// Chunks splits the codes into events of at most size codes; id names the n-th (1-based)
// event from its codes alone, so that running the same input again names the same events and
// the ledger answers those it recorded as replayed instead of writing them twice.
func (l *Codes) Chunks(size int, id func(n int, codes []string) string) []Chunk {
	var out []Chunk
	for i, start := 0, 0; start < len(l.Codes); i, start = i+1, start+size {
		end := min(start+size, len(l.Codes))
		c := Chunk{Index: i + 1, First: start + 1, Codes: l.Codes[start:end]}
		c.EventID = id(c.Index, c.Codes)
		if l.Lines != nil {
			c.Lines = fmt.Sprintf("%d-%d", l.Lines[start], l.Lines[end-1])
		}
		out = append(out, c)
	}
	return out
}

// Hash is the hex of the first 128 bits of the SHA-256 of head and the codes, each code
// after a NUL byte: the hash part of an event ID derived from the input.
func Hash(head string, codes []string) string {
	h := sha256.New()
	h.Write([]byte(head))
	for _, c := range codes {
		h.Write([]byte{0})
		h.Write([]byte(c))
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// Printable shows control characters such as GS so a message stays on one line.
func Printable(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return '␣'
		}
		return r
	}, strings.ReplaceAll(s, "\x1d", "<GS>"))
}
