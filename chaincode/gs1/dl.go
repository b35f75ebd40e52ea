package gs1

import "strings"

// DefaultDLBase is the base of canonical GS1 Digital Link URIs.
const DefaultDLBase = "https://id.gs1.org"

type span struct{ start, end int }

// ParseDigitalLink reads an uncompressed GS1 Digital Link URI on any host and below any path
// prefix: the primary key and its qualifiers in the path, in the order the dictionary's dlpkey
// gives, and data attributes as numeric query keys. Other query keys (linkType, …) and the
// fragment are ignored. Values are percent-decoded, and in the query string a '+' is a space
// (as in application/x-www-form-urlencoded), so a plus in a query value must be written %2B;
// a GTIN-8, -12 or -13 in the path is widened to 14 digits. An AI may appear once: one given
// in the path and again in the query, or twice in the query, is refused even with the same
// value, and so is a query AI that is a key qualifier the path could hold (/01/…?10=… must be
// /01/…/10/…). The elements come back primary key first, then qualifiers, then attributes,
// and are validated as ParseElementString validates them.
func ParseDigitalLink(uri string) ([]Element, error) {
	elems, err := parseDigitalLink(uri, nil)
	if err != nil {
		return nil, err
	}
	return elems, nil
}

func parseDigitalLink(uri string, pf *Prefixes) ([]Element, *SyntaxError) {
	pos := 0
	switch {
	case hasPrefixFold(uri, "https://"):
		pos = 8
	case hasPrefixFold(uri, "http://"):
		pos = 7
	default:
		return nil, errAt(0, KindBadDLPath, "", "want a URI starting http:// or https://")
	}
	end := len(uri)
	if i := strings.IndexByte(uri, '#'); i >= 0 {
		end = i
	}
	query := -1
	if i := strings.IndexByte(uri[:end], '?'); i >= 0 {
		query = i
		end = i
	}
	hostEnd := strings.IndexByte(uri[pos:end], '/')
	if hostEnd <= 0 {
		return nil, errAt(pos, KindBadDLPath, "", "want a host and a path holding a GS1 key")
	}
	pathStart := pos + hostEnd
	var segBuf [24]span
	segs := segBuf[:0]
	for i := pathStart; i < end; {
		j := strings.IndexByte(uri[i+1:end], '/')
		if j < 0 {
			j = end - i - 1
		}
		segs = append(segs, span{i + 1, i + 1 + j})
		i += j + 1
	}
	// Walk back from the end in (AI, value) pairs until the primary key.
	primary := -1
	for i := len(segs) - 2; i >= 0; i -= 2 {
		ai := uri[segs[i].start:segs[i].end]
		def, ok := Lookup(ai)
		if !ok {
			break
		}
		if def.DLPKey {
			primary = i
			break
		}
	}
	if primary < 0 {
		return nil, errAt(pathStart, KindBadDLPath, "", "no GS1 primary key such as /01/<gtin> or /00/<sscc> ends the path")
	}
	elems := make([]Element, 0, 6)
	pdef, _ := Lookup(uri[segs[primary].start:segs[primary].end])
	seq := -1 // the dlpkey alternative in use
	next := 0 // the index in it the next qualifier may take
	for i := primary; i < len(segs); i += 2 {
		ai := uri[segs[i].start:segs[i].end]
		def, ok := Lookup(ai)
		if !ok {
			return nil, errAt(segs[i].start, KindUnknownAI, "", quoteSafe(ai)+" is not a GS1 AI")
		}
		if i > primary {
			s, n := qualifierSlot(pdef, ai, seq, next)
			if s < 0 {
				return nil, errAt(segs[i].start, KindBadDLPath, ai, "may not follow the path so far; qualifiers of ("+pdef.AI+") are "+describeSeqs(pdef.DLQualifiers))
			}
			seq, next = s, n
		}
		vs := segs[i+1]
		value, e := percentDecode(uri[vs.start:vs.end], vs.start, false)
		if e != nil {
			return nil, e
		}
		widened := 0
		if def.AI == "01" && (len(value) == 8 || len(value) == 12 || len(value) == 13) && allDigits(value) {
			widened = 14 - len(value)
			value = "00000000000000"[:widened] + value
		}
		if e := def.validate(value, pf); e != nil {
			e.Pos = vs.start + min(max(e.Pos-widened, 0), vs.end-vs.start)
			return nil, e
		}
		elems = append(elems, Element{AI: def.AI, Value: value})
	}
	if query >= 0 {
		inPath := len(elems)
		qend := len(uri)
		if i := strings.IndexByte(uri[query:], '#'); i >= 0 {
			qend = query + i
		}
		for q := query + 1; q < qend; {
			pe := qend
			if i := strings.IndexByte(uri[q:qend], '&'); i >= 0 {
				pe = q + i
			}
			key, val, _ := strings.Cut(uri[q:pe], "=")
			if allDigits(key) {
				def, ok := Lookup(key)
				if !ok {
					return nil, errAt(q, KindUnknownAI, "", quoteSafe(key)+" is not a GS1 AI")
				}
				for j := range elems {
					if elems[j].AI != def.AI {
						continue
					}
					where := "twice in the query string"
					if j < inPath {
						where = "in the path and again in the query string"
					}
					return nil, errAt(q, KindDuplicateAI, def.AI, "given "+where)
				}
				if !def.DLAttr {
					return nil, errAt(q, KindBadDLPath, def.AI, "is not a Digital Link data attribute")
				}
				if belongsInPath(pdef, elems[1:inPath], def.AI) {
					return nil, errAt(q, KindBadDLPath, def.AI, "is a key qualifier of ("+pdef.AI+") and belongs in the path, not the query string")
				}
				vstart := q + len(key) + 1
				value, e := percentDecode(val, vstart, true)
				if e != nil {
					return nil, e
				}
				if e := def.validate(value, pf); e != nil {
					if e.Kind == KindBadChar && e.Pos < len(value) && value[e.Pos] == ' ' && strings.IndexByte(val, '+') >= 0 {
						e.Msg += "; a '+' in a query value means a space, a plus is written %2B"
					}
					e.Pos = vstart + min(e.Pos, len(val))
					return nil, e
				}
				elems = append(elems, Element{AI: def.AI, Value: value})
			}
			q = pe + 1
		}
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

// belongsInPath reports whether the query AI ai is a key qualifier of the primary key pdef
// that the path could have held: some qualifier sequence of pdef holds it together with
// every qualifier the path gives, in their order. The path's qualifiers were checked to fit a
// sequence in order, so ai would go in its own place there.
func belongsInPath(pdef *AIDef, quals []Element, ai string) bool {
	for _, alt := range pdef.DLQualifiers {
		if indexOf(alt, ai) < 0 {
			continue
		}
		k, fits := 0, true
		for _, q := range quals {
			for k < len(alt) && alt[k] != q.AI {
				k++
			}
			if k == len(alt) {
				fits = false
				break
			}
		}
		if fits {
			return true
		}
	}
	return false
}

func indexOf(list []string, s string) int {
	for i, x := range list {
		if x == s {
			return i
		}
	}
	return -1
}

// qualifierSlot finds where qualifier ai may go given the alternative seq in use (-1: none
// yet) and the next free index in it; it returns the alternative and the new next index, or
// -1 when ai may not come here.
func qualifierSlot(pdef *AIDef, ai string, seq, next int) (int, int) {
	for s, alt := range pdef.DLQualifiers {
		if seq >= 0 && s != seq {
			continue
		}
		start := 0
		if s == seq {
			start = next
		}
		for k := start; k < len(alt); k++ {
			if alt[k] == ai {
				return s, k + 1
			}
		}
	}
	return -1, 0
}

func describeSeqs(seqs [][]string) string {
	if len(seqs) == 0 {
		return "none"
	}
	parts := make([]string, len(seqs))
	for i, s := range seqs {
		parts[i] = strings.Join(s, ", ")
	}
	return strings.Join(parts, " or ") + " in that order"
}

func hasPrefixFold(s, p string) bool {
	return len(s) >= len(p) && strings.EqualFold(s[:len(p)], p)
}

// percentDecode decodes %HH escapes and, in a query value (query), '+' as a space; off is the
// offset of s in the input, for errors.
func percentDecode(s string, off int, query bool) (string, *SyntaxError) {
	i := strings.IndexByte(s, '%')
	if query {
		if j := strings.IndexByte(s, '+'); j >= 0 && (i < 0 || j < i) {
			i = j
		}
	}
	if i < 0 {
		return s, nil
	}
	b := make([]byte, 0, len(s))
	b = append(b, s[:i]...)
	for ; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '%':
			var ok bool
			if c, ok = hexPair(s, i); !ok {
				return "", errAt(off+i, KindBadDLPath, "", "'%' must be followed by two hex digits")
			}
			i += 2
		case c == '+' && query:
			c = ' '
		}
		b = append(b, c)
	}
	return string(b), nil
}

