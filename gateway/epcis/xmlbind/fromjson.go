package xmlbind

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// FromJSON writes a JSON-LD EPCISDocument or EPCISQueryDocument as EPCIS 2.0 XML. A member
// the XML binding cannot hold (an array inside an array, an extension prefix the @context
// does not declare, a non-string where XML has an attribute) is an *Error naming it.
func FromJSON(doc []byte) ([]byte, error) {
	d := json.NewDecoder(bytes.NewReader(doc))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, &Error{Reason: "not JSON", Err: err}
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, &Error{Path: "/", Reason: "not a JSON object"}
	}
	w := &writer{prefixNS: map[string]string{}, xmlPrefix: map[string]string{}, rootDecls: map[string]string{}}
	root, err := w.document(obj)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	b.WriteString(xml.Header)
	if err := w.serialize(&b, root, 0); err != nil {
		return nil, err
	}
	b.WriteByte('\n')
	return b.Bytes(), nil
}

type writer struct {
	prefixNS  map[string]string // JSON-LD prefix → XML namespace
	xmlPrefix map[string]string // XML namespace → prefix declared on the root
	rootDecls map[string]string // prefix → namespace declared on the root
	generated int
}

func elem(local string) *node { return &node{local: local} }

func (n *node) add(c *node) *node {
	n.children = append(n.children, c)
	return c
}

func (n *node) setText(s string) *node {
	n.text = append(n.text, s...)
	return n
}

func (n *node) setAttr(space, local, value string) {
	n.attrs = append(n.attrs, attr{space: space, local: local, value: value})
}

func (w *writer) document(obj map[string]any) (*node, error) {
	var root *node
	switch obj["type"] {
	case "EPCISDocument":
		root = &node{space: NamespaceEPCIS, local: "EPCISDocument"}
	case "EPCISQueryDocument":
		root = &node{space: NamespaceQuery, local: "EPCISQueryDocument"}
	default:
		return nil, &Error{Path: "/type", Reason: "type must be EPCISDocument or EPCISQueryDocument"}
	}
	w.context(obj["@context"])
	if c, ok := obj["@context"]; ok {
		b, err := json.Marshal(c)
		if err != nil {
			return nil, &Error{Path: "/@context", Reason: "cannot encode", Err: err}
		}
		root.setAttr(NamespaceJSON, "context", string(b))
	}
	var numeric []string
	for _, k := range []string{"schemaVersion", "creationDate"} {
		switch v := obj[k].(type) {
		case nil:
		case string:
			root.setAttr("", k, v)
		case json.Number:
			root.setAttr("", k, v.String())
			numeric = append(numeric, k)
		default:
			return nil, &Error{Path: "/" + k, Reason: "must be a string"}
		}
	}
	if numeric != nil {
		root.setAttr(NamespaceJSON, "number", strings.Join(numeric, " "))
	}
	header, err := w.header(obj)
	if err != nil {
		return nil, err
	}
	if header != nil {
		root.add(header)
	}
	body, ok := obj["epcisBody"].(map[string]any)
	if !ok {
		return nil, &Error{Path: "/epcisBody", Reason: "must be an object"}
	}
	bodyEl := root.add(elem("EPCISBody"))
	known := map[string]func(string, any) ([]*node, error){}
	if root.local == "EPCISDocument" {
		known["eventList"] = func(_ string, v any) ([]*node, error) {
			l, err := w.eventList(v, "/epcisBody/eventList")
			return []*node{l}, err
		}
	} else {
		known["queryResults"] = func(_ string, v any) ([]*node, error) {
			q, err := w.queryResults(v)
			return []*node{q}, err
		}
	}
	if err := w.members(bodyEl, body, "/epcisBody", known, nil); err != nil {
		return nil, err
	}
	skip := map[string]func(string, any) ([]*node, error){}
	for _, k := range []string{"@context", "type", "schemaVersion", "creationDate", "epcisHeader", "epcisBody"} {
		skip[k] = nil
	}
	if header != nil {
		for _, k := range []string{"sender", "receiver", "instanceIdentifier"} {
			skip[k] = nil
		}
	}
	return root, w.members(root, obj, "", skip, nil)
}

// context reads the prefixes an @context declares.
func (w *writer) context(c any) {
	switch x := c.(type) {
	case []any:
		for _, e := range x {
			w.context(e)
		}
	case map[string]any:
		for k, v := range x {
			if s, ok := v.(string); ok && !strings.HasPrefix(k, "@") && ncName.MatchString(k) {
				w.prefixNS[k] = xmlNamespace(s)
			}
		}
	}
}

