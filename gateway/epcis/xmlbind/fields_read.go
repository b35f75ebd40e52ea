package xmlbind

import (
	"encoding/json"
	"strings"
)

// field reads one standard event field.
func (rd *reader) field(f field, n *node) (any, error) {
	switch f.kind {
	case kText:
		return rd.text(n)
	case kVocab:
		t, err := rd.text(n)
		return toTerm(f.vocab, t), err
	case kEPCs:
		return rd.list(n, "epc", func(c *node) (any, error) { return rd.text(c) })
	case kQuantities:
		return rd.list(n, "quantityElement", rd.quantity)
	case kLocation:
		obj := map[string]any{}
		return obj, rd.members(n, obj, map[string]field{"id": {kind: kText}})
	case kBizTransactions:
		return rd.list(n, "bizTransaction", func(c *node) (any, error) { return rd.typedID(c, "bizTransaction", cbvBTT) })
	case kSources:
		return rd.list(n, "source", func(c *node) (any, error) { return rd.typedID(c, "source", cbvSDT) })
	case kDestinations:
		return rd.list(n, "destination", func(c *node) (any, error) { return rd.typedID(c, "destination", cbvSDT) })
	case kSensors:
		return rd.list(n, "sensorElement", rd.sensorElement)
	case kPersistent:
		obj := map[string]any{}
		for _, c := range n.children {
			if c.space != "" || (c.local != "set" && c.local != "unset") {
				return nil, c.errorf("unknown element in the EPCIS namespace")
			}
			t, err := rd.text(c)
			if err != nil {
				return nil, err
			}
			l, _ := obj[c.local].([]any)
			obj[c.local] = append(l, toTerm(cbvDisposition, t))
		}
		return obj, nil
	case kExtensions:
		obj := map[string]any{}
		return obj, rd.members(n, obj, map[string]field{})
	case kErrorDeclaration:
		obj := map[string]any{}
		err := rd.members(n, obj, map[string]field{
			"declarationTime":    {kind: kText},
			"reason":             {kind: kVocab, vocab: cbvER},
			"correctiveEventIDs": {kind: kEPCs},
		})
		return obj, err
	}
	return nil, n.errorf("unknown field kind")
}

// text is the trimmed text of an element that must not hold elements.
func (rd *reader) text(n *node) (string, error) {
	if len(n.children) > 0 {
		return "", n.children[0].errorf("unexpected element in a text field")
	}
	return strings.TrimSpace(n.textString()), nil
}

// list reads the repeated item elements of a standard list; json:object="true" marks a
// list the JSON gave as its single item.
func (rd *reader) list(n *node, item string, read func(*node) (any, error)) (any, error) {
	out := []any{}
	for _, c := range n.children {
		if c.space != "" || c.local != item && !(item == "epc" && c.local == "correctiveEventID") {
			return nil, c.errorf("unknown element in the EPCIS namespace (expected " + item + ")")
		}
		v, err := read(c)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	if single, _ := n.attr(NamespaceJSON, "object"); single == "true" && len(out) == 1 {
		return out[0], nil
	}
	return out, nil
}

func (rd *reader) quantity(n *node) (any, error) {
	obj := map[string]any{}
	err := rd.members(n, obj, map[string]field{
		"epcClass": {kind: kText}, "quantity": {kind: kText}, "uom": {kind: kText},
	})
	if q, ok := obj["quantity"].(string); ok {
		if isJSONNumber(q) {
			obj["quantity"] = json.Number(q)
		} else if q == "" {
			delete(obj, "quantity")
		}
	}
	return obj, err
}

// typedID reads <bizTransaction type="…">id</bizTransaction> and its kin.
func (rd *reader) typedID(n *node, name, vocab string) (any, error) {
	id, err := rd.text(n)
	if err != nil {
		return nil, err
	}
	obj := map[string]any{name: id}
	if t, ok := n.attr("", "type"); ok {
		obj["type"] = toTerm(vocab, t)
	}
	return obj, nil
}

func (rd *reader) sensorElement(n *node) (any, error) {
	obj := map[string]any{}
	arrays := map[string]bool{}
	var reports []any
	for _, c := range n.children {
		switch {
		case c.space == "" && c.local == "sensorMetadata":
			obj["sensorMetadata"] = rd.sensorAttrs(c)
		case c.space == "" && c.local == "sensorReport":
			reports = append(reports, rd.sensorAttrs(c))
		case c.space == "" && c.local == "extension":
			if err := rd.members(c, obj, map[string]field{}); err != nil {
				return nil, err
			}
		case c.space == "":
			return nil, c.errorf("unknown element in the EPCIS namespace")
		default:
			if err := rd.memberInto(obj, c, arrays); err != nil {
				return nil, err
			}
		}
	}
	if reports != nil {
		obj["sensorReport"] = reports
	}
	return obj, nil
}

// sensorAttrs reads the attributes of sensorMetadata or sensorReport.
func (rd *reader) sensorAttrs(n *node) map[string]any {
	obj := map[string]any{}
	for _, a := range n.attrs {
		switch {
		case a.space == "" && sensorNumbers[a.local] && isJSONNumber(strings.TrimSpace(a.value)):
			obj[a.local] = json.Number(strings.TrimSpace(a.value))
		case a.space == "" && sensorBooleans[a.local] && (a.value == "true" || a.value == "1"):
			obj[a.local] = true
		case a.space == "" && sensorBooleans[a.local] && (a.value == "false" || a.value == "0"):
			obj[a.local] = false
		case a.space == "" && a.local == "type" && n.local == "sensorReport":
			obj["type"] = toTerm(gs1Voc, a.value)
		case a.space == "":
			obj[a.local] = a.value
		case a.space == nsXSI || a.space == NamespaceJSON:
		default:
			obj[rd.key(a.space, a.prefix, a.local)] = a.value
		}
	}
	return obj
}
