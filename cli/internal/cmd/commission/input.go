package commission

import (
	"bufio"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/udiledger/udiledger/chaincode/identifier"
	"github.com/udiledger/udiledger/chaincode/model"
)

// maxCodes bounds one run, so that a typo in a range does not fill the memory.
const maxCodes = 10_000_000

// codeList is the codes of one run in input order, with where each came from.
type codeList struct {
	codes  []string
	lines  []int  // line of each code in the file; nil when the codes were made, not read
	source string // the file name, or how the codes were made
	keys   map[string]int
}

// inputError says what is wrong with the input and where.
func (l *codeList) errorf(i int, format string, args ...any) error {
	where := l.source
	if l.lines != nil {
		where += ":" + strconv.Itoa(l.lines[i])
	} else {
		where += fmt.Sprintf(" (code %d)", i+1)
	}
	return fmt.Errorf("%s: %s", where, fmt.Sprintf(format, args...))
}

// add checks the shape of one code, as udi parse reads it, and that it is not given twice.
func (l *codeList) add(code string, line int) error {
	i := len(l.codes)
	l.codes = append(l.codes, code)
	if l.lines != nil {
		l.lines = append(l.lines, line)
	}
	if len(l.codes) > maxCodes {
		return l.errorf(i, "more than %d codes in one run", maxCodes)
	}
	if len(code) > model.MaxCodeLength {
		return l.errorf(i, "code is longer than %d characters", model.MaxCodeLength)
	}
	c, err := identifier.Parse(code)
	if err != nil {
		return l.errorf(i, "code %q: %v", code, err)
	}
	if first, dup := l.keys[c.Key]; dup {
		return l.errorf(i, "code %q repeats %s", code, l.place(first))
	}
	l.keys[c.Key] = i
	return nil
}

func (l *codeList) place(i int) string {
	if l.lines != nil {
		return "line " + strconv.Itoa(l.lines[i])
	}
	return "code " + strconv.Itoa(i+1)
}

// readCodes reads one code per line; blank lines and lines starting with # are skipped.
func readCodes(r io.Reader, name string) (*codeList, error) {
	l := &codeList{source: name, lines: []int{}, keys: map[string]int{}}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	line := 0
	for sc.Scan() {
		line++
		s := strings.TrimSpace(sc.Text())
		if s == "" || strings.HasPrefix(s, "#") {
			continue
		}
		if err := l.add(s, line); err != nil {
			return nil, err
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s:%d: %w", name, line+1, err)
	}
	if len(l.codes) == 0 {
		return nil, fmt.Errorf("%s: no codes", name)
	}
	return l, nil
}

// template makes a code from a DI and a serial: {di} and {serial} are replaced.
type template string

// defaultTemplate is the GS1 form for a GTIN-14 DI; other schemes need --template.
func defaultTemplate(di string) (template, error) {
	if len(di) == 14 {
		return "(01){di}(21){serial}", nil
	}
	return "", fmt.Errorf("no default code form for DI %q: give --template, e.g. '{di}{serial}…'", di)
}

func (t template) code(di, serial string) string {
	return strings.NewReplacer("{di}", di, "{serial}", serial).Replace(string(t))
}

// parseRange reads FROM-TO, both included.
func parseRange(s string) (from, to int, err error) {
	a, b, ok := strings.Cut(s, "-")
	from, err1 := strconv.Atoi(a)
	to, err2 := strconv.Atoi(b)
	if !ok || err1 != nil || err2 != nil || from < 0 || to < from {
		return 0, 0, fmt.Errorf("--serials %q: want FROM-TO, 0 <= FROM <= TO, e.g. 1-100000", s)
	}
	if to-from >= maxCodes {
		return 0, 0, fmt.Errorf("--serials %q: more than %d codes in one run", s, maxCodes)
	}
	return from, to, nil
}

// rangeCodes makes the codes of serials from..to, zero-padded to width.
func rangeCodes(di string, t template, from, to, width int) (*codeList, error) {
	l := &codeList{source: fmt.Sprintf("serials %d-%d", from, to), keys: make(map[string]int, to-from+1)}
	for n := from; n <= to; n++ {
		s := fmt.Sprintf("%0*d", width, n)
		if width > 0 && len(s) > width {
			return nil, l.errorf(n-from, "serial %d is wider than --width %d", n, width)
		}
		if err := l.add(t.code(di, s), 0); err != nil {
			return nil, err
		}
	}
	return l, nil
}

// serialAlphabet is what generated serials are made of: digits and capitals without I and O.
const serialAlphabet = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"

// generatedCodes makes n serials of width characters, unpredictable without the seed and the
// same for the same seed, lot and position: a run is repeated (and resumed) by giving the
// same seed.
func generatedCodes(di, lot string, t template, n, width int, seed []byte) (*codeList, error) {
	l := &codeList{source: fmt.Sprintf("%d generated serials", n), keys: make(map[string]int, n)}
	mac := hmac.New(sha256.New, seed)
	serial := make([]byte, width)
	for i := 0; i < n; i++ {
		mac.Reset()
		fmt.Fprintf(mac, "%s\x00%s\x00%d", di, lot, i)
		sum := mac.Sum(nil)
		for j := range serial {
			serial[j] = serialAlphabet[int(sum[j])%len(serialAlphabet)]
		}
		if err := l.add(t.code(di, string(serial)), 0); err != nil {
			return nil, err
		}
	}
	return l, nil
}

// chunk is the codes of one commissioning event.
type chunk struct {
	Index   int    `json:"chunk"` // 1-based
	EventID string `json:"eventId"`
	First   int    `json:"first"` // 1-based position of its first code in the input
	Lines   string `json:"lines,omitempty"`
	codes   []string
}

// chunks splits the codes into events of at most size codes. Each event's ID is derived from
// the input alone (the lot, the chunk's position and a hash of its codes), so running the
// same input again names the same events, and the ledger answers those it recorded as
// replayed instead of writing them twice.
func (l *codeList) chunks(di, lot string, size int) []chunk {
	var out []chunk
	for i, start := 0, 0; start < len(l.codes); i, start = i+1, start+size {
		end := min(start+size, len(l.codes))
		c := chunk{Index: i + 1, First: start + 1, codes: l.codes[start:end]}
		c.EventID = eventID(di, lot, c.Index, c.codes)
		if l.lines != nil {
			c.Lines = fmt.Sprintf("%d-%d", l.lines[start], l.lines[end-1])
		}
		out = append(out, c)
	}
	return out
}

// eventID is "udi:commission:DI/LOT:N:HASH", HASH the first 128 bits of the SHA-256 of the
// DI, the lot, N and the codes.
func eventID(di, lot string, n int, codes []string) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%d", di, lot, n)
	for _, c := range codes {
		h.Write([]byte{0})
		h.Write([]byte(c))
	}
	return fmt.Sprintf("udi:commission:%s/%s:%d:%s", di, lot, n, hex.EncodeToString(h.Sum(nil)[:16]))
}
