package xmlbind

import (
	"bytes"
	"encoding/json"
	"io"
	"regexp"
	"slices"
	"strings"
)

// ToJSON reads an EPCIS 2.0 XML EPCISDocument or EPCISQueryDocument and returns the same
// document in the JSON-LD binding, ready for the JSON pipeline (schema check, capture). A
// document it cannot read is an *Error naming the element.
func ToJSON(r io.Reader) ([]byte, error) {
	root, err := parse(r)
	if err != nil {
		return nil, err
	}
	rd := &reader{rootDecls: root.decls, hoisted: map[string]string{}}
	doc, err := rd.document(root)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(doc); err != nil {
		return nil, &Error{Reason: "cannot encode JSON", Err: err}
	}
	return bytes.TrimRight(b.Bytes(), "\n"), nil
}

type reader struct {
	rootDecls map[string]string
	hoisted   map[string]string // prefixes declared below the root, for the @context
	ctxPrefix map[string]string // XML namespace → the prefix the carried @context gives it
}

func (rd *reader) document(root *node) (map[string]any, error) {
	query := false
	switch {
	case root.space == NamespaceEPCIS && root.local == "EPCISDocument":
	case root.space == NamespaceQuery && root.local == "EPCISQueryDocument":
		query = true
	case strings.HasPrefix(root.space, "urn:epcglobal:epcis") && strings.HasSuffix(root.space, ":xsd:1"):
		return nil, root.errorf("an EPCIS 1.x document (" + root.space + "); only EPCIS 2.0 is read")
	default:
		return nil, root.errorf("root must be EPCISDocument in " + NamespaceEPCIS + " or EPCISQueryDocument in " + NamespaceQuery + ", not " + root.local + " in namespace " + quoteNS(root.space))
	}
	doc := map[string]any{"type": root.local}
	var context any
	numeric := map[string]bool{}
	if v, ok := root.attr(NamespaceJSON, "number"); ok {
		for _, f := range strings.Fields(v) {
			numeric[f] = true
		}
	}
	if v, ok := root.attr(NamespaceJSON, "context"); ok {
		d := json.NewDecoder(strings.NewReader(v))
		d.UseNumber()
		if err := d.Decode(&context); err != nil {
			return nil, &Error{Path: root.path() + "/@json:context", Line: root.line, Reason: "not JSON", Err: err}
		}
		rd.ctxPrefix = contextPrefixes(context)
	}
	for _, a := range root.attrs {
		switch {
		case a.space == "" && (a.local == "schemaVersion" || a.local == "creationDate"):
			if numeric[a.local] && isJSONNumber(a.value) {
				doc[a.local] = json.Number(a.value)
			} else {
				doc[a.local] = a.value
			}
		case a.space == "" || a.space == nsXSI || a.space == NamespaceJSON:
		default:
			doc[rd.key(a.space, a.prefix, a.local)] = a.value
		}
	}
	sawBody := false
	docArrays := map[string]bool{}
	for _, c := range root.children {
		switch {
		case c.space == "" && c.local == "EPCISHeader":
			if err := rd.header(c, doc); err != nil {
				return nil, err
			}
		case c.space == "" && c.local == "EPCISBody":
			body, err := rd.body(c, query)
			if err != nil {
				return nil, err
			}
			doc["epcisBody"] = body
			sawBody = true
		case c.space == "" && c.local == "extension":
			if err := rd.members(c, doc, nil); err != nil {
				return nil, err
			}
		case c.space == "":
			return nil, c.errorf("unknown element in the EPCIS namespace")
		default:
			if err := rd.memberInto(doc, c, docArrays); err != nil {
				return nil, err
			}
		}
	}
	if !sawBody {
		return nil, root.errorf("no EPCISBody")
	}
	if context == nil {
		context = rd.context()
	}
	doc["@context"] = context
	return doc, nil
}

func quoteNS(ns string) string {
	if ns == "" {
		return "(none)"
	}
	return ns
}

