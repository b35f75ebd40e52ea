package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/udiledger/udiledger/chaincode/model"
	"github.com/udiledger/udiledger/chaincode/ops"
	"github.com/udiledger/udiledger/chaincode/orgs"
	"github.com/udiledger/udiledger/gateway/api"
	"github.com/udiledger/udiledger/gateway/auth"
	"github.com/udiledger/udiledger/gateway/capturejobs"
	"github.com/udiledger/udiledger/gateway/ledger"
	"github.com/udiledger/udiledger/gateway/ledger/devledger"
	"github.com/udiledger/udiledger/gateway/ledger/embedded"
	"github.com/udiledger/udiledger/gateway/notify"
	"github.com/udiledger/udiledger/gateway/subscriptions"
)

// DevKeysFile keeps development mode's API keys in the data directory, readable by its owner
// only.
const DevKeysFile = "dev-api-keys.json"

// DevCaptureJobsFile keeps development mode's EPCIS capture jobs in the data directory.
const DevCaptureJobsFile = "capture-jobs.db"

// DevSubscriptionsFile keeps development mode's EPCIS named queries and subscriptions.
const DevSubscriptionsFile = "subscriptions.db"

// DevNotifyFile keeps development mode's notification webhooks and notifications.
const DevNotifyFile = "notifications.db"

// Account is one organisation's development API key, with the numbers it is registered with
// in a note a newcomer can use at once.
type Account struct {
	MSPID string
	Role  model.Role
	Key   string
	Note  string
}

// development opens the development ledger, registers the organisations on a new ledger and
// gives each an API key.
func (g *Gateway) development(ctx context.Context) error {
	dir := g.cfg.DataDir
	if dir == "" {
		return &ConfigError{Err: errors.New("development mode needs a data directory")}
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("data dir: %w", err)
	}
	led, err := devledger.Open(dir, devledger.Options{})
	if err != nil {
		return fmt.Errorf("open development ledger in %s: %w%s", dir, err, damagedHint(err, dir))
	}
	g.closers = append(g.closers, led.Close)
	if g.addr == "" {
		g.addr = DefaultAddr
	}
	keys, err := loadKeys(filepath.Join(dir, DevKeysFile))
	if err != nil {
		return err
	}
	if !g.cfg.NoSeed {
		if err := seed(ctx, led); err != nil {
			return fmt.Errorf("register the demo organisations: %w", err)
		}
	}
	kr := auth.NewKeyring()
	for _, o := range devledger.Orgs() {
		id, err := led.Admin(o.MSPID)
		if err != nil {
			return err
		}
		if err := kr.Add(auth.HashKey(keys[o.MSPID]), &auth.Principal{Name: o.Name + "-dev", Role: string(o.Role), Identity: id}); err != nil {
			return err
		}
		a := Account{MSPID: o.MSPID, Role: o.Role, Key: keys[o.MSPID]}
		switch {
		case len(o.CompanyPrefixes) > 0:
			a.Note = fmt.Sprintf("GS1 company prefix %s, drug product code %s, GLN %s", o.CompanyPrefixes[0], o.DrugCodes[0], o.GLN)
		case o.GLN != "":
			a.Note = "GLN " + o.GLN
		}
		g.accounts = append(g.accounts, a)
	}
	resolver, err := led.Admin(orgs.Regulator)
	if err != nil {
		return err
	}
	jobs, err := capturejobs.Open(filepath.Join(dir, DevCaptureJobsFile))
	if err != nil {
		return err
	}
	g.closers = append(g.closers, jobs.Close)
	subs, err := subscriptions.Open(filepath.Join(dir, DevSubscriptionsFile))
	if err != nil {
		return err
	}
	g.closers = append(g.closers, subs.Close)
	notes, err := notify.Open(filepath.Join(dir, DevNotifyFile))
	if err != nil {
		return err
	}
	g.closers = append(g.closers, notes.Close)
	g.api = api.Options{Ledger: led, Keyring: kr, Unavailable: closedLedger, ResolverIdentity: resolver, CaptureJobs: jobs, Subscriptions: subs,
		Notifications: notes}
	return nil
}

// damagedHint tells the operator of a damaged embedded ledger (ADR 040) how to see what was
// changed; "" for other errors.
func damagedHint(err error, dir string) string {
	if errors.Is(err, embedded.ErrDamaged) {
		return fmt.Sprintf("; the gateway does not serve a damaged ledger: `udi ledger verify --data-dir %s` lists what was changed", dir)
	}
	return ""
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
	for _, o := range devledger.Orgs() {
		if keys[o.MSPID] != "" {
			continue
		}
		k, _, err := auth.NewKey()
		if err != nil {
			return nil, err
		}
		keys[o.MSPID], changed = k, true
	}
	if changed {
		out, _ := json.MarshalIndent(keys, "", "  ")
		if err := os.WriteFile(path, append(out, '\n'), 0o600); err != nil {
			return nil, fmt.Errorf("save development keys: %w", err)
		}
	}
	return keys, nil
}

// seed registers the organisations on a ledger that has none: the regulator initialises the
// ledger, then registers the others with a trade licence and their numbers.
func seed(ctx context.Context, led *devledger.Ledger) error {
	regID, err := led.Admin(orgs.Regulator)
	if err != nil {
		return err
	}
	inv := &ledger.Caller{Client: led}
	_, err = ledger.Do(ctx, inv, regID, ops.GetParty, model.PartyQuery{MSPID: orgs.Regulator})
	switch {
	case err == nil:
		return nil // already done on an earlier start
	case ledger.CodeOf(err) != model.CodeNotFound:
		return err
	}
	return devledger.RegisterParties(ctx, inv, regID, "DEV")
}
