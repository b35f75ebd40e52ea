// Package lot implements `udi lot`: a manufacturer's lots, registered, read, quarantined and
// released through a gateway.
package lot

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/udiledger/udiledger/chaincode/model"
	"github.com/udiledger/udiledger/chaincode/ops"
	"github.com/udiledger/udiledger/cli/internal/cmdutil"
)

// NewCmdLot returns `udi lot` with its subcommands.
func NewCmdLot(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "lot <command>",
		Short: "Register, list, show, quarantine and release lots",
		Long: `A lot is a production batch of one product, named DI/LOT. Its manufacturer registers it
before commissioning its units (udi commission); the manufacturer or a regulator quarantines
and releases it.`,
	}
	cmd.AddCommand(newCmdRegister(f), newCmdList(f), newCmdShow(f), newCmdStatus(f))
	return cmd
}

func newCmdRegister(f *cmdutil.Factory) *cobra.Command {
	var g cmdutil.Gateway
	var out cmdutil.Output
	var file string
	var l, flagged model.Lot
	cmd := &cobra.Command{
		Use:   "register (-f FILE | --di DI --lot LOT --expiry YYYY-MM-DD …)",
		Short: "Register a lot from flags or a YAML/JSON file",
		Long: `Register records a lot of one of the caller's products. The record comes from a YAML or
JSON file (-f, "-" for standard input; fields di, lot, productionDate, expiry, quantity,
status), from flags, or both: a flag given overrides the file's field. Registering the same
lot again changes nothing; another record for a registered lot is refused (exit 3).`,
		Example: `  udi lot register --di 06901234000023 --lot L2026-07 --expiry 2029-06-30 --production-date 2026-07-01
  udi lot register -f lot.yaml`,
		Args: cobra.NoArgs,
	}
	cmdutil.AddGatewayFlags(cmd, f, &g)
	cmdutil.AddOutputFlag(cmd, &out)
	fl := cmd.Flags()
	fl.StringVarP(&file, "file", "f", "", `read the record from a YAML or JSON file ("-": standard input)`)
	fl.StringVar(&flagged.DI, "di", "", "DI of the product")
	fl.StringVar(&flagged.Lot, "lot", "", "lot number")
	fl.StringVar(&flagged.Expiry, "expiry", "", "expiry date YYYY-MM-DD (usable through that day)")
	fl.StringVar(&flagged.ProductionDate, "production-date", "", "production date YYYY-MM-DD")
	fl.IntVar(&flagged.Quantity, "quantity", 0, "planned quantity")
	fl.StringVar((*string)(&flagged.Status), "status", "", "released (default) or quarantined")
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		if err := out.Check(); err != nil {
			return err
		}
		if file != "" {
			if err := cmdutil.ReadRecord(file, f.IO.In, &l); err != nil {
				return err
			}
		} else if !fl.Changed("di") || !fl.Changed("lot") {
			return cmdutil.InvalidInput(fmt.Errorf("give -f FILE or at least --di, --lot and --expiry"))
		}
		for name, dst := range map[string]*string{"di": &l.DI, "lot": &l.Lot, "expiry": &l.Expiry, "production-date": &l.ProductionDate, "status": (*string)(&l.Status)} {
			if fl.Changed(name) {
				*dst = fl.Lookup(name).Value.String()
			}
		}
		if fl.Changed("quantity") {
			l.Quantity = flagged.Quantity
		}
		if err := l.Validate(); err != nil {
			return cmdutil.InvalidInput(err)
		}
		r, err := cmdutil.Call(cmd.Context(), g, ops.RegisterLot, l)
		if err != nil {
			return err
		}
		if out.JSON() {
			return cmdutil.WriteJSON(f.IO.Out, r)
		}
		fmt.Fprintf(f.IO.Out, "lot %s/%s registered by %s, expiry %s, %s\n", r.DI, r.Lot, r.Manufacturer, r.Expiry, r.Status)
		return nil
	}
	return cmd
}