func (w *writer) header(obj map[string]any) (*node, error) {
	var h *node
	sbd := &node{space: NamespaceSBDH, local: "StandardBusinessDocumentHeader"}
	sender, _ := obj["sender"].(string)
	receiver, _ := obj["receiver"].(string)
	instance, _ := obj["instanceIdentifier"].(string)
	_, hasSender := obj["sender"]
	_, hasReceiver := obj["receiver"]
	_, hasInstance := obj["instanceIdentifier"]
	if hasSender || hasReceiver || hasInstance {
		for k, has := range map[string]bool{"sender": hasSender, "receiver": hasReceiver, "instanceIdentifier": hasInstance} {
			if _, ok := obj[k].(string); has && !ok {
				return nil, &Error{Path: "/" + k, Reason: "must be a string"}
			}
		}
		sbd.add(&node{space: NamespaceSBDH, local: "HeaderVersion"}).setText("1.0")
		if hasSender {
			sbd.add(&node{space: NamespaceSBDH, local: "Sender"}).add(&node{space: NamespaceSBDH, local: "Identifier"}).setText(sender)
		}
		if hasReceiver {
			sbd.add(&node{space: NamespaceSBDH, local: "Receiver"}).add(&node{space: NamespaceSBDH, local: "Identifier"}).setText(receiver)
		}
		di := sbd.add(&node{space: NamespaceSBDH, local: "DocumentIdentification"})
		di.add(&node{space: NamespaceSBDH, local: "Standard"}).setText("EPCglobal")
		di.add(&node{space: NamespaceSBDH, local: "TypeVersion"}).setText("2.0")
		if hasInstance {
			di.add(&node{space: NamespaceSBDH, local: "InstanceIdentifier"}).setText(instance)
		}
		di.add(&node{space: NamespaceSBDH, local: "Type"}).setText("Events")
		if cd, ok := obj["creationDate"].(string); ok {
			di.add(&node{space: NamespaceSBDH, local: "CreationDateAndTime"}).setText(cd)
		}
		h = elem("EPCISHeader")
		h.add(sbd)
	}
	eh, ok := obj["epcisHeader"]
	if !ok {
		return h, nil
	}
	m, ok := eh.(map[string]any)
	if !ok {
		return nil, &Error{Path: "/epcisHeader", Reason: "must be an object"}
	}
	if h == nil {
		h = elem("EPCISHeader")
	}
	known := map[string]func(string, any) ([]*node, error){
		"epcisMasterData": func(_ string, v any) ([]*node, error) {
			md, err := w.masterData(v)
			if err != nil {
				return nil, err
			}
			ext := elem("extension")
			ext.add(md)
			return []*node{ext}, nil
		},
	}
	return h, w.members(h, m, "/epcisHeader", known, []string{"epcisMasterData"})
}

func (w *writer) masterData(v any) (*node, error) {
	const path = "/epcisHeader/epcisMasterData"
	m, ok := v.(map[string]any)
	if !ok {
		return nil, &Error{Path: path, Reason: "must be an object"}
	}
	md := elem("EPCISMasterData")
	vl := md.add(elem("VocabularyList"))
	list, _ := m["vocabularyList"].([]any)
	for i, item := range list {
		p := path + "/vocabularyList/" + strconv.Itoa(i)
		voc, ok := item.(map[string]any)
		if !ok {
			return nil, &Error{Path: p, Reason: "must be an object"}
		}
		ve := vl.add(elem("Vocabulary"))
		if t, ok := voc["type"].(string); ok {
			ve.setAttr("", "type", t)
		}
		elems, ok := voc["vocabularyElementList"].([]any)
		if !ok {
			continue
		}
		vel := ve.add(elem("VocabularyElementList"))
		for j, e := range elems {
			ep := p + "/vocabularyElementList/" + strconv.Itoa(j)
			el, ok := e.(map[string]any)
			if !ok {
				return nil, &Error{Path: ep, Reason: "must be an object"}
			}
			x := vel.add(elem("VocabularyElement"))
			if id, ok := el["id"].(string); ok {
				x.setAttr("", "id", id)
			}
			attrs, _ := el["attributes"].([]any)
			for k, a := range attrs {
				am, ok := a.(map[string]any)
				if !ok {
					return nil, &Error{Path: ep + "/attributes/" + strconv.Itoa(k), Reason: "must be an object"}
				}
				ae, err := w.value("", am["attribute"], ep+"/attributes/"+strconv.Itoa(k))
				if err != nil {
					return nil, err
				}
				ae.local, ae.space = "attribute", ""
				if id, ok := am["id"].(string); ok {
					ae.attrs = append([]attr{{local: "id", value: id}}, ae.attrs...)
				}
				x.add(ae)
			}
			if children, ok := el["children"].([]any); ok {
				ce := x.add(elem("children"))
				for _, c := range children {
					s, _ := c.(string)
					ce.add(elem("id")).setText(s)
				}
			}
		}
	}
	return md, nil
}

