// Package event implements the commands that record events over codes: udi ship, receive,
// pack, unpack, return, destroy, decommission, release, rework, restock, dispense and
// undo-dispense. Each reads
// its codes from arguments, a file or standard input, sends them in events of at most
// model.MaxEventCodes codes with IDs derived from the input, and reports each event as udi
// commission does.
package event

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/udiledger/udiledger/chaincode/identifier"
	"github.com/udiledger/udiledger/chaincode/model"
	"github.com/udiledger/udiledger/chaincode/ops"
	"github.com/udiledger/udiledger/cli/internal/batch"
	"github.com/udiledger/udiledger/cli/internal/cmdutil"
	"github.com/udiledger/udiledger/gateway/httpledger"
	"github.com/udiledger/udiledger/gateway/ledger"
)

// Options are the flags of an event command.
type Options struct {
	To           string
	Reason       string
	Parent       string
	File         string
	EventID      string
	Location     string
	Chunk        int
	DryRun       bool
	PatientFile  string
	Recall       string
	Quantities   []string // CODE=N, lot-level
	FromReturned bool

	private    model.DispensePrivate   // udi dispense: read from --patient-file or the terminal
	quantities []model.QuantityElement // parsed --quantity, sent with the first event
}

// need is whether a command takes a flag.
type need int

const (
	no need = iota
	optional
	required
)

// kind is one event command.
type kind struct {
	name, use, short, long, example string
	to, reason, recall              need
	quantities                      bool // --quantity CODE=N (lot-level goods)
	fromReturned                    bool // --from-returned (destroy)
	parentFlag                      bool // --parent (pack)
	parentArg                       bool // the first argument (unpack)
	allWithoutCodes                 bool // no codes means all (unpack)
	send                            func(ctx context.Context, c *httpledger.Client, o *Options, h model.EventHeader, codes []string, qs []model.QuantityElement) (*ledger.Reply[model.EventResult], error)
}

const input = `The codes are the arguments, or come from -f FILE (one per line, any form udi parse reads;
blank lines and # comments skipped; "-" for standard input), or from standard input when
neither is given. The whole input is checked first: a code that does not parse or is given
twice is reported with its line, and nothing is written (exit 2).

Codes go to the ledger in events of at most 10,000 (one transaction each). Each event's ID is
derived from the input (the command, its flags, the UTC day, the event's position and a hash
of its codes) unless --event-id names it: run the same command again after an interruption and
the events already recorded are answered as "replayed", only the rest is written. To record
the same codes again on purpose the same day, give a new --event-id.

The last line says how many events were done, replayed, failed and not sent; the exit status
is 0 only when every event was recorded (2 for invalid input, 3 when the ledger refused an
event, 1 when the gateway could not be reached or the run was interrupted).`

