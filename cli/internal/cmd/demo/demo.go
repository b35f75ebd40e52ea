// Package demo implements `udi demo`: the whole UDI Ledger story played on the embedded
// ledger (default) or on a running Fabric network.
package demo

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/signal"
	"time"

	"github.com/spf13/cobra"

	"github.com/udiledger/udiledger/cli/demo"
	"github.com/udiledger/udiledger/cli/internal/backend"
	"github.com/udiledger/udiledger/cli/internal/cmdutil"
	"github.com/udiledger/udiledger/gateway/httpledger"
	"github.com/udiledger/udiledger/gateway/ledger"
)

// Options are the flags of `udi demo`.
type Options struct {
	IO      cmdutil.IOStreams
	Backend string
	DataDir string
	RunDir  string
	Batch   int
	Format  string
	Direct  bool
}

// NewCmdDemo returns `udi demo`. runF replaces the run for tests.
func NewCmdDemo(f *cmdutil.Factory, runF func(*Options) error) *cobra.Command {
	opts := &Options{IO: f.IO}
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Play the whole traceability story end to end",
		Long: `Play the UDI Ledger story: a regulator registers a manufacturer, a distributor, an online
pharmacy and a hospital; the manufacturer registers an insulin pen (20-digit drug trace codes)
and a stent (GS1 UDI), commissions 1,000 pens, packs them into 10 cases on a pallet and ships
it; a cold-chain excursion quarantines a case; patients receive a pen and a stent; verify
catches a counterfeit and a clone; the regulator recalls the lot and follows it to 100 %; and
the provenance of one pen is printed from plant to patient.

By default it runs on a fresh embedded ledger in a temporary directory (nothing to start),
through a REST gateway started on a loopback port for the run: every call is an HTTP request
with an organisation's API key, as ERP and scanner systems make them. --direct calls the
ledger without the gateway.
--backend fabric plays it on the network of 'udi network up'; use a new --batch for each run
on the same network.`,
		Example: `  udi demo
  udi demo --data-dir ./dev-ledger      # keep the ledger afterwards
  udi network up && udi demo --backend fabric --batch 2
  udi demo -o json                      # the outcome as JSON`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if opts.Backend != "embedded" && opts.Backend != "fabric" {
				return cmdutil.InvalidInput(fmt.Errorf("unknown backend %q: want embedded or fabric", opts.Backend))
			}
			if _, err := cmdutil.ParseFormat(opts.Format); err != nil {
				return err
			}
			if opts.Batch < 1 || opts.Batch > 999 {
				return cmdutil.InvalidInput(fmt.Errorf("--batch %d is outside 1 to 999", opts.Batch))
			}
			if runF != nil {
				return runF(opts)
			}
			return run(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Backend, "backend", "embedded", "ledger to play on: embedded or fabric")
	cmd.Flags().StringVar(&opts.DataDir, "data-dir", "", "embedded ledger directory to keep (default: a temporary one, removed after)")
	cmd.Flags().StringVar(&opts.RunDir, "run-dir", "", "run directory of the Fabric network (default network/run)")
	cmd.Flags().BoolVar(&opts.Direct, "direct", false, "call the ledger directly instead of through a gateway")
	cmd.Flags().IntVar(&opts.Batch, "batch", 1, "run number (1-999) that keeps codes and lots of runs on one ledger apart")
	cmd.Flags().StringVarP(&opts.Format, "output", "o", "table", "output format: table (the story) or json (the outcome)")
	return cmd
}

func run(ctx context.Context, o *Options) error {
	if ctx == nil {
		ctx = context.Background()
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt)
	defer stop()
	b, err := backend.Open(ctx, backend.Options{Backend: o.Backend, DataDir: o.DataDir, TempPrefix: "udi-demo-", RunDir: o.RunDir, Log: o.IO.ErrOut})
	if err != nil {
		return err
	}
	defer b.Close()
	actors := b.Actors
	var inv ledger.Invoker = &ledger.Caller{Client: b.Client}
	if !o.Direct {
		gw, err := b.Loopback(o.IO.ErrOut)
		if err != nil {
			return err
		}
		// The run's outcome is out before the gateway stops; a failed shutdown changes nothing.
		defer func() { _ = gw.Close() }()
		hc, err := httpledger.New(gw.URL, gw.Keys, &http.Client{Timeout: 2 * time.Minute})
		if err != nil {
			return err
		}
		hc.AwaitQueued = 2 * time.Minute // the story needs each answer: a queued write is waited for
		inv = hc
	}

	out := o.IO.Out
	if o.Format == string(cmdutil.FormatJSON) {
		out = nil
	}
	outcome, err := demo.Run(ctx, inv, actors, demo.Options{Batch: o.Batch, Out: out})
	if err != nil {
		return fmt.Errorf("demo stopped: %w", err)
	}
	if o.Format == string(cmdutil.FormatJSON) {
		enc := json.NewEncoder(o.IO.Out)
		enc.SetIndent("", "  ")
		return enc.Encode(outcome)
	}
	fmt.Fprintf(o.IO.Out, "\nThe story is on the ledger: %d units commissioned, recall at %d %%.\n",
		outcome.Commissioned, outcome.Progress[len(outcome.Progress)-1])
	return nil
}
