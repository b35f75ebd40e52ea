// Package cases implements `udi case`: the cases alerts open (suspected counterfeits and
// clones, cold-chain excursions, recalled or expired codes presented), read and decided by the
// product's manufacturer or a regulator through a gateway (ADR 027).
package cases

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/udiledger/udiledger/chaincode/model"
	"github.com/udiledger/udiledger/chaincode/ops"
	"github.com/udiledger/udiledger/cli/internal/cmdutil"
)

// NewCmdCase returns `udi case` with its subcommands.
func NewCmdCase(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "case <command>",
		Short: "Read and decide the cases alerts open",
		Long: `Every alert opens a case, or joins the open case of the same code and kind: the product's
manufacturer owns it (a regulator may take it), notes on it, investigates and closes it as
confirmed or false positive. A false positive frees the goods; a confirmed counterfeit or
clone records the notice to the regulator, due within 24 hours of the case opening.`,
	}
	cmd.AddCommand(newCmdList(f), newCmdShow(f),
		newCmdStep(f, "take", "Take a case over (a regulator; the manufacturer takes its own back)", ops.TakeCase),
		newCmdStep(f, "investigate", "Start investigating an open case (its owner or a regulator)", ops.InvestigateCase),
		newCmdNote(f), newCmdClose(f))
	return cmd
}

func newCmdList(f *cmdutil.Factory) *cobra.Command {
	var state string
	cmd := &cobra.Command{Use: "list [--state open|investigating|closed]", Short: "List the cases the caller may see", Args: cobra.NoArgs}
	var g cmdutil.Gateway
	var out cmdutil.Output
	cmdutil.AddGatewayFlags(cmd, f, &g)
	cmdutil.AddListOutputFlag(cmd, &out)
	cmd.Flags().StringVar(&state, "state", "", "only cases in this state: open, investigating or closed")
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		if err := out.Check(); err != nil {
			return err
		}
		all := []model.Case{}
		bookmark := ""
		for {
			page, err := cmdutil.Call(cmd.Context(), g, ops.ListCases, model.CaseListQuery{State: model.CaseState(state),
				PageQuery: model.PageQuery{PageSize: model.MaxPageSize, Bookmark: bookmark}})
			if err != nil {
				return err
			}
			all = append(all, page.Cases...)
			if page.Bookmark == "" || len(page.Cases) == 0 {
				break
			}
			bookmark = page.Bookmark
		}
		l := cmdutil.List{Columns: []string{"ID", "KIND", "STATE", "OWNER", "CODES", "OPENED", "OVERDUE"}, Value: all}
		for _, c := range all {
			state := string(c.State)
			if c.Resolution != "" {
				state += " (" + string(c.Resolution) + ")"
			}
			l.Add(c.ID, string(c.Kind), state, c.Owner, fmt.Sprint(len(c.Codes)), c.OpenedAt, yesNo(c.Overdue))
		}
		return out.Print(f.IO.Out, l)
	}
	return cmd
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "-"
}

// options are the flags of the commands on one case.
type options struct {
	io      cmdutil.IOStreams
	gateway cmdutil.Gateway
	json    bool
}

func newOptions(f *cmdutil.Factory, cmd *cobra.Command) *options {
	o := &options{io: f.IO}
	cmdutil.AddGatewayFlags(cmd, f, &o.gateway)
	cmd.Flags().BoolVar(&o.json, "json", false, "print the case as JSON")
	return o
}

// print writes a case: its state, owner, codes, alerts, notes and decision.
func (o *options) print(c *model.Case) error {
	if o.json {
		enc := json.NewEncoder(o.io.Out)
		enc.SetIndent("", "  ")
		return enc.Encode(c)
	}
	w := o.io.Out
	fmt.Fprintf(w, "case %s: %s, %s", c.ID, c.Kind, c.State)
	if c.Resolution != "" {
		fmt.Fprintf(w, " (%s: %s)", c.Resolution, c.Reason)
	}
	fmt.Fprintf(w, "\nowner %s; opened %s; codes %s\n", or(c.Owner, "none (a regulator's)"), c.OpenedAt, strings.Join(c.Codes, " "))
	for _, a := range c.Alerts {
		fmt.Fprintf(w, "  alert  %s  %s  event %s\n", a.Time, a.Party, a.EventID)
	}
	for _, n := range c.Notes {
		fmt.Fprintf(w, "  note   %s  %s  %s\n", n.At, n.By, n.Text)
	}
	if c.NotifiedAt != "" {
		fmt.Fprintf(w, "regulator notified %s\n", c.NotifiedAt)
	}
	if c.Overdue {
		fmt.Fprintln(w, "OVERDUE: the regulator was not notified within 24 hours")
	}
	return nil
}

func or(s, other string) string {
	if s == "" {
		return other
	}
	return s
}

func newCmdShow(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{Use: "show ID", Short: "Show a case: its alerts, notes and decision", Args: cobra.ExactArgs(1)}
	o := newOptions(f, cmd)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		c, err := cmdutil.Call(cmd.Context(), o.gateway, ops.GetCase, model.CaseQuery{CaseID: args[0]})
		if err != nil {
			return err
		}
		return o.print(c)
	}
	return cmd
}

func newCmdStep(f *cmdutil.Factory, verb, short string, op ops.Op[model.CaseRequest, model.Case]) *cobra.Command {
	cmd := &cobra.Command{Use: verb + " ID", Short: short, Args: cobra.ExactArgs(1)}
	o := newOptions(f, cmd)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		c, err := cmdutil.Call(cmd.Context(), o.gateway, op, model.CaseRequest{CaseID: args[0]})
		if err != nil {
			return err
		}
		return o.print(c)
	}
	return cmd
}

func newCmdNote(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{Use: "note ID TEXT", Short: "Add a note to a case (anyone who may see it)", Args: cobra.ExactArgs(2)}
	o := newOptions(f, cmd)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		c, err := cmdutil.Call(cmd.Context(), o.gateway, ops.NoteCase, model.CaseRequest{CaseID: args[0], Note: args[1]})
		if err != nil {
			return err
		}
		return o.print(c)
	}
	return cmd
}

func newCmdClose(f *cmdutil.Factory) *cobra.Command {
	var req model.CloseCaseRequest
	cmd := &cobra.Command{
		Use:     "close ID --resolution confirmed|false_positive --reason TEXT",
		Short:   "Close a case (its owner or a regulator): confirmed keeps the goods blocked, false_positive frees them",
		Example: "  udi case close case-5f1c… --resolution false_positive --reason \"the patient's own pen, returned for disposal\"",
		Args:    cobra.ExactArgs(1),
	}
	o := newOptions(f, cmd)
	cmd.Flags().StringVar((*string)(&req.Resolution), "resolution", "", "confirmed or false_positive")
	cmd.Flags().StringVar(&req.Reason, "reason", "", "why (required)")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		req.CaseID = args[0]
		c, err := cmdutil.Call(cmd.Context(), o.gateway, ops.CloseCase, req)
		if err != nil {
			return err
		}
		return o.print(c)
	}
	return cmd
}