func newCmdList(f *cmdutil.Factory) *cobra.Command {
	var g cmdutil.Gateway
	var out cmdutil.Output
	var di string
	cmd := &cobra.Command{Use: "list [--di DI]", Short: "List lots, of one product with --di", Args: cobra.NoArgs}
	cmdutil.AddGatewayFlags(cmd, f, &g)
	cmdutil.AddListOutputFlag(cmd, &out)
	cmd.Flags().StringVar(&di, "di", "", "only the lots of this product")
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		if err := out.Check(); err != nil {
			return err
		}
		all, err := cmdutil.ListAll(cmd.Context(), g, ops.ListLots,
			func(b string) model.LotListQuery {
				return model.LotListQuery{DI: di, PageQuery: model.PageQuery{PageSize: model.MaxPageSize, Bookmark: b}}
			},
			func(p *model.LotPage) ([]model.Lot, model.Page) { return p.Lots, p.Page })
		if err != nil {
			return err
		}
		list := cmdutil.List{Columns: []string{"DI", "LOT", "STATUS", "PRODUCED", "EXPIRY", "QUANTITY", "RECALLS"}, Value: all}
		for _, l := range all {
			list.Add(l.DI, l.Lot, string(l.Status), l.ProductionDate, l.Expiry, fmt.Sprint(l.Quantity), strings.Join(l.RecallIDs, ","))
		}
		return out.Print(f.IO.Out, list)
	}
	return cmd
}

func newCmdShow(f *cmdutil.Factory) *cobra.Command {
	var g cmdutil.Gateway
	var out cmdutil.Output
	cmd := &cobra.Command{Use: "show DI/LOT", Short: "Show a lot", Args: cobra.ExactArgs(1),
		Example: `  udi lot show 06901234000016/V26001`}
	cmdutil.AddGatewayFlags(cmd, f, &g)
	cmd.ValidArgsFunction = cmdutil.CompleteFirstArg(&g, cmdutil.Lots)
	cmdutil.AddOutputFlag(cmd, &out)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		if err := out.Check(); err != nil {
			return err
		}
		di, lot, err := cmdutil.SplitLot(args[0])
		if err != nil {
			return err
		}
		l, err := cmdutil.Call(cmd.Context(), g, ops.GetLot, model.LotQuery{DI: di, Lot: lot})
		if err != nil {
			return err
		}
		return printLot(f, out, l)
	}
	return cmd
}

func printLot(f *cmdutil.Factory, out cmdutil.Output, l *model.Lot) error {
	if out.JSON() {
		return cmdutil.WriteJSON(f.IO.Out, l)
	}
	t := cmdutil.NewTable(f.IO.Out)
	t.Row("lot", l.DI+"/"+l.Lot)
	t.Row("status", string(l.Status))
	t.Row("produced", l.ProductionDate)
	t.Row("expiry", l.Expiry)
	t.Row("quantity", fmt.Sprint(l.Quantity))
	t.Row("recalls", strings.Join(l.RecallIDs, ", "))
	t.Row("manufacturer", l.Manufacturer)
	t.Row("registered", l.RegisteredAt)
	return t.Flush()
}

func newCmdStatus(f *cmdutil.Factory) *cobra.Command {
	var g cmdutil.Gateway
	var out cmdutil.Output
	var reason string
	cmd := &cobra.Command{
		Use:   "status DI/LOT released|quarantined [--reason TEXT]",
		Short: "Quarantine or release a lot",
		Long: `Status sets a lot's status: quarantined (its units may not be sold or dispensed) or
released. The lot's manufacturer or a regulator may; a recalled lot stays recalled.`,
		Example: `  udi lot status 06901234000016/V26001 quarantined --reason "sterility deviation under review"
  udi lot status 06901234000016/V26001 released`,
		Args: cobra.ExactArgs(2),
	}
	cmdutil.AddGatewayFlags(cmd, f, &g)
	cmdutil.AddOutputFlag(cmd, &out)
	cmd.Flags().StringVar(&reason, "reason", "", "why")
	lots := cmdutil.CompleteFirstArg(&g, cmdutil.Lots)
	cmd.ValidArgsFunction = func(cmd *cobra.Command, args []string, prefix string) ([]cobra.Completion, cobra.ShellCompDirective) {
		if len(args) == 1 {
			return []cobra.Completion{string(model.LotReleased), string(model.LotQuarantined)}, cobra.ShellCompDirectiveNoFileComp
		}
		return lots(cmd, args, prefix)
	}
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		if err := out.Check(); err != nil {
			return err
		}
		di, lot, err := cmdutil.SplitLot(args[0])
		if err != nil {
			return err
		}
		st := model.LotStatus(args[1])
		if st != model.LotReleased && st != model.LotQuarantined {
			return cmdutil.InvalidInput(fmt.Errorf("status %q: want released or quarantined", args[1]))
		}
		if len(reason) > model.MaxReasonLength {
			return cmdutil.InvalidInput(fmt.Errorf("--reason: at most %d characters", model.MaxReasonLength))
		}
		l, err := cmdutil.Call(cmd.Context(), g, ops.SetLotStatus, model.LotStatusRequest{DI: di, Lot: lot, Status: st, Reason: reason})
		if err != nil {
			return err
		}
		return printLot(f, out, l)
	}
	return cmd
}
