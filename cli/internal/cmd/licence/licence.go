// Package licence implements `udi licence`: the licences that end soon, through a gateway.
package licence

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/udiledger/udiledger/chaincode/model"
	"github.com/udiledger/udiledger/chaincode/ops"
	"github.com/udiledger/udiledger/cli/internal/cmdutil"
)

// NewCmdLicence returns `udi licence` with its subcommands.
func NewCmdLicence(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{Use: "licence <command>", Aliases: []string{"license"}, Short: "Licences of the parties"}
	cmd.AddCommand(newCmdExpiring(f))
	return cmd
}

func newCmdExpiring(f *cmdutil.Factory) *cobra.Command {
	var g cmdutil.Gateway
	var out cmdutil.Output
	var days int
	cmd := &cobra.Command{
		Use:   "expiring [--days N]",
		Short: "Licences that end within N days (30), expired ones included, soonest first",
		Example: `  udi licence expiring
  udi licence expiring --days 90 -o json`,
		Args: cobra.NoArgs,
	}
	cmdutil.AddGatewayFlags(cmd, f, &g)
	cmdutil.AddListOutputFlag(cmd, &out)
	cmd.Flags().IntVar(&days, "days", 30, "how many days ahead")
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		if err := out.Check(); err != nil {
			return err
		}
		if days < 1 || days > 3650 {
			return cmdutil.InvalidInput(fmt.Errorf("--days %d: want 1 to 3650", days))
		}
		rows, err := cmdutil.Call(cmd.Context(), g, ops.ExpiringLicences, model.LicenceQuery{Days: days})
		if err != nil {
			return err
		}
		l := cmdutil.List{Columns: []string{"MSP ID", "NAME", "TYPE", "NUMBER", "VALID TO", "DAYS LEFT"}, Value: *rows}
		for _, r := range *rows {
			l.Add(r.MSPID, r.Name, r.Licence.Type, r.Licence.Number, r.Licence.ValidTo, fmt.Sprint(r.DaysLeft))
		}
		return out.Print(f.IO.Out, l)
	}
	return cmd
}
