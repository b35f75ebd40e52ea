// Package demo plays the UDI Ledger story end to end through a ledger.Invoker: a regulator
// registers the participants, a manufacturer makes a lot of insulin pens and a few stents,
// the goods travel by pallet and case to an online pharmacy and a hospital, a cold-chain
// excursion quarantines a case, patients receive their medicine, a counterfeit and a clone are
// caught, and a recall brings every unit back. It prints the story for a person to read and
// returns an Outcome that does not depend on the backend, so the embedded engine and a real
// Fabric network can be compared. It is the story of `udi demo`; its cast is the five
// organisations of package orgs.
package demo

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/udiledger/udiledger/gateway/ledger"
)

// Options tune a run.
type Options struct {
	// Batch keeps the codes, lots and event IDs of runs on one ledger apart (1 to 999).
	// Parties and products are registered by the first run and reused after.
	Batch int
	// Out receives the story; nil discards it.
	Out io.Writer
	// Now gives the date the lots are made on; default time.Now.
	Now func() time.Time
}

// Outcome is what the story found, free of transaction IDs and timestamps.
type Outcome struct {
	Parties      []string          `json:"parties"`
	Commissioned int               `json:"commissioned"`
	PalletUnits  int               `json:"palletUnits"`
	Holdings     map[string]int    `json:"holdings"` // units per holder once distributed
	Excursion    Excursion         `json:"excursion"`
	Verdicts     []Verdict         `json:"verdicts"`
	Scope        []HolderCount     `json:"scope"`       // recall scope when the recall starts
	Progress     []int             `json:"progress"`    // recall progress in percent after each step
	RecallSteps  []string          `json:"recallSteps"` // the recall's steps after its start, and its state
	SoldOnline   string            `json:"soldOnline"`  // the pen the online pharmacy sold
	Timeline     []Step            `json:"timeline"`    // its provenance
	Alerts       map[string]int    `json:"alerts"`      // alerts raised by kind
	Cases        map[string]string `json:"cases"`       // how the counterfeit's and the clone's cases closed
	Private      map[string]bool   `json:"private"`     // who could read the dispense details
	Dispensed    map[string]int    `json:"dispensed"`   // units of the recall each dispenser found in its own records
	Destroyed    int               `json:"destroyed"`   // units of the recall destroyed once back
	Errors       map[string]string `json:"errors"`      // refusals the story provokes, by error code
}

// Excursion is the cold-chain alert of the story.
type Excursion struct {
	Alerted     bool `json:"alerted"`
	Quarantined int  `json:"quarantined"` // units quarantined
}

// Verdict is one verification at the point of sale.
type Verdict struct {
	Label          string `json:"label"`
	Genuine        bool   `json:"genuine"`
	Sellable       bool   `json:"sellable"`
	CloneSuspected bool   `json:"cloneSuspected"`
	Recalled       bool   `json:"recalled"`
	Status         string `json:"status"`
}

// HolderCount is one holder's row of the recall scope.
type HolderCount struct {
	Holder      string `json:"holder"`
	InStock     int    `json:"inStock"`
	InTransit   int    `json:"inTransit"`
	Dispensed   int    `json:"dispensed"`
	Returned    int    `json:"returned"`
	Quarantined int    `json:"quarantined"`
}

// Step is one event of a provenance timeline.
type Step struct {
	BizStep string `json:"bizStep"`
	Actor   string `json:"actor"`
	Via     string `json:"via,omitempty"` // "case" or "pallet" when inherited from a container
	Place   string `json:"place,omitempty"`
}

// Prepare registers the story's parties and products, unless an earlier run did: the master
// data other programs (the benchmark) build their own goods on.
func Prepare(ctx context.Context, inv ledger.Invoker, actors Actors) error {
	if err := actors.check(); err != nil {
		return err
	}
	s := &story{call: call{inv: inv, ctx: ctx}, a: actors, p: printer{w: io.Discard}, now: time.Now().UTC(), out: &Outcome{}}
	if err := s.register(); err != nil {
		return err
	}
	return s.registerProducts()
}

// Run plays the story as actors through inv: a ledger.Client wrapped in a *ledger.Caller, or
// a gateway's HTTP client.
func Run(ctx context.Context, inv ledger.Invoker, actors Actors, opts Options) (*Outcome, error) {
	if err := actors.check(); err != nil {
		return nil, err
	}
	if opts.Batch == 0 {
		opts.Batch = 1
	}
	if opts.Batch < 1 || opts.Batch > 999 {
		return nil, fmt.Errorf("demo: batch %d is outside 1 to 999", opts.Batch)
	}
	if opts.Out == nil {
		opts.Out = io.Discard
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	s := &story{
		call: call{inv: inv, ctx: ctx}, a: actors, c: codes{batch: opts.Batch},
		p: printer{w: opts.Out}, now: opts.Now().UTC(),
		out: &Outcome{Holdings: map[string]int{}, Alerts: map[string]int{}, Private: map[string]bool{}, Errors: map[string]string{}},
	}
	for _, chapter := range []func() error{
		s.register, s.manufacture, s.distribute, s.coldChain, s.dispense,
		s.verify, s.recall, s.provenance,
	} {
		if err := chapter(); err != nil {
			return s.out, err
		}
	}
	return s.out, nil
}