// context is the @context of a document that did not carry one: the standard context and the
// prefixes the XML declared.
func (rd *reader) context() any {
	prefixes := map[string]any{}
	for p, ns := range rd.rootDecls {
		if p == "" || reservedNamespace(ns) || standardPrefixes[p] == ns {
			continue
		}
		prefixes[p] = jsonIRI(ns)
	}
	for p, ns := range rd.hoisted {
		prefixes[p] = jsonIRI(ns)
	}
	if len(prefixes) == 0 {
		return []any{DefaultContext}
	}
	return []any{DefaultContext, prefixes}
}

func reservedNamespace(ns string) bool {
	switch ns {
	case NamespaceEPCIS, NamespaceQuery, NamespaceSBDH, NamespaceJSON, nsXSI, nsXSD, nsXML:
		return true
	}
	return false
}

var generatedPrefix = regexp.MustCompile(`^ns[0-9]+$`)

// key is the JSON member name of an element or attribute outside the EPCIS namespace.
func (rd *reader) key(space, prefix, local string) string {
	if space == NamespaceJSON {
		return local
	}
	if p, ok := rd.ctxPrefix[space]; ok {
		return p + ":" + local
	}
	for p, ns := range standardPrefixes {
		if ns == space && (rd.rootDecls[p] == "" || rd.rootDecls[p] == space || reservedPrefixes[p]) {
			return p + ":" + local
		}
	}
	if prefix != "" && rd.rootDecls[prefix] == space {
		return prefix + ":" + local
	}
	if prefix != "" && !reservedPrefixes[prefix] && !generatedPrefix.MatchString(prefix) &&
		rd.rootDecls[prefix] == "" && (rd.hoisted[prefix] == "" || rd.hoisted[prefix] == space) {
		rd.hoisted[prefix] = space
		return prefix + ":" + local
	}
	return space + local
}

func (rd *reader) header(h *node, doc map[string]any) error {
	header := map[string]any{}
	arrays := map[string]bool{}
	var visit func(n *node) error
	visit = func(n *node) error {
		for _, c := range n.children {
			switch {
			case c.space == NamespaceSBDH && c.local == "StandardBusinessDocumentHeader":
				sbdh(c, doc)
			case c.space == "" && c.local == "extension":
				if err := visit(c); err != nil {
					return err
				}
			case c.space == "" && c.local == "EPCISMasterData":
				md, err := rd.masterData(c)
				if err != nil {
					return err
				}
				header["epcisMasterData"] = md
			case c.space == "":
				return c.errorf("unknown element in the EPCIS namespace")
			default:
				if err := rd.memberInto(header, c, arrays); err != nil {
					return err
				}
			}
		}
		return nil
	}
	if err := visit(h); err != nil {
		return err
	}
	if len(header) > 0 {
		doc["epcisHeader"] = header
	}
	return nil
}

// sbdh takes sender, receiver and instanceIdentifier from a Standard Business Document Header.
func sbdh(h *node, doc map[string]any) {
	for _, c := range h.children {
		if c.space != NamespaceSBDH {
			continue
		}
		switch c.local {
		case "Sender", "Receiver":
			for _, id := range c.children {
				if id.space == NamespaceSBDH && id.local == "Identifier" {
					doc[strings.ToLower(c.local)] = strings.TrimSpace(id.textString())
				}
			}
		case "DocumentIdentification":
			for _, id := range c.children {
				if id.space == NamespaceSBDH && id.local == "InstanceIdentifier" {
					doc["instanceIdentifier"] = strings.TrimSpace(id.textString())
				}
			}
		}
	}
}

func (rd *reader) masterData(md *node) (map[string]any, error) {
	out := map[string]any{}
	for _, c := range md.children {
		if c.space != "" {
			continue
		}
		switch c.local {
		case "VocabularyList":
			list := []any{}
			for _, v := range c.children {
				if v.space != "" || v.local != "Vocabulary" {
					return nil, v.errorf("expected Vocabulary")
				}
				voc, err := rd.vocabulary(v)
				if err != nil {
					return nil, err
				}
				list = append(list, voc)
			}
			out["vocabularyList"] = list
		case "extension":
		default:
			return nil, c.errorf("unknown element in the EPCIS namespace")
		}
	}
	return out, nil
}

