// Package ledger implements `udi ledger`: checks of a local embedded ledger.
package ledger

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/udiledger/udiledger/cli/internal/cmdutil"
	"github.com/udiledger/udiledger/gateway/ledger/devledger"
	"github.com/udiledger/udiledger/gateway/ledger/embedded"
)

// NewCmdLedger returns `udi ledger` with its subcommands.
func NewCmdLedger(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "ledger <command>",
		Short: "Check a local embedded ledger",
	}
	cmd.AddCommand(NewCmdVerify(f, nil))
	return cmd
}

// VerifyOptions are the flags of `udi ledger verify`.
type VerifyOptions struct {
	IO      cmdutil.IOStreams
	DataDir string
	Format  string
}

// NewCmdVerify returns `udi ledger verify`. runF replaces the run for tests.
func NewCmdVerify(f *cmdutil.Factory, runF func(*VerifyOptions) error) *cobra.Command {
	opts := &VerifyOptions{IO: f.IO}
	cmd := &cobra.Command{
		Use:   "verify --data-dir DIR",
		Short: "Detect any change to the blocks or state of an embedded ledger",
		Long: `Re-hash every block of an embedded ledger, check the chain of hashes, replay the valid
transactions and compare the result with the stored state, private data hashes, key history and
transaction index. Exits 0 when the ledger is intact and 1 when anything was changed.`,
		Example: `  udi demo --data-dir ./dev-ledger
  udi ledger verify --data-dir ./dev-ledger`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if opts.DataDir == "" {
				return cmdutil.InvalidInput(errors.New("--data-dir is required: the directory of the embedded ledger"))
			}
			if _, err := cmdutil.ParseFormat(opts.Format); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return runVerify(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.DataDir, "data-dir", "", "directory of the embedded ledger (as given to udi demo or udi serve)")
	cmd.Flags().StringVarP(&opts.Format, "output", "o", "table", "output format: table or json")
	return cmd
}

// report is the JSON form of a verification.
type report struct {
	OK           bool     `json:"ok"`
	Blocks       uint64   `json:"blocks"`
	Transactions int      `json:"transactions"`
	Valid        int      `json:"valid"`
	Problems     []string `json:"problems"`
}

func runVerify(ctx context.Context, o *VerifyOptions) error {
	if ctx == nil {
		ctx = context.Background()
	}
	if _, err := os.Stat(filepath.Join(o.DataDir, "ledger", embedded.FileName)); err != nil {
		return cmdutil.InvalidInput(fmt.Errorf("no embedded ledger in %s: %w", o.DataDir, err))
	}
	l, err := devledger.Open(o.DataDir, devledger.Options{OpenDamaged: true})
	if err != nil {
		return damaged(o.DataDir, err)
	}
	defer l.Close()
	rep, err := l.Verify(ctx)
	if err != nil {
		return damaged(o.DataDir, err)
	}
	if o.Format == string(cmdutil.FormatJSON) {
		r := report{OK: rep.OK(), Blocks: rep.Height, Transactions: rep.Transactions, Valid: rep.Valid, Problems: rep.Problems}
		if r.Problems == nil {
			r.Problems = []string{}
		}
		if err := json.NewEncoder(o.IO.Out).Encode(r); err != nil {
			return err
		}
	} else {
		fmt.Fprintf(o.IO.Out, "blocks %d, transactions %d (%d valid)\n", rep.Height, rep.Transactions, rep.Valid)
		for _, p := range rep.Problems {
			fmt.Fprintf(o.IO.Out, "PROBLEM  %s\n", p)
		}
	}
	if !rep.OK() {
		return &cmdutil.ExitError{Code: cmdutil.ExitFailure, Err: fmt.Errorf("ledger in %s was changed: %d problems, the first: %s",
			o.DataDir, len(rep.Problems), rep.Problems[0])}
	}
	fmt.Fprintln(o.IO.ErrOut, "ledger intact")
	return nil
}

// damaged makes a file whose structure cannot be read a ledger that was changed (exit 1).
func damaged(dir string, err error) error {
	if errors.Is(err, embedded.ErrDamaged) {
		return &cmdutil.ExitError{Code: cmdutil.ExitFailure, Err: fmt.Errorf("ledger in %s was changed: %w", dir, err)}
	}
	return err
}