var kinds = []kind{
	{name: "ship", use: "ship --to MSP [CODE...]", short: "Ship units or containers to a party", to: required,
		long: "Ship records units or containers as shipped to the party --to names (its MSP ID); they are in\ntransit until it receives them.",
		example: `  udi ship --to DistributorMSP '(00)106901234000000017'
  udi ship --to HospitalMSP -f pallet.txt`,
		send: func(ctx context.Context, c *httpledger.Client, o *Options, h model.EventHeader, codes []string, _ []model.QuantityElement) (*ledger.Reply[model.EventResult], error) {
			return ledger.Do(ctx, c, nil, ops.Ship, model.ShipRequest{EventHeader: h, To: o.To, Codes: codes})
		}},
	{name: "receive", use: "receive [CODE...]", short: "Receive units or containers shipped to you",
		long:    "Receive records units or containers shipped to the caller's organisation as received.",
		example: `  udi receive -f delivery.txt`,
		send: func(ctx context.Context, c *httpledger.Client, _ *Options, h model.EventHeader, codes []string, _ []model.QuantityElement) (*ledger.Reply[model.EventResult], error) {
			return ledger.Do(ctx, c, nil, ops.Receive, model.ReceiveRequest{EventHeader: h, Codes: codes})
		}},
	{name: "pack", use: "pack --parent CODE [CODE...]", short: "Pack units or containers into a container", parentFlag: true,
		long:    "Pack puts units or containers into the container --parent names (an SSCC or a serialized\ncase code); its first packing event creates it.",
		example: `  udi pack --parent '(00)106901234000000017' -f cases.txt`,
		send: func(ctx context.Context, c *httpledger.Client, o *Options, h model.EventHeader, codes []string, _ []model.QuantityElement) (*ledger.Reply[model.EventResult], error) {
			return ledger.Do(ctx, c, nil, ops.Pack, model.PackRequest{EventHeader: h, Parent: o.Parent, Children: codes})
		}},
	{name: "unpack", use: "unpack PARENT [CODE...]", short: "Take units or containers out of a container", parentArg: true, allWithoutCodes: true,
		long:    "Unpack takes the codes out of the container PARENT; with no codes (no further arguments and\nno -f), everything in it.",
		example: `  udi unpack '(00)106901234000000017'`,
		send: func(ctx context.Context, c *httpledger.Client, o *Options, h model.EventHeader, codes []string, _ []model.QuantityElement) (*ledger.Reply[model.EventResult], error) {
			return ledger.Do(ctx, c, nil, ops.Unpack, model.UnpackRequest{EventHeader: h, Parent: o.Parent, Children: codes})
		}},
	{name: "return", use: "return --reason TEXT [--to MSP] [--recall ID] [--quantity CODE=N...] [CODE...]", short: "Return units, containers or lot-level quantities",
		to: optional, reason: required, recall: optional, quantities: true,
		long: "Return sends units or containers, and --quantity amounts of lot-level goods from your stock, back:\n" +
			"to the party --to names, else under --recall to the recalling firm, else to the product's\nmanufacturer. " +
			"The receiver confirms with udi receive (quantities: the API's from).",
		example: `  udi return --reason 'damaged in transit' -f damaged.txt
  udi return --reason 'recall RC-118' --recall RC-118 --quantity '(01)06901234000016(10)L7=40'`,
		send: func(ctx context.Context, c *httpledger.Client, o *Options, h model.EventHeader, codes []string, qs []model.QuantityElement) (*ledger.Reply[model.EventResult], error) {
			return ledger.Do(ctx, c, nil, ops.Return, model.ReturnRequest{EventHeader: h, To: o.To, Reason: o.Reason, RecallID: o.Recall, Codes: codes, Quantities: qs})
		}},
	{name: "destroy", use: "destroy --reason TEXT [--recall ID] [--quantity CODE=N... [--from-returned]] [CODE...]", short: "Record units, containers or lot-level quantities as destroyed",
		reason: required, recall: optional, quantities: true, fromReturned: true,
		long: "Destroy records units or containers, and --quantity amounts of lot-level goods from your stock\n" +
			"(--from-returned: from the goods returned to you), as destroyed; --recall names the recall they\nare destroyed under.",
		example: `  udi destroy --reason 'expired stock, incinerated' -f expired.txt
  udi destroy --reason incinerated --recall RC-118 --from-returned --quantity '(01)06901234000016(10)L7=40'`,
		send: func(ctx context.Context, c *httpledger.Client, o *Options, h model.EventHeader, codes []string, qs []model.QuantityElement) (*ledger.Reply[model.EventResult], error) {
			return ledger.Do(ctx, c, nil, ops.Destroy, model.DisposeRequest{EventHeader: h, Reason: o.Reason, RecallID: o.Recall, Codes: codes,
				Quantities: qs, FromReturned: o.FromReturned})
		}},
	{name: "rework", use: "rework --recall ID --reason TEXT [CODE...]", short: "Re-work returned units under a recall (the recalling firm)",
		reason: required, recall: required,
		long: "Rework records that units returned to you under the recall --recall names were re-worked\n" +
			"(relabelled, repaired): they are active again in your stock, and that recall counts them done\nand no longer holds them back.",
		example: `  udi rework --recall RC-118 --reason 'relabelled with the corrected IFU' -f reworked.txt`,
		send: func(ctx context.Context, c *httpledger.Client, o *Options, h model.EventHeader, codes []string, _ []model.QuantityElement) (*ledger.Reply[model.EventResult], error) {
			return ledger.Do(ctx, c, nil, ops.Rework, model.ReworkRequest{EventHeader: h, RecallID: o.Recall, Reason: o.Reason, Codes: codes})
		}},
	{name: "restock", use: "restock [--reason TEXT] [--quantity CODE=N...] [CODE...]", short: "Put returned goods back into sellable stock",
		reason: optional, quantities: true,
		long: "Restock puts goods returned to you (units, containers, --quantity amounts of lot-level goods) back\n" +
			"into your sellable stock. The ledger refuses any that udi verify would not answer sellable\n(recalled, quarantined, expired, a suspected clone) and says why.",
		example: `  udi restock --reason 'inspected, seal intact' -f returns.txt`,
		send: func(ctx context.Context, c *httpledger.Client, o *Options, h model.EventHeader, codes []string, qs []model.QuantityElement) (*ledger.Reply[model.EventResult], error) {
			return ledger.Do(ctx, c, nil, ops.Restock, model.RestockRequest{EventHeader: h, Reason: o.Reason, Codes: codes, Quantities: qs})
		}},
	{name: "decommission", use: "decommission --reason TEXT [CODE...]", short: "Decommission units or containers", reason: required,
		example: `  udi decommission --reason 'sample for the regulator' '(01)06901234000016(21)A1'`,
		send: func(ctx context.Context, c *httpledger.Client, o *Options, h model.EventHeader, codes []string, _ []model.QuantityElement) (*ledger.Reply[model.EventResult], error) {
			return ledger.Do(ctx, c, nil, ops.Decommission, model.DisposeRequest{EventHeader: h, Reason: o.Reason, Codes: codes})
		}},
	{name: "release", use: "release --reason TEXT [CODE...]", short: "Lift a quarantine of units or containers", reason: required,
		example: `  udi release --reason 'temperature log checked' -f held.txt`,
		send: func(ctx context.Context, c *httpledger.Client, o *Options, h model.EventHeader, codes []string, _ []model.QuantityElement) (*ledger.Reply[model.EventResult], error) {
			return ledger.Do(ctx, c, nil, ops.Release, model.DisposeRequest{EventHeader: h, Reason: o.Reason, Codes: codes})
		}},
	{name: "undo-dispense", use: "undo-dispense --reason TEXT [CODE...]", short: "Undo a dispense of yours within 10 days", reason: required,
		example: `  udi undo-dispense --reason 'dispensed in error' '(01)06901234000016(21)A1'`,
		send: func(ctx context.Context, c *httpledger.Client, o *Options, h model.EventHeader, codes []string, _ []model.QuantityElement) (*ledger.Reply[model.EventResult], error) {
			return ledger.Do(ctx, c, nil, ops.UndoDispense, model.UndoDispenseRequest{EventHeader: h, Reason: o.Reason, Codes: codes})
		}},
	{name: "dispense", use: "dispense [--patient-file FILE] [CODE...]", short: "Dispense units to a patient",
		long: `Dispense records units as dispensed (or sold) to a patient. The patient reference, and a
prescription reference if there is one, are never flags or arguments, so that they land in no
shell history or process list: udi asks for them on the terminal, or reads them from
--patient-file, a YAML file such as

  patient: P-2026-00417
  prescription: RX-88812

They travel to the gateway only in the request's private part; the gateway adds a random
salt, the ledger keeps only salted hashes in public and the references in the dispensing
organisation's private collection.`,
		example: `  udi dispense '(01)06901234000016(21)A1'          # asks for the patient reference
  udi dispense --patient-file patient.yaml -f tray.txt`,
		send: func(ctx context.Context, c *httpledger.Client, o *Options, h model.EventHeader, codes []string, _ []model.QuantityElement) (*ledger.Reply[model.EventResult], error) {
			return ledger.Do(ctx, c, nil, ops.Dispense, model.DispenseInput{DispenseRequest: model.DispenseRequest{EventHeader: h, Codes: codes}, DispensePrivate: o.private})
		}},
}

