package identifier

import (
	"strings"

	"github.com/udiledger/udiledger/chaincode/gs1"
)

// ParseKey reads a canonical key back into a Code holding the key's fields only. It refuses
// anything that is not exactly a canonical key, so it also serves to validate keys that
// arrive from outside.
func ParseKey(key string) (Code, error) {
	var (
		c   Code
		err *Error
	)
	switch {
	case strings.HasPrefix(key, "("):
		c, err = parseGS1(gs1.ParseBracketed, key, 0)
	case strings.HasPrefix(key, "ma:"):
		c, err = parseMA(key[3:], 3)
	case strings.HasPrefix(key, "hibcc:"):
		c, err = parseHIBCCKey(key)
	case len(key) == 20 && allDigits(key):
		c, err = parseCNDrug(key, 0)
	default:
		err = errAt("", 0, KindUnknownFormat, "a key starts with '(', \"ma:\", \"hibcc:\" or is 20 digits")
	}
	if err != nil {
		return Code{}, err
	}
	if c.Key != key {
		return Code{}, errAt(c.Scheme, -1, KindUnknownFormat, "not a canonical key: want "+c.Key)
	}
	return c, nil
}

// parseHIBCCKey reads "hibcc:<di>[$+<serial>|$<lot>]" by rebuilding the HIBCC data it stands
// for, so the same rules apply.
func parseHIBCCKey(key string) (Code, *Error) {
	rest := key[len("hibcc:"):]
	data := "+" + rest
	if i := strings.IndexByte(rest, '$'); i >= 0 {
		data = "+" + rest[:i] + "/" + rest[i:]
	}
	ch, ok := HIBCCCheck(data)
	if !ok {
		return Code{}, errAt(SchemeHIBCC, -1, KindBadChar, "key holds a character outside the HIBC set")
	}
	return parseHIBCC(data+string(ch), 0)
}

// ValidateGTIN checks a GTIN-8, -12, -13 or -14 with its check digit.
func ValidateGTIN(s string) error { return gs1.ValidateGTIN(s) }

// ValidateSSCC checks an 18-digit SSCC with its check digit.
func ValidateSSCC(s string) error { return gs1.ValidateSSCC(s) }

// ValidateGLN checks a 13-digit GLN with its check digit.
func ValidateGLN(s string) error { return gs1.ValidateGLN(s) }
