package commission

import (
	"crypto/hmac"
	"crypto/sha256"
	"fmt"
	"strconv"
	"strings"

	"github.com/udiledger/udiledger/cli/internal/batch"
)

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
	if to-from >= batch.MaxCodes {
		return 0, 0, fmt.Errorf("--serials %q: more than %d codes in one run", s, batch.MaxCodes)
	}
	return from, to, nil
}

// rangeCodes makes the codes of serials from..to, zero-padded to width.
func rangeCodes(di string, t template, from, to, width int) (*batch.Codes, error) {
	l := batch.NewCodes(fmt.Sprintf("serials %d-%d", from, to), false)
	for n := from; n <= to; n++ {
		s := fmt.Sprintf("%0*d", width, n)
		if width > 0 && len(s) > width {
			return nil, fmt.Errorf("%s (code %d): serial %d is wider than --width %d", l.Source, n-from+1, n, width)
		}
		if err := l.Add(t.code(di, s), 0); err != nil {
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
func generatedCodes(di, lot string, t template, n, width int, seed []byte) (*batch.Codes, error) {
	l := batch.NewCodes(fmt.Sprintf("%d generated serials", n), false)
	mac := hmac.New(sha256.New, seed)
	serial := make([]byte, width)
	for i := 0; i < n; i++ {
		mac.Reset()
		fmt.Fprintf(mac, "%s\x00%s\x00%d", di, lot, i)
		sum := mac.Sum(nil)
		for j := range serial {
			serial[j] = serialAlphabet[int(sum[j])%len(serialAlphabet)]
		}
		if err := l.Add(t.code(di, string(serial)), 0); err != nil {
			return nil, err
		}
	}
	return l, nil
}

// chunks splits the codes into events of at most size codes, each named by eventID.
func chunks(l *batch.Codes, di, lot string, size int) []batch.Chunk {
	return l.Chunks(size, func(n int, codes []string) string { return eventID(di, lot, n, codes) })
}

// eventID is "udi:commission:DI/LOT:N:HASH", HASH the first 128 bits of the SHA-256 of the
// DI, the lot, N and the codes.
func eventID(di, lot string, n int, codes []string) string {
	return fmt.Sprintf("udi:commission:%s/%s:%d:%s", di, lot, n, batch.Hash(fmt.Sprintf("%s\x00%s\x00%d", di, lot, n), codes))
}
