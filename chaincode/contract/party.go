package contract

import (
	"fmt"
	"reflect"
	"slices"

	"github.com/hyperledger/fabric-chaincode-go/v2/pkg/cid"
	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/udiledger/udiledger/chaincode/model"
)

// RoleAttribute is the Fabric CA attribute of a user's role; party:Init needs the value
// "regulator".
const RoleAttribute = "role"

// PartyContract registers organisations, their roles, licences, prefixes and locations.
type PartyContract struct {
	contractapi.Contract
	cfg *Config
}

func newPartyContract(cfg *Config) *PartyContract {
	c := &PartyContract{cfg: cfg}
	c.Name = "party"
	return c
}

// GetEvaluateTransactions lists the read-only transactions.
func (c *PartyContract) GetEvaluateTransactions() []string {
	return []string{"Get", "List", "ExpiringLicences"}
}

// Init registers the first regulator. It succeeds once per ledger, for a caller whose
// certificate carries role=regulator and whose MSP ID is the party's.
func (c *PartyContract) Init(ctx contractapi.TransactionContextInterface, p model.Party) (*model.Party, error) {
	t, err := begin(ctx, c.cfg)
	if err != nil {
		return nil, err
	}
	k, err := t.key(otConfig, "init")
	if err != nil {
		return nil, err
	}
	done, err := t.stub.GetState(k)
	if err != nil {
		return nil, err
	}
	if done != nil {
		return nil, model.Conflict("ledger already initialised")
	}
	role, found, err := cid.GetAttributeValue(ctx.GetStub(), RoleAttribute)
	if err != nil {
		return nil, fmt.Errorf("read caller role attribute: %w", err)
	}
	if !found || role != string(model.RoleRegulator) {
		return nil, model.Forbidden("only an identity with role=regulator initialises the ledger")
	}
	if p.MSPID != t.caller || !p.HasRole(model.RoleRegulator) {
		return nil, model.Forbidden("the first party must be the caller's organisation %s with role regulator", t.caller)
	}
	if err := t.savePartyRecord(&p, nil); err != nil {
		return nil, err
	}
	if err := t.stub.PutState(k, []byte(t.nowText)); err != nil {
		return nil, err
	}
	return &p, t.emit(model.Notification{Kind: "party", ID: p.MSPID})
}

// Register adds a party. Only a regulator registers. Registering the same record again
// returns it; a different record for a registered MSP ID is a CONFLICT (use Update).
func (c *PartyContract) Register(ctx contractapi.TransactionContextInterface, p model.Party) (*model.Party, error) {
	t, err := begin(ctx, c.cfg)
	if err != nil {
		return nil, err
	}
	if _, err := t.meAs("register parties", model.RoleRegulator); err != nil {
		return nil, err
	}
	old, err := t.party(p.MSPID)
	switch {
	case err == nil:
		if samePartyData(old, &p) {
			return old, nil
		}
		return nil, model.Conflict("party %s is already registered; use party:Update", p.MSPID)
	case model.CodeOf(err) != model.CodeNotFound:
		return nil, err
	}
	if err := t.savePartyRecord(&p, nil); err != nil {
		return nil, err
	}
	return &p, t.emit(model.Notification{Kind: "party", ID: p.MSPID})
}

// Update replaces a party's record. Only a regulator updates.
func (c *PartyContract) Update(ctx contractapi.TransactionContextInterface, p model.Party) (*model.Party, error) {
	t, err := begin(ctx, c.cfg)
	if err != nil {
		return nil, err
	}
	if _, err := t.meAs("update parties", model.RoleRegulator); err != nil {
		return nil, err
	}
	old, err := t.party(p.MSPID)
	if err != nil {
		return nil, err
	}
	if err := t.savePartyRecord(&p, old); err != nil {
		return nil, err
	}
	return &p, t.emit(model.Notification{Kind: "party", ID: p.MSPID})
}

// Get returns a party.
func (c *PartyContract) Get(ctx contractapi.TransactionContextInterface, mspID string) (*model.Party, error) {
	t, err := begin(ctx, c.cfg)
	if err != nil {
		return nil, err
	}
	return t.party(mspID)
}

