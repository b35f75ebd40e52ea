package gs1

import "strings"

// GS is the ASCII group separator that scanners send for FNC1 between elements.
const GS = '\x1d'

// Element is one AI with its value.
type Element struct {
	AI    string `json:"ai"`
	Value string `json:"value"`
}

// symbologyIDs are the AIM symbology identifiers of carriers holding GS1 element strings:
// GS1 DataMatrix, GS1 QR Code, GS1-128, GS1 DataBar and GS1 DotCode.
var symbologyIDs = [...]string{"]d2", "]Q3", "]C1", "]e0", "]J1"}

// EAN/UPC symbols carry a GTIN without AI, in fixed-length packets. The AIM modifier says
// which: ]E0 EAN-13, UPC-A or UPC-E as 13 digits; ]E1 a two-digit add-on alone; ]E2 a
// five-digit add-on alone; ]E3 the 13 digits followed by a two- or five-digit add-on; ]E4
// EAN-8, 8 digits.
const eanUPCPrefix = "]E"

// HasSymbologyID reports whether s starts with the symbology identifier of a GS1 carrier:
// one of the element-string carriers above or an EAN/UPC symbol (]E0 to ]E4).
func HasSymbologyID(s string) bool {
	if len(s) < 3 || s[0] != ']' {
		return false
	}
	if s[:2] == eanUPCPrefix && s[2] >= '0' && s[2] <= '4' {
		return true
	}
	for _, id := range symbologyIDs {
		if s[:3] == id {
			return true
		}
	}
	return false
}

// ParseElementString reads AI element strings as a scanner sends them: an optional symbology
// identifier (]d2, ]Q3, ]C1, ]e0, ]J1), then AIs and values with GS (ASCII 29) as the FNC1
// separator after each variable-length value. Every value is validated and so are the
// associations between AIs (see Validate). Identical repeated AIs are dropped.
//
// EAN/UPC data is read too, and must have the length its symbology identifier gives: ]E0
// exactly 13 digits and ]E4 exactly 8, read as (01) widened to 14 digits; ]E3 13 digits and a
// two- or five-digit add-on, read as (01) with the add-on dropped (it holds no AI). An add-on
// alone (]E1, ]E2) carries no GS1 key and is refused.
func ParseElementString(s string) ([]Element, error) {
	elems, err := parseElementString(s, make([]Element, 0, 6), nil)
	if err != nil {
		return nil, err
	}
	return elems, nil
}

// parseEANUPC reads the data of an EAN/UPC symbol after its symbology identifier ]E0 to ]E4.
func parseEANUPC(s string, elems []Element, pf *Prefixes) ([]Element, *SyntaxError) {
	data := s[3:]
	for i := 0; i < len(data); i++ {
		if !isDigit(data[i]) {
			return nil, errAt(3+i, KindBadChar, "", "got "+quoteByte(data[i])+" in EAN/UPC data ("+s[:3]+"), want a digit")
		}
	}
	var gtin string
	switch s[2] {
	case '0':
		if len(data) != 13 {
			return nil, errAt(3, KindBadLength, "", "EAN-13/UPC data (]E0) holds 13 digits, got "+itoa(len(data)))
		}
		gtin = "0" + data
	case '3':
		if len(data) != 15 && len(data) != 18 {
			return nil, errAt(3, KindBadLength, "", "EAN-13/UPC data with add-on (]E3) holds 13 digits and 2 or 5 more, got "+itoa(len(data)))
		}
		gtin = "0" + data[:13]
	case '4':
		if len(data) != 8 {
			return nil, errAt(3, KindBadLength, "", "EAN-8 data (]E4) holds 8 digits, got "+itoa(len(data)))
		}
		gtin = "000000" + data
	default:
		return nil, errAt(0, KindUnknownFormat, "", "an EAN/UPC add-on alone ("+s[:3]+") carries no GS1 key")
	}
	def, _ := Lookup("01")
	if e := def.validate(gtin, pf); e != nil {
		e.Pos += 3 - (14 - min(len(data), 13)) // from the widened GTIN back to the data
		return nil, e
	}
	return append(elems, Element{AI: def.AI, Value: gtin}), nil
}

