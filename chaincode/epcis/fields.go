package epcis

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/udiledger/udiledger/chaincode/epcis/cbv"

	"github.com/udiledger/udiledger/chaincode/gs1"
	"github.com/udiledger/udiledger/chaincode/identifier"
	"github.com/udiledger/udiledger/chaincode/model"
)

// The readers of the fields the request builders share: goods, codes, quantities,
// locations, business transactions and ILMD.

// goods reads what an ObjectEvent or TransactionEvent names: EPCs, quantities (when the
// transaction takes them), or a TransactionEvent's parentID alone.
func (e *event) goods(quantities bool) ([]string, []model.QuantityElement, *fieldErr) {
	codes, err := e.instances("epcList")
	if err != nil {
		return nil, nil, err
	}
	qs, err := e.quantities("quantityList")
	if err != nil {
		return nil, nil, err
	}
	if len(qs) > 0 && !quantities {
		return nil, nil, &fieldErr{"quantityList", e.fn() + " takes serialized items only, not quantities of a lot"}
	}
	if pv, present := e.m["parentID"]; present {
		ps, ok := pv.(string)
		if !ok {
			return nil, nil, &fieldErr{"parentID", "want a string, got " + jsonKind(pv)}
		}
		parent, reason := instanceCode(ps)
		if reason != "" {
			return nil, nil, &fieldErr{"parentID", reason}
		}
		if len(codes) > 0 || len(qs) > 0 {
			return nil, nil, &fieldErr{"parentID", "name the container alone (its contents move with it) or the items alone, not both"}
		}
		codes = []code{{c: parent, arg: arg(parent)}}
		e.use("parentID")
	}
	if len(codes) == 0 && len(qs) == 0 {
		what := "epcList"
		if quantities {
			what = "epcList and quantityList"
		}
		return nil, nil, &fieldErr{"epcList", "names nothing: " + what + " are empty"}
	}
	e.use("epcList", "quantityList")
	var out []model.QuantityElement
	for _, q := range qs {
		out = append(out, q.q)
	}
	return argsOf(codes), out, nil
}

// code is a parsed EPC and the form it takes in a request.
type code struct {
	c   identifier.Code
	arg string
}

// arg is the form of a code in a request: every GS1 element it carries, bracketed, so the
// chaincode still checks a lot or expiry given in a Digital Link against the lot record;
// the canonical key for the other schemes.
func arg(c identifier.Code) string {
	if c.Scheme == identifier.SchemeGS1 && len(c.AIs) > 0 {
		return string(gs1.AppendBracketed(nil, c.AIs))
	}
	return c.Key
}

func argsOf(codes []code) []string {
	if len(codes) == 0 {
		return nil
	}
	out := make([]string, len(codes))
	for i, c := range codes {
		out[i] = c.arg
	}
	return out
}

func (e *event) list(key string) ([]any, bool, *fieldErr) {
	v, present := e.m[key]
	if !present {
		return nil, false, nil
	}
	l, ok := v.([]any)
	if !ok {
		return nil, true, &fieldErr{key, "want an array, got " + jsonKind(v)}
	}
	return l, true, nil
}

// instances reads a list of EPCs that name single objects.
func (e *event) instances(key string) ([]code, *fieldErr) {
	l, _, err := e.list(key)
	if err != nil {
		return nil, err
	}
	out := make([]code, 0, len(l))
	seen := make(map[string]int, len(l))
	for i, v := range l {
		f := fmt.Sprintf("%s[%d]", key, i)
		s, ok := v.(string)
		if !ok {
			return nil, &fieldErr{f, "want an EPC URI string, got " + jsonKind(v)}
		}
		c, reason := instanceCode(s)
		if reason != "" {
			return nil, &fieldErr{f, reason}
		}
		if j, dup := seen[c.Key]; dup {
			return nil, &fieldErr{f, fmt.Sprintf("names %s again (as %s[%d])", c.Key, key, j)}
		}
		seen[c.Key] = i
		out = append(out, code{c: c, arg: arg(c)})
	}
	return out, nil
}

type quantity struct {
	c identifier.Code
	q model.QuantityElement
}

// countUnits are the UN/CEFACT units that count items.
var countUnits = set("EA", "H87", "C62")

// quantities reads a quantityList: lots of products counted in items.
func (e *event) quantities(key string) ([]quantity, *fieldErr) {
	l, _, err := e.list(key)
	if err != nil {
		return nil, err
	}
	out := make([]quantity, 0, len(l))
	seen := map[string]int{}
	for i, v := range l {
		f := fmt.Sprintf("%s[%d]", key, i)
		m, ok := v.(map[string]any)
		if !ok {
			return nil, &fieldErr{f, "want a quantity element object, got " + jsonKind(v)}
		}
		for _, k := range sortedKeys(m) {
			if k != "epcClass" && k != "quantity" && k != "uom" {
				return nil, &fieldErr{f + "." + k, "is not a field of a quantity element"}
			}
		}
		cs, ok := m["epcClass"].(string)
		if !ok {
			return nil, &fieldErr{f + ".epcClass", "is required: want an EPC class URI, got " + jsonKind(m["epcClass"])}
		}
		c, reason := classCode(cs)
		if reason != "" {
			return nil, &fieldErr{f + ".epcClass", reason}
		}
		if u, present := m["uom"]; present {
			us, _ := u.(string)
			if !countUnits[us] {
				return nil, &fieldErr{f + ".uom", describe(u) + " is a measure, not a count: the ledger counts items (leave uom out, or EA, H87, C62)"}
			}
		}
		num, ok := m["quantity"].(json.Number)
		if !ok {
			return nil, &fieldErr{f + ".quantity", "is required: want the number of items, got " + jsonKind(m["quantity"])}
		}
		x, ferr := strconv.ParseFloat(num.String(), 64)
		if ferr != nil || x != math.Trunc(x) || x < 1 || x > model.MaxQuantity {
			return nil, &fieldErr{f + ".quantity", fmt.Sprintf("%s is not a whole number of items from 1 to %d", num, model.MaxQuantity)}
		}
		if j, dup := seen[c.Key]; dup {
			return nil, &fieldErr{f, fmt.Sprintf("names lot %s again (as %s[%d])", c.Key, key, j)}
		}
		seen[c.Key] = i
		out = append(out, quantity{c: c, q: model.QuantityElement{Code: c.Key, Quantity: int(x)}})
	}
	return out, nil
}

