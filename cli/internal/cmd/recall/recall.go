// Package recall implements `udi recall`: a regulator or manufacturer starts a recall and
// follows it, and holders acknowledge it, through a gateway.
package recall

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/udiledger/udiledger/chaincode/model"
	"github.com/udiledger/udiledger/chaincode/ops"
	"github.com/udiledger/udiledger/cli/internal/cmdutil"
)

// Options are the flags every recall subcommand shares.
type Options struct {
	IO      cmdutil.IOStreams
	Gateway cmdutil.Gateway
	Format  string
}

// NewCmdRecall returns `udi recall` with its subcommands.
func NewCmdRecall(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "recall <command>",
		Short: "Start, follow and acknowledge recalls",
		Long: `Recalls through the gateway (UDI_GATEWAY, UDI_API_KEY): a regulator, or the manufacturer
of the products, starts one; every holder sees it in the scope, acknowledges it and returns
the units; the progress counts what came back.`,
	}
	cmd.AddCommand(newCmdStart(f), newCmdList(f), newCmdShow(f), newCmdScope(f), newCmdAck(f), newCmdReport(f), newCmdSample(f),
		newCmdAmend(f), newCmdClose(f, "complete"), newCmdClose(f, "terminate"), newCmdCheck(f), newCmdDispensed(f))
	return cmd
}

func newOptions(f *cmdutil.Factory, cmd *cobra.Command) *Options {
	o := &Options{IO: f.IO}
	cmdutil.AddGatewayFlags(cmd, f, &o.Gateway)
	cmd.Flags().StringVarP(&o.Format, "output", "o", "table", "output format: table or json")
	return o
}

func (o *Options) check() error {
	_, err := cmdutil.ParseFormat(o.Format)
	return err
}

func (o *Options) json() bool { return o.Format == string(cmdutil.FormatJSON) }

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func newCmdStart(f *cmdutil.Factory) *cobra.Command {
	var req model.RecallRequest
	var lot string
	cmd := &cobra.Command{
		Use:   "start --id ID --class I|II|III --depth wholesale|retail|consumer --reason TEXT (--lot DI/LOT | --di DI | --codes CODE,…) [--acknowledge-within HOURS] [--target PERCENT] [--draft]",
		Short: "Start a recall of a lot, a product (DI) or a list of codes, or write it as a draft",
		Long: `Starts a recall: the ledger marks what its scope covers as recalled and every holder in scope is
notified. With --draft the recall is only checked and kept under its ID as your draft, seen by
you and the regulators, nothing marked and nobody told; running the command again with --draft
rewrites the draft, without --draft starts it. --target is the effectiveness target: the
progress (in percent) at which a regulator may terminate the recall without an override.`,
		Example: `  udi recall start --id RC-2026-118 --class II --depth retail \
    --reason "potency below specification" --lot 8123456/D26001 --draft
  udi recall start --id RC-2026-118 --class II --depth retail \
    --reason "potency below specification" --lot 8123456/D26001`,
		Args: cobra.NoArgs,
	}
	o := newOptions(f, cmd)
	cmd.Flags().StringVar(&req.ID, "id", "", "recall ID (also the recall event's ID; a retry with the same ID and content does nothing twice)")
	cmd.Flags().StringVar((*string)(&req.Class), "class", "", "class I, II or III")
	cmd.Flags().StringVar((*string)(&req.Depth), "depth", "", "depth: wholesale, retail or consumer")
	cmd.Flags().StringVar(&req.Reason, "reason", "", "why")
	cmd.Flags().StringVar(&lot, "lot", "", "scope: one lot, as DI/LOT")
	cmd.Flags().StringVar(&req.Scope.DI, "di", "", "scope: every lot of one product")
	cmd.Flags().StringSliceVar(&req.Scope.Codes, "codes", nil, "scope: these codes (comma-separated)")
	cmd.Flags().IntVar(&req.AcknowledgeWithinHours, "acknowledge-within", 0,
		fmt.Sprintf("hours the holders have to acknowledge (default %d)", model.DefaultAcknowledgeHours))
	cmd.Flags().IntVar(&req.TargetPercent, "target", 0, "effectiveness target in percent, 1 to 100 (default 100)")
	cmd.Flags().BoolVar(&req.Draft, "draft", false, "write the recall as your draft: checked, nothing marked, nobody notified")
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		if err := o.check(); err != nil {
			return err
		}
		scopes := 0
		if lot != "" {
			di, l, ok := strings.Cut(lot, "/")
			if !ok || di == "" || l == "" {
				return cmdutil.InvalidInput(fmt.Errorf("--lot %q: want DI/LOT", lot))
			}
			req.Scope = model.RecallScope{Type: model.ScopeLot, DI: di, Lot: l}
			scopes++
		}
		if req.Scope.Type == "" && req.Scope.DI != "" {
			req.Scope.Type = model.ScopeDI
			scopes++
		}
		if len(req.Scope.Codes) > 0 {
			req.Scope.Type = model.ScopeCodes
			scopes++
		}
		if scopes != 1 {
			return cmdutil.InvalidInput(errors.New("give exactly one scope: --lot, --di or --codes"))
		}
		if err := req.Validate(); err != nil {
			return cmdutil.InvalidInput(err)
		}
		r, err := cmdutil.Call(cmd.Context(), o.Gateway, ops.StartRecall, req)
		if err != nil {
			return err
		}
		if o.json() {
			return writeJSON(o.IO.Out, r)
		}
		if r.Current() == model.RecallDraft {
			fmt.Fprintf(o.IO.Out, "recall %s kept as %s's draft (transaction %s): nothing is marked and nobody is told until it is started\n", r.ID, r.InitiatedBy, r.TxID)
			return nil
		}
		fmt.Fprintf(o.IO.Out, "recall %s started by %s at %s (transaction %s); holders acknowledge by %s; target %d %%\n", r.ID, r.InitiatedBy, r.StartedAt, r.TxID, r.AcknowledgeBy, r.Target())
		return nil
	}
	return cmd
}

