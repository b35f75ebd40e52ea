package recall

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/udiledger/udiledger/chaincode/model"
	"github.com/udiledger/udiledger/chaincode/ops"
	"github.com/udiledger/udiledger/cli/internal/cmdutil"
)

// newCmdDispensed lists the units of a recall the caller's organisation dispensed, with its
// own patient and prescription references: the consumer-level list of a dispenser.
func newCmdDispensed(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "dispensed ID",
		Short: "The recall's units your organisation dispensed, with its patient and prescription references (a dispenser)",
		Long: `Lists every unit of the recall's scope that the caller's organisation (a hospital, pharmacy or
platform) dispensed and that is still dispensed, with the dispense's event, time and the
patient and prescription references from the organisation's own private records. A record
erased at the patient's request shows as (erased). Whether the recall's depth (consumer)
requires reaching the patients is said on stderr; -o json, yaml or csv print the data only.`,
		Example: "  udi recall dispensed RC-2026-118 -o csv > patients.csv",
		Args:    cobra.ExactArgs(1),
	}
	var g cmdutil.Gateway
	var out cmdutil.Output
	cmdutil.AddGatewayFlags(cmd, f, &g)
	cmdutil.AddListOutputFlag(cmd, &out)
	cmd.ValidArgsFunction = cmdutil.CompleteFirstArg(&g, cmdutil.RecallIDs)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		if err := out.Check(); err != nil {
			return err
		}
		d, err := cmdutil.Call(cmd.Context(), g, ops.RecallDispensed, model.RecallQuery{RecallID: args[0]})
		if err != nil {
			return err
		}
		l := cmdutil.List{Columns: []string{"CODE", "DISPENSE", "AT", "PATIENT", "PRESCRIPTION"}, Value: d}
		for _, u := range d.Units {
			patient := u.PatientRef
			if u.Erased {
				patient = "(erased)"
			}
			l.Add(u.Code, u.EventID, u.At, patient, u.PrescriptionRef)
		}
		contact := "does not require patient contact"
		if d.PatientContact {
			contact = "requires reaching every patient listed"
		}
		fmt.Fprintf(f.IO.ErrOut, "recall %s, %s depth, %s: %d units dispensed by %s\n", d.RecallID, d.Depth, contact, len(d.Units), d.Dispenser)
		return out.Print(f.IO.Out, l)
	}
	return cmd
}
