// Package devledger opens the development ledger: the embedded engine running the UDI
// chaincode, with the five organisations of chaincode/orgs (localmsp.DefaultOrgs) generated on
// first start and their private data collections configured as on the Fabric network.
// `udi demo` and `udi serve` without configuration run on it.
package devledger

import (
	"fmt"
	"path/filepath"
	"time"

	"github.com/udiledger/udiledger/chaincode/contract"
	"github.com/udiledger/udiledger/chaincode/orgs"
	"github.com/udiledger/udiledger/gateway/ledger"
	"github.com/udiledger/udiledger/gateway/ledger/embedded"
	"github.com/udiledger/udiledger/gateway/ledger/localmsp"
)

// The organisations' MSP IDs, as package orgs defines them.
const (
	Manufacturer = orgs.Manufacturer
	Distributor  = orgs.Distributor
	Platform     = orgs.Platform
	Hospital     = orgs.Hospital
	Regulator    = orgs.Regulator
)

// Collections is the private data configuration of the chaincode (orgs.Collections): each
// dispenser's details are kept by that dispenser and the regulator, for orgs.DispenseBlockToLive
// blocks, as on the Fabric network.
func Collections() []embedded.Collection {
	var out []embedded.Collection
	for _, c := range orgs.Collections() {
		out = append(out, embedded.Collection{Name: c.Name, MemberMSPs: c.Members, MemberOnlyRead: true, MemberOnlyWrite: true,
			BlockToLive: c.BlockToLive})
	}
	return out
}

// Options tune the development ledger.
type Options struct {
	// Clock gives transaction timestamps; default time.Now.
	Clock func() time.Time
	// NoSync skips fsync on commit (tests and throwaway demos).
	NoSync bool
	// OpenDamaged opens a ledger whose last block does not match its tip (embedded.ErrDamaged),
	// to verify it.
	OpenDamaged bool
}

// Ledger is an open development ledger and the identities of its organisations.
type Ledger struct {
	*embedded.Engine
	Store *localmsp.Store
}

// Open opens (creating on first start) the development ledger under dir: organisations in
// dir/msp, the ledger in dir/ledger.
func Open(dir string, opts Options) (*Ledger, error) {
	store, err := localmsp.Open(filepath.Join(dir, "msp"), localmsp.DefaultOrgs())
	if err != nil {
		return nil, fmt.Errorf("open local organisations: %w", err)
	}
	cc, err := contract.New()
	if err != nil {
		return nil, err
	}
	eng, err := embedded.Open(filepath.Join(dir, "ledger"), cc, embedded.Config{
		MSPs:        store.MSPs(),
		Collections: Collections(),
		Clock:       opts.Clock,
		NoSync:      opts.NoSync,
		OpenDamaged: opts.OpenDamaged,
	})
	if err != nil {
		return nil, err
	}
	return &Ledger{Engine: eng, Store: store}, nil
}

// Admin returns the admin identity of the organisation with the MSP ID.
func (l *Ledger) Admin(mspID string) (*ledger.Identity, error) {
	return Admin(l.Store, mspID)
}

// Admin returns the admin identity of the organisation with the MSP ID from a local store.
func Admin(store *localmsp.Store, mspID string) (*ledger.Identity, error) {
	o, ok := orgs.Find(mspID)
	if !ok || o.MSPID != mspID {
		return nil, fmt.Errorf("no demo organisation with MSP ID %q", mspID)
	}
	return store.Identity(o.Name + "/admin")
}