func newCmdList(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{Use: "list", Short: "List recalls", Args: cobra.NoArgs}
	var g cmdutil.Gateway
	var out cmdutil.Output
	cmdutil.AddGatewayFlags(cmd, f, &g)
	cmdutil.AddListOutputFlag(cmd, &out)
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		if err := out.Check(); err != nil {
			return err
		}
		var all []model.Recall
		bookmark := ""
		for {
			page, err := cmdutil.Call(cmd.Context(), g, ops.ListRecalls, model.PageQuery{PageSize: model.MaxPageSize, Bookmark: bookmark})
			if err != nil {
				return err
			}
			all = append(all, page.Recalls...)
			if page.Bookmark == "" || len(page.Recalls) == 0 {
				break
			}
			bookmark = page.Bookmark
		}
		if all == nil {
			all = []model.Recall{}
		}
		l := cmdutil.List{Columns: []string{"ID", "CLASS", "DEPTH", "SCOPE", "BY", "STARTED", "REASON"}, Value: all}
		for _, r := range all {
			l.Add(r.ID, string(r.Class), string(r.Depth), scopesText(&r), r.InitiatedBy, r.StartedAt, r.Reason)
		}
		return out.Print(f.IO.Out, l)
	}
	return cmd
}

func scopeText(s model.RecallScope) string {
	switch s.Type {
	case model.ScopeLot:
		return "lot " + s.DI + "/" + s.Lot
	case model.ScopeDI:
		return "product " + s.DI
	}
	return strconv.Itoa(len(s.Codes)) + " codes"
}

// scopesText names every scope of a recall.
func scopesText(r *model.Recall) string {
	parts := []string{}
	for _, s := range r.Scopes() {
		parts = append(parts, scopeText(s))
	}
	return strings.Join(parts, " + ")
}

