package hashid

import (
	"fmt"
	"slices"
	"strings"
)

// builtinNamespaces are the prefixes every EPCIS 2.0 document may use without declaring them.
// cbvmda is written as its XML namespace, as the reference implementation does, so the same
// master data attribute gets the same name in XML and JSON-LD; a document that declares the
// prefix itself gets its own IRI.
var builtinNamespaces = map[string]string{
	"gs1":    gs1Voc,
	"cbv":    cbvBase,
	"epcis":  "https://ref.gs1.org/epcis/",
	"cbvmda": "urn:epcglobal:cbv:mda",
}

// Namespaces collects the prefix definitions of a JSON-LD @context value: a context URL
// (ignored), an object of prefix → IRI, or a list of these. Later definitions win.
func Namespaces(context any) map[string]string {
	ns := map[string]string{}
	addNamespaces(ns, context)
	return ns
}

func addNamespaces(ns map[string]string, context any) {
	switch c := context.(type) {
	case []any:
		for _, e := range c {
			addNamespaces(ns, e)
		}
	case map[string]any:
		for prefix, iri := range c {
			if s, ok := iri.(string); ok && !strings.HasPrefix(prefix, "@") && strings.ContainsRune(s, ':') {
				ns[prefix] = s
			}
		}
	}
}

// resolver expands prefixed keys to "{namespace}local".
type resolver struct{ ns map[string]string }

func newResolver(event map[string]any, namespaces map[string]string) resolver {
	ns := make(map[string]string, len(builtinNamespaces)+len(namespaces))
	for p, iri := range builtinNamespaces {
		ns[p] = iri
	}
	for p, iri := range namespaces {
		ns[p] = iri
	}
	if c, ok := event["@context"]; ok {
		addNamespaces(ns, c)
	}
	return resolver{ns}
}

// key writes an extension element's name: "prefix:local" as "{IRI}local"; a name without
// prefix, an absolute IRI, or a prefix no context declares, stays as it is.
func (r resolver) key(k string) (string, error) {
	prefix, local, found := strings.Cut(k, ":")
	if !found || strings.HasPrefix(local, "//") {
		return k, nil
	}
	iri, ok := r.ns[prefix]
	if !ok {
		// JSON-LD reads a term whose prefix no context declares as an absolute IRI of that
		// scheme: it stays as it is.
		return k, nil
	}
	return "{" + iri + "}" + local, nil
}

// elements writes the extension elements of an object, skipping the keys in skip and
// JSON-LD keywords, sorted. Keys are visited in order so that errors are deterministic too.
func (r resolver) elements(obj map[string]any, skip func(string) bool) ([]string, error) {
	var out []string
	for _, k := range sortedKeys(obj) {
		if skip(k) || strings.HasPrefix(k, "@") {
			continue
		}
		s, err := r.element(k, obj[k])
		if err != nil {
			return nil, err
		}
		out = append(out, s...)
	}
	slices.Sort(out)
	return out, nil
}

// valueKeys hold an element's own value beside its children: JSON-LD's value object and
// node reference, and the text of an element converted from XML.
var valueKeys = [...]string{"@value", "@id", "#text"}

// element writes one extension element: an array gives one entry per item under the same
// name, an object its name followed by its sorted children, a scalar "name=value".
func (r resolver) element(k string, v any) ([]string, error) {
	name, err := r.key(k)
	if err != nil {
		return nil, err
	}
	switch v := v.(type) {
	case []any:
		var out []string
		for _, item := range v {
			s, err := r.element(k, item)
			if err != nil {
				return nil, err
			}
			out = append(out, s...)
		}
		return out, nil
	case map[string]any:
		text := ""
		for _, k := range valueKeys {
			if s, ok := scalar(v[k]); ok && s != "" {
				text = "=" + value(s)
				break
			}
		}
		children, err := r.elements(v, func(k string) bool { return k == "#text" })
		if err != nil {
			return nil, err
		}
		return []string{name + text + strings.Join(children, "")}, nil
	}
	s, ok := scalar(v)
	if !ok {
		return nil, fmt.Errorf("hashid: extension %q has a value of type %T", k, v)
	}
	if s == "" {
		return []string{name}, nil
	}
	return []string{name + "=" + value(s)}, nil
}

func sortedKeys(obj map[string]any) []string {
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
