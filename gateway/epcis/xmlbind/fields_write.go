package xmlbind

import (
	"encoding/json"
	"slices"
	"strconv"
)

type memberWriter = func(string, any) ([]*node, error)

// field writes one standard event field.
func (w *writer) field(f field, key string, v any, path string) (*node, error) {
	switch f.kind {
	case kText:
		s, ok := v.(string)
		if !ok {
			return nil, &Error{Path: path, Reason: "must be a string"}
		}
		return elem(key).setText(s), nil
	case kVocab:
		s, ok := v.(string)
		if !ok {
			return nil, &Error{Path: path, Reason: "must be a string"}
		}
		return elem(key).setText(toURI(f.vocab, s)), nil
	case kEPCs:
		item := "epc"
		if key == "correctiveEventIDs" {
			item = "correctiveEventID"
		}
		return w.list(key, v, path, func(v any, p string) (*node, error) {
			return w.field(field{kind: kText}, item, v, p)
		})
	case kQuantities:
		return w.list(key, v, path, func(v any, p string) (*node, error) {
			return w.object("quantityElement", v, p, map[string]memberWriter{
				"epcClass": w.text(p), "quantity": w.number(p), "uom": w.text(p),
			}, []string{"epcClass", "quantity", "uom"})
		})
	case kLocation:
		return w.object(key, v, path, map[string]memberWriter{"id": w.text(path)}, []string{"id"})
	case kBizTransactions:
		return w.list(key, v, path, w.typedID("bizTransaction", cbvBTT))
	case kSources:
		return w.list(key, v, path, w.typedID("source", cbvSDT))
	case kDestinations:
		return w.list(key, v, path, w.typedID("destination", cbvSDT))
	case kSensors:
		return w.list(key, v, path, w.sensorElement)
	case kPersistent:
		set := func(k string, v any) ([]*node, error) {
			l, ok := v.([]any)
			if !ok {
				return nil, &Error{Path: path + "/" + k, Reason: "must be an array"}
			}
			var out []*node
			for i, d := range l {
				s, ok := d.(string)
				if !ok {
					return nil, &Error{Path: path + "/" + k + "/" + strconv.Itoa(i), Reason: "must be a string"}
				}
				out = append(out, elem(k).setText(toURI(cbvDisposition, s)))
			}
			return out, nil
		}
		return w.object(key, v, path, map[string]memberWriter{"set": set, "unset": set}, []string{"unset", "set"})
	case kExtensions:
		return w.object(key, v, path, nil, nil)
	case kErrorDeclaration:
		return w.object(key, v, path, map[string]memberWriter{
			"declarationTime": w.text(path),
			"reason": func(k string, v any) ([]*node, error) {
				n, err := w.field(field{kind: kVocab, vocab: cbvER}, k, v, path+"/"+k)
				return []*node{n}, err
			},
			"correctiveEventIDs": func(k string, v any) ([]*node, error) {
				n, err := w.field(field{kind: kEPCs}, k, v, path+"/"+k)
				return []*node{n}, err
			},
		}, []string{"declarationTime", "reason", "correctiveEventIDs"})
	}
	return nil, &Error{Path: path, Reason: "unknown field"}
}

func (w *writer) text(path string) memberWriter {
	return func(k string, v any) ([]*node, error) {
		n, err := w.field(field{kind: kText}, k, v, path+"/"+k)
		return []*node{n}, err
	}
}

func (w *writer) number(path string) memberWriter {
	return func(k string, v any) ([]*node, error) {
		switch x := v.(type) {
		case json.Number:
			return []*node{elem(k).setText(x.String())}, nil
		case nil:
			n := elem(k)
			n.setAttr(nsXSI, "nil", "true")
			return []*node{n}, nil
		}
		return nil, &Error{Path: path + "/" + k, Reason: "must be a number"}
	}
}

// list writes a standard list: one item element per entry. A single object where the
// standard has a list is written as a one-item list marked json:object.
func (w *writer) list(key string, v any, path string, item func(any, string) (*node, error)) (*node, error) {
	el := elem(key)
	l, ok := v.([]any)
	if !ok {
		if _, isObject := v.(map[string]any); !isObject {
			return nil, &Error{Path: path, Reason: "must be an array"}
		}
		l = []any{v}
		el.setAttr(NamespaceJSON, "object", "true")
	}
	for i, e := range l {
		n, err := item(e, path+"/"+strconv.Itoa(i))
		if err != nil {
			return nil, err
		}
		el.add(n)
	}
	return el, nil
}

// object writes a standard structure: its fields, then extensions.
func (w *writer) object(key string, v any, path string, known map[string]memberWriter, order []string) (*node, error) {
	m, ok := v.(map[string]any)
	if !ok {
		return nil, &Error{Path: path, Reason: "must be an object"}
	}
	el := elem(key)
	return el, w.members(el, m, path, known, order)
}

// typedID writes {"type": t, name: id} as <name type="URI">id</name>.
func (w *writer) typedID(name, vocab string) func(any, string) (*node, error) {
	return func(v any, path string) (*node, error) {
		m, ok := v.(map[string]any)
		if !ok {
			return nil, &Error{Path: path, Reason: "must be an object"}
		}
		el := elem(name)
		for k, x := range m {
			s, ok := x.(string)
			switch {
			case !ok:
				return nil, &Error{Path: path + "/" + k, Reason: "must be a string"}
			case k == "type":
				el.setAttr("", "type", toURI(vocab, s))
			case k == name:
				el.setText(s)
			default:
				return nil, &Error{Path: path + "/" + k, Reason: "has no place in the XML binding's " + name}
			}
		}
		return el, nil
	}
}

func (w *writer) sensorElement(v any, path string) (*node, error) {
	attrs := func(k string, v any) ([]*node, error) {
		n, err := w.sensorAttrs(k, v, path+"/"+k)
		return []*node{n}, err
	}
	reports := func(k string, v any) ([]*node, error) {
		l, ok := v.([]any)
		if !ok {
			return nil, &Error{Path: path + "/" + k, Reason: "must be an array"}
		}
		var out []*node
		for i, r := range l {
			n, err := w.sensorAttrs(k, r, path+"/"+k+"/"+strconv.Itoa(i))
			if err != nil {
				return nil, err
			}
			out = append(out, n)
		}
		return out, nil
	}
	return w.object("sensorElement", v, path, map[string]memberWriter{
		"sensorMetadata": attrs, "sensorReport": reports,
	}, []string{"sensorMetadata", "sensorReport"})
}

// sensorAttrs writes sensorMetadata or a sensorReport: every member an attribute.
func (w *writer) sensorAttrs(key string, v any, path string) (*node, error) {
	m, ok := v.(map[string]any)
	if !ok {
		return nil, &Error{Path: path, Reason: "must be an object"}
	}
	el := elem(key)
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		var s string
		switch x := m[k].(type) {
		case string:
			s = x
		case json.Number:
			s = x.String()
		case bool:
			s = strconv.FormatBool(x)
		default:
			return nil, &Error{Path: path + "/" + k, Reason: "must be a string, number or boolean (an XML attribute)"}
		}
		if k == "type" && key == "sensorReport" {
			s = toURI(gs1Voc, s)
		}
		space, prefix, local, decl, err := w.qualify(k, path+"/"+k)
		if err != nil {
			return nil, err
		}
		if decl {
			return nil, &Error{Path: path + "/" + k, Reason: "an attribute name must be plain or prefix:name"}
		}
		el.attrs = append(el.attrs, attr{space: space, prefix: prefix, local: local, value: s})
	}
	return el, nil
}