func (w *writer) queryResults(v any) (*node, error) {
	m, ok := v.(map[string]any)
	if !ok {
		return nil, &Error{Path: "/epcisBody/queryResults", Reason: "must be an object"}
	}
	q := &node{space: NamespaceQuery, local: "QueryResults"}
	text := func(k string, v any) ([]*node, error) {
		s, ok := v.(string)
		if !ok {
			return nil, &Error{Path: "/epcisBody/queryResults/" + k, Reason: "must be a string"}
		}
		return []*node{elem(k).setText(s)}, nil
	}
	known := map[string]func(string, any) ([]*node, error){
		"queryName":      text,
		"subscriptionID": text,
		"resultsBody": func(_ string, v any) ([]*node, error) {
			rb, ok := v.(map[string]any)
			if !ok {
				return nil, &Error{Path: "/epcisBody/queryResults/resultsBody", Reason: "must be an object"}
			}
			el := elem("resultsBody")
			l, err := w.eventList(rb["eventList"], "/epcisBody/queryResults/resultsBody/eventList")
			if err != nil {
				return nil, err
			}
			el.add(l)
			return []*node{el}, nil
		},
	}
	return q, w.members(q, m, "/epcisBody/queryResults", known, []string{"queryName", "subscriptionID", "resultsBody"})
}

func (w *writer) eventList(v any, path string) (*node, error) {
	list, ok := v.([]any)
	if !ok {
		return nil, &Error{Path: path, Reason: "must be an array"}
	}
	el := elem("EventList")
	for i, e := range list {
		p := path + "/" + strconv.Itoa(i)
		ev, ok := e.(map[string]any)
		if !ok {
			return nil, &Error{Path: p, Reason: "must be an object"}
		}
		t, _ := ev["type"].(string)
		order, ok := eventTypes[t]
		if !ok {
			return nil, &Error{Path: p + "/type", Reason: "not an EPCIS 2.0 event type: " + strconv.Quote(t)}
		}
		x := el.add(elem(t))
		// An event's own @context (a single captured event keeps it) has no XML form: its
		// prefixes are declared with the document's.
		w.context(ev["@context"])
		known := map[string]func(string, any) ([]*node, error){"type": nil, "@context": nil}
		for name, f := range eventFields {
			known[name] = func(k string, v any) ([]*node, error) {
				n, err := w.field(f, k, v, p+"/"+k)
				return []*node{n}, err
			}
		}
		full := slices.Concat(commonFields, order, allFieldOrder)
		if err := w.members(x, ev, p, known, full); err != nil {
			return nil, err
		}
	}
	return el, nil
}

// members writes obj's members into el: first the known ones in order (a nil writer skips
// a member), then the rest sorted: extensions (prefix:name or a URI) as elements in their
// namespace, other names as json:<name>.
func (w *writer) members(el *node, obj map[string]any, path string, known map[string]func(string, any) ([]*node, error), order []string) error {
	done := map[string]bool{}
	write := func(k string) error {
		if done[k] {
			return nil
		}
		done[k] = true
		fn := known[k]
		if fn == nil {
			return nil
		}
		nodes, err := fn(k, obj[k])
		if err != nil {
			return err
		}
		for _, n := range nodes {
			el.add(n)
		}
		return nil
	}
	for _, k := range order {
		if _, ok := obj[k]; ok {
			if err := write(k); err != nil {
				return err
			}
		}
	}
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if _, ok := known[k]; ok {
			if err := write(k); err != nil {
				return err
			}
			continue
		}
		if err := w.extension(el, k, obj[k], path+"/"+k, true); err != nil {
			return err
		}
	}
	return nil
}

