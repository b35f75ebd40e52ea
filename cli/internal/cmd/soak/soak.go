// Package soak implements `udi soak`: a steady scan load through a gateway while its parts are
// killed and restarted in turn, with every event accounted for.
package soak

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/udiledger/udiledger/cli/internal/cmdutil"
	"github.com/udiledger/udiledger/cli/soak"
	"github.com/udiledger/udiledger/network/fabricnet"
)

// Options are the flags of `udi soak`.
type Options struct {
	IO      cmdutil.IOStreams
	Getenv  func(string) string
	Soak    soak.Options
	Faults  string
	Doc     string
	Report  string
	RunDir  string
	Output  cmdutil.Output
	Backend string
}

// NewCmdSoak returns `udi soak`.
func NewCmdSoak(f *cmdutil.Factory) *cobra.Command {
	o := &Options{IO: f.IO, Getenv: f.Getenv}
	cmd := &cobra.Command{
		Use:   "soak",
		Short: "Scan steadily through a gateway while its parts are killed and restarted; count every event",
		Long: `Soak runs the gateway ('udi serve') as a process of its own and sends it a steady load of
scans (unit inspections, each with its own event ID, sent again with the same ID while the
gateway or the ledger cannot take it), while a fault injector kills (SIGKILL) and, after
--down, restarts one part after the other, with --settle of quiet between faults:

  fabric     the Raft leader, an orderer following it, a peer (not the manufacturer's, whose
             scans need it), a chaincode server (each organisation's in turn), the gateway
  embedded   the gateway, in the middle of its commits

At the end it reads every scanned unit's provenance and prints: events sent, accepted (2xx
or 202), committed, lost (accepted, not on the ledger), duplicated (on the ledger twice),
the longest stall of the writes, how long each fault took to recover from, and the peak
memory of each kind of process. It exits non-zero when an accepted event was lost, one was
written twice, or a fault did not recover. --doc writes the figures and a memory chart into
a Markdown file (docs/reliability.md keeps one section per backend).

On Fabric it soaks the network of 'udi network up' (make soak brings it up). It writes real
data: soak a development or test network, never production.`,
		Example: `  udi soak --duration 2m                     # embedded, gateway kills
  udi soak --backend fabric --duration 10m --doc docs/reliability.md
  udi soak --backend fabric --faults peer,chaincode --down 30s`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := o.Output.Check(); err != nil {
				return err
			}
			if o.Backend != soak.Embedded && o.Backend != soak.Fabric {
				return cmdutil.InvalidInput(fmt.Errorf("--backend %q: want embedded or fabric", o.Backend))
			}
			o.Soak.Backend = o.Backend
			if o.Faults != "" {
				o.Soak.Faults = strings.Split(o.Faults, ",")
				for _, f := range o.Soak.Faults {
					if !slices.Contains(soak.FaultsOf(o.Backend), f) {
						return cmdutil.InvalidInput(fmt.Errorf("--faults: %q is not a fault of the %s backend (%s)", f, o.Backend, strings.Join(soak.FaultsOf(o.Backend), ", ")))
					}
				}
			}
			if o.Soak.Duration < 10*time.Second {
				return cmdutil.InvalidInput(fmt.Errorf("--duration %s: at least 10s", o.Soak.Duration))
			}
			if o.Soak.Rate <= 0 || o.Soak.Clients <= 0 || o.Soak.Units <= 0 {
				return cmdutil.InvalidInput(fmt.Errorf("--rate, --clients and --units must be positive"))
			}
			return run(cmd.Context(), o)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&o.Backend, "backend", soak.Embedded, "ledger to soak: embedded or fabric (the network of 'udi network up')")
	fl.DurationVar(&o.Soak.Duration, "duration", 10*time.Minute, "how long the load runs")
	fl.Float64Var(&o.Soak.Rate, "rate", 20, "scans per second offered, in all")
	fl.IntVar(&o.Soak.Clients, "clients", 16, "concurrent scanners, each waiting for its answer")
	fl.IntVar(&o.Soak.Units, "units", 200, "units commissioned and scanned round robin")
	fl.DurationVar(&o.Soak.Down, "down", 15*time.Second, "how long a killed part stays down")
	fl.DurationVar(&o.Soak.Settle, "settle", 20*time.Second, "quiet time between two faults")
	fl.StringVar(&o.Faults, "faults", "", "faults to inject in turn, comma-separated (default: all of the backend)")
	fl.StringVar(&o.Soak.WorkDir, "work-dir", "", "gateway configuration, data and log (default: a temporary directory; on Fabric <run-dir>/soak)")
	fl.StringVar(&o.RunDir, "run-dir", "", "run directory of the Fabric network (default network/run)")
	fl.StringVar(&o.Doc, "doc", "", "write the figures and the memory chart into this Markdown file (its section for the backend)")
	fl.StringVar(&o.Report, "report-file", "", "also write the report as JSON to this file")
	cmdutil.AddOutputFlag(cmd, &o.Output)
	return cmd
}

func run(ctx context.Context, o *Options) error {
	if ctx == nil {
		ctx = context.Background()
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt)
	defer stop()
	o.Soak.Log = o.IO.ErrOut
	if o.Backend == soak.Fabric {
		cfg, err := networkConfig(ctx, o)
		if err != nil {
			return err
		}
		o.Soak.Network = cfg
	}
	r, err := soak.Run(ctx, o.Soak)
	if err != nil {
		return err
	}
	if o.Doc != "" {
		if err := r.WriteDoc(o.Doc); err != nil {
			return err
		}
		fmt.Fprintf(o.IO.ErrOut, "report written into %s\n", o.Doc)
	}
	if o.Report != "" {
		f, err := os.Create(o.Report) // #nosec G304 -- the file the user named
		if err != nil {
			return err
		}
		err = cmdutil.WriteJSON(f, r)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return err
		}
	}
	if o.Output.JSON() {
		err = cmdutil.WriteJSON(o.IO.Out, r)
	} else {
		err = r.WriteText(o.IO.Out)
	}
	if err != nil {
		return err
	}
	if p := r.Problems(); len(p) > 0 {
		return fmt.Errorf("soak failed: %s", strings.Join(p, "; "))
	}
	return nil
}

// networkConfig is the configuration `udi network up` brings the network up with, so that a
// part the soak kills is restarted as up would.
func networkConfig(ctx context.Context, o *Options) (fabricnet.Config, error) {
	root, err := fabricnet.FindModuleRoot("")
	if err != nil {
		return fabricnet.Config{}, fmt.Errorf("run udi soak --backend fabric inside the udiledger repository: %w", err)
	}
	cfg := fabricnet.Config{RunDir: o.RunDir, ModuleRoot: root, BinDir: o.Getenv("UDI_FABRIC_BIN"), CABinDir: o.Getenv("UDI_FABRIC_CA_BIN")}
	if cfg.RunDir == "" {
		cfg.RunDir = filepath.Join(root, "network", "run")
	}
	if cfg.BinDir == "" {
		bins, err := fabricnet.EnsureBinaries(ctx, root, o.IO.ErrOut)
		if err != nil {
			return cfg, err
		}
		cfg.BinDir, cfg.CABinDir = bins.Fabric, bins.FabricCA
	}
	if _, err := fabricnet.Load(cfg.RunDir); err != nil {
		return cfg, fmt.Errorf("no Fabric network in %s (run 'udi network up' first): %w", cfg.RunDir, err)
	}
	return cfg, nil
}
