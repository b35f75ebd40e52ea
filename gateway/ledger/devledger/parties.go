package devledger

import (
	"context"
	"fmt"
	"time"

	"github.com/udiledger/udiledger/chaincode/model"
	"github.com/udiledger/udiledger/chaincode/ops"
	"github.com/udiledger/udiledger/chaincode/orgs"
	"github.com/udiledger/udiledger/gateway/ledger"
)

// Orgs are the organisations of package orgs, the regulator first: it initialises a ledger
// and registers the others.
func Orgs() []orgs.Org {
	var reg, others []orgs.Org
	for _, o := range orgs.All() {
		if o.Role == model.RoleRegulator {
			reg = append(reg, o)
		} else {
			others = append(others, o)
		}
	}
	return append(reg, others...)
}

// RegisterParties registers Orgs on a ledger that has none, through inv as regulator: the
// regulator initialises the ledger, then registers the others with their numbers, their site
// and a trade licence numbered licencePrefix-<name>, valid for three years.
func RegisterParties(ctx context.Context, inv ledger.Invoker, regulator *ledger.Identity, licencePrefix string) error {
	today := time.Now().UTC()
	for i, o := range Orgs() {
		p := model.Party{MSPID: o.MSPID, Name: o.Name, Roles: []model.Role{o.Role}, CompanyPrefixes: o.CompanyPrefixes, DrugCodes: o.DrugCodes}
		if o.Role != model.RoleRegulator {
			p.Licences = []model.Licence{{Type: "trade", Number: licencePrefix + "-" + o.Name, ValidFrom: model.DateOf(today.AddDate(0, 0, -30)),
				ValidTo: model.DateOf(today.AddDate(3, 0, 0))}}
		}
		if o.GLN != "" {
			p.Locations = []model.Location{{GLN: o.GLN, Name: o.Name + " site"}}
		}
		op := ops.RegisterParty
		if i == 0 {
			op = ops.InitLedger
		}
		if _, err := ledger.Do(ctx, inv, regulator, op, p); err != nil {
			return fmt.Errorf("%s %s: %w", op.Name(), o.MSPID, err)
		}
	}
	return nil
}