func parseElementString(s string, elems []Element, pf *Prefixes) ([]Element, *SyntaxError) {
	pos := 0
	if len(s) > 0 && s[0] == ']' {
		if !HasSymbologyID(s) {
			return nil, errAt(0, KindUnknownFormat, "", "symbology identifier "+quoteSafe(prefix(s, 3))+" is not one of a GS1 carrier (]d2 ]Q3 ]C1 ]e0 ]J1 ]E0-]E4)")
		}
		if s[:2] == eanUPCPrefix {
			return parseEANUPC(s, elems, pf)
		}
		pos = 3
	}
	if pos < len(s) && s[pos] == GS { // FNC1 in first position, as some scanners send it
		pos++
	}
	if pos == len(s) {
		return nil, errAt(pos, KindUnknownFormat, "", "no element string")
	}
	for pos < len(s) {
		start := pos
		if len(s)-pos < 2 || !isDigit(s[pos]) || !isDigit(s[pos+1]) {
			return nil, errAt(pos, KindUnknownAI, "", "want a two to four digit AI")
		}
		n := aiLen(s[pos:])
		if n == 0 || len(s)-pos < n || !allDigits(s[pos:pos+n]) {
			return nil, errAt(pos, KindUnknownAI, "", "no AI starts "+quoteSafe(prefix(s[pos:], 4)))
		}
		def, ok := Lookup(s[pos : pos+n])
		if !ok {
			return nil, errAt(pos, KindUnknownAI, s[pos:pos+n], "not in the GS1 Barcode Syntax Dictionary")
		}
		pos += n
		var value string
		if def.FixedLen {
			end := min(len(s), pos+def.MaxLen)
			if i := strings.IndexByte(s[pos:end], GS); i >= 0 {
				end = pos + i
			}
			if end-pos < def.MaxLen {
				return nil, errAt(pos, KindBadLength, def.AI, lengthMsg(def, end-pos))
			}
			value = s[pos : pos+def.MaxLen]
			pos += def.MaxLen
		} else {
			end := strings.IndexByte(s[pos:], GS)
			if end < 0 {
				end = len(s) - pos
			}
			value = s[pos : pos+end]
			pos += end
		}
		if e := def.validate(value, pf); e != nil {
			e.Pos += start + len(def.AI)
			return nil, e
		}
		if pos < len(s) && s[pos] == GS {
			pos++
			if pos == len(s) {
				return nil, errAt(pos-1, KindBadChar, "", "separator at the end of the data")
			}
		}
		elems = append(elems, Element{AI: def.AI, Value: value})
	}
	elems, e := dedupe(elems)
	if e != nil {
		return nil, e
	}
	if e := checkAssociations(elems); e != nil {
		return nil, e
	}
	return elems, nil
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func prefix(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// ParseBracketed reads the human-readable form "(01)09506000134352(17)241231(10)ABC123".
// Spaces between elements are ignored. A value runs to the next "(", which must open an AI;
// a literal "(" inside a value is written "\(" (as the GS1 Barcode Syntax Engine does).
func ParseBracketed(s string) ([]Element, error) {
	elems, err := parseBracketed(s, nil)
	if err != nil {
		return nil, err
	}
	return elems, nil
}

func parseBracketed(s string, pf *Prefixes) ([]Element, *SyntaxError) {
	elems := make([]Element, 0, 6)
	pos := skipSpaces(s, 0)
	if pos == len(s) {
		return nil, errAt(pos, KindUnknownFormat, "", "no element string")
	}
	for pos < len(s) {
		def, next, e := bracketAI(s, pos)
		if e != nil {
			return nil, e
		}
		pos = skipSpaces(s, next)
		var value string
		if def.FixedLen {
			end := pos
			for end < len(s) && s[end] != '(' && s[end] != ' ' && end-pos < def.MaxLen {
				end++
			}
			value = s[pos:end]
			pos = end
			if pos < len(s) && s[pos] != '(' && s[pos] != ' ' {
				return nil, errAt(pos, KindBadLength, def.AI, "longer than "+itoa(def.MaxLen)+" characters")
			}
		} else {
			end, escaped := pos, false
			for end < len(s) && s[end] != '(' {
				if s[end] == '\\' && end+1 < len(s) && s[end+1] == '(' {
					escaped = true
					end++
				}
				end++
			}
			raw := strings.TrimRight(s[pos:end], " ")
			value = raw
			if escaped {
				value = strings.ReplaceAll(raw, "\\(", "(")
			}
			pos = end
		}
		if e := def.validate(value, pf); e != nil {
			e.Pos += next
			return nil, e
		}
		elems = append(elems, Element{AI: def.AI, Value: value})
		pos = skipSpaces(s, pos)
	}
	elems, e := dedupe(elems)
	if e != nil {
		return nil, e
	}
	if e := checkAssociations(elems); e != nil {
		return nil, e
	}
	return elems, nil
}

// bracketAI reads "(AI)" at pos and returns the AI's definition and the offset after ")".
func bracketAI(s string, pos int) (*AIDef, int, *SyntaxError) {
	if s[pos] != '(' {
		return nil, 0, errAt(pos, KindUnknownFormat, "", "want '(' and an AI")
	}
	end := strings.IndexByte(s[pos:], ')')
	if end < 0 {
		return nil, 0, errAt(pos, KindUnknownFormat, "", "no ')' closes the AI")
	}
	ai := s[pos+1 : pos+end]
	def, ok := Lookup(ai)
	if !ok {
		return nil, 0, errAt(pos+1, KindUnknownAI, "", "AI "+quoteSafe(prefix(ai, 6))+" is not in the GS1 Barcode Syntax Dictionary")
	}
	return def, pos + end + 1, nil
}

func skipSpaces(s string, pos int) int {
	for pos < len(s) && s[pos] == ' ' {
		pos++
	}
	return pos
}

// dedupe drops repeated identical elements and refuses an AI repeated with another value.
// It copies nothing when there is no repetition, the usual case.
func dedupe(elems []Element) ([]Element, *SyntaxError) {
	dups := 0
	for i := 1; i < len(elems); i++ {
		for j := 0; j < i; j++ {
			if elems[j].AI == elems[i].AI {
				if elems[j].Value != elems[i].Value {
					return nil, errAt(-1, KindDuplicateAI, elems[i].AI, "given as "+quoteSafe(elems[j].Value)+" and "+quoteSafe(elems[i].Value))
				}
				dups++
				break
			}
		}
	}
	if dups == 0 {
		return elems, nil
	}
	out := make([]Element, 0, len(elems)-dups)
	for i, e := range elems {
		if _, seen := Get(elems[:i], e.AI); !seen {
			out = append(out, e)
		}
	}
	return out, nil
}

// Validate checks a list of elements as a whole: every value against its AI, duplicates,
// mandatory associations (req=) and invalid pairs (ex=). Elements built by hand or read from
// another source (Digital Link, EPC URN) go through it.
func Validate(elems []Element) error {
	if e := validateAll(elems, nil); e != nil {
		return e
	}
	return nil
}

func validateAll(elems []Element, pf *Prefixes) *SyntaxError {
	for _, el := range elems {
		def, ok := Lookup(el.AI)
		if !ok {
			return errAt(-1, KindUnknownAI, "", quoteSafe(el.AI)+" is not in the GS1 Barcode Syntax Dictionary")
		}
		if e := def.validate(el.Value, pf); e != nil {
			return e
		}
	}
	for i, e := range elems {
		for _, f := range elems[:i] {
			if f.AI == e.AI && f.Value != e.Value {
				return errAt(-1, KindDuplicateAI, e.AI, "given as "+quoteSafe(f.Value)+" and "+quoteSafe(e.Value))
			}
		}
	}
	return checkAssociations(elems)
}

// matchAI reports whether ai matches pattern, where 'n' in the pattern stands for any digit.
func matchAI(pattern, ai string) bool {
	if len(pattern) != len(ai) {
		return false
	}
	for i := 0; i < len(ai); i++ {
		if pattern[i] != ai[i] && pattern[i] != 'n' {
			return false
		}
	}
	return true
}

func present(elems []Element, pattern string) bool {
	for i := range elems {
		if matchAI(pattern, elems[i].AI) {
			return true
		}
	}
	return false
}

func checkAssociations(elems []Element) *SyntaxError {
	for i := range elems {
		def, _ := Lookup(elems[i].AI)
		if def == nil {
			continue
		}
		for _, pat := range def.Ex {
			for j := range elems {
				if elems[j].AI != def.AI && matchAI(pat, elems[j].AI) {
					return errAt(-1, KindInvalidPair, def.AI, "must not appear with ("+elems[j].AI+")")
				}
			}
		}
		for _, alts := range def.Req {
			if !reqMet(alts, func(pat string) bool { return present(elems, pat) }) {
				return errAt(-1, KindMissingAI, def.AI, "needs "+describeReq(alts, false))
			}
		}
	}
	return checkDigSig(elems)
}

// reqMet reports whether one alternative of a req= entry has every AI pattern it names
// present (as has judges it).
func reqMet(alts [][]string, has func(pat string) bool) bool {
	for _, alt := range alts {
		all := true
		for _, pat := range alt {
			if !has(pat) {
				all = false
				break
			}
		}
		if all {
			return true
		}
	}
	return false
}

// digSigAI is the digital signature (8030). The GS1 General Specifications allow it only
// beside a serialised key. The dictionary's req= names the keys, (00), (01) with (21), (253),
// (255), (8003) … but cannot say that the GDTI (253), GCN (255) and GRAI (8003) are serialised
// only when they carry their optional serial component; checkDigSig adds that.
const digSigAI = "8030"

// checkDigSig refuses (8030) unless every req= entry of it is met by AIs that are all
// serialised: an AI whose last component is optional (the serial of 253, 255, 8003) counts
// only with that component given. It runs after the plain req= check.
func checkDigSig(elems []Element) *SyntaxError {
	if _, ok := Get(elems, digSigAI); !ok {
		return nil
	}
	def, _ := Lookup(digSigAI)
	for _, alts := range def.Req {
		if !reqMet(alts, func(pat string) bool { return presentSerialised(elems, pat) }) {
			return errAt(-1, KindMissingAI, digSigAI, "a digital signature needs a serialised key: "+describeReq(alts, true))
		}
	}
	return nil
}

// presentSerialised reports whether an element matching pattern is present with its optional
// serial component, if its AI has one.
func presentSerialised(elems []Element, pattern string) bool {
	for i := range elems {
		if !matchAI(pattern, elems[i].AI) {
			continue
		}
		def, ok := Lookup(elems[i].AI)
		if !ok {
			continue
		}
		if n, has := serialAt(def); !has || len(elems[i].Value) > n {
			return true
		}
	}
	return false
}

// serialAt returns the length of the mandatory part of an AI whose last component is an
// optional serial, and whether it has one.
func serialAt(def *AIDef) (int, bool) {
	last := len(def.Components) - 1
	if last < 1 || !def.Components[last].Optional {
		return 0, false
	}
	n := 0
	for _, c := range def.Components[:last] {
		n += c.Max
	}
	return n, true
}

// describeReq names the alternatives of one req= entry; serial adds "with its serial
// component" after an AI that has an optional serial (see checkDigSig).
func describeReq(alts [][]string, serial bool) string {
	var b strings.Builder
	for i, alt := range alts {
		if i > 0 {
			if i == len(alts)-1 {
				b.WriteString(" or ")
			} else {
				b.WriteString(", ")
			}
		}
		for j, p := range alt {
			if j > 0 {
				b.WriteString(" with ")
			}
			b.WriteString("(" + p + ")")
			if def, ok := Lookup(p); ok && serial {
				if _, has := serialAt(def); has {
					b.WriteString(" with its serial component")
				}
			}
		}
	}
	return b.String()
}

// ElementString writes elements as a scanner would send them, with GS after every
// variable-length value that is not last. It does not add a symbology identifier.
func ElementString(elems []Element) string {
	var b strings.Builder
	for i, e := range elems {
		b.WriteString(e.AI)
		b.WriteString(e.Value)
		if def, ok := Lookup(e.AI); i < len(elems)-1 && (!ok || !def.FixedLen) {
			b.WriteByte(GS)
		}
	}
	return b.String()
}

// Bracketed writes elements in the human-readable form "(01)09506000134352(21)12345",
// escaping a "(" inside a value as "\(" so that ParseBracketed reads it back exactly.
func Bracketed(elems []Element) string {
	return string(AppendBracketed(nil, elems))
}

// AppendBracketed appends the bracketed form of elems to b.
func AppendBracketed(b []byte, elems []Element) []byte {
	for _, e := range elems {
		b = append(b, '(')
		b = append(b, e.AI...)
		b = append(b, ')')
		for i := 0; i < len(e.Value); i++ {
			if e.Value[i] == '(' {
				b = append(b, '\\')
			}
			b = append(b, e.Value[i])
		}
	}
	return b
}

// Get returns the value of the first element with the given AI.
func Get(elems []Element, ai string) (string, bool) {
	for _, e := range elems {
		if e.AI == ai {
			return e.Value, true
		}
	}
	return "", false
}
