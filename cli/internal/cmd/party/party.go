// Package party implements `udi party`: the organisations on the ledger and their licences,
// read through a gateway.
package party

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/udiledger/udiledger/chaincode/model"
	"github.com/udiledger/udiledger/chaincode/ops"
	"github.com/udiledger/udiledger/cli/internal/cmdutil"
)

// NewCmdParty returns `udi party` with its subcommands.
func NewCmdParty(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "party <command>",
		Short: "List and show the parties on the ledger",
		Long: `The organisations on the ledger, as the regulator registered them: roles, licences,
GS1 company prefixes and drug product codes, locations.`,
	}
	cmd.AddCommand(newCmdList(f), newCmdShow(f))
	return cmd
}

func roles(p model.Party) string {
	rs := make([]string, len(p.Roles))
	for i, r := range p.Roles {
		rs[i] = string(r)
	}
	return strings.Join(rs, ",")
}

func newCmdList(f *cmdutil.Factory) *cobra.Command {
	var g cmdutil.Gateway
	var out cmdutil.Output
	cmd := &cobra.Command{Use: "list", Short: "List the parties", Args: cobra.NoArgs,
		Example: `  udi party list
  udi party list -o json`}
	cmdutil.AddGatewayFlags(cmd, f, &g)
	cmdutil.AddListOutputFlag(cmd, &out)
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		if err := out.Check(); err != nil {
			return err
		}
		all, err := cmdutil.ListAll(cmd.Context(), g, ops.ListParties,
			func(b string) model.PageQuery { return model.PageQuery{PageSize: model.MaxPageSize, Bookmark: b} },
			func(p *model.PartyPage) ([]model.Party, model.Page) { return p.Parties, p.Page })
		if err != nil {
			return err
		}
		l := cmdutil.List{Columns: []string{"MSP ID", "NAME", "ROLES", "LICENCES", "LOCATIONS"}, Value: all}
		for _, p := range all {
			l.Add(p.MSPID, p.Name, roles(p), fmt.Sprint(len(p.Licences)), fmt.Sprint(len(p.Locations)))
		}
		return out.Print(f.IO.Out, l)
	}
	return cmd
}

func newCmdShow(f *cmdutil.Factory) *cobra.Command {
	var g cmdutil.Gateway
	var out cmdutil.Output
	cmd := &cobra.Command{Use: "show MSPID", Short: "Show a party with its licences and locations", Args: cobra.ExactArgs(1),
		Example: `  udi party show ManufacturerMSP`}
	cmdutil.AddGatewayFlags(cmd, f, &g)
	cmd.ValidArgsFunction = cmdutil.CompleteFirstArg(&g, cmdutil.PartyIDs)
	cmdutil.AddOutputFlag(cmd, &out)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		if err := out.Check(); err != nil {
			return err
		}
		p, err := cmdutil.Call(cmd.Context(), g, ops.GetParty, model.PartyQuery{MSPID: args[0]})
		if err != nil {
			return err
		}
		if out.JSON() {
			return cmdutil.WriteJSON(f.IO.Out, p)
		}
		t := cmdutil.NewTable(f.IO.Out)
		t.Row("msp id", p.MSPID)
		t.Row("name", p.Name)
		t.Row("roles", roles(*p))
		t.Row("company prefixes", strings.Join(p.CompanyPrefixes, ", "))
		t.Row("drug codes", strings.Join(p.DrugCodes, ", "))
		for _, l := range p.Licences {
			t.Row("licence", fmt.Sprintf("%s %s, %s to %s", l.Type, l.Number, l.ValidFrom, l.ValidTo))
		}
		for _, l := range p.Locations {
			t.Row("location", strings.TrimSpace(l.GLN+" "+l.Name))
		}
		t.Row("registered by", p.RegisteredBy)
		t.Row("updated", p.UpdatedAt)
		return t.Flush()
	}
	return cmd
}