func newCmdShow(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{Use: "show ID", Short: "Show a recall", Args: cobra.ExactArgs(1)}
	o := newOptions(f, cmd)
	cmd.ValidArgsFunction = cmdutil.CompleteFirstArg(&o.Gateway, cmdutil.RecallIDs)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		if err := o.check(); err != nil {
			return err
		}
		r, err := cmdutil.Call(cmd.Context(), o.Gateway, ops.GetRecall, model.RecallQuery{RecallID: args[0]})
		if err != nil {
			return err
		}
		if o.json() {
			return writeJSON(o.IO.Out, r)
		}
		tw := tabwriter.NewWriter(o.IO.Out, 0, 4, 2, ' ', 0)
		for _, kv := range [][2]string{{"id", r.ID}, {"class", string(r.Class)}, {"depth", string(r.Depth)}, {"scope", scopesText(r)},
			{"reason", r.Reason}, {"started by", r.InitiatedBy}, {"started at", r.StartedAt}, {"transaction", r.TxID},
			{"state", string(r.Current())}, {"drafted", r.DraftedAt}, {"acknowledge by", r.AcknowledgeBy}, {"target", fmt.Sprintf("%d %%", r.Target())}} {
			fmt.Fprintf(tw, "%s\t%s\n", kv[0], kv[1])
		}
		return tw.Flush()
	}
	return cmd
}

func newCmdScope(f *cmdutil.Factory) *cobra.Command {
	var units bool
	cmd := &cobra.Command{
		Use:   "scope ID",
		Short: "Every affected unit by holder, with counts and the recall's progress",
		Args:  cobra.ExactArgs(1),
	}
	o := newOptions(f, cmd)
	cmd.ValidArgsFunction = cmdutil.CompleteFirstArg(&o.Gateway, cmdutil.RecallIDs)
	cmd.Flags().BoolVar(&units, "units", false, "list every unit (JSON output)")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		if err := o.check(); err != nil {
			return err
		}
		st, err := cmdutil.Call(cmd.Context(), o.Gateway, ops.RecallScope, model.ScopeQuery{RecallID: args[0], Units: units})
		if err != nil {
			return err
		}
		if o.json() {
			return writeJSON(o.IO.Out, st)
		}
		fmt.Fprintf(o.IO.Out, "recall %s, class %s to %s level: %s\n", st.Recall.ID, st.Recall.Class, st.Recall.Depth, scopesText(&st.Recall))
		tw := tabwriter.NewWriter(o.IO.Out, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "HOLDER\tIN STOCK\tIN TRANSIT\tDISPENSED\tRETURNED\tDESTROYED\tRE-WORKED\tQUARANTINED\tACKNOWLEDGED\tOVERDUE\tLEVEL\tIN DEPTH\tREQUIRED\tDONE")
		for _, h := range st.Holders {
			c := h.Counts
			fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%s\t%s\t%s\t%s\t%d\t%d\n", h.Holder, c.InStock, c.InTransit, c.Dispensed, c.Returned, c.Destroyed, c.Reworked, c.Quarantined,
				yesNo(h.Acknowledged), yesNo(h.Overdue), h.Level, yesNo(h.InDepth), h.Required, h.Done)
		}
		c := st.Counts
		fmt.Fprintf(tw, "total\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t\t\t\t\t%d\t%d\n", c.InStock, c.InTransit, c.Dispensed, c.Returned, c.Destroyed, c.Reworked, c.Quarantined, st.Required, st.Done)
		if q := st.Quantities; q.Total > 0 {
			fmt.Fprintf(tw, "lot-level\t%d\t%d\t\t%d\t%d\t\t\t\t\t\t\t\t\n", q.InStock, q.InTransit, q.Returned, q.Destroyed)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
		fmt.Fprintf(o.IO.Out, "progress %.0f %% (%d of %d units back)", st.Progress*100, st.Done, st.Required)
		if st.Recall.AcknowledgeBy != "" {
			fmt.Fprintf(o.IO.Out, "; holders acknowledge by %s", st.Recall.AcknowledgeBy)
		}
		fmt.Fprintln(o.IO.Out)
		return nil
	}
	return cmd
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func newCmdAck(f *cmdutil.Factory) *cobra.Command {
	var note string
	cmd := &cobra.Command{
		Use:   "ack ID",
		Short: "Acknowledge a recall for the caller's organisation",
		Args:  cobra.ExactArgs(1),
	}
	o := newOptions(f, cmd)
	cmd.ValidArgsFunction = cmdutil.CompleteFirstArg(&o.Gateway, cmdutil.RecallIDs)
	cmd.Flags().StringVar(&note, "note", "", "what the organisation did, e.g. stock blocked")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		if err := o.check(); err != nil {
			return err
		}
		a, err := cmdutil.Call(cmd.Context(), o.Gateway, ops.AcknowledgeRecall, model.AckRequest{RecallID: args[0], Note: note})
		if err != nil {
			return err
		}
		if o.json() {
			return writeJSON(o.IO.Out, a)
		}
		fmt.Fprintf(o.IO.Out, "%s acknowledged recall %s at %s\n", a.MSPID, a.RecallID, a.At)
		return nil
	}
	return cmd
}

