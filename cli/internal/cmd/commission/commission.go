// Package commission implements `udi commission`: a manufacturer commissions a lot's serialized
// units, from a file of codes, a serial range or generated serials, in events of at most
// model.MaxCommission codes, resumable after an interruption.
package commission

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/udiledger/udiledger/chaincode/model"
	"github.com/udiledger/udiledger/chaincode/ops"
	"github.com/udiledger/udiledger/cli/internal/batch"
	"github.com/udiledger/udiledger/cli/internal/cmdutil"
	"github.com/udiledger/udiledger/gateway/ledger"
)

// Options are the flags of udi commission.
type Options struct {
	Lot      string
	File     string
	Serials  string
	Width    int
	Generate int
	Seed     string
	Template string
	Chunk    int
	Location string
	CodesOut string
	DryRun   bool
}

// NewCmdCommission returns `udi commission`.
func NewCmdCommission(f *cmdutil.Factory) *cobra.Command {
	var o Options
	var g cmdutil.Gateway
	var out cmdutil.Output
	cmd := &cobra.Command{
		Use:   "commission --lot DI/LOT (-f FILE | --serials FROM-TO | --generate N)",
		Short: "Commission a lot's serialized units, 10,000 per event, resumable",
		Long: `Commission records the units of a registered lot as made: the codes come from a file (one
per line, any form udi parse reads; blank lines and # comments skipped; "-" for standard
input), from a serial range (--serials 1-100000 --width 6) or from generated serials
(--generate N, unpredictable, the same again for the same --seed).

Codes go to the ledger in events of at most 10,000 (one transaction each). Every event's ID is
derived from the input (the lot, the event's position and a hash of its codes): run the same
command again after an interruption and the events already recorded are answered as
"replayed", only the rest is written. Give the same input, --chunk and --seed to resume.

The whole input is checked first: a code that does not parse or is given twice is reported
with its line, and nothing is written (exit 2). A progress bar is drawn on standard error when
it is a terminal. The last line says how many events were done, replayed, failed and not sent;
the exit status is 0 only when every event was recorded (3 when the ledger refused one, 1 when
the gateway could not be reached or the run was interrupted).`,
		Example: `  udi commission --lot 06901234000023/L2026-07 --serials 1-100000 --width 6
  udi commission --lot 06901234000023/L2026-07 -f codes.txt
  udi commission --lot 06901234000023/L2026-08 --generate 5000 --seed 3f2a… --codes-out labels.txt
  udi commission --lot 8123456/D26002 --serials 1-20000 --width 9 --template '{di}{serial}0000'`,
		Args: cobra.NoArgs,
	}
	cmdutil.AddGatewayFlags(cmd, f, &g)
	cmdutil.AddOutputFlag(cmd, &out)
	fl := cmd.Flags()
	fl.StringVar(&o.Lot, "lot", "", "the lot, DI/LOT (required)")
	_ = cmd.RegisterFlagCompletionFunc("lot", cmdutil.Complete(&g, cmdutil.Lots))
	fl.StringVarP(&o.File, "file", "f", "", `codes, one per line ("-": standard input)`)
	fl.StringVar(&o.Serials, "serials", "", "serial range FROM-TO, both included")
	fl.IntVar(&o.Width, "width", 0, "zero-pad range serials to this width; length of generated serials (default 12)")
	fl.IntVar(&o.Generate, "generate", 0, "generate this many serials")
	fl.StringVar(&o.Seed, "seed", "", "hex seed of generated serials (default: a new random one, printed)")
	fl.StringVar(&o.Template, "template", "", "code form of a serial: {di} and {serial} replaced (default for a GTIN-14: (01){di}(21){serial})")
	fl.IntVar(&o.Chunk, "chunk", model.MaxCommission, "codes per event, at most 10,000 (resume with the same value)")
	fl.StringVar(&o.Location, "location", "", "GLN of the plant")
	fl.StringVar(&o.CodesOut, "codes-out", "", "also write the codes to this file, one per line (for the label printer)")
	fl.BoolVar(&o.DryRun, "dry-run", false, "check the input and print the events; send nothing")
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		if err := out.Check(); err != nil {
			return err
		}
		di, lot, err := cmdutil.SplitLot(o.Lot)
		if err != nil {
			return err
		}
		codes, err := o.codes(f, di, lot)
		if err != nil {
			return cmdutil.InvalidInput(err)
		}
		if o.CodesOut != "" {
			if err := writeCodes(o.CodesOut, codes.Codes); err != nil {
				return err
			}
		}
		r := &batch.Run{IO: f.IO, Command: "commission", Label: "commission " + di + "/" + lot,
			Chunks: chunks(codes, di, lot, o.Chunk), Total: codes.Len()}
		asJSON := func(s batch.Summary) any { return Summary{Lot: di + "/" + lot, Summary: s} }
		if o.DryRun {
			r.Plan()
			return r.Report(out, true, asJSON)
		}
		c, err := g.Client()
		if err != nil {
			return err
		}
		r.Send(cmd.Context(), func(ctx context.Context, ch batch.Chunk) (*ledger.Reply[model.EventResult], error) {
			req := model.CommissionRequest{EventHeader: model.EventHeader{EventID: ch.EventID, Location: o.Location}, DI: di, Lot: lot, Codes: ch.Codes}
			return ledger.Do(ctx, c, nil, ops.Commission, req)
		})
		return r.Report(out, false, asJSON)
	}
	return cmd
}

