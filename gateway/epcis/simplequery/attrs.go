package simplequery

import "strings"

// attrFields are the standard fields whose values HASATTR_ and EQATTR_ look up in master
// data, each giving the event's values in canonical form.
var attrFields = map[string]func(ev map[string]any) []string{
	"readPoint":   func(ev map[string]any) []string { return nonEmpty(CanonicalID(str(obj(ev, "readPoint"), "id"))) },
	"bizLocation": func(ev map[string]any) []string { return nonEmpty(CanonicalID(str(obj(ev, "bizLocation"), "id"))) },
	"bizStep":     func(ev map[string]any) []string { return nonEmpty(bizSteps.canonical(str(ev, "bizStep"))) },
	"disposition": func(ev map[string]any) []string { return nonEmpty(dispositions.canonical(str(ev, "disposition"))) },
	"epcClass": func(ev map[string]any) []string {
		var out []string
		for _, f := range [...]string{"quantityList", "childQuantityList", "inputQuantityList", "outputQuantityList"} {
			for _, x := range list(ev, f) {
				if c := str(asObj(x), "epcClass"); c != "" {
					out = append(out, CanonicalID(c))
				}
			}
		}
		return out
	},
}

func nonEmpty(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}

// attrField finds the field of a HASATTR_/EQATTR_ name: a standard field above or an
// extension field (its top-level value).
func (q *Query) attrField(field string) (func(ev map[string]any) []string, bool) {
	if f, ok := attrFields[field]; ok {
		return f, true
	}
	f, ok := q.parseFieldName(field)
	if !ok {
		return nil, false
	}
	return func(ev map[string]any) []string {
		v, ok := f.get(ev, eventNamespaces(ev))
		if s, isStr := v.(string); ok && isStr && s != "" {
			return []string{CanonicalID(s)}
		}
		return nil
	}, true
}

const noMasterData = "needs master data (vocabulary attributes), which this repository does not have"

// hasAttrParam builds HASATTR_<field>=<attr>|…: the field's value has one of the attributes.
func hasAttrParam(q *Query, name string, attrs []string) (func(map[string]any) bool, string) {
	if q.attributes == nil {
		return nil, noMasterData
	}
	field := strings.TrimPrefix(name, "HASATTR_")
	values, ok := q.attrField(field)
	if !ok {
		return nil, quote(field) + " is not a field with master data (readPoint, bizLocation, bizStep, disposition, epcClass or an extension field)"
	}
	md := q.attributes
	return func(ev map[string]any) bool {
		for _, id := range values(ev) {
			for _, a := range attrs {
				if _, ok := md.Attribute(id, a); ok {
					return true
				}
			}
		}
		return false
	}, ""
}

// eqAttrParam builds EQATTR_<field>_<attr>=<value>|… (EQ_ATTR_ in the query schema): the
// field's value has the attribute with one of the values.
func eqAttrParam(q *Query, name string, want []string) (func(map[string]any) bool, string) {
	if q.attributes == nil {
		return nil, noMasterData
	}
	rest := strings.TrimPrefix(strings.TrimPrefix(name, "EQATTR_"), "EQ_ATTR_")
	field, attr, ok := "", "", false
	for f := range attrFields {
		if a, found := strings.CutPrefix(rest, f+"_"); found && a != "" {
			field, attr, ok = f, a, true
		}
	}
	if !ok {
		// An extension field: prefix:local, the attribute after the next '_'.
		if i := strings.IndexByte(rest, ':'); i > 0 {
			if j := strings.IndexByte(rest[i:], '_'); j > 0 && i+j+1 < len(rest) {
				field, attr, ok = rest[:i+j], rest[i+j+1:], true
			}
		}
	}
	values, fok := q.attrField(field)
	if !ok || !fok {
		return nil, "want EQATTR_<field>_<attribute> with a field that has master data (readPoint, bizLocation, bizStep, disposition, epcClass or an extension field)"
	}
	md := q.attributes
	wantSet := set(want...)
	return func(ev map[string]any) bool {
		for _, id := range values(ev) {
			got, ok := md.Attribute(id, attr)
			if !ok {
				continue
			}
			for _, g := range got {
				if wantSet[g] {
					return true
				}
			}
		}
		return false
	}, ""
}
