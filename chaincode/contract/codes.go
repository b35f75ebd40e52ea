package contract

import (
	"github.com/udiledger/udiledger/chaincode/identifier"
	"github.com/udiledger/udiledger/chaincode/model"
)

// code is a parsed identifier as the contracts use it. Every code that enters the chaincode
// goes through parseCode, the one place that calls package identifier.
type code struct {
	Raw    string
	Scheme model.Scheme
	Key    string
	DI     string
	Lot    string
	Serial string
	Expiry string
	SSCC   string
}

func parseCode(s string) (code, error) {
	c, err := identifier.Parse(s)
	if err != nil {
		return code{}, model.Invalid("code %q: %v", s, err)
	}
	return code{
		Raw: s, Scheme: model.Scheme(c.Scheme), Key: c.Key, DI: c.DI, Lot: c.Lot,
		Serial: c.Serial, Expiry: c.Expiry, SSCC: c.SSCC,
	}, nil
}

// serialized reports whether the code names one single item.
func (c code) serialized() bool { return c.Scheme == model.SchemeCNDrug || c.Serial != "" }

// parseCodes parses a list, refusing an empty list, more than max codes and duplicates.
func parseCodes(raw []string, max int) ([]code, error) {
	if len(raw) == 0 {
		return nil, model.Invalid("no codes given")
	}
	if len(raw) > max {
		return nil, model.Invalid("%d codes given, at most %d allowed", len(raw), max)
	}
	out := make([]code, 0, len(raw))
	seen := make(map[string]bool, len(raw))
	for _, s := range raw {
		c, err := parseCode(s)
		if err != nil {
			return nil, err
		}
		if seen[c.Key] {
			return nil, model.Invalid("code %s given twice", c.Key)
		}
		seen[c.Key] = true
		out = append(out, c)
	}
	return out, nil
}

// validGLN checks an optional location.
func validGLN(gln string) error {
	if gln == "" {
		return nil
	}
	if err := identifier.ValidateGLN(gln); err != nil {
		return model.Invalid("location %q: %v", gln, err)
	}
	return nil
}

// requestItems parses the codes of an event request (at most model.MaxEventCodes, no
// duplicates) and looks up the unit or container each names.
func (t *txn) requestItems(raw []string) ([]code, []*item, error) {
	codes, items, _, err := t.requestGoods(raw, nil)
	return codes, items, err
}

// requestGoods is requestItems for a request that may also name lot-level quantities
// (parseGoods): the codes, their items and the quantities.
func (t *txn) requestGoods(raw []string, quantities []model.QuantityElement) ([]code, []*item, []qty, error) {
	codes, qs, err := parseGoods(raw, quantities)
	if err != nil {
		return nil, nil, nil, err
	}
	items, err := t.lookupAll(codes)
	if err != nil {
		return nil, nil, nil, err
	}
	return codes, items, qs, nil
}
