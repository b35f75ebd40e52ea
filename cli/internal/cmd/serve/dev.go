package serve

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/udiledger/udiledger/chaincode/identifier"
	"github.com/udiledger/udiledger/chaincode/model"
	"github.com/udiledger/udiledger/gateway/api"
	"github.com/udiledger/udiledger/gateway/auth"
	"github.com/udiledger/udiledger/gateway/ledger"
	"github.com/udiledger/udiledger/gateway/ledger/devledger"
)

// account is one demo organisation as development mode prints it.
type account struct {
	MSPID string
	Role  model.Role
	Key   string
	Note  string
}

// devOrg is a demo organisation and what the development ledger registers for it.
type devOrg struct {
	msp, name string
	role      model.Role
	prefixes  []string // GS1 company prefixes
	drugCodes []string
	gln       string
}

// devOrgs are the demo organisations, with numbers a newcomer can use at once: the
// manufacturer owns GS1 company prefix 6901234 and drug product code 8123456.
func devOrgs() []devOrg {
	gln := func(base string) string {
		g, _ := gs1CheckDigit(base)
		return g
	}
	return []devOrg{
		{msp: devledger.Regulator, name: "RegulatorOrg", role: model.RoleRegulator},
		{msp: devledger.Manufacturer, name: "ManufacturerOrg", role: model.RoleManufacturer, prefixes: []string{"6901234"},
			drugCodes: []string{"8123456"}, gln: gln("690123400001")},
		{msp: devledger.Distributor, name: "DistributorOrg", role: model.RoleDistributor, gln: gln("690555500001")},
		{msp: devledger.Platform, name: "PlatformOrg", role: model.RolePlatform, gln: gln("690666600001")},
		{msp: devledger.Hospital, name: "HospitalOrg", role: model.RoleHospital, gln: gln("690777700001")},
	}
}

func gs1CheckDigit(base string) (string, error) {
	for d := '0'; d <= '9'; d++ {
		if identifier.ValidateGLN(base+string(d)) == nil {
			return base + string(d), nil
		}
	}
	return "", fmt.Errorf("no check digit for %s", base)
}

// keysFile keeps the development API keys in the data directory, readable by its owner only.
const keysFile = "dev-api-keys.json"

// devMode opens the development ledger, registers the demo organisations on a new ledger and
// gives each an API key.
func devMode(ctx context.Context, opts *ServeOptions) (*gatewaySetup, error) {
	if err := os.MkdirAll(opts.DataDir, 0o700); err != nil {
		return nil, fmt.Errorf("data dir: %w", err)
	}
	led, err := devledger.Open(opts.DataDir, devledger.Options{})
	if err != nil {
		return nil, fmt.Errorf("open development ledger in %s: %w", opts.DataDir, err)
	}
	g := &gatewaySetup{addr: opts.Addr, shutdown: 15 * time.Second, closers: []func() error{led.Close}}
	keys, err := loadKeys(filepath.Join(opts.DataDir, keysFile))
	if err != nil {
		g.close()
		return nil, err
	}
	if !opts.NoSeed {
		if err := seed(ctx, led); err != nil {
			g.close()
			return nil, fmt.Errorf("register the demo organisations: %w", err)
		}
	}
	kr := auth.NewKeyring()
	var accounts []account
	for _, o := range devOrgs() {
		id, err := led.Admin(o.msp)
		if err != nil {
			g.close()
			return nil, err
		}
		if err := kr.Add(auth.HashKey(keys[o.msp]), &auth.Principal{Name: o.name + "-dev", Role: string(o.role), Identity: id}); err != nil {
			g.close()
			return nil, err
		}
		a := account{MSPID: o.msp, Role: o.role, Key: keys[o.msp]}
		if len(o.prefixes) > 0 {
			a.Note = fmt.Sprintf("GS1 company prefix %s, drug product code %s, GLN %s", o.prefixes[0], o.drugCodes[0], o.gln)
		} else if o.gln != "" {
			a.Note = "GLN " + o.gln
		}
		accounts = append(accounts, a)
	}
	printAccounts(opts.IO.Out, opts.DataDir, accounts)
	resolver, _ := led.Admin(devledger.Regulator)
	g.api = api.Options{Ledger: led, Keyring: kr, Unavailable: closedLedger, ResolverIdentity: resolver}
	return g, nil
}

// loadKeys reads the development keys, making (and saving) those missing.
func loadKeys(path string) (map[string]string, error) {
	keys := map[string]string{}
	raw, err := os.ReadFile(path) // #nosec G304 -- the path is the operator's data dir
	switch {
	case err == nil:
		if err := json.Unmarshal(raw, &keys); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
	case !errors.Is(err, os.ErrNotExist):
		return nil, err
	}
	changed := false
	for _, o := range devOrgs() {
		if keys[o.msp] != "" {
			continue
		}
		k, _, err := auth.NewKey()
		if err != nil {
			return nil, err
		}
		keys[o.msp], changed = k, true
	}
	if changed {
		out, _ := json.MarshalIndent(keys, "", "  ")
		if err := os.WriteFile(path, append(out, '\n'), 0o600); err != nil {
			return nil, fmt.Errorf("save development keys: %w", err)
		}
	}
	return keys, nil
}

// seed registers the demo organisations on a ledger that has none: the regulator initialises
// the ledger, then registers the others with a trade licence and their numbers.
func seed(ctx context.Context, led *devledger.Ledger) error {
	regID, err := led.Admin(devledger.Regulator)
	if err != nil {
		return err
	}
	_, err = led.Evaluate(ctx, ledger.Proposal{Identity: regID, Function: "party:Get", Args: []string{devledger.Regulator}})
	var ce *ledger.ChaincodeError
	switch {
	case err == nil:
		return nil // already done on an earlier start
	case !errors.As(err, &ce) || model.ParseCode(ce.Message) != model.CodeNotFound:
		return err
	}
	today := time.Now().UTC()
	for i, o := range devOrgs() {
		p := model.Party{MSPID: o.msp, Name: o.name, Roles: []model.Role{o.role}, CompanyPrefixes: o.prefixes, DrugCodes: o.drugCodes}
		if o.role != model.RoleRegulator {
			p.Licences = []model.Licence{{Type: "trade", Number: "DEV-" + o.name, ValidFrom: model.DateOf(today.AddDate(0, 0, -30)),
				ValidTo: model.DateOf(today.AddDate(3, 0, 0))}}
		}
		if o.gln != "" {
			p.Locations = []model.Location{{GLN: o.gln, Name: o.name + " site"}}
		}
		arg, _ := json.Marshal(p)
		fn := "party:Register"
		if i == 0 {
			fn = "party:Init"
		}
		if _, err := led.Submit(ctx, ledger.Proposal{Identity: regID, Function: fn, Args: []string{string(arg)}}); err != nil {
			return fmt.Errorf("%s %s: %w", fn, o.msp, err)
		}
	}
	return nil
}
