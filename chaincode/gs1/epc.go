package gs1

import "strings"

// EPC URN prefixes that ParseEPCURN and EPCURN handle.
const (
	urnID    = "urn:epc:id:"
	urnClass = "urn:epc:class:lgtin:"
	urnPat   = "urn:epc:idpat:sgtin:"
)

// ParseEPCURN converts an EPC pure-identity URN as EPCIS uses it into element strings, exactly:
//
//	urn:epc:id:sgtin:CP.IR.serial   → (01)(21)
//	urn:epc:id:sscc:CP.SR           → (00)
//	urn:epc:id:sgln:CP.LR.ext       → (414) and (254) unless ext is "0"
//	urn:epc:id:pgln:CP.PR           → (417)
//	urn:epc:id:grai:CP.AT.serial    → (8003)
//	urn:epc:id:giai:CP.ref          → (8004)
//	urn:epc:id:gsrn:CP.SR           → (8018), gsrnp → (8017)
//	urn:epc:id:gdti:CP.DT.serial    → (253)
//	urn:epc:class:lgtin:CP.IR.lot   → (01)(10)
//	urn:epc:idpat:sgtin:CP.IR.*     → (01)
//
// CP is the GS1 company prefix; check digits are computed. Serials and other alphanumeric
// parts use the URN escapes (%22 %25 %26 %2F %3C %3E %3F).
func ParseEPCURN(urn string) ([]Element, error) {
	elems, e := parseEPCURN(urn, nil)
	if e != nil {
		return nil, e
	}
	return elems, nil
}