// NewCmds returns every event command.
func NewCmds(f *cmdutil.Factory) []*cobra.Command {
	out := make([]*cobra.Command, 0, len(kinds))
	for _, k := range kinds {
		out = append(out, newCmd(f, k))
	}
	return out
}

func newCmd(f *cmdutil.Factory, k kind) *cobra.Command {
	var o Options
	var g cmdutil.Gateway
	var out cmdutil.Output
	long := k.long
	if long == "" {
		long = strings.ToUpper(k.short[:1]) + k.short[1:] + "."
	}
	cmd := &cobra.Command{
		Use:     k.use,
		Short:   k.short,
		Long:    long + "\n\n" + input,
		Example: k.example,
	}
	if k.parentArg {
		cmd.Args = cobra.MinimumNArgs(1)
	}
	cmdutil.AddGatewayFlags(cmd, f, &g)
	cmdutil.AddOutputFlag(cmd, &out)
	fl := cmd.Flags()
	fl.StringVarP(&o.File, "file", "f", "", `codes, one per line ("-": standard input)`)
	fl.StringVar(&o.EventID, "event-id", "", "the event's ID (with more than one event, ID:1, ID:2…); default: derived from the input")
	fl.StringVar(&o.Location, "location", "", "GLN of the site")
	fl.IntVar(&o.Chunk, "chunk", model.MaxEventCodes, "codes per event, at most 10,000 (resume with the same value)")
	fl.BoolVar(&o.DryRun, "dry-run", false, "check the input and print the events; send nothing")
	switch k.to {
	case required:
		fl.StringVar(&o.To, "to", "", "MSP ID of the receiving party (required)")
	case optional:
		fl.StringVar(&o.To, "to", "", "MSP ID of the receiving party (default: the product's manufacturer)")
	}
	if k.to != no {
		_ = cmd.RegisterFlagCompletionFunc("to", cmdutil.Complete(&g, cmdutil.PartyIDs))
	}
	switch k.reason {
	case required:
		fl.StringVar(&o.Reason, "reason", "", "why (required)")
	case optional:
		fl.StringVar(&o.Reason, "reason", "", "why")
	}
	switch k.recall {
	case required:
		fl.StringVar(&o.Recall, "recall", "", "ID of the recall (required)")
	case optional:
		fl.StringVar(&o.Recall, "recall", "", "ID of the recall the goods go under")
	}
	if k.recall != no {
		_ = cmd.RegisterFlagCompletionFunc("recall", cmdutil.Complete(&g, cmdutil.RecallIDs))
	}
	if k.quantities {
		fl.StringArrayVar(&o.Quantities, "quantity", nil, "CODE=N: N of the lot-level code CODE (DI and lot, no serial); repeat for more, sent with the first event")
	}
	if k.fromReturned {
		fl.BoolVar(&o.FromReturned, "from-returned", false, "take the quantities from the goods returned to you, not from your stock")
	}
	if k.parentFlag {
		fl.StringVar(&o.Parent, "parent", "", "the container (required)")
	}
	if k.name == "dispense" {
		fl.StringVar(&o.PatientFile, "patient-file", "", "YAML file with patient: and prescription: (default: ask on the terminal)")
	}
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		if err := out.Check(); err != nil {
			return err
		}
		if k.parentArg {
			o.Parent, args = args[0], args[1:]
		}
		codes, err := o.check(f, k, args)
		if err != nil {
			return cmdutil.InvalidInput(err)
		}
		r := &batch.Run{IO: f.IO, Command: k.name, Label: o.label(k), Chunks: o.chunks(k, codes), Total: codes.Len()}
		if o.DryRun {
			r.Plan()
			return r.Report(out, true, nil)
		}
		if k.name == "dispense" {
			if err := o.readPatient(f, codes.Source == "stdin"); err != nil {
				return cmdutil.InvalidInput(err)
			}
		}
		c, err := g.Client()
		if err != nil {
			return err
		}
		r.Send(cmd.Context(), func(ctx context.Context, ch batch.Chunk) (*ledger.Reply[model.EventResult], error) {
			var qs []model.QuantityElement
			if ch.Index == 1 {
				qs = o.quantities
			}
			return k.send(ctx, c, &o, model.EventHeader{EventID: ch.EventID, Location: o.Location}, ch.Codes, qs)
		})
		return r.Report(out, false, nil)
	}
	return cmd
}