// newCmdAmend changes a started recall's class or depth, extends its scope or sets a new
// acknowledgement deadline.
func newCmdAmend(f *cmdutil.Factory) *cobra.Command {
	var req model.RecallAmendRequest
	var lots, codes []string
	var di string
	cmd := &cobra.Command{
		Use: "amend ID --reason TEXT [--class I|II|III] [--depth wholesale|retail|consumer] " +
			"[--add-lot DI/LOT]… [--add-di DI] [--add-code CODE]… [--acknowledge-within HOURS] [--target PERCENT]",
		Short: "Amend a started recall: class, depth, more lots, a product or codes, a new acknowledgement deadline (its initiator or a regulator)",
		Example: `  udi recall amend RC-2026-118 --class I --reason "a serious injury reported"
  udi recall amend RC-2026-118 --add-lot 8123456/D26002 --acknowledge-within 24 --reason "second lot affected"`,
		Args: cobra.ExactArgs(1),
	}
	o := newOptions(f, cmd)
	cmd.ValidArgsFunction = cmdutil.CompleteFirstArg(&o.Gateway, cmdutil.RecallIDs)
	cmd.Flags().StringVar((*string)(&req.Class), "class", "", "the new class: I, II or III")
	cmd.Flags().StringVar((*string)(&req.Depth), "depth", "", "the new depth: wholesale, retail or consumer")
	cmd.Flags().StringVar(&req.Reason, "reason", "", "why (required)")
	cmd.Flags().StringArrayVar(&lots, "add-lot", nil, "extend the scope to a lot, as DI/LOT (repeatable)")
	cmd.Flags().StringVar(&di, "add-di", "", "extend the scope to every lot of a product")
	cmd.Flags().StringArrayVar(&codes, "add-code", nil, "extend the scope to a code (repeatable)")
	cmd.Flags().IntVar(&req.AcknowledgeWithinHours, "acknowledge-within", 0, "a new acknowledgement deadline, this many hours from now")
	cmd.Flags().IntVar(&req.TargetPercent, "target", 0, "a new effectiveness target in percent, 1 to 100")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		req.RecallID = args[0]
		add, err := addedScopes(lots, di, codes)
		if err != nil {
			return err
		}
		req.AddScopes = add
		if req.AcknowledgeWithinHours < 0 || req.AcknowledgeWithinHours > 720 {
			return cmdutil.InvalidInput(fmt.Errorf("--acknowledge-within %d: want 1 to 720 hours", req.AcknowledgeWithinHours))
		}
		return step(cmd, o, ops.AmendRecall, req)
	}
	return cmd
}

// addedScopes makes the scopes an amendment adds from its flags: one per lot, one for the
// product, one for all the codes.
func addedScopes(lots []string, di string, codes []string) ([]model.RecallScope, error) {
	var out []model.RecallScope
	for _, l := range lots {
		d, lot, ok := strings.Cut(l, "/")
		if !ok || d == "" || lot == "" {
			return nil, cmdutil.InvalidInput(fmt.Errorf("--add-lot %q: want DI/LOT", l))
		}
		out = append(out, model.RecallScope{Type: model.ScopeLot, DI: d, Lot: lot})
	}
	if di != "" {
		out = append(out, model.RecallScope{Type: model.ScopeDI, DI: di})
	}
	if len(codes) > 0 {
		out = append(out, model.RecallScope{Type: model.ScopeCodes, Codes: codes})
	}
	for i := range out {
		if err := out[i].Validate(); err != nil {
			return nil, cmdutil.InvalidInput(err)
		}
	}
	return out, nil
}