// place reads a readPoint or bizLocation.
func (e *event) place(key string) (string, bool, *fieldErr) {
	v, present := e.m[key]
	if !present {
		return "", false, nil
	}
	m, ok := v.(map[string]any)
	if !ok {
		return "", true, &fieldErr{key, "want an object with id, got " + jsonKind(v)}
	}
	id, ok := m["id"].(string)
	if !ok {
		return "", true, &fieldErr{key + ".id", "is required: want a location URI, got " + jsonKind(m["id"])}
	}
	gln, ext, reason := placeGLN(id)
	if reason != "" {
		return "", true, &fieldErr{key + ".id", reason}
	}
	if ext != "" {
		e.note(key + " extension " + quote(ext) + " not recorded: the ledger records the GLN " + gln)
	}
	return gln, true, nil
}

// location picks the one location the transaction records: the readPoint or the
// bizLocation, whichever the chaincode keeps for it, else the other.
func (e *event) location(readPointFirst bool) (string, *fieldErr) {
	rp, rpOK, err := e.place("readPoint")
	if err != nil {
		return "", err
	}
	bl, blOK, err := e.place("bizLocation")
	if err != nil {
		return "", err
	}
	first, firstOK, firstKey, second, secondOK, secondKey := rp, rpOK, "readPoint", bl, blOK, "bizLocation"
	if !readPointFirst {
		first, firstOK, firstKey, second, secondOK, secondKey = bl, blOK, "bizLocation", rp, rpOK, "readPoint"
	}
	switch {
	case firstOK:
		e.use(firstKey)
		if secondOK && second == first {
			e.use(secondKey)
		} else if secondOK {
			e.use(secondKey)
			e.note(secondKey + " GLN " + second + " not recorded: " + e.fn() + " records one location, the " + firstKey + " GLN " + first)
		}
		return first, nil
	case secondOK:
		e.use(secondKey)
		return second, nil
	}
	return "", nil
}

func (e *event) bizTransactions() ([]model.BizTransaction, *fieldErr) {
	l, _, err := e.list("bizTransactionList")
	if err != nil {
		return nil, err
	}
	var out []model.BizTransaction
	for i, v := range l {
		f := fmt.Sprintf("bizTransactionList[%d]", i)
		m, ok := v.(map[string]any)
		if !ok {
			return nil, &fieldErr{f, "want an object with bizTransaction, got " + jsonKind(v)}
		}
		for _, k := range sortedKeys(m) {
			if k != "type" && k != "bizTransaction" {
				return nil, &fieldErr{f + "." + k, "is not a field of a business transaction"}
			}
		}
		val, ok := m["bizTransaction"].(string)
		if !ok || !isURI(val) {
			return nil, &fieldErr{f + ".bizTransaction", "is required: want a URI, got " + describe(m["bizTransaction"])}
		}
		bt := model.BizTransaction{Value: val}
		if tv, present := m["type"]; present {
			ts, ok := tv.(string)
			if !ok {
				return nil, &fieldErr{f + ".type", "want a string, got " + jsonKind(tv)}
			}
			typ, reason := normalize(cbv.BizTransactionType, ts)
			if reason != "" {
				return nil, &fieldErr{f + ".type", reason}
			}
			bt.Type = model.BizTransactionType(typ)
		}
		out = append(out, bt)
	}
	if len(out) > 0 {
		e.use("bizTransactionList")
	}
	return out, nil
}

// ilmdLot reads the lot number of a commissioning event's ILMD.
func (e *event) ilmdLot() (string, *fieldErr) {
	v, present := e.m["ilmd"]
	if !present {
		return "", nil
	}
	m, ok := v.(map[string]any)
	if !ok {
		return "", &fieldErr{"ilmd", "want an object, got " + jsonKind(v)}
	}
	e.use("ilmd")
	lot := ""
	for _, k := range sortedKeys(m) {
		if termName(k) == "lotNumber" {
			s, ok := m[k].(string)
			if !ok || s == "" {
				return "", &fieldErr{"ilmd." + k, "want the lot number as a string, got " + describe(m[k])}
			}
			lot = s
			continue
		}
		e.note("ilmd " + k + " not recorded: the lot record on the ledger holds the lot's master data")
	}
	return lot, nil
}

// termName is the local name of a compact IRI or URI: "cbvmda:lotNumber" → "lotNumber".
func termName(k string) string {
	if i := strings.LastIndexAny(k, ":#/"); i >= 0 {
		return k[i+1:]
	}
	return k
}