// check checks the flags' shape and reads the codes.
func (o *Options) check(f *cmdutil.Factory, k kind, args []string) (*batch.Codes, error) {
	if o.Chunk < 1 || o.Chunk > model.MaxEventCodes {
		return nil, fmt.Errorf("--chunk %d: want 1 to %d (the ledger's limit per event)", o.Chunk, model.MaxEventCodes)
	}
	if k.to == required && o.To == "" {
		return nil, errors.New("--to is required: the MSP ID of the receiving party")
	}
	if k.reason == required && strings.TrimSpace(o.Reason) == "" {
		return nil, errors.New("--reason is required")
	}
	if len(o.Reason) > model.MaxReasonLength {
		return nil, fmt.Errorf("--reason: longer than %d characters", model.MaxReasonLength)
	}
	if len(o.EventID) > model.MaxEventIDLength-8 {
		return nil, fmt.Errorf("--event-id: longer than %d characters", model.MaxEventIDLength-8)
	}
	if k.recall == required && o.Recall == "" {
		return nil, errors.New("--recall is required: the ID of the recall")
	}
	if err := o.parseQuantities(); err != nil {
		return nil, err
	}
	if o.FromReturned && len(o.quantities) == 0 {
		return nil, errors.New("--from-returned takes the --quantity amounts from returned goods: give --quantity")
	}
	if k.parentFlag && o.Parent == "" {
		return nil, errors.New("--parent is required: the container")
	}
	if k.parentFlag || k.parentArg {
		if _, err := identifier.Parse(o.Parent); err != nil {
			return nil, fmt.Errorf("parent %q: %w", batch.Printable(o.Parent), err)
		}
	}
	if k.name == "dispense" && o.File == "-" && o.PatientFile == "" {
		return nil, errors.New("the codes come from standard input: give the patient reference with --patient-file")
	}
	switch {
	case len(args) > 0 && o.File != "":
		return nil, errors.New("give the codes as arguments or with -f, not both")
	case len(args) > 0:
		l := batch.NewCodes("arguments", false)
		for _, a := range args {
			if err := l.Add(strings.TrimSpace(a), 0); err != nil {
				return nil, err
			}
		}
		return l, nil
	case o.File == "" && k.allWithoutCodes:
		return batch.NewCodes("none: all", false), nil
	case o.File == "" && len(o.quantities) > 0:
		return batch.NewCodes("none: quantities only", false), nil
	case o.File == "" && k.name == "dispense" && o.PatientFile == "":
		return nil, errors.New("give the codes as arguments or with -f FILE: standard input is where the patient reference is asked")
	}
	return batch.ReadFile(o.File, f.IO.In)
}