// List returns a page of parties in MSP ID order.
func (c *PartyContract) List(ctx contractapi.TransactionContextInterface, pageSize int, bookmark string) (*model.PartyPage, error) {
	t, err := begin(ctx, c.cfg)
	if err != nil {
		return nil, err
	}
	out := &model.PartyPage{Parties: []model.Party{}}
	out.Page, err = t.scanPage(otParty, nil, pageSize, bookmark, func(_ string, v []byte) error {
		var p model.Party
		if err := jsonUnmarshal(v, &p); err != nil {
			return err
		}
		out.Parties = append(out.Parties, p)
		return nil
	})
	return out, err
}

// ExpiringLicences lists licences of every party that end within days of the transaction
// time, already expired ones included, soonest first: the licence expiry warning.
func (c *PartyContract) ExpiringLicences(ctx contractapi.TransactionContextInterface, days int) ([]model.ExpiringLicence, error) {
	t, err := begin(ctx, c.cfg)
	if err != nil {
		return nil, err
	}
	if days < 0 {
		return nil, model.Invalid("days must not be negative")
	}
	out := []model.ExpiringLicence{}
	err = t.scanAll(otParty, nil, func(_ string, v []byte) error {
		var p model.Party
		if err := jsonUnmarshal(v, &p); err != nil {
			return err
		}
		out = append(out, p.ExpiringWithin(t.now, days)...)
		return nil
	})
	model.SortExpiring(out)
	return out, err
}

// savePartyRecord validates p, claims its prefixes (releasing those old no longer lists) and
// writes it.
func (t *txn) savePartyRecord(p, old *model.Party) error {
	if err := p.Validate(); err != nil {
		return err
	}
	p.RegisteredBy, p.UpdatedAt = t.caller, t.nowText
	claims := func(q *model.Party) [][2]string {
		var out [][2]string
		for _, g := range q.CompanyPrefixes {
			out = append(out, [2]string{prefixGS1, g})
		}
		for _, d := range q.DrugCodes {
			out = append(out, [2]string{prefixCNDrug, d})
		}
		return out
	}
	newClaims := claims(p)
	if old != nil {
		for _, c := range claims(old) {
			if !slices.Contains(newClaims, c) {
				k, err := t.key(otPrefix, c[0], c[1])
				if err != nil {
					return err
				}
				if err := t.stub.DelState(k); err != nil {
					return err
				}
			}
		}
	}
	for _, c := range newClaims {
		if err := t.claimPrefix(p.MSPID, c[0], c[1]); err != nil {
			return err
		}
	}
	k, err := t.key(otParty, p.MSPID)
	if err != nil {
		return err
	}
	t.parties[p.MSPID] = p
	return t.putJSON(k, p)
}

// claimPrefix records that msp owns prefix, refusing one owned by another party, and for a
// GS1 company prefix one that is an extension of another party's shorter prefix.
func (t *txn) claimPrefix(msp, scheme, prefix string) error {
	owner, err := t.prefixOwner(scheme, prefix)
	if err != nil {
		return err
	}
	if owner != "" && owner != msp {
		return model.Conflict("%s prefix %s belongs to %s", scheme, prefix, owner)
	}
	if scheme == prefixGS1 {
		for n := 4; n < len(prefix); n++ {
			o, err := t.prefixOwner(scheme, prefix[:n])
			if err != nil {
				return err
			}
			if o != "" && o != msp {
				return model.Conflict("gs1 prefix %s lies inside %s's prefix %s", prefix, o, prefix[:n])
			}
		}
	}
	k, err := t.key(otPrefix, scheme, prefix)
	if err != nil {
		return err
	}
	return t.stub.PutState(k, []byte(msp))
}

// samePartyData compares two party records without their bookkeeping fields.
func samePartyData(a, b *model.Party) bool {
	x, y := *a, *b
	x.RegisteredBy, x.UpdatedAt, y.RegisteredBy, y.UpdatedAt = "", "", "", ""
	return reflect.DeepEqual(x, y)
}