// percentEncode escapes every byte outside the URI unreserved set (A-Z a-z 0-9 - . _ ~), as
// the GS1 Digital Link standard asks for AI values.
func percentEncode(b []byte, s string) []byte {
	const hex = "0123456789ABCDEF"
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~' {
			b = append(b, c)
			continue
		}
		b = append(b, '%', hex[c>>4], hex[c&15])
	}
	return b
}

// DigitalLink writes elements as a GS1 Digital Link URI under base (DefaultDLBase when
// empty): the first primary key in the elements, its qualifiers in dlpkey order, then the
// data attributes as a query string in AI order. Every element must fit one of these roles.
func DigitalLink(elems []Element, base string) (string, error) {
	if base == "" {
		base = DefaultDLBase
	}
	base = strings.TrimRight(base, "/")
	if !hasPrefixFold(base, "http://") && !hasPrefixFold(base, "https://") {
		return "", errAt(-1, KindBadDLPath, "", "base "+quoteSafe(base)+" is not an http or https URI")
	}
	if e := validateAll(elems, nil); e != nil {
		return "", e
	}
	p := -1
	for i, el := range elems {
		if def, _ := Lookup(el.AI); def.DLPKey {
			p = i
			break
		}
	}
	if p < 0 {
		return "", errAt(-1, KindMissingAI, "", "no Digital Link primary key such as (01) or (00)")
	}
	pdef, _ := Lookup(elems[p].AI)
	// Pick the qualifier sequence that takes the most of the elements.
	best, bestN := -1, 0
	for s, alt := range pdef.DLQualifiers {
		n := 0
		for _, q := range alt {
			if _, ok := Get(elems, q); ok {
				n++
			}
		}
		if n > bestN {
			best, bestN = s, n
		}
	}
	b := make([]byte, 0, len(base)+64)
	b = append(b, base...)
	b = append(b, '/')
	b = append(b, pdef.AI...)
	b = append(b, '/')
	b = percentEncode(b, elems[p].Value)
	used := map[string]bool{pdef.AI: true}
	if best >= 0 {
		for _, q := range pdef.DLQualifiers[best] {
			if v, ok := Get(elems, q); ok {
				b = append(b, '/')
				b = append(b, q...)
				b = append(b, '/')
				b = percentEncode(b, v)
				used[q] = true
			}
		}
	}
	var attrs []Element
	for _, el := range elems {
		if used[el.AI] {
			continue
		}
		def, _ := Lookup(el.AI)
		if !def.DLAttr {
			return "", errAt(-1, KindBadDLPath, el.AI, "is neither a qualifier of ("+pdef.AI+") nor a data attribute")
		}
		attrs = append(attrs, el)
	}
	for i := 1; i < len(attrs); i++ { // insertion sort by AI: few elements
		for j := i; j > 0 && attrs[j].AI < attrs[j-1].AI; j-- {
			attrs[j], attrs[j-1] = attrs[j-1], attrs[j]
		}
	}
	for i, el := range attrs {
		if i == 0 {
			b = append(b, '?')
		} else {
			b = append(b, '&')
		}
		b = append(b, el.AI...)
		b = append(b, '=')
		b = percentEncode(b, el.Value)
	}
	return string(b), nil
}