func (rd *reader) vocabulary(v *node) (map[string]any, error) {
	voc := map[string]any{}
	if t, ok := v.attr("", "type"); ok {
		voc["type"] = t
	}
	for _, c := range v.children {
		if c.space != "" || c.local != "VocabularyElementList" {
			continue
		}
		elems := []any{}
		for _, e := range c.children {
			if e.space != "" || e.local != "VocabularyElement" {
				return nil, e.errorf("expected VocabularyElement")
			}
			el := map[string]any{}
			if id, ok := e.attr("", "id"); ok {
				el["id"] = id
			}
			var attrs, children []any
			for _, a := range e.children {
				switch {
				case a.space == "" && a.local == "attribute":
					id, _ := a.attr("", "id")
					val, err := rd.value(withoutID(a))
					if err != nil {
						return nil, err
					}
					attrs = append(attrs, map[string]any{"id": id, "attribute": val})
				case a.space == "" && a.local == "children":
					children = []any{}
					for _, id := range a.children {
						children = append(children, strings.TrimSpace(id.textString()))
					}
				}
			}
			if attrs != nil {
				el["attributes"] = attrs
			}
			if children != nil {
				el["children"] = children
			}
			elems = append(elems, el)
		}
		voc["vocabularyElementList"] = elems
	}
	return voc, nil
}

func (rd *reader) body(b *node, query bool) (map[string]any, error) {
	body := map[string]any{}
	arrays := map[string]bool{}
	for _, c := range b.children {
		switch {
		case !query && c.space == "" && c.local == "EventList":
			events, err := rd.eventList(c)
			if err != nil {
				return nil, err
			}
			body["eventList"] = events
		case query && c.local == "QueryResults" && (c.space == NamespaceQuery || c.space == ""):
			qr, err := rd.queryResults(c)
			if err != nil {
				return nil, err
			}
			body["queryResults"] = qr
		case c.space == "" && c.local == "extension":
		case c.space == "" || c.space == NamespaceQuery:
			return nil, c.errorf("unknown element in the EPCIS namespace")
		default:
			if err := rd.memberInto(body, c, arrays); err != nil {
				return nil, err
			}
		}
	}
	if _, ok := body["eventList"]; !ok && !query {
		body["eventList"] = []any{}
	}
	return body, nil
}

