// Package root assembles the udi command tree.
package root

import (
	"github.com/spf13/cobra"
	"github.com/udiledger/udiledger/cli/internal/cmd/cases"
	"github.com/udiledger/udiledger/cli/internal/cmd/notifications"

	"github.com/udiledger/udiledger/cli/internal/cmd/apikey"
	"github.com/udiledger/udiledger/cli/internal/cmd/bench"
	"github.com/udiledger/udiledger/cli/internal/cmd/commission"
	"github.com/udiledger/udiledger/cli/internal/cmd/demo"
	"github.com/udiledger/udiledger/cli/internal/cmd/epcis"
	"github.com/udiledger/udiledger/cli/internal/cmd/event"
	"github.com/udiledger/udiledger/cli/internal/cmd/identity"
	"github.com/udiledger/udiledger/cli/internal/cmd/ledger"
	"github.com/udiledger/udiledger/cli/internal/cmd/licence"
	"github.com/udiledger/udiledger/cli/internal/cmd/lists"
	"github.com/udiledger/udiledger/cli/internal/cmd/lot"
	"github.com/udiledger/udiledger/cli/internal/cmd/network"
	"github.com/udiledger/udiledger/cli/internal/cmd/parse"
	"github.com/udiledger/udiledger/cli/internal/cmd/party"
	"github.com/udiledger/udiledger/cli/internal/cmd/product"
	"github.com/udiledger/udiledger/cli/internal/cmd/query"
	"github.com/udiledger/udiledger/cli/internal/cmd/recall"
	"github.com/udiledger/udiledger/cli/internal/cmd/sensor"
	"github.com/udiledger/udiledger/cli/internal/cmd/serve"
	"github.com/udiledger/udiledger/cli/internal/cmd/soak"
	"github.com/udiledger/udiledger/cli/internal/cmd/udicontext"
	"github.com/udiledger/udiledger/cli/internal/cmdutil"
)

// NewCmdRoot returns the udi command with every subcommand attached.
func NewCmdRoot(f *cmdutil.Factory, version string) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "udi",
		Short: "UDI Ledger: trace medical devices and drugs from manufacturer to patient",
		Long: `udi is the command-line face of UDI Ledger, a UDI and drug-traceability ledger on
Hyperledger Fabric. Local commands (parse, demo, serve, network, identity, ledger, context)
need no gateway; party, product, lot, licence, commission, the event commands (ship, receive,
pack, unpack, return, destroy, decommission, release, dispense, undo-dispense, scan), sensor,
epcis, units, events, alerts, trace, verify and recall ask one: the current context (udi
context), or UDI_GATEWAY and UDI_API_KEY. Lists print with -o table|json|yaml|csv; --verbose
shows each request with the gateway's request ID; udi completion bash|zsh|fish prints the shell
completion script.`,
		Version:       version,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	cmd.SetIn(f.IO.In)
	cmd.SetOut(f.IO.Out)
	cmd.SetErr(f.IO.ErrOut)
	cmd.AddCommand(apikey.NewCmdAPIKey(f))
	cmd.AddCommand(commission.NewCmdCommission(f))
	cmd.AddCommand(event.NewCmds(f)...)
	cmd.AddCommand(event.NewCmdScan(f))
	cmd.AddCommand(sensor.NewCmdSensor(f))
	cmd.AddCommand(epcis.NewCmdEPCIS(f))
	cmd.AddCommand(udicontext.NewCmdContext(f))
	cmd.AddCommand(licence.NewCmdLicence(f))
	cmd.AddCommand(lot.NewCmdLot(f))
	cmd.AddCommand(party.NewCmdParty(f))
	cmd.AddCommand(product.NewCmdProduct(f))
	cmd.AddCommand(demo.NewCmdDemo(f, nil))
	cmd.AddCommand(bench.NewCmdBench(f))
	cmd.AddCommand(soak.NewCmdSoak(f))
	cmd.AddCommand(identity.NewCmdIdentity(f))
	cmd.AddCommand(ledger.NewCmdLedger(f))
	cmd.AddCommand(network.NewCmdNetwork(f))
	cmd.AddCommand(parse.NewCmdParse(f, nil))
	cmd.AddCommand(recall.NewCmdRecall(f))
	cmd.AddCommand(cases.NewCmdCase(f))
	cmd.AddCommand(notifications.NewCmdNotifications(f))
	cmd.AddCommand(serve.NewCmdServe(f, nil))
	cmd.AddCommand(query.NewCmdTrace(f, nil))
	cmd.AddCommand(query.NewCmdVerify(f, nil))
	cmd.AddCommand(lists.NewCmdUnits(f), lists.NewCmdEvents(f), lists.NewCmdAlerts(f))
	cmd.AddCommand(lists.NewCmdStock(f))
	return cmd
}
