// Package network implements `udi network up|down|status`: a real five-organisation Fabric
// network on this machine, native processes, no Docker (see network/fabricnet).
package network

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/udiledger/udiledger/chaincode/orgs"
	"github.com/udiledger/udiledger/cli/internal/cmdutil"
	"github.com/udiledger/udiledger/network/fabricnet"
)

// Options are the flags shared by the network subcommands.
type Options struct {
	IO     cmdutil.IOStreams
	Getenv func(string) string

	RunDir          string
	BinDir          string
	BatchTimeout    time.Duration
	MaxMessageCount int
	Format          string
}

// NewCmdNetwork returns `udi network` with its up, down and status subcommands.
func NewCmdNetwork(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "network <command>",
		Short: "Run a local five-organisation Fabric network (no Docker)",
		Long: `Bring up, inspect and tear down a real Hyperledger Fabric network on this machine:
` + orgNames() + ` with one peer each,
three Raft orderers, TLS everywhere, channel "udi" and the UDI Ledger chaincode run as a
service. Each organisation listens on its own loopback address (127.0.0.2 to 127.0.0.6, the
orderers on 127.0.0.11 to 127.0.0.13). Logs and state live under network/run.

The Fabric binaries are built from pinned Go modules on first use (a few minutes) and cached;
set UDI_FABRIC_BIN or --bin to use binaries of your own (and UDI_FABRIC_CA_BIN for the
Fabric CA servers, one per organisation, which issue people's identities: udi identity).`,
	}
	cmd.AddCommand(NewCmdUp(f, nil), NewCmdDown(f, nil), NewCmdStatus(f, nil))
	return cmd
}

// orgNames lists the network's organisations (chaincode/orgs) for a person to read.
func orgNames() string {
	var names []string
	for _, o := range orgs.All() {
		names = append(names, o.Name)
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

func newOptions(f *cmdutil.Factory) *Options {
	return &Options{IO: f.IO, Getenv: f.Getenv}
}

func addRunDirFlag(cmd *cobra.Command, opts *Options) {
	cmd.Flags().StringVar(&opts.RunDir, "run-dir", "", "directory of the network's state and logs (default network/run)")
}

func (o *Options) config(ctx context.Context, needBinaries bool) (fabricnet.Config, error) {
	cfg := fabricnet.Config{
		RunDir:          o.RunDir,
		BinDir:          o.BinDir,
		BatchTimeout:    o.BatchTimeout,
		MaxMessageCount: o.MaxMessageCount,
	}
	if cfg.BinDir == "" {
		cfg.BinDir = o.Getenv("UDI_FABRIC_BIN")
	}
	if cfg.RunDir != "" && !needBinaries {
		return cfg, nil
	}
	root, err := fabricnet.FindModuleRoot("")
	if err != nil {
		return cfg, fmt.Errorf("run udi network inside the udiledger repository: %w", err)
	}
	cfg.ModuleRoot = root
	if needBinaries && cfg.BinDir == "" {
		bins, err := fabricnet.EnsureBinaries(ctx, root, o.IO.ErrOut)
		if err != nil {
			return cfg, err
		}
		cfg.BinDir, cfg.CABinDir = bins.Fabric, bins.FabricCA
	}
	if needBinaries && cfg.CABinDir == "" {
		cfg.CABinDir = o.Getenv("UDI_FABRIC_CA_BIN")
	}
	return cfg, nil
}

// NewCmdUp returns `udi network up`.
func NewCmdUp(f *cmdutil.Factory, runF func(*Options) error) *cobra.Command {
	opts := newOptions(f)
	cmd := &cobra.Command{
		Use:   "up",
		Short: "Bring the network up (or complete it); prints how to reach it",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if _, err := cmdutil.ParseFormat(opts.Format); err != nil {
				return err
			}
			if opts.BatchTimeout < 0 || opts.MaxMessageCount < 0 {
				return cmdutil.InvalidInput(errors.New("--batch-timeout and --max-message-count must not be negative"))
			}
			if runF != nil {
				return runF(opts)
			}
			return upRun(cmd.Context(), opts)
		},
	}
	addRunDirFlag(cmd, opts)
	cmd.Flags().StringVar(&opts.BinDir, "bin", "", "directory of the Fabric binaries (default: built and cached)")
	cmd.Flags().DurationVar(&opts.BatchTimeout, "batch-timeout", 0, "orderer BatchTimeout of a new network (default 100ms)")
	cmd.Flags().IntVar(&opts.MaxMessageCount, "max-message-count", 0, "transactions per block at most, for a new network (default 100)")
	cmd.Flags().StringVarP(&opts.Format, "output", "o", "table", "output format: table or json")
	return cmd
}

func upRun(ctx context.Context, opts *Options) error {
	cfg, err := opts.config(ctx, true)
	if err != nil {
		return err
	}
	n, err := fabricnet.Up(ctx, cfg, opts.IO.ErrOut)
	if err != nil {
		return err
	}
	if opts.Format == string(cmdutil.FormatJSON) {
		return writeJSON(opts.IO.Out, n)
	}
	w := tabwriter.NewWriter(opts.IO.Out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "ORG\tMSP ID\tPEER\tCHAINCODE SERVER")
	for _, o := range n.Orgs {
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\n", o.Name, o.MSPID, o.Peer.Endpoint, o.ChaincodeServer)
	}
	for _, o := range n.Orderers {
		fmt.Fprintf(w, "%s\t%s\t%s\t\n", "OrdererOrg", "OrdererOrgMSP", o.Endpoint)
	}
	if err := w.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(opts.IO.ErrOut, "channel %q, chaincode %q; clients read %s/network.json\n", n.Channel, n.Chaincode, n.RunDir)
	return nil
}

// NewCmdDown returns `udi network down`.
func NewCmdDown(f *cmdutil.Factory, runF func(*Options) error) *cobra.Command {
	opts := newOptions(f)
	cmd := &cobra.Command{
		Use:   "down",
		Short: "Stop every process of the network and delete its state",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(opts)
			}
			cfg, err := opts.config(cmd.Context(), false)
			if err != nil {
				return err
			}
			return fabricnet.Down(cmd.Context(), cfg, opts.IO.ErrOut)
		},
	}
	addRunDirFlag(cmd, opts)
	return cmd
}

