package lists

import (
	"fmt"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/udiledger/udiledger/chaincode/model"
	"github.com/udiledger/udiledger/chaincode/ops"
	"github.com/udiledger/udiledger/cli/internal/cmdutil"
)

// NewCmdStock returns `udi stock`.
func NewCmdStock(f *cmdutil.Factory) *cobra.Command {
	var g cmdutil.Gateway
	var out cmdutil.Output
	var holder string
	cmd := &cobra.Command{
		Use:   "stock --holder MSP",
		Short: "A party's lot-level stock: quantities by product, lot and state",
		Long: `The lot-controlled quantities (no serials) of a party (query:StockByHolder; a party sees
its own, a regulator everyone's), one row per product, lot and state: in_stock, in_transit_out
and in_transit_in (a delivery, for its sender and its receiver), returning_out and returning_in
(a return on its way), returned, destroyed, decommissioned. COUNTERPARTY is the other end of
what is on its way. Units with serials are listed by udi units.`,
		Example: `  udi stock --holder HospitalOrgMSP
  udi stock --holder DistributorOrgMSP -o csv > stock.csv`,
		Args: cobra.NoArgs,
	}
	cmdutil.AddGatewayFlags(cmd, f, &g)
	cmdutil.AddListOutputFlag(cmd, &out)
	cmd.Flags().StringVar(&holder, "holder", "", "MSP ID of the holding party")
	_ = cmd.RegisterFlagCompletionFunc("holder", cmdutil.Complete(&g, cmdutil.PartyIDs))
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		if err := out.Check(); err != nil {
			return err
		}
		if holder == "" {
			// An API key does not tell the CLI its organisation.
			return cmdutil.InvalidInput(fmt.Errorf("give --holder: the MSP ID of the party whose stock to list"))
		}
		all, err := cmdutil.ListAll(cmd.Context(), g, ops.StockByHolder,
			func(b string) model.HolderQuery {
				return model.HolderQuery{MSPID: holder, PageQuery: model.PageQuery{PageSize: model.MaxPageSize, Bookmark: b}}
			},
			func(p *model.LotStockPage) ([]model.LotStock, model.Page) { return p.Stock, p.Page })
		if err != nil {
			return err
		}
		return out.Print(f.IO.Out, lotStock(all))
	}
	return cmd
}

func lotStock(all []model.LotStock) cmdutil.List {
	if all == nil {
		all = []model.LotStock{}
	}
	l := cmdutil.List{Columns: []string{"DI", "LOT", "STATE", "QUANTITY", "COUNTERPARTY"}, Value: all}
	for _, s := range all {
		l.Add(s.DI, s.Lot, string(s.State), strconv.Itoa(s.Quantity), s.Counterparty)
	}
	return l
}