func parseEPCURN(urn string, pf *Prefixes) ([]Element, *SyntaxError) {
	var scheme, body string
	var off int
	switch {
	case strings.HasPrefix(urn, urnClass):
		scheme, off = "lgtin", len(urnClass)
	case strings.HasPrefix(urn, urnPat):
		scheme, off = "idpat:sgtin", len(urnPat)
	case strings.HasPrefix(urn, urnID):
		rest := urn[len(urnID):]
		i := strings.IndexByte(rest, ':')
		if i < 0 {
			return nil, errAt(len(urnID), KindBadURN, "", "want urn:epc:id:<scheme>:<parts>")
		}
		scheme, off = rest[:i], len(urnID)+i+1
	default:
		return nil, errAt(0, KindBadURN, "", "want urn:epc:id:, urn:epc:class:lgtin: or urn:epc:idpat:sgtin:")
	}
	body = urn[off:]
	var parts [3]span
	n := 0
	for i, start := 0, 0; i <= len(body); i++ {
		if i == len(body) || body[i] == '.' {
			if n == len(parts) {
				return nil, errAt(off+i, KindBadURN, "", "too many '.'-separated parts")
			}
			parts[n] = span{off + start, off + i}
			n++
			start = i + 1
		}
	}
	part := func(k int) string { return urn[parts[k].start:parts[k].end] }
	want := func(k int) *SyntaxError {
		if n != k {
			return errAt(off, KindBadURN, "", "urn:epc "+scheme+" wants "+itoa(k)+" '.'-separated parts, got "+itoa(n))
		}
		return nil
	}
	// digits checks a company prefix and a reference that together must be total digits long.
	digits := func(total int) *SyntaxError {
		cp, ref := part(0), part(1)
		if !allDigits(cp) || len(cp) < 6 || len(cp) > 12 {
			return errAt(parts[0].start, KindBadURN, "", "GS1 company prefix must be 6 to 12 digits")
		}
		if (ref != "" && !allDigits(ref)) || len(cp)+len(ref) != total {
			return errAt(parts[1].start, KindBadURN, "", "company prefix and reference must be "+itoa(total)+" digits together")
		}
		return nil
	}
	withCheck := func(d string) string { return d + string(checkDigit(d)) }
	var elems []Element
	switch scheme {
	case "sgtin", "lgtin", "idpat:sgtin":
		if e := want(3); e != nil {
			return nil, e
		}
		if e := digits(13); e != nil {
			return nil, e
		}
		ir := part(1)
		if ir == "" {
			return nil, errAt(parts[1].start, KindBadURN, "", "item reference must start with the indicator digit")
		}
		gtin := withCheck(ir[:1] + part(0) + ir[1:])
		elems = append(elems, Element{"01", gtin})
		switch scheme {
		case "idpat:sgtin":
			if part(2) != "*" {
				return nil, errAt(parts[2].start, KindBadURN, "", "an sgtin pattern must end in '*'")
			}
		default:
			v, e := urnUnescape(part(2), parts[2].start)
			if e != nil {
				return nil, e
			}
			ai := "21"
			if scheme == "lgtin" {
				ai = "10"
			}
			elems = append(elems, Element{ai, v})
		}
	case "sscc":
		if e := want(2); e != nil {
			return nil, e
		}
		if e := digits(17); e != nil {
			return nil, e
		}
		sr := part(1)
		elems = append(elems, Element{"00", withCheck(sr[:1] + part(0) + sr[1:])})
	case "sgln", "pgln":
		k := 3
		if scheme == "pgln" {
			k = 2
		}
		if e := want(k); e != nil {
			return nil, e
		}
		if e := digits(12); e != nil {
			return nil, e
		}
		gln := withCheck(part(0) + part(1))
		if scheme == "pgln" {
			elems = append(elems, Element{"417", gln})
			break
		}
		elems = append(elems, Element{"414", gln})
		if ext := part(2); ext != "0" {
			v, e := urnUnescape(ext, parts[2].start)
			if e != nil {
				return nil, e
			}
			elems = append(elems, Element{"254", v})
		}
	case "grai", "gdti":
		if e := want(3); e != nil {
			return nil, e
		}
		if e := digits(12); e != nil {
			return nil, e
		}
		v, e := urnUnescape(part(2), parts[2].start)
		if e != nil {
			return nil, e
		}
		if scheme == "grai" {
			elems = append(elems, Element{"8003", "0" + withCheck(part(0)+part(1)) + v})
		} else {
			elems = append(elems, Element{"253", withCheck(part(0)+part(1)) + v})
		}
	case "giai":
		if e := want(2); e != nil {
			return nil, e
		}
		cp := part(0)
		if !allDigits(cp) || len(cp) < 6 || len(cp) > 12 {
			return nil, errAt(parts[0].start, KindBadURN, "", "GS1 company prefix must be 6 to 12 digits")
		}
		v, e := urnUnescape(part(1), parts[1].start)
		if e != nil {
			return nil, e
		}
		elems = append(elems, Element{"8004", cp + v})
	case "gsrn", "gsrnp":
		if e := want(2); e != nil {
			return nil, e
		}
		if e := digits(17); e != nil {
			return nil, e
		}
		ai := "8018"
		if scheme == "gsrnp" {
			ai = "8017"
		}
		elems = append(elems, Element{ai, withCheck(part(0) + part(1))})
	default:
		return nil, errAt(len(urnID), KindBadURN, "", "EPC scheme "+quoteSafe(scheme)+" is not supported (want sgtin, sscc, sgln, pgln, grai, giai, gsrn, gsrnp, gdti)")
	}
	if e := validateAll(elems, pf); e != nil {
		e.Pos = -1
		if e.Kind != KindMissingAI && e.Kind != KindInvalidPair {
			e.Kind, e.Msg = KindBadURN, e.Kind.String()+": "+e.Msg
		}
		return nil, e
	}
	return elems, nil
}

// urnUnescape decodes the EPC URN escapes; every character must be a GS1 (CSET 82) one.
func urnUnescape(s string, off int) (string, *SyntaxError) {
	if s == "" {
		return "", errAt(off, KindBadURN, "", "empty part")
	}
	var b []byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '%' {
			var ok bool
			if c, ok = hexPair(s, i); !ok {
				return "", errAt(off+i, KindBadURN, "", "'%' must be followed by two hex digits")
			}
			if b == nil {
				b = append(make([]byte, 0, len(s)), s[:i]...)
			}
			i += 2
			if charClass[c]&cls82 == 0 {
				return "", errAt(off+i-2, KindBadURN, "", "escape decodes to a character outside CSET 82")
			}
		} else if charClass[c]&cls82 == 0 || mustEscape(c) {
			return "", errAt(off+i, KindBadURN, "", quoteByte(c)+" must be escaped or is not allowed")
		}
		if b != nil {
			b = append(b, c)
		}
	}
	if b == nil {
		return s, nil
	}
	return string(b), nil
}

func mustEscape(c byte) bool {
	switch c {
	case '"', '%', '&', '/', '<', '>', '?':
		return true
	}
	return false
}

