package gs1

import "sort"

// GS1 Company Prefixes have 4 to 12 digits (a U.P.C. Company Prefix is written with a leading
// 0, as it appears in a GTIN-13).
const (
	minGCPLen = 4
	maxGCPLen = 12
)

// Prefixes is an immutable set of GS1 Company Prefixes (GCPs), such as the prefixes of the
// companies whose keys a network accepts. Given to a Parser, it turns on the dictionary's
// gcppos1 and gcppos2 linters: a key such as a GTIN, SSCC or GLN must start, at the position
// the linter names, with one of the prefixes. A nil *Prefixes holds nothing.
type Prefixes struct {
	set  map[string]struct{}
	lens []int // the lengths present, shortest first
}

// NewPrefixes builds the set from GCPs of 4 to 12 digits; surrounding white space is not
// allowed and repetitions are harmless. It refuses an empty list, so that a configuration
// that lost its list cannot turn into one that refuses every key without saying why.
func NewPrefixes(gcps []string) (*Prefixes, error) {
	if len(gcps) == 0 {
		return nil, errAt(-1, KindBadValue, "", "no GS1 Company Prefix given")
	}
	p := &Prefixes{set: make(map[string]struct{}, len(gcps))}
	var seen [maxGCPLen + 1]bool
	for i, g := range gcps {
		if len(g) < minGCPLen || len(g) > maxGCPLen || !allDigits(g) {
			return nil, errAt(-1, KindBadValue, "", "GS1 Company Prefix "+itoa(i+1)+" "+quoteSafe(g)+" is not 4 to 12 digits")
		}
		p.set[g] = struct{}{}
		if !seen[len(g)] {
			seen[len(g)] = true
			p.lens = append(p.lens, len(g))
		}
	}
	sort.Ints(p.lens)
	return p, nil
}

// Len returns the number of distinct prefixes in the set.
func (p *Prefixes) Len() int {
	if p == nil {
		return 0
	}
	return len(p.set)
}

// Match returns the prefix in the set that s starts with. GS1 allocates prefixes so that
// none starts another; should a list hold both, the shorter one is returned.
func (p *Prefixes) Match(s string) (string, bool) {
	if p == nil {
		return "", false
	}
	for _, n := range p.lens {
		if n > len(s) {
			break
		}
		if _, ok := p.set[s[:n]]; ok && allDigits(s[:n]) {
			return s[:n], true
		}
	}
	return "", false
}

// Contains reports whether gcp itself is in the set.
func (p *Prefixes) Contains(gcp string) bool {
	if p == nil {
		return false
	}
	_, ok := p.set[gcp]
	return ok
}

// Parser reads GS1 data with options. Its zero value is what the package functions
// (ParseElementString, ParseBracketed, ParseDigitalLink, ParseEPCURN, Validate) use. A Parser
// is a value without mutable state: share it between goroutines freely.
type Parser struct {
	// Prefixes, when not nil, turns on the gcppos1 and gcppos2 linters: every key component
	// the dictionary marks with them (GTIN, SSCC, GLN, GDTI, GIAI, GMN …) must start with a
	// prefix of the set, from its first character (gcppos1) or its second (gcppos2, after
	// the indicator or extension digit). A GTIN-8, held as 000000 + 8 digits, is matched the
	// same way, so its GS1-8 Prefix must be listed after five zeros (for 95050003, 00000950).
	// A restricted circulation number (02, 20-29 …) is matched like any other GTIN.
	// When nil, the two linters are skipped: without a list there is nothing to check.
	Prefixes *Prefixes
}

// ParseElementString is ParseElementString with the Parser's options.
func (p Parser) ParseElementString(s string) ([]Element, error) {
	elems, err := parseElementString(s, make([]Element, 0, 6), p.Prefixes)
	if err != nil {
		return nil, err
	}
	return elems, nil
}

// ParseBracketed is ParseBracketed with the Parser's options.
func (p Parser) ParseBracketed(s string) ([]Element, error) {
	elems, err := parseBracketed(s, p.Prefixes)
	if err != nil {
		return nil, err
	}
	return elems, nil
}

// ParseDigitalLink is ParseDigitalLink with the Parser's options.
func (p Parser) ParseDigitalLink(uri string) ([]Element, error) {
	elems, err := parseDigitalLink(uri, p.Prefixes)
	if err != nil {
		return nil, err
	}
	return elems, nil
}

// ParseEPCURN is ParseEPCURN with the Parser's options.
func (p Parser) ParseEPCURN(urn string) ([]Element, error) {
	elems, err := parseEPCURN(urn, p.Prefixes)
	if err != nil {
		return nil, err
	}
	return elems, nil
}

// Validate is Validate with the Parser's options.
func (p Parser) Validate(elems []Element) error {
	if e := validateAll(elems, p.Prefixes); e != nil {
		return e
	}
	return nil
}

// checkGCP runs the gcppos1 or gcppos2 linter on one component that starts at off in the
// value; the error's Pos is an offset within the value.
func checkGCP(l Linter, part string, off int, pf *Prefixes) *SyntaxError {
	at := 0
	if l == LintGcppos2 {
		at = 1
	}
	if pf == nil || len(part) <= at {
		return nil
	}
	if _, ok := pf.Match(part[at:]); ok {
		return nil
	}
	return errAt(off+at, KindBadValue, "", "no GS1 Company Prefix of the configured list starts at character "+itoa(off+at+1)+" of the value")
}
