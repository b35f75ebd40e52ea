// Command gendict turns the GS1 Barcode Syntax Dictionary into the Go AI table of package gs1.
//
// Usage (from chaincode/gs1, via go generate):
//
//	go run ./internal/gendict -in testdata/gs1-syntax-dictionary.txt -out ai_table_gen.go
package main

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"go/format"
	"io"
	"os"
	"strconv"
	"strings"
)

func main() {
	in := flag.String("in", "", "path of gs1-syntax-dictionary.txt")
	out := flag.String("out", "ai_table_gen.go", "Go file to write")
	flag.Parse()
	if err := run(*in, *out); err != nil {
		fmt.Fprintln(os.Stderr, "gendict:", err)
		os.Exit(1)
	}
}

func run(in, out string) error {
	f, err := os.Open(in) // #nosec G304 -- the dictionary path is the generator's input
	if err != nil {
		return err
	}
	defer f.Close()
	entries, release, err := parse(f)
	if err != nil {
		return err
	}
	src, err := render(entries, release)
	if err != nil {
		return err
	}
	return os.WriteFile(out, src, 0o644) // #nosec G306 -- generated Go source, readable like any other
}

type component struct {
	charset  byte
	min, max int
	optional bool
	linters  []string
}

type entry struct {
	ai         string
	title      string
	fixed      bool
	dlAttr     bool
	components []component
	req        [][][]string
	ex         []string
	dlpkey     bool
	qualifiers [][]string
}

const flagChars = "*!?\"$%&'()+,-./:;<=>@[\\]^_`{|}~"

func parse(r io.Reader) ([]entry, string, error) {
	var entries []entry
	release := ""
	sc := bufio.NewScanner(r)
	line := 0
	for sc.Scan() {
		line++
		text := sc.Text()
		if strings.HasPrefix(text, "# Release:") {
			release = strings.TrimSpace(strings.TrimPrefix(text, "# Release:"))
		}
		title := ""
		if i := strings.IndexByte(text, '#'); i >= 0 {
			title = strings.TrimSpace(text[i+1:])
			text = text[:i]
		}
		fields := strings.Fields(text)
		if len(fields) == 0 {
			continue
		}
		es, err := parseEntry(fields, title)
		if err != nil {
			return nil, "", fmt.Errorf("line %d: %w", line, err)
		}
		entries = append(entries, es...)
	}
	if err := sc.Err(); err != nil {
		return nil, "", err
	}
	if len(entries) == 0 {
		return nil, "", fmt.Errorf("no entries found")
	}
	return entries, release, checkPrefixes(entries)
}

func parseEntry(fields []string, title string) ([]entry, error) {
	first, last, err := aiRange(fields[0])
	if err != nil {
		return nil, err
	}
	e := entry{title: title}
	rest := fields[1:]
	if len(rest) > 0 && strings.Trim(rest[0], flagChars) == "" {
		e.fixed = strings.Contains(rest[0], "*")
		e.dlAttr = strings.Contains(rest[0], "?")
		rest = rest[1:]
	}
	for len(rest) > 0 && isComponent(rest[0]) {
		c, err := parseComponent(rest[0])
		if err != nil {
			return nil, err
		}
		e.components = append(e.components, c)
		rest = rest[1:]
	}
	if len(e.components) == 0 {
		return nil, fmt.Errorf("AI %s: no specification", fields[0])
	}
	for _, attr := range rest {
		key, val, _ := strings.Cut(attr, "=")
		switch key {
		case "req":
			var alts [][]string
			for _, alt := range strings.Split(val, ",") {
				alts = append(alts, strings.Split(alt, "+"))
			}
			e.req = append(e.req, alts)
		case "ex":
			e.ex = append(e.ex, strings.Split(val, ",")...)
		case "dlpkey":
			e.dlpkey = true
			if val != "" {
				for _, seq := range strings.Split(val, "|") {
					e.qualifiers = append(e.qualifiers, strings.Split(seq, ","))
				}
			}
		default:
			return nil, fmt.Errorf("AI %s: unknown attribute %q", fields[0], attr)
		}
	}
	var out []entry
	width := len(fields[0])
	if i := strings.IndexByte(fields[0], '-'); i >= 0 {
		width = i
	}
	for n := first; n <= last; n++ {
		c := e
		c.ai = fmt.Sprintf("%0*d", width, n)
		out = append(out, c)
	}
	return out, nil
}

func aiRange(s string) (int, int, error) {
	lo, hi, isRange := strings.Cut(s, "-")
	if !isRange {
		hi = lo
	}
	if len(lo) < 2 || len(lo) > 4 || len(hi) != len(lo) {
		return 0, 0, fmt.Errorf("bad AI %q", s)
	}
	a, err1 := strconv.Atoi(lo)
	b, err2 := strconv.Atoi(hi)
	if err1 != nil || err2 != nil || b < a {
		return 0, 0, fmt.Errorf("bad AI %q", s)
	}
	return a, b, nil
}

