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

// fieldParam is a parameter on an extension field: (EQ|GT|GE|LT|LE|EXISTS)_[INNER_][scope_]fieldname.
type fieldParam struct {
	op    string
	inner bool
	scope scope
	field *fieldName
}

// parseFieldParam splits a parameter name by that grammar.
func (q *Query) parseFieldParam(name string) (fieldParam, bool) {
	o, rest, _ := strings.Cut(name, "_")
	switch o {
	case "EQ", "GT", "GE", "LT", "LE", "EXISTS":
	default:
		return fieldParam{}, false
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
	return fieldParam{o, inner, sc, f}, ok
}

// test builds the parameter's test from its values.
func (p fieldParam) test(values []string) func(map[string]any) bool {
	var test func(any) bool
	switch p.op {
	case "EXISTS":
		if len(values) > 0 && !existsValue(values[0]) {
			return nil
		}
		test = func(any) bool { return true }
	case "EQ":
		ps := make([]scalar, len(values))
		for i, v := range values {
			ps[i] = parseScalar(v)
		}
		test = func(v any) bool {
			return anyValue(v, func(x any) bool {
				for _, s := range ps {
					if c, ok := s.compare(x); ok && c == 0 {
						return true
					}
				}
				return false
			})
		}
	default:
		s := parseScalar(values[0])
		test = func(v any) bool {
			return anyValue(v, func(x any) bool {
				c, ok := s.compare(x)
				return ok && op(p.op).holds(c)
			})
		}
	}
	return func(ev map[string]any) bool {
		evNS := eventNamespaces(ev)
		return p.scope.each(ev, func(m map[string]any) bool {
			if p.inner {
				return p.field.eachInner(m, evNS, test)
			}
			v, ok := p.field.get(m, evNS)
			return ok && test(v)
		})
	}
}

// existsValue reads the value of an EXISTS_ parameter: absent, null, true or a number ask
// for the field; false asks nothing.
func existsValue(s string) bool { return s != "false" }
