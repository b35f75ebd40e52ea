// Package gs1 reads and writes GS1 identifiers: Application Identifier (AI) element strings as
// scanners send them, the bracketed human-readable form, GS1 Digital Link URIs and EPC URNs.
// The AI table is generated from the GS1 Barcode Syntax Dictionary (see gen.go). The package
// uses the standard library only.
package gs1

//go:generate go run ./internal/gendict -in ../../../shared/data/gs1/gs1-syntax-dictionary.txt -out ai_table_gen.go

// Charset is a GS1 character set of a component: 'N' digits, 'X' CSET 82, 'Y' CSET 39,
// 'Z' base64url (CSET 64).
type Charset byte

// Component is one part of an AI's data field, as the dictionary breaks it down.
type Component struct {
	Charset  Charset
	Min, Max int // equal for a fixed-length component
	Optional bool
	Linters  []Linter
}

// AIDef describes one Application Identifier.
type AIDef struct {
	AI     string
	Title  string
	MinLen int // shortest valid data field
	MaxLen int // longest valid data field
	// FixedLen marks a predefined-length AI that needs no FNC1 separator after it.
	FixedLen bool
	// DLAttr marks an AI permitted as a GS1 Digital Link data attribute (query string).
	DLAttr     bool
	Components []Component
	// Req lists mandatory associations: every entry must be met by one of its alternatives,
	// and an alternative is met when all its AIs (or patterns such as "31nn") are present.
	Req [][][]string
	// Ex lists AIs or patterns that must not appear together with this AI.
	Ex []string
	// DLPKey marks a Digital Link primary key; DLQualifiers are its allowed qualifier
	// sequences, in order.
	DLPKey       bool
	DLQualifiers [][]string
}

// aiIndex maps the numeric value of an AI, per AI length, to its place in aiTable plus one.
type aiIndex struct {
	length [100]uint8 // AI length by its first two digits; 0 when no AI starts so
	by2    [100]uint16
	by3    [1000]uint16
	by4    [10000]uint16
}

var index = buildIndex()

func buildIndex() *aiIndex {
	x := new(aiIndex)
	for i := range aiTable {
		ai := aiTable[i].AI
		n := atoiDigits(ai)
		x.length[n/pow10(len(ai)-2)] = uint8(len(ai)) // #nosec G115 -- an AI has 2 to 4 digits
		switch len(ai) {
		case 2:
			x.by2[n] = uint16(i + 1)
		case 3:
			x.by3[n] = uint16(i + 1)
		case 4:
			x.by4[n] = uint16(i + 1)
		}
	}
	return x
}

func pow10(n int) int {
	p := 1
	for ; n > 0; n-- {
		p *= 10
	}
	return p
}