// NewCmdStatus returns `udi network status`. It exits with 1 when the network is not fully up.
func NewCmdStatus(f *cmdutil.Factory, runF func(*Options) error) *cobra.Command {
	opts := newOptions(f)
	cmd := &cobra.Command{
		Use:   "status",
		Short: "Show every process of the network: running, healthy, memory",
		Long: `Show every process of the network: its state, resident memory and what it does.
A peer is healthy when its /healthz answers, a chaincode server when it takes connections; an
orderer when it is also a member of the channel's Raft cluster that knows the leader and is at
the channel's height, and degraded when it runs but is not (outside the cluster, or behind).
Exits with 1 unless everything is healthy.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if _, err := cmdutil.ParseFormat(opts.Format); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return statusRun(cmd.Context(), opts)
		},
	}
	addRunDirFlag(cmd, opts)
	cmd.Flags().StringVarP(&opts.Format, "output", "o", "table", "output format: table or json")
	return cmd
}

func statusRun(ctx context.Context, opts *Options) error {
	cfg, err := opts.config(ctx, false)
	if err != nil {
		return err
	}
	st, err := fabricnet.Status(ctx, cfg)
	if err != nil {
		return err
	}
	if opts.Format == string(cmdutil.FormatJSON) {
		if err := writeJSON(opts.IO.Out, st); err != nil {
			return err
		}
	} else if len(st.Processes) == 0 {
		fmt.Fprintf(opts.IO.ErrOut, "no network in %s\n", st.RunDir)
	} else {
		w := tabwriter.NewWriter(opts.IO.Out, 0, 4, 2, ' ', 0)
		fmt.Fprintln(w, "PROCESS\tKIND\tORG\tENDPOINT\tPID\tSTATE\tRSS\tDETAIL")
		for _, p := range st.Processes {
			rss := "-"
			if p.RSSKiB > 0 {
				rss = fmt.Sprintf("%.1f MiB", float64(p.RSSKiB)/1024)
			}
			// What the node does (a peer's height, why it is degraded), else why it does not answer.
			detail := cmp.Or(p.Detail, p.Error)
			fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%d\t%s\t%s\t%s\n", p.Name, p.Kind, p.Org, p.Endpoint, p.PID, p.State, rss, detail)
		}
		if err := w.Flush(); err != nil {
			return err
		}
	}
	if !st.Up {
		return &cmdutil.ExitError{Code: cmdutil.ExitFailure, Err: errors.New("network is not up"), Silent: true}
	}
	return nil
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
