// Package query implements `udi trace` and `udi verify`: a code's provenance and a
// point-of-sale verification, asked of a gateway.
package query

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/udiledger/udiledger/chaincode/identifier"
	"github.com/udiledger/udiledger/chaincode/model"
	"github.com/udiledger/udiledger/chaincode/ops"
	"github.com/udiledger/udiledger/cli/internal/cmdutil"
)

// Options are the flags of trace and verify.
type Options struct {
	IO      cmdutil.IOStreams
	Gateway cmdutil.Gateway
	Format  string
	Code    string
}

// NewCmdTrace returns `udi trace CODE`.
func NewCmdTrace(f *cmdutil.Factory, runF func(*Options) error) *cobra.Command {
	opts := &Options{IO: f.IO}
	cmd := &cobra.Command{
		Use:   "trace CODE",
		Short: "Print the provenance of a code: every event from commissioning on",
		Long: `Trace asks the gateway for the provenance of a code (any form udi parse reads): every
event in the order the ledger recorded it, with time, step, actor, place and transaction,
including the events of the cases and pallets it travelled in and the recalls of its lot.`,
		Example: `  export UDI_API_KEY=udi_…           # printed by udi serve
  udi trace 81234560001000010271
  udi trace -o json '(01)06901234000016(21)100001'`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := opts.take(args[0]); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			p, err := cmdutil.Call(cmd.Context(), opts.Gateway, ops.Provenance, model.CodeQuery{Code: opts.Code})
			if err != nil {
				return err
			}
			if opts.Format == string(cmdutil.FormatJSON) {
				return writeJSON(opts.IO.Out, p)
			}
			return printTrace(opts.IO.Out, *p)
		},
	}
	addFlags(cmd, f, opts)
	return cmd
}

// NewCmdVerify returns `udi verify CODE`.
func NewCmdVerify(f *cmdutil.Factory, runF func(*Options) error) *cobra.Command {
	opts := &Options{IO: f.IO}
	cmd := &cobra.Command{
		Use:   "verify CODE",
		Short: "May this code be sold or dispensed? Genuine, status, expiry, recalls, clones",
		Long: `Verify asks the gateway whether a code is genuine (commissioned by its product's
manufacturer), its status, whether it is expired or recalled, and whether it looks cloned
(presented again after it was dispensed, or where it is not held). Exit status 0 when the code
may be sold or dispensed, 3 when it may not.`,
		Example: `  udi verify 81234560001000010271`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := opts.take(args[0]); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			v, err := cmdutil.Call(cmd.Context(), opts.Gateway, ops.Verify, model.CodeQuery{Code: opts.Code})
			if err != nil {
				return err
			}
			if opts.Format == string(cmdutil.FormatJSON) {
				err = writeJSON(opts.IO.Out, v)
			} else {
				err = printVerification(opts.IO.Out, *v)
			}
			if err == nil && !v.Sellable {
				return &cmdutil.ExitError{Code: cmdutil.ExitRejected, Err: fmt.Errorf("%s may not be sold or dispensed", opts.Code), Silent: true}
			}
			return err
		},
	}
	addFlags(cmd, f, opts)
	return cmd
}

// take checks the format flag and the shape of the code, as udi parse reads it.
func (o *Options) take(code string) error {
	if _, err := cmdutil.ParseFormat(o.Format); err != nil {
		return err
	}
	if _, err := identifier.Parse(code); err != nil {
		return cmdutil.InvalidInput(fmt.Errorf("code %q: %w", code, err))
	}
	o.Code = code
	return nil
}

func addFlags(cmd *cobra.Command, f *cmdutil.Factory, opts *Options) {
	cmdutil.AddGatewayFlags(cmd, f, &opts.Gateway)
	cmd.Flags().StringVarP(&opts.Format, "output", "o", "table", "output format: table or json")
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func printTrace(w io.Writer, p model.Provenance) error {
	fmt.Fprintf(w, "%s (%d events)\n", p.Key, len(p.Events))
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "TIME\tSTEP\tACTOR\tPLACE\tVIA\tEVENT")
	for _, e := range p.Events {
		ev := e.Event
		place := ev.BizLocation
		if place == "" {
			place = ev.ReadPoint
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", ev.EventTime, ev.BizStep, ev.Actor, dash(place), dash(e.Via), ev.EventID)
	}
	return tw.Flush()
}

func printVerification(w io.Writer, v model.Verification) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	row := func(k, v string) { fmt.Fprintf(tw, "%s\t%s\n", k, v) }
	row("code", v.Code)
	row("key", dash(v.Key))
	row("product", dash(v.ProductName))
	row("lot", dash(v.Lot))
	row("expiry", dash(v.ExpiryDate))
	row("genuine", yesNo(v.Genuine))
	row("status", dash(string(v.Status)))
	row("owner", dash(v.Owner))
	row("expired", yesNo(v.Expired))
	row("recalled", yesNo(v.Recalled)+listed(v.RecallIDs))
	row("clone suspected", yesNo(v.CloneSuspected))
	row("sellable", yesNo(v.Sellable))
	if len(v.Reasons) > 0 {
		row("why not", strings.Join(v.Reasons, "; "))
	}
	return tw.Flush()
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func listed(ids []string) string {
	if len(ids) == 0 {
		return ""
	}
	return " (" + strings.Join(ids, ", ") + ")"
}