// atoiDigits converts a string known to hold only digits.
func atoiDigits(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// Lookup returns the definition of an AI such as "01" or "3103".
func Lookup(ai string) (*AIDef, bool) {
	if len(ai) < 2 || len(ai) > 4 || !allDigits(ai) {
		return nil, false
	}
	if aiLen(ai) != len(ai) {
		return nil, false
	}
	var i uint16
	switch n := atoiDigits(ai); len(ai) {
	case 2:
		i = index.by2[n]
	case 3:
		i = index.by3[n]
	default:
		i = index.by4[n]
	}
	if i == 0 {
		return nil, false
	}
	return &aiTable[i-1], true
}

// aiLen returns the length of the AI that starts s (which holds at least two digits), or 0.
func aiLen(s string) int {
	return int(index.length[int(s[0]-'0')*10+int(s[1]-'0')])
}

// AIDefs returns every AI the dictionary lists, in lexical order. The result must not be
// modified.
func AIDefs() []AIDef { return aiTable[:] }

// Validate checks one AI's value against its definition: length, character set and linters.
// The returned error's Pos is an offset within value.
func (d *AIDef) Validate(value string) error {
	if e := d.validate(value); e != nil {
		return e
	}
	return nil
}

func (d *AIDef) validate(value string) *SyntaxError {
	if len(value) < d.MinLen || len(value) > d.MaxLen {
		return errAt(0, KindBadLength, d.AI, lengthMsg(d, len(value)))
	}
	off := 0
	for i := range d.Components {
		c := &d.Components[i]
		rest := len(value) - off
		if rest == 0 && c.Optional {
			break
		}
		n := c.Max
		if c.Min != c.Max { // variable: only the last component may be
			n = rest
		}
		if n > rest {
			return errAt(off, KindBadLength, d.AI, lengthMsg(d, len(value)))
		}
		part := value[off : off+n]
		if bad := badChar(c.Charset, part); bad >= 0 {
			return errAt(off+bad, KindBadChar, d.AI, charMsg(c.Charset, part[bad]))
		}
		for _, l := range c.Linters {
			if e := l.check(part); e != nil {
				e.Pos += off
				e.AI = d.AI
				return e
			}
		}
		off += n
	}
	if off != len(value) {
		return errAt(off, KindBadLength, d.AI, lengthMsg(d, len(value)))
	}
	return nil
}

func lengthMsg(d *AIDef, got int) string {
	if d.MinLen == d.MaxLen {
		return "got " + itoa(got) + " characters, want " + itoa(d.MaxLen)
	}
	return "got " + itoa(got) + " characters, want " + itoa(d.MinLen) + " to " + itoa(d.MaxLen)
}

func charMsg(cs Charset, c byte) string {
	var want string
	switch cs {
	case 'N':
		want = "a digit"
	case 'X':
		want = "a GS1 character (CSET 82)"
	case 'Y':
		want = "0-9, A-Z, # - / (CSET 39)"
	default:
		want = "a base64url character (CSET 64)"
	}
	return "got " + quoteByte(c) + ", want " + want
}

func quoteByte(c byte) string {
	if c >= 0x20 && c < 0x7f {
		return "'" + string(rune(c)) + "'"
	}
	const hex = "0123456789ABCDEF"
	return "byte 0x" + string([]byte{hex[c>>4], hex[c&15]})
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	neg := n < 0
	if neg {
		n = -n
	}
	var b [20]byte
	i := len(b)
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	if neg {
		i--
		b[i] = '-'
	}
	return string(b[i:])
}

// Character classes, one bit per class.
const (
	clsN  = 1 << iota // 0-9
	cls82             // CSET 82
	cls39             // CSET 39
	cls64             // CSET 64 (base64url, '=' padding handled apart)
)

var charClass = func() (t [256]uint8) {
	for c := '0'; c <= '9'; c++ {
		t[c] |= clsN | cls82 | cls39 | cls64
	}
	for c := 'A'; c <= 'Z'; c++ {
		t[c] |= cls82 | cls39 | cls64
	}
	for c := 'a'; c <= 'z'; c++ {
		t[c] |= cls82 | cls64
	}
	for _, c := range "!\"%&'()*+,-./:;<=>?_" {
		t[c] |= cls82
	}
	for _, c := range "#-/" {
		t[c] |= cls39
	}
	t['-'] |= cls64
	t['_'] |= cls64
	return t
}()

// cset82 lists CSET 82 in the order whose index is a character's value for csumalpha.
const cset82 = "!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz"

// badChar returns the index of the first character outside cs, or -1.
func badChar(cs Charset, s string) int {
	var want uint8
	switch cs {
	case 'N':
		want = clsN
	case 'X':
		want = cls82
	case 'Y':
		want = cls39
	default:
		want = cls64
		// '=' may pad the end of base64url data.
		end := len(s)
		for end > 0 && s[end-1] == '=' {
			end--
		}
		if len(s)-end > 2 {
			return end
		}
		s = s[:end]
	}
	for i := 0; i < len(s); i++ {
		if charClass[s[i]]&want == 0 {
			return i
		}
	}
	return -1
}