func urnEscape(b []byte, s string) []byte {
	const hex = "0123456789ABCDEF"
	for i := 0; i < len(s); i++ {
		if c := s[i]; mustEscape(c) {
			b = append(b, '%', hex[c>>4], hex[c&15])
		} else {
			b = append(b, c)
		}
	}
	return b
}

// EPCURN converts elements into the EPC URN EPCIS would use for them: (00) → sscc, (01) with
// (21) → sgtin, (01) with (10) → class lgtin, (01) alone → idpat sgtin, (414) → sgln,
// (417) → pgln, (8003) → grai, (8004) → giai, (8018) → gsrn, (8017) → gsrnp, (253) → gdti.
// An EPC URN splits the key after the GS1 company prefix, whose length cannot be derived from
// the key itself, so the caller gives it (gcpLen, 6 to 12).
func EPCURN(elems []Element, gcpLen int) (string, error) {
	if gcpLen < 6 || gcpLen > 12 {
		return "", errAt(-1, KindBadURN, "", "GS1 company prefix length must be 6 to 12, got "+itoa(gcpLen))
	}
	if e := validateAll(elems, nil); e != nil {
		return "", e
	}
	get := func(ai string) string { v, _ := Get(elems, ai); return v }
	b := make([]byte, 0, 64)
	switch {
	case get("00") != "":
		v := get("00")
		b = append(b, urnID+"sscc:"...)
		b = append(b, v[1:1+gcpLen]...)
		b = append(b, '.', v[0])
		b = append(b, v[1+gcpLen:17]...)
	case get("01") != "":
		v := get("01")
		switch {
		case get("21") != "":
			b = append(b, urnID+"sgtin:"...)
		case get("10") != "":
			b = append(b, urnClass...)
		default:
			b = append(b, urnPat...)
		}
		b = append(b, v[1:1+gcpLen]...)
		b = append(b, '.', v[0])
		b = append(b, v[1+gcpLen:13]...)
		b = append(b, '.')
		switch {
		case get("21") != "":
			b = urnEscape(b, get("21"))
		case get("10") != "":
			b = urnEscape(b, get("10"))
		default:
			b = append(b, '*')
		}
	case get("414") != "", get("417") != "":
		v, scheme := get("414"), "sgln:"
		if v == "" {
			v, scheme = get("417"), "pgln:"
		}
		b = append(b, urnID+scheme...)
		b = append(b, v[:gcpLen]...)
		b = append(b, '.')
		b = append(b, v[gcpLen:12]...)
		if scheme == "sgln:" {
			b = append(b, '.')
			if ext := get("254"); ext != "" {
				b = urnEscape(b, ext)
			} else {
				b = append(b, '0')
			}
		}
	case get("8003") != "", get("253") != "":
		v, scheme := get("8003"), "grai:"
		if v != "" {
			v = v[1:]
		} else {
			v, scheme = get("253"), "gdti:"
		}
		if len(v) == 13 {
			return "", errAt(-1, KindBadURN, "", "an EPC "+scheme[:4]+" needs a serial component")
		}
		b = append(b, urnID+scheme...)
		b = append(b, v[:gcpLen]...)
		b = append(b, '.')
		b = append(b, v[gcpLen:12]...)
		b = append(b, '.')
		b = urnEscape(b, v[13:])
	case get("8004") != "":
		v := get("8004")
		if len(v) <= gcpLen || !allDigits(v[:gcpLen]) {
			return "", errAt(-1, KindBadURN, "", "GIAI is not longer than its company prefix")
		}
		b = append(b, urnID+"giai:"...)
		b = append(b, v[:gcpLen]...)
		b = append(b, '.')
		b = urnEscape(b, v[gcpLen:])
	case get("8018") != "", get("8017") != "":
		v, scheme := get("8018"), "gsrn:"
		if v == "" {
			v, scheme = get("8017"), "gsrnp:"
		}
		b = append(b, urnID+scheme...)
		b = append(b, v[:gcpLen]...)
		b = append(b, '.')
		b = append(b, v[gcpLen:17]...)
	default:
		return "", errAt(-1, KindMissingAI, "", "no key an EPC URN can carry (00, 01, 414, 417, 8003, 8004, 8017, 8018, 253)")
	}
	return string(b), nil
}