// extension writes one member outside the standard: repeated elements for an array.
// topLevel says el is a standard element, where plain names go to NamespaceJSON.
func (w *writer) extension(el *node, key string, v any, path string, topLevel bool) error {
	if arr, ok := v.([]any); ok {
		if len(arr) == 0 {
			n, err := w.value(key, nil, path)
			if err != nil {
				return err
			}
			n.attrs = nil
			n.setAttr(NamespaceJSON, "array", "empty")
			return w.name(el.add(n), key, path, topLevel)
		}
		for i, item := range arr {
			if _, nested := item.([]any); nested {
				return &Error{Path: path + "/" + strconv.Itoa(i), Reason: "an array inside an array has no XML form"}
			}
			n, err := w.value(key, item, path+"/"+strconv.Itoa(i))
			if err != nil {
				return err
			}
			if len(arr) == 1 {
				n.setAttr(NamespaceJSON, "array", "true")
			}
			if err := w.name(el.add(n), key, path, topLevel); err != nil {
				return err
			}
		}
		return nil
	}
	n, err := w.value(key, v, path)
	if err != nil {
		return err
	}
	return w.name(el.add(n), key, path, topLevel)
}

var ncName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_.\-]*$`)

// name gives n the XML name of the JSON member key.
func (w *writer) name(n *node, key, path string, topLevel bool) error {
	space, prefix, local, decl, err := w.qualify(key, path)
	if err != nil {
		return err
	}
	if space == "" && topLevel {
		space, prefix = NamespaceJSON, "json"
	}
	n.space, n.prefix, n.local = space, prefix, local
	if decl {
		n.decls = map[string]string{prefix: space}
	}
	return nil
}

// qualify splits a member name: plain (no namespace), prefix:name (the namespace the
// @context gives the prefix) or an absolute URI (namespace and last segment, with a prefix
// declared on the element itself: decl).
func (w *writer) qualify(key, path string) (space, prefix, local string, decl bool, err error) {
	if ncName.MatchString(key) {
		return "", "", key, false, nil
	}
	p, rest, ok := strings.Cut(key, ":")
	if ok && ncName.MatchString(p) && ncName.MatchString(rest) {
		ns, known := w.prefixNS[p]
		if !known {
			ns, known = standardPrefixes[p]
		}
		if known {
			return ns, w.rootPrefix(ns, p), rest, false, nil
		}
		if !strings.HasPrefix(rest, "//") && p != "urn" && p != "http" && p != "https" {
			return "", "", "", false, &Error{Path: path, Reason: "prefix " + strconv.Quote(p) + " is not declared in @context"}
		}
	}
	if ok {
		i := strings.LastIndexAny(key, "/#:")
		if i > 0 && i < len(key)-1 && ncName.MatchString(key[i+1:]) {
			w.generated++
			return key[:i+1], "ns" + strconv.Itoa(w.generated), key[i+1:], true, nil
		}
	}
	return "", "", "", false, &Error{Path: path, Reason: "member name " + strconv.Quote(key) + " has no XML form"}
}

// rootPrefix is the prefix declared on the root for ns, want if it is free.
func (w *writer) rootPrefix(ns, want string) string {
	if p, ok := w.xmlPrefix[ns]; ok {
		return p
	}
	p := want
	for i := 2; reservedPrefixes[p] || w.rootDecls[p] != "" || generatedPrefix.MatchString(p); i++ {
		p = want + strconv.Itoa(i)
	}
	w.xmlPrefix[ns] = p
	w.rootDecls[p] = ns
	return p
}

// value is the element of an extension value, still unnamed.
func (w *writer) value(key string, v any, path string) (*node, error) {
	n := &node{}
	switch x := v.(type) {
	case nil:
		n.setAttr(nsXSI, "nil", "true")
	case string:
		n.setText(x)
	case bool:
		n.setAttr(nsXSI, "type", "xsd:boolean")
		n.setText(strconv.FormatBool(x))
	case json.Number:
		t := "xsd:integer"
		if strings.ContainsAny(x.String(), ".eE") {
			t = "xsd:decimal"
		}
		n.setAttr(nsXSI, "type", t)
		n.setText(x.String())
	case map[string]any:
		if len(x) == 0 {
			n.setAttr(NamespaceJSON, "object", "true")
		}
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			p := path + "/" + k
			switch {
			case k == "#text":
				s, ok := x[k].(string)
				if !ok {
					return nil, &Error{Path: p, Reason: "text must be a string"}
				}
				n.setText(s)
			case strings.HasPrefix(k, "@"):
				s, ok := x[k].(string)
				if !ok {
					return nil, &Error{Path: p, Reason: "an XML attribute must be a string"}
				}
				space, prefix, local, decl, err := w.qualify(k[1:], p)
				if err != nil {
					return nil, err
				}
				if decl {
					return nil, &Error{Path: p, Reason: "an attribute name must be plain or prefix:name"}
				}
				n.attrs = append(n.attrs, attr{space: space, prefix: prefix, local: local, value: s})
			default:
				if err := w.extension(n, k, x[k], p, false); err != nil {
					return nil, err
				}
			}
		}
	case []any:
		return nil, &Error{Path: path, Reason: "an array inside an array has no XML form"}
	default:
		return nil, &Error{Path: path, Reason: "unexpected JSON value"}
	}
	return n, nil
}

// serialize writes n and its subtree; elements holding elements are indented.
func (w *writer) serialize(b *bytes.Buffer, n *node, depth int) error {
	indent := func(d int) {
		b.WriteByte('\n')
		for range d {
			b.WriteString("  ")
		}
	}
	name := w.xmlName(n.space, n.prefix, n.local, depth == 0)
	b.WriteByte('<')
	b.WriteString(name)
	if depth == 0 {
		w.rootDeclarations(b, n)
	}
	for p, ns := range n.decls {
		b.WriteString(" xmlns:" + p + `="`)
		escape(b, ns)
		b.WriteByte('"')
	}
	for _, a := range n.attrs {
		b.WriteByte(' ')
		b.WriteString(w.xmlName(a.space, a.prefix, a.local, false))
		b.WriteString(`="`)
		if !validText(a.value) {
			return &Error{Path: name, Reason: "attribute value is not valid XML text"}
		}
		escape(b, a.value)
		b.WriteByte('"')
	}
	text := n.textString()
	if len(n.children) == 0 && text == "" {
		b.WriteString("/>")
		return nil
	}
	b.WriteByte('>')
	if !validText(text) {
		return &Error{Path: name, Reason: "text is not valid XML"}
	}
	escape(b, text)
	for _, c := range n.children {
		indent(depth + 1)
		if err := w.serialize(b, c, depth+1); err != nil {
			return err
		}
	}
	if len(n.children) > 0 {
		indent(depth)
	}
	b.WriteString("</" + name + ">")
	return nil
}

