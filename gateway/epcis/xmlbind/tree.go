package xmlbind

import (
	"bufio"
	"encoding/xml"
	"errors"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"
)

// node is one XML element with its namespace resolved and the prefix it was written with.
type node struct {
	space, prefix, local string
	attrs                []attr
	decls                map[string]string // xmlns declarations on this element: prefix → namespace
	children             []*node
	text                 []byte
	line                 int
	parent               *node
	index                int            // 1-based position among same-named siblings, for paths
	seen                 map[string]int // children by namespace and name, while parsing
}

type attr struct {
	space, prefix, local, value string
}

func (n *node) textString() string { return string(n.text) }

func (n *node) qname() string {
	if n.prefix != "" {
		return n.prefix + ":" + n.local
	}
	return n.local
}

// path is the element path of n, with an index where siblings share its name.
func (n *node) path() string {
	var parts []string
	for e := n; e != nil; e = e.parent {
		p := e.qname()
		if e.index > 1 || (e.parent != nil && e.parent.count(e) > 1) {
			p += "[" + strconv.Itoa(e.index) + "]"
		}
		parts = append(parts, p)
	}
	var b strings.Builder
	for i := len(parts) - 1; i >= 0; i-- {
		b.WriteString("/")
		b.WriteString(parts[i])
	}
	return b.String()
}

func (n *node) count(child *node) int {
	if n.seen != nil {
		return n.seen[child.space+" "+child.local]
	}
	c := 0
	for _, s := range n.children {
		if s.space == child.space && s.local == child.local {
			c++
		}
	}
	return c
}

func (n *node) errorf(reason string) *Error {
	return &Error{Path: n.path(), Line: n.line, Reason: reason}
}

// attr returns the value of an unqualified (or given-namespace) attribute.
func (n *node) attr(space, local string) (string, bool) {
	for _, a := range n.attrs {
		if a.space == space && a.local == local {
			return a.value, true
		}
	}
	return "", false
}

// maxDepth bounds element nesting; EPCIS documents need a dozen levels.
const maxDepth = 64

// parse reads one XML document into a tree, resolving namespaces itself so that each
// element keeps the prefix it was written with.
func parse(r io.Reader) (*node, error) {
	d := xml.NewDecoder(r)
	d.Strict = true
	d.CharsetReader = charsetReader
	var root, cur *node
	scopes := []map[string]string{{"xml": nsXML}}
	lookup := func(prefix string) (string, bool) {
		for i := len(scopes) - 1; i >= 0; i-- {
			if ns, ok := scopes[i][prefix]; ok {
				return ns, true
			}
		}
		return "", false
	}
	depth := 0
	for {
		line, _ := d.InputPos()
		tok, err := d.RawToken()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			e := &Error{Reason: "not well-formed XML", Err: err, Line: line}
			if cur != nil {
				e.Path = cur.path()
			}
			return nil, e
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if root != nil && cur == nil {
				return nil, &Error{Line: line, Reason: "content after the root element"}
			}
			depth++
			if depth > maxDepth {
				return nil, &Error{Path: cur.path(), Line: line, Reason: "elements nested too deep"}
			}
			scope := map[string]string{}
			n := &node{prefix: t.Name.Space, local: t.Name.Local, line: line, parent: cur}
			for _, a := range t.Attr {
				switch {
				case a.Name.Space == "xmlns":
					scope[a.Name.Local] = a.Value
				case a.Name.Space == "" && a.Name.Local == "xmlns":
					scope[""] = a.Value
				}
			}
			if len(scope) > 0 {
				n.decls = scope
			}
			scopes = append(scopes, scope)
			ns, ok := lookup(n.prefix)
			if !ok && n.prefix != "" {
				return nil, &Error{Path: pathOf(cur, n), Line: line, Reason: "undeclared namespace prefix " + strconv.Quote(n.prefix)}
			}
			n.space = ns
			for _, a := range t.Attr {
				if a.Name.Space == "xmlns" || (a.Name.Space == "" && a.Name.Local == "xmlns") {
					continue
				}
				at := attr{prefix: a.Name.Space, local: a.Name.Local, value: a.Value}
				if at.prefix != "" {
					if at.space, ok = lookup(at.prefix); !ok {
						return nil, &Error{Path: pathOf(cur, n), Line: line, Reason: "undeclared namespace prefix " + strconv.Quote(at.prefix)}
					}
				}
				n.attrs = append(n.attrs, at)
			}
			if cur == nil {
				root = n
			} else {
				if cur.seen == nil {
					cur.seen = map[string]int{}
				}
				cur.seen[n.space+" "+n.local]++
				n.index = cur.seen[n.space+" "+n.local]
				cur.children = append(cur.children, n)
			}
			cur = n
		case xml.EndElement:
			if cur == nil {
				return nil, &Error{Line: line, Reason: "unexpected end element"}
			}
			if t.Name.Space != cur.prefix || t.Name.Local != cur.local {
				return nil, &Error{Path: cur.path(), Line: line, Reason: "not well-formed XML: element closed by </" + qualified(t.Name) + ">"}
			}
			cur = cur.parent
			scopes = scopes[:len(scopes)-1]
			depth--
		case xml.CharData:
			if cur != nil {
				cur.text = append(cur.text, t...)
			} else if strings.TrimSpace(string(t)) != "" {
				return nil, &Error{Line: line, Reason: "not XML: text outside the root element"}
			}
		}
	}
	if root == nil {
		return nil, &Error{Reason: "not XML: no root element"}
	}
	if cur != nil {
		return nil, &Error{Path: cur.path(), Reason: "not well-formed XML: element not closed"}
	}
	return root, nil
}

func pathOf(parent, n *node) string {
	if parent == nil {
		return "/" + n.qname()
	}
	return parent.path() + "/" + n.qname()
}

func qualified(n xml.Name) string {
	if n.Space != "" {
		return n.Space + ":" + n.Local
	}
	return n.Local
}

// charsetReader decodes the single-byte encodings partners' XML declares besides UTF-8:
// ISO-8859-1 (Latin-1) and US-ASCII, whose bytes are the first 256 code points.
func charsetReader(label string, in io.Reader) (io.Reader, error) {
	switch strings.ToLower(label) {
	case "iso-8859-1", "iso8859-1", "latin1", "l1", "us-ascii", "ascii":
		return &latin1Reader{in: bufio.NewReader(in)}, nil
	}
	return nil, errors.New("unsupported encoding " + strconv.Quote(label) + " (UTF-8, ISO-8859-1 and US-ASCII are read)")
}

type latin1Reader struct {
	in      *bufio.Reader
	pending []byte
}

func (l *latin1Reader) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		if len(l.pending) > 0 {
			c := copy(p[n:], l.pending)
			n += c
			l.pending = l.pending[c:]
			continue
		}
		b, err := l.in.ReadByte()
		if err != nil {
			if n > 0 {
				return n, nil
			}
			return 0, err
		}
		if b < utf8.RuneSelf {
			p[n] = b
			n++
			continue
		}
		l.pending = utf8.AppendRune(nil, rune(b))
	}
	return n, nil
}
