package contract

import (
	"fmt"
	"slices"

	"github.com/udiledger/udiledger/chaincode/model"
)

// party returns the registered party msp, or NOT_FOUND.
func (t *txn) party(msp string) (*model.Party, error) {
	if p, ok := t.parties[msp]; ok {
		return p, nil
	}
	k, err := t.key(otParty, msp)
	if err != nil {
		return nil, err
	}
	var p model.Party
	ok, err := t.getJSON(k, &p)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, model.NotFound("party %s is not registered", msp)
	}
	t.parties[msp] = &p
	return &p, nil
}

// me returns the caller's party, or FORBIDDEN when its organisation is not registered.
func (t *txn) me() (*model.Party, error) {
	p, err := t.party(t.caller)
	if model.CodeOf(err) == model.CodeNotFound {
		return nil, model.Forbidden("organisation %s is not a registered party", t.caller)
	}
	return p, err
}

// meAs returns the caller's party when it has one of roles.
func (t *txn) meAs(action string, roles ...model.Role) (*model.Party, error) {
	p, err := t.me()
	if err != nil {
		return nil, err
	}
	if !p.HasRole(roles...) {
		return nil, model.Forbidden("%s may not %s: needs role %v", t.caller, action, roles)
	}
	if err := t.certRole(action, roles...); err != nil {
		return nil, err
	}
	return p, nil
}

// certRole checks the person behind the call: the role attribute of the caller's certificate
// (an ecert attribute from the organisation's Fabric CA) must be one of roles. Identities
// without it (nodes, admins made by cryptogen) may read but not act.
func (t *txn) certRole(action string, roles ...model.Role) error {
	role, found, err := t.ctx.GetClientIdentity().GetAttributeValue(RoleAttribute) // parsed once per transaction
	if err != nil {
		return fmt.Errorf("read caller role attribute: %w", err)
	}
	if !found {
		return model.Forbidden("%s may not %s: the caller's certificate has no %s attribute; enrol the user through the organisation's CA", t.caller, action, RoleAttribute)
	}
	if !slices.Contains(roles, model.Role(role)) {
		return model.Forbidden("%s may not %s: the caller's certificate has %s=%s, needs one of %v", t.caller, action, RoleAttribute, role, roles)
	}
	return nil
}

// trader returns the caller's party when it has one of roles and a licence valid now.
func (t *txn) trader(action string, roles ...model.Role) (*model.Party, error) {
	p, err := t.meAs(action, roles...)
	if err != nil {
		return nil, err
	}
	if err := t.licensed(p); err != nil {
		return nil, err
	}
	return p, nil
}

// licensed returns FORBIDDEN unless p holds a licence valid at the transaction time.
func (t *txn) licensed(p *model.Party) error {
	if !p.LicensedAt(t.now) {
		return model.Forbidden("party %s has no licence valid on %s", p.MSPID, model.DateOf(t.now))
	}
	return nil
}

func (t *txn) product(di string) (*model.Product, error) {
	if p, ok := t.products[di]; ok {
		return p, nil
	}
	k, err := t.key(otProduct, di)
	if err != nil {
		return nil, err
	}
	var p model.Product
	ok, err := t.getJSON(k, &p)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, model.NotFound("product %s is not registered", di)
	}
	t.products[di] = &p
	return &p, nil
}

func (t *txn) putProduct(p *model.Product) error {
	k, err := t.key(otProduct, p.DI)
	if err != nil {
		return err
	}
	t.products[p.DI] = p
	return t.putJSON(k, p)
}

func (t *txn) lot(di, lot string) (*model.Lot, error) {
	ck := di + "\x00" + lot
	if l, ok := t.lots[ck]; ok {
		return l, nil
	}
	k, err := t.key(otLot, di, lot)
	if err != nil {
		return nil, err
	}
	var l model.Lot
	ok, err := t.getJSON(k, &l)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, model.NotFound("lot %s of %s is not registered", lot, di)
	}
	t.lots[ck] = &l
	return &l, nil
}

func (t *txn) putLot(l *model.Lot) error {
	k, err := t.key(otLot, l.DI, l.Lot)
	if err != nil {
		return err
	}
	t.lots[l.DI+"\x00"+l.Lot] = l
	return t.putJSON(k, l)
}

// prefixOwner returns the MSP ID that registered prefix under scheme, or "".
func (t *txn) prefixOwner(scheme, prefix string) (string, error) {
	k, err := t.key(otPrefix, scheme, prefix)
	if err != nil {
		return "", err
	}
	b, err := t.stub.GetState(k)
	if err != nil {
		return "", err
	}
	return string(b), nil
}

// diOwner returns the MSP ID that owns a DI: for a GTIN-14, the party whose GS1 company prefix
// (4 to 12 digits after the indicator digit) it starts with; for a drug product code, the
// party that registered those 7 digits. Only point reads, one per possible prefix length.
func (t *txn) diOwner(scheme model.Scheme, di string) (string, error) {
	switch scheme {
	case model.SchemeGS1:
		if len(di) != 14 {
			return "", model.Invalid("gs1 di %q must be a GTIN-14", di)
		}
		for n := 4; n <= 12; n++ {
			owner, err := t.prefixOwner(prefixGS1, di[1:1+n])
			if err != nil || owner != "" {
				return owner, err
			}
		}
		return "", nil
	case model.SchemeCNDrug:
		return t.prefixOwner(prefixCNDrug, di)
	}
	return "", model.Invalid("products of scheme %s are not supported yet", scheme)
}