func (o *Options) label(k kind) string {
	switch {
	case o.To != "":
		return k.name + " to " + o.To
	case o.Parent != "":
		return k.name + " " + o.Parent
	}
	return k.name
}

// chunks names the events: --event-id (ID:N when there is more than one event), else
// "udi:COMMAND:DAY:N:HASH", HASH over the command, its flags, the day, N and the codes. The
// patient reference is in none of it.
func (o *Options) chunks(k kind, l *batch.Codes) []batch.Chunk {
	day := time.Now().UTC().Format("2006-01-02")
	n := (l.Len() + o.Chunk - 1) / o.Chunk
	id := func(i int, codes []string) string {
		switch {
		case o.EventID != "" && n <= 1:
			return o.EventID
		case o.EventID != "":
			return fmt.Sprintf("%s:%d", o.EventID, i)
		}
		parts := []string{k.name, o.To, o.Reason, o.Parent, o.Location, day, fmt.Sprint(i)}
		if o.Recall != "" || o.FromReturned || len(o.Quantities) > 0 { // IDs without them stay what they were
			parts = append(append(parts, o.Recall, strconv.FormatBool(o.FromReturned)), o.Quantities...)
		}
		head := strings.Join(parts, "\x00")
		return fmt.Sprintf("udi:%s:%s:%d:%s", k.name, day, i, batch.Hash(head, codes))
	}
	if l.Len() == 0 {
		return []batch.Chunk{{Index: 1, First: 1, EventID: id(1, nil)}}
	}
	return l.Chunks(o.Chunk, id)
}

// parseQuantities reads the --quantity flags: CODE=N, CODE a lot-level code, N 1 to
// model.MaxQuantity, each code once.
func (o *Options) parseQuantities() error {
	if len(o.Quantities) > model.MaxQuantityElements {
		return fmt.Errorf("--quantity: %d given, at most %d", len(o.Quantities), model.MaxQuantityElements)
	}
	o.quantities = nil
	seen := map[string]bool{}
	for _, q := range o.Quantities {
		i := strings.LastIndex(q, "=")
		if i < 0 {
			return fmt.Errorf("--quantity %q: want CODE=N", batch.Printable(q))
		}
		raw := q[:i]
		count, err := strconv.Atoi(q[i+1:])
		if err != nil || count < 1 || count > model.MaxQuantity {
			return fmt.Errorf("--quantity %q: want CODE=N, N from 1 to %d", batch.Printable(q), model.MaxQuantity)
		}
		c, err := identifier.Parse(strings.TrimSpace(raw))
		if err != nil {
			return fmt.Errorf("--quantity %q: %w", batch.Printable(raw), err)
		}
		if c.Serial != "" || c.Lot == "" || c.SSCC != "" {
			return fmt.Errorf("--quantity %q: a lot-level code names a DI and a lot, no serial", batch.Printable(raw))
		}
		if seen[c.Key] {
			return fmt.Errorf("--quantity: %s given twice", c.Key)
		}
		seen[c.Key] = true
		o.quantities = append(o.quantities, model.QuantityElement{Code: c.Key, Quantity: count})
	}
	return nil
}