// newCmdClose completes (the recalling firm) or terminates (a regulator) a recall.
func newCmdClose(f *cmdutil.Factory, verb string) *cobra.Command {
	var req model.RecallCloseRequest
	op, short := ops.CompleteRecall, "Complete a recall: the recalling firm's actions are done (its initiator or a regulator)"
	if verb == "terminate" {
		op, short = ops.TerminateRecall, "Terminate a completed recall (a regulator): at 100 % progress, or with --override and the reason"
	}
	cmd := &cobra.Command{Use: verb + " ID --reason TEXT", Short: short, Args: cobra.ExactArgs(1)}
	o := newOptions(f, cmd)
	cmd.ValidArgsFunction = cmdutil.CompleteFirstArg(&o.Gateway, cmdutil.RecallIDs)
	cmd.Flags().StringVar(&req.Reason, "reason", "", "why (required)")
	if verb == "terminate" {
		cmd.Flags().BoolVar(&req.Override, "override", false, "terminate before 100 % progress (the reason says why)")
	}
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		req.RecallID = args[0]
		return step(cmd, o, op, req)
	}
	return cmd
}

// newCmdCheck records a regulator's effectiveness check of one holder.
func newCmdCheck(f *cmdutil.Factory) *cobra.Command {
	var req model.EffectivenessCheckRequest
	var ineffective bool
	cmd := &cobra.Command{
		Use:     "check ID --holder MSP --level A|B|C|D|E [--ineffective] [--note TEXT]",
		Short:   "Record an effectiveness check of one holder (a regulator; FDA levels A–E)",
		Example: "  udi recall check RC-2026-118 --holder HospitalOrgMSP --level C --note \"notice filed, stock quarantined\"",
		Args:    cobra.ExactArgs(1),
	}
	o := newOptions(f, cmd)
	cmd.ValidArgsFunction = cmdutil.CompleteFirstArg(&o.Gateway, cmdutil.RecallIDs)
	cmd.Flags().StringVar(&req.Holder, "holder", "", "the holder checked (MSP ID)")
	cmd.Flags().StringVar((*string)(&req.Level), "level", "", "the check's level: A (every consignee) to E (none)")
	cmd.Flags().BoolVar(&ineffective, "ineffective", false, "the holder had not received or acted on the notice")
	cmd.Flags().StringVar(&req.Note, "note", "", "what was found")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		req.RecallID, req.Effective = args[0], !ineffective
		return step(cmd, o, ops.CheckRecall, req)
	}
	return cmd
}

// step runs one step of a recall's life and prints the recall's state and its last step.
func step[R any](cmd *cobra.Command, o *Options, op ops.Op[R, model.Recall], req R) error {
	if err := o.check(); err != nil {
		return err
	}
	r, err := cmdutil.Call(cmd.Context(), o.Gateway, op, req)
	if err != nil {
		return err
	}
	if o.json() {
		return writeJSON(o.IO.Out, r)
	}
	fmt.Fprintf(o.IO.Out, "recall %s is %s", r.ID, r.Current())
	if n := len(r.History); n > 0 && op.Name() != ops.CheckRecall.Name() {
		h := r.History[n-1]
		fmt.Fprintf(o.IO.Out, ": %s by %s at %s", h.Step, h.By, h.At)
		if len(h.Changes) > 0 {
			fmt.Fprintf(o.IO.Out, " (%s)", strings.Join(h.Changes, ", "))
		}
		if h.Override {
			fmt.Fprint(o.IO.Out, ", overriding its progress")
		}
	}
	if op.Name() == ops.CheckRecall.Name() {
		fmt.Fprintf(o.IO.Out, "; %d holders checked", len(r.Checks))
	}
	fmt.Fprintln(o.IO.Out)
	return nil
}