func isComponent(s string) bool {
	s = strings.TrimPrefix(s, "[")
	return len(s) > 1 && strings.IndexByte("NXYZ", s[0]) >= 0 && (s[1] >= '0' && s[1] <= '9' || s[1] == '.')
}

// parseComponent reads e.g. "N6,yymmd0", "X..20", "[N3],iso3166", "[X..17]".
func parseComponent(s string) (component, error) {
	var c component
	spec, linters, _ := strings.Cut(s, ",")
	if strings.HasPrefix(spec, "[") {
		if !strings.HasSuffix(spec, "]") {
			return c, fmt.Errorf("bad optional component %q", s)
		}
		c.optional = true
		spec = spec[1 : len(spec)-1]
	}
	c.charset = spec[0]
	n := spec[1:]
	variable := strings.HasPrefix(n, "..")
	n = strings.TrimPrefix(n, "..")
	v, err := strconv.Atoi(n)
	if err != nil || v < 1 {
		return c, fmt.Errorf("bad component length %q", s)
	}
	c.min, c.max = v, v
	if variable {
		c.min = 1
	}
	if linters != "" {
		c.linters = strings.Split(linters, ",")
	}
	return c, nil
}

// checkPrefixes makes sure the first two digits of an AI fix its length, which the parser
// relies on.
func checkPrefixes(entries []entry) error {
	seen := map[string]int{}
	ais := map[string]bool{}
	for _, e := range entries {
		if ais[e.ai] {
			return fmt.Errorf("AI %s listed twice", e.ai)
		}
		ais[e.ai] = true
		p := e.ai[:2]
		if l, ok := seen[p]; ok && l != len(e.ai) {
			return fmt.Errorf("AI prefix %s has AIs of lengths %d and %d", p, l, len(e.ai))
		}
		seen[p] = len(e.ai)
	}
	return nil
}

func lintIdent(name string) string {
	return "Lint" + strings.ToUpper(name[:1]) + name[1:]
}

func render(entries []entry, release string) ([]byte, error) {
	var b bytes.Buffer
	fmt.Fprintf(&b, "// Code generated by gendict from the GS1 Barcode Syntax Dictionary release %s; DO NOT EDIT.\n\n", release)
	b.WriteString("package gs1\n\n")
	fmt.Fprintf(&b, "// DictionaryRelease is the release of the GS1 Barcode Syntax Dictionary the table was built from.\nconst DictionaryRelease = %q\n\n", release)
	b.WriteString("var aiTable = [...]AIDef{\n")
	for _, e := range entries {
		minLen, maxLen := 0, 0
		for _, c := range e.components {
			if !c.optional {
				minLen += c.min
			}
			maxLen += c.max
		}
		fmt.Fprintf(&b, "{AI: %q, Title: %q, MinLen: %d, MaxLen: %d", e.ai, e.title, minLen, maxLen)
		if e.fixed {
			b.WriteString(", FixedLen: true")
		}
		if e.dlAttr {
			b.WriteString(", DLAttr: true")
		}
		b.WriteString(", Components: []Component{")
		for i, c := range e.components {
			if i > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "{Charset: %q, Min: %d, Max: %d", c.charset, c.min, c.max)
			if c.optional {
				b.WriteString(", Optional: true")
			}
			if len(c.linters) > 0 {
				b.WriteString(", Linters: []Linter{")
				for j, l := range c.linters {
					if j > 0 {
						b.WriteString(", ")
					}
					b.WriteString(lintIdent(l))
				}
				b.WriteString("}")
			}
			b.WriteString("}")
		}
		b.WriteString("}")
		if len(e.req) > 0 {
			b.WriteString(", Req: [][][]string{")
			for _, alts := range e.req {
				b.WriteString("{")
				for _, alt := range alts {
					fmt.Fprintf(&b, "{%s}, ", quoteList(alt))
				}
				b.WriteString("}, ")
			}
			b.WriteString("}")
		}
		if len(e.ex) > 0 {
			fmt.Fprintf(&b, ", Ex: []string{%s}", quoteList(e.ex))
		}
		if e.dlpkey {
			b.WriteString(", DLPKey: true")
		}
		if len(e.qualifiers) > 0 {
			b.WriteString(", DLQualifiers: [][]string{")
			for _, q := range e.qualifiers {
				fmt.Fprintf(&b, "{%s}, ", quoteList(q))
			}
			b.WriteString("}")
		}
		b.WriteString("},\n")
	}
	b.WriteString("}\n")
	return format.Source(b.Bytes())
}

func quoteList(xs []string) string {
	q := make([]string, len(xs))
	for i, x := range xs {
		q[i] = strconv.Quote(x)
	}
	return strings.Join(q, ", ")
}