func (rd *reader) queryResults(q *node) (map[string]any, error) {
	out := map[string]any{}
	arrays := map[string]bool{}
	for _, c := range q.children {
		switch {
		case c.space == "" && (c.local == "queryName" || c.local == "subscriptionID"):
			out[c.local] = strings.TrimSpace(c.textString())
		case c.space == "" && c.local == "resultsBody":
			rb := map[string]any{}
			for _, e := range c.children {
				if e.space != "" || e.local != "EventList" {
					return nil, e.errorf("unknown element in the EPCIS namespace")
				}
				events, err := rd.eventList(e)
				if err != nil {
					return nil, err
				}
				rb["eventList"] = events
			}
			out["resultsBody"] = rb
		case c.space == "" && c.local == "extension":
		case c.space == "":
			return nil, c.errorf("unknown element in the EPCIS namespace")
		default:
			if err := rd.memberInto(out, c, arrays); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

func (rd *reader) eventList(l *node) ([]any, error) {
	events := []any{}
	var visit func(n *node) error
	visit = func(n *node) error {
		for _, c := range n.children {
			if c.space == "" && c.local == "extension" {
				if err := visit(c); err != nil {
					return err
				}
				continue
			}
			if _, ok := eventTypes[c.local]; !ok || c.space != "" {
				return c.errorf("not an EPCIS 2.0 event (ObjectEvent, AggregationEvent, TransactionEvent, TransformationEvent, AssociationEvent)")
			}
			ev := map[string]any{"type": c.local}
			for _, a := range c.attrs {
				if a.space != "" && a.space != nsXSI && a.space != NamespaceJSON {
					ev[rd.key(a.space, a.prefix, a.local)] = a.value
				}
			}
			if err := rd.members(c, ev, eventFields); err != nil {
				return err
			}
			events = append(events, ev)
		}
		return nil
	}
	return events, visit(l)
}

// members reads the children of n into obj: standard fields (unqualified, from fields),
// extensions (other namespaces) and JSON-only members (NamespaceJSON). With fields nil,
// unqualified children are plain members too (inside extensions).
func (rd *reader) members(n *node, obj map[string]any, fields map[string]field) error {
	arrays := map[string]bool{}
	for _, c := range n.children {
		if c.space == "" && fields != nil {
			if f, ok := fields[c.local]; ok {
				v, err := rd.field(f, c)
				if err != nil {
					return err
				}
				obj[c.local] = v
				continue
			}
			if c.local == "extension" || c.local == "baseExtension" {
				if err := rd.members(c, obj, fields); err != nil {
					return err
				}
				continue
			}
			return c.errorf("unknown element in the EPCIS namespace")
		}
		if err := rd.memberInto(obj, c, arrays); err != nil {
			return err
		}
	}
	return nil
}

// memberInto adds an extension element to obj; repeated elements make an array.
func (rd *reader) memberInto(obj map[string]any, c *node, arrays map[string]bool) error {
	key := c.local
	if c.space != "" {
		key = rd.key(c.space, c.prefix, c.local)
	}
	mark, _ := c.attr(NamespaceJSON, "array")
	if mark == "empty" {
		obj[key] = []any{}
		arrays[key] = true
		return nil
	}
	v, err := rd.value(c)
	if err != nil {
		return err
	}
	prev, seen := obj[key]
	switch {
	case seen && arrays[key]:
		obj[key] = append(prev.([]any), v)
	case seen:
		obj[key] = []any{prev, v}
		arrays[key] = true
	case mark == "true":
		obj[key] = []any{v}
		arrays[key] = true
	default:
		obj[key] = v
	}
	return nil
}

// value is the JSON value of an extension element.
func (rd *reader) value(n *node) (any, error) {
	if nilv, _ := n.attr(nsXSI, "nil"); nilv == "true" || nilv == "1" {
		return nil, nil
	}
	var attrs []attr
	for _, a := range n.attrs {
		if a.space != nsXSI && a.space != NamespaceJSON {
			attrs = append(attrs, a)
		}
	}
	isObject, _ := n.attr(NamespaceJSON, "object")
	text := n.textString()
	if len(n.children) == 0 && len(attrs) == 0 && isObject != "true" {
		return typed(n, text), nil
	}
	obj := map[string]any{}
	for _, a := range attrs {
		k := a.local
		if a.space != "" {
			k = rd.key(a.space, a.prefix, a.local)
		}
		obj["@"+k] = a.value
	}
	if err := rd.members(n, obj, nil); err != nil {
		return nil, err
	}
	if t := strings.TrimSpace(text); t != "" {
		if len(n.children) == 0 {
			obj["#text"] = text
		} else {
			obj["#text"] = t
		}
	}
	return obj, nil
}

// typed reads text by the element's xsi:type: numbers and booleans, else the string.
func typed(n *node, text string) any {
	t, ok := n.attr(nsXSI, "type")
	if !ok {
		return text
	}
	if i := strings.IndexByte(t, ':'); i >= 0 {
		t = t[i+1:]
	}
	v := strings.TrimSpace(text)
	switch {
	case numericTypes[t] && isJSONNumber(v):
		return json.Number(v)
	case t == "boolean" && (v == "true" || v == "1"):
		return true
	case t == "boolean" && (v == "false" || v == "0"):
		return false
	}
	return text
}

var jsonNumber = regexp.MustCompile(`^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$`)

func isJSONNumber(s string) bool { return jsonNumber.MatchString(s) }

// withoutID is a copy of a master data attribute element without its id attribute.
func withoutID(n *node) *node {
	c := *n
	c.attrs = nil
	for _, a := range n.attrs {
		if a.space != "" || a.local != "id" {
			c.attrs = append(c.attrs, a)
		}
	}
	return &c
}

// contextPrefixes maps each XML namespace an @context binds to its prefix (the first in
// name order when several share one).
func contextPrefixes(c any) map[string]string {
	w := &writer{prefixNS: map[string]string{}}
	w.context(c)
	names := make([]string, 0, len(w.prefixNS))
	for p := range w.prefixNS {
		names = append(names, p)
	}
	slices.Sort(names)
	out := map[string]string{}
	for _, p := range names {
		if _, ok := out[w.prefixNS[p]]; !ok {
			out[w.prefixNS[p]] = p
		}
	}
	return out
}