// codes checks the flags and reads or makes the run's codes.
func (o *Options) codes(f *cmdutil.Factory, di, lot string) (*batch.Codes, error) {
	sources := 0
	for _, set := range []bool{o.File != "", o.Serials != "", o.Generate != 0} {
		if set {
			sources++
		}
	}
	if sources != 1 {
		return nil, errors.New("give the codes with exactly one of -f FILE, --serials FROM-TO and --generate N")
	}
	if o.Chunk < 1 || o.Chunk > model.MaxCommission {
		return nil, fmt.Errorf("--chunk %d: want 1 to %d (the ledger's limit per event)", o.Chunk, model.MaxCommission)
	}
	if o.Width < 0 || o.Width > 20 {
		return nil, fmt.Errorf("--width %d: want 0 to 20", o.Width)
	}
	if o.Seed != "" && o.Generate == 0 {
		return nil, errors.New("--seed goes with --generate")
	}
	if o.File != "" {
		if o.Template != "" || o.Width != 0 {
			return nil, errors.New("--template and --width go with --serials or --generate, not -f")
		}
		return batch.ReadFile(o.File, f.IO.In)
	}
	t := template(o.Template)
	if t == "" {
		var err error
		if t, err = defaultTemplate(di); err != nil {
			return nil, err
		}
	}
	if !strings.Contains(string(t), "{serial}") {
		return nil, fmt.Errorf("--template %q has no {serial}", t)
	}
	if o.Serials != "" {
		from, to, err := parseRange(o.Serials)
		if err != nil {
			return nil, err
		}
		return rangeCodes(di, t, from, to, o.Width)
	}
	if o.Generate < 0 || o.Generate > batch.MaxCodes {
		return nil, fmt.Errorf("--generate %d: want 1 to %d", o.Generate, batch.MaxCodes)
	}
	width := o.Width
	if width == 0 {
		width = 12
	}
	seed, err := hex.DecodeString(o.Seed)
	if err != nil {
		return nil, fmt.Errorf("--seed: want hex digits: %w", err)
	}
	if o.Seed == "" {
		seed = make([]byte, 16)
		if _, err := rand.Read(seed); err != nil {
			return nil, err
		}
		fmt.Fprintf(f.IO.ErrOut, "serials generated with --seed %x: give it again to repeat or resume this run\n", seed)
	} else if len(seed) < 16 {
		return nil, errors.New("--seed: want at least 16 bytes (32 hex digits)")
	}
	return generatedCodes(di, lot, t, o.Generate, width, seed)
}

func writeCodes(path string, codes []string) error {
	var b strings.Builder
	for _, c := range codes {
		b.WriteString(c)
		b.WriteByte('\n')
	}
	return os.WriteFile(filepath.Clean(path), []byte(b.String()), 0o600)
}

// Summary is the outcome of a run, as -o json prints it: the lot and the events.
type Summary struct {
	Lot string `json:"lot"`
	batch.Summary
}