func (w *writer) xmlName(space, prefix, local string, root bool) string {
	switch space {
	case "":
		return local
	case NamespaceEPCIS:
		return "epcis:" + local
	case NamespaceQuery:
		return "epcisq:" + local
	case NamespaceSBDH:
		return "sbdh:" + local
	case nsXSI:
		return "xsi:" + local
	case NamespaceJSON:
		return "json:" + local
	}
	if prefix == "" {
		prefix = w.rootPrefix(space, "ns")
	}
	return prefix + ":" + local
}

// rootDeclarations declares on the root every namespace the document uses.
func (w *writer) rootDeclarations(b *bytes.Buffer, root *node) {
	decls := map[string]string{}
	if root.space == NamespaceQuery {
		decls["epcisq"] = NamespaceQuery
	} else {
		decls["epcis"] = NamespaceEPCIS
	}
	var visit func(n *node)
	visit = func(n *node) {
		for _, a := range n.attrs {
			switch a.space {
			case nsXSI:
				decls["xsi"], decls["xsd"] = nsXSI, nsXSD
			case NamespaceJSON:
				decls["json"] = NamespaceJSON
			}
		}
		switch n.space {
		case NamespaceSBDH:
			decls["sbdh"] = NamespaceSBDH
		case NamespaceJSON:
			decls["json"] = NamespaceJSON
		case NamespaceQuery:
			decls["epcisq"] = NamespaceQuery
		}
		for _, c := range n.children {
			visit(c)
		}
	}
	visit(root)
	for p, ns := range w.rootDecls {
		decls[p] = ns
	}
	keys := make([]string, 0, len(decls))
	for k := range decls {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, p := range keys {
		b.WriteString(" xmlns:" + p + `="`)
		escape(b, decls[p])
		b.WriteByte('"')
	}
}

func escape(b *bytes.Buffer, s string) {
	_ = xml.EscapeText(b, []byte(s))
}

// validText reports whether s holds only characters XML 1.0 allows.
func validText(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if r < 0x20 && r != '\t' && r != '\n' && r != '\r' || r == 0xFFFE || r == 0xFFFF || (r >= 0xD800 && r <= 0xDFFF) {
			return false
		}
	}
	return true
}
