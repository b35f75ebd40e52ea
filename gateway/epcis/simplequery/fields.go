package simplequery

import "strings"

// fieldName is an extension field a parameter names: a compact IRI (ext1:float) or a full
// IRI, with the full IRI when its prefix is bound.
type fieldName struct {
	name string
	iri  string
	ns   map[string]string
}

// parseFieldName reads the field part of an EQ_fieldname parameter. EPCIS 1.x names
// (namespace#localName) are taken as the IRI namespace+localName.
func (q *Query) parseFieldName(s string) (*fieldName, bool) {
	if !isURI(s) {
		return nil, false
	}
	f := &fieldName{name: s, ns: q.namespaces}
	if strings.Contains(s, "://") || strings.HasPrefix(s, "urn:") {
		f.iri = normalIRI(s)
	} else if prefix, local, _ := strings.Cut(s, ":"); q.namespaces[prefix] != "" {
		f.iri = normalIRI(q.namespaces[prefix] + local)
	}
	return f, true
}

func normalIRI(s string) string {
	if i := strings.LastIndexByte(s, '#'); i > 0 && s[i-1] == '/' {
		return s[:i] + s[i+1:]
	}
	return s
}

// is reports whether an event member key names the field, under the event's bindings.
func (f *fieldName) is(key string, evNS map[string]string) bool {
	if key == f.name {
		return true
	}
	if f.iri == "" || !strings.Contains(key, ":") {
		return false
	}
	prefix, local, _ := strings.Cut(key, ":")
	ns := evNS[prefix]
	if ns == "" {
		ns = f.ns[prefix]
	}
	if ns == "" {
		return normalIRI(key) == f.iri
	}
	return normalIRI(ns+local) == f.iri
}

// get returns the field's value in m.
func (f *fieldName) get(m map[string]any, evNS map[string]string) (any, bool) {
	if v, ok := m[f.name]; ok {
		return v, true
	}
	if f.iri == "" {
		return nil, false
	}
	for k, v := range m {
		if strings.Contains(k, ":") && f.is(k, evNS) {
			return v, true
		}
	}
	return nil, false
}

// eachInner calls fn on every value of the field nested at any depth inside the extension
// members of m (EQ_INNER_…), until fn is true.
func (f *fieldName) eachInner(m map[string]any, evNS map[string]string, fn func(any) bool) bool {
	for k, v := range m {
		if strings.Contains(k, ":") && f.walk(v, evNS, fn) {
			return true
		}
	}
	return false
}

func (f *fieldName) walk(v any, evNS map[string]string, fn func(any) bool) bool {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			if f.is(k, evNS) && fn(x) {
				return true
			}
			if f.walk(x, evNS, fn) {
				return true
			}
		}
	case []any:
		for _, x := range v {
			if f.walk(x, evNS, fn) {
				return true
			}
		}
	}
	return false
}

// eventNamespaces reads the prefix bindings of an event's own @context, if it has one.
func eventNamespaces(ev map[string]any) map[string]string {
	ctx, ok := ev["@context"]
	if !ok {
		return nil
	}
	ns := map[string]string{}
	contextNamespaces(ctx, ns)
	return ns
}

// contextNamespaces adds the prefix bindings of a JSON-LD @context to ns.
func contextNamespaces(ctx any, ns map[string]string) {
	switch c := ctx.(type) {
	case []any:
		for _, x := range c {
			contextNamespaces(x, ns)
		}
	case map[string]any:
		for p, v := range c {
			if s, ok := v.(string); ok && isURI(s) {
				ns[p] = s
			}
		}
	}
}

// scope is where an extension field parameter looks: the event itself, or the members of
// one of its parts.
type scope struct {
	prefix string
	each   func(ev map[string]any, fn func(map[string]any) bool) bool
}

func one(key string) func(map[string]any, func(map[string]any) bool) bool {
	return func(ev map[string]any, fn func(map[string]any) bool) bool {
		o := obj(ev, key)
		return o != nil && fn(o)
	}
}

// scopes in the order names are tried: longer prefixes first.
var scopes = []scope{
	{"ILMD_", one("ilmd")},
	{"ERROR_DECLARATION_", one("errorDeclaration")},
	{"SENSORELEMENT_", func(ev map[string]any, fn func(map[string]any) bool) bool {
		for _, x := range list(ev, "sensorElementList") {
			if el, ok := x.(map[string]any); ok && fn(el) {
				return true
			}
		}
		return false
	}},
	{"SENSORMETADATA_", func(ev map[string]any, fn func(map[string]any) bool) bool {
		return eachSensor(ev, true, false, fn)
	}},
	{"SENSORREPORT_", func(ev map[string]any, fn func(map[string]any) bool) bool {
		return eachSensor(ev, false, true, fn)
	}},
	{"readPoint_", one("readPoint")},
	{"bizLocation_", one("bizLocation")},
}

var topScope = scope{"", func(ev map[string]any, fn func(map[string]any) bool) bool { return fn(ev) }}

// fieldCond builds the test of an extension field parameter:
// (EQ|GT|GE|LT|LE|EXISTS)_[INNER_][scope_]fieldname.
func (q *Query) fieldCond(name string, values []string) (func(map[string]any) bool, bool, string) {
	o, rest, ok := strings.Cut(name, "_")
	if !ok {
		return nil, false, ""
	}
	switch o {
	case "EQ", "GT", "GE", "LT", "LE", "EXISTS":
	default:
		return nil, false, ""
	}
	rest, inner := strings.CutPrefix(rest, "INNER_")
	sc := topScope
	for _, s := range scopes {
		if r, ok := strings.CutPrefix(rest, s.prefix); ok {
			sc, rest = s, r
			break
		}
	}
	f, ok := q.parseFieldName(rest)
	if !ok {
		return nil, false, ""
	}
	var test func(any) bool
	switch o {
	case "EXISTS":
		if len(values) > 0 && !existsValue(values[0]) {
			return func(map[string]any) bool { return true }, true, ""
		}
		test = func(any) bool { return true }
	case "EQ":
		ps := make([]scalar, len(values))
		for i, v := range values {
			ps[i] = parseScalar(v)
		}
		test = func(v any) bool {
			return anyValue(v, func(x any) bool {
				for _, p := range ps {
					if c, ok := p.compare(x); ok && c == 0 {
						return true
					}
				}
				return false
			})
		}
	default:
		p := parseScalar(values[0])
		if p.kind == 's' {
			return nil, true, quote(values[0]) + " is neither a number nor a date-time"
		}
		test = func(v any) bool {
			return anyValue(v, func(x any) bool {
				c, ok := p.compare(x)
				return ok && op(o).holds(c)
			})
		}
	}
	return func(ev map[string]any) bool {
		evNS := eventNamespaces(ev)
		return sc.each(ev, func(m map[string]any) bool {
			if inner {
				return f.eachInner(m, evNS, test)
			}
			v, ok := f.get(m, evNS)
			return ok && test(v)
		})
	}, true, ""
}

// existsValue reads the value of an EXISTS_ parameter: absent, null, true or a number ask
// for the field; false asks nothing.
func existsValue(s string) bool { return s != "false" }
