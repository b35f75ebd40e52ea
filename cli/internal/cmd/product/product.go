// Package product implements `udi product`: a manufacturer's DI records, registered and read
// through a gateway.
package product

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/udiledger/udiledger/chaincode/model"
	"github.com/udiledger/udiledger/chaincode/ops"
	"github.com/udiledger/udiledger/cli/internal/cmdutil"
)

// NewCmdProduct returns `udi product` with its subcommands.
func NewCmdProduct(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "product <command>",
		Short: "Register, list and show products (DI records)",
		Long: `A product is the DI record of a drug or device: a GTIN-14 under the manufacturer's GS1
company prefix, or a 7-digit drug product code. Only its manufacturer registers it.`,
	}
	cmd.AddCommand(newCmdRegister(f), newCmdList(f), newCmdShow(f))
	return cmd
}

func newCmdRegister(f *cmdutil.Factory) *cobra.Command {
	var g cmdutil.Gateway
	var out cmdutil.Output
	var file, storage string
	var p model.Product
	cmd := &cobra.Command{
		Use:   "register (-f FILE | --di DI --name NAME --kind drug|device …)",
		Short: "Register a product from flags or a YAML/JSON file",
		Long: `Register records a product under the caller's prefix. The record comes from a YAML or
JSON file (-f, "-" for standard input; fields as in docs/api.md: di, name, model, kind,
registrationNumber, prescription, storage {min, max}, packageLevels), from flags, or from
both: a flag given overrides the file's field. Registering the same record again changes
nothing; another record for a registered DI is refused (exit 3).`,
		Example: `  udi product register --di 06901234000023 --name "Infusion set" --kind device --storage 0:30
  udi product register -f stent.yaml`,
		Args: cobra.NoArgs,
	}
	cmdutil.AddGatewayFlags(cmd, f, &g)
	cmdutil.AddOutputFlag(cmd, &out)
	fl := cmd.Flags()
	fl.StringVarP(&file, "file", "f", "", `read the record from a YAML or JSON file ("-": standard input)`)
	var flagged model.Product
	fl.StringVar(&flagged.DI, "di", "", "DI: GTIN-14 or 7-digit drug product code")
	fl.StringVar(&flagged.Name, "name", "", "name")
	fl.StringVar(&flagged.Model, "model", "", "model or specification")
	fl.StringVar((*string)(&flagged.Kind), "kind", "", "drug or device")
	fl.StringVar(&flagged.RegistrationNumber, "registration-number", "", "marketing authorisation or registration number")
	fl.StringVar(&flagged.IssuingAgency, "issuing-agency", "", "issuing agency (default from the DI: GS1 or NMPA)")
	fl.BoolVar(&flagged.Prescription, "prescription", false, "prescription only (Rx)")
	fl.StringVar(&storage, "storage", "", "storage temperature range in °C, MIN:MAX (e.g. 2:8)")
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		if err := out.Check(); err != nil {
			return err
		}
		if file != "" {
			if err := cmdutil.ReadRecord(file, f.IO.In, &p); err != nil {
				return err
			}
		} else if !fl.Changed("di") {
			return cmdutil.InvalidInput(fmt.Errorf("give -f FILE or at least --di, --name and --kind"))
		}
		set := func(name string, dst *string, v string) {
			if fl.Changed(name) {
				*dst = v
			}
		}
		set("di", &p.DI, flagged.DI)
		set("name", &p.Name, flagged.Name)
		set("model", &p.Model, flagged.Model)
		set("kind", (*string)(&p.Kind), string(flagged.Kind))
		set("registration-number", &p.RegistrationNumber, flagged.RegistrationNumber)
		set("issuing-agency", &p.IssuingAgency, flagged.IssuingAgency)
		if fl.Changed("prescription") {
			p.Prescription = flagged.Prescription
		}
		if fl.Changed("storage") {
			r, err := parseRange(storage)
			if err != nil {
				return err
			}
			p.Storage = r
		}
		if err := p.Validate(); err != nil {
			return cmdutil.InvalidInput(err)
		}
		r, err := cmdutil.Call(cmd.Context(), g, ops.RegisterProduct, p)
		if err != nil {
			return err
		}
		if out.JSON() {
			return cmdutil.WriteJSON(f.IO.Out, r)
		}
		fmt.Fprintf(f.IO.Out, "product %s (%s) registered by %s at %s\n", r.DI, r.Name, r.Manufacturer, r.RegisteredAt)
		return nil
	}
	return cmd
}

func parseRange(s string) (*model.TemperatureRange, error) {
	lo, hi, ok := strings.Cut(s, ":")
	low, err1 := strconv.ParseFloat(lo, 64)
	high, err2 := strconv.ParseFloat(hi, 64)
	if !ok || err1 != nil || err2 != nil {
		return nil, cmdutil.InvalidInput(fmt.Errorf("--storage %q: want MIN:MAX in °C, e.g. 2:8", s))
	}
	return &model.TemperatureRange{Min: low, Max: high}, nil
}

func storageText(r *model.TemperatureRange) string {
	if r == nil {
		return ""
	}
	return fmt.Sprintf("%g to %g °C", r.Min, r.Max)
}

func newCmdList(f *cmdutil.Factory) *cobra.Command {
	var g cmdutil.Gateway
	var out cmdutil.Output
	cmd := &cobra.Command{Use: "list", Short: "List the products", Args: cobra.NoArgs}
	cmdutil.AddGatewayFlags(cmd, f, &g)
	cmdutil.AddListOutputFlag(cmd, &out)
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		if err := out.Check(); err != nil {
			return err
		}
		all, err := cmdutil.ListAll(cmd.Context(), g, ops.ListProducts,
			func(b string) model.PageQuery { return model.PageQuery{PageSize: model.MaxPageSize, Bookmark: b} },
			func(p *model.ProductPage) ([]model.Product, model.Page) { return p.Products, p.Page })
		if err != nil {
			return err
		}
		l := cmdutil.List{Columns: []string{"DI", "KIND", "NAME", "MODEL", "MANUFACTURER", "STORAGE"}, Value: all}
		for _, p := range all {
			l.Add(p.DI, string(p.Kind), p.Name, p.Model, p.Manufacturer, storageText(p.Storage))
		}
		return out.Print(f.IO.Out, l)
	}
	return cmd
}

func newCmdShow(f *cmdutil.Factory) *cobra.Command {
	var g cmdutil.Gateway
	var out cmdutil.Output
	cmd := &cobra.Command{Use: "show DI", Short: "Show a product", Args: cobra.ExactArgs(1)}
	cmdutil.AddGatewayFlags(cmd, f, &g)
	cmdutil.AddOutputFlag(cmd, &out)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		if err := out.Check(); err != nil {
			return err
		}
		p, err := cmdutil.Call(cmd.Context(), g, ops.GetProduct, model.ProductQuery{DI: args[0]})
		if err != nil {
			return err
		}
		if out.JSON() {
			return cmdutil.WriteJSON(f.IO.Out, p)
		}
		rx := "no"
		if p.Prescription {
			rx = "yes"
		}
		t := cmdutil.NewTable(f.IO.Out)
		t.Row("di", p.DI)
		t.Row("scheme", string(p.Scheme)+" ("+p.IssuingAgency+")")
		t.Row("name", p.Name)
		t.Row("model", p.Model)
		t.Row("kind", string(p.Kind))
		t.Row("registration", p.RegistrationNumber)
		t.Row("prescription", rx)
		t.Row("storage", storageText(p.Storage))
		for _, l := range p.PackageLevels {
			t.Row("package level", fmt.Sprintf("%s: %d × %s", l.DI, l.Quantity, l.Contains))
		}
		t.Row("manufacturer", p.Manufacturer)
		t.Row("recalls", strings.Join(p.RecallIDs, ", "))
		t.Row("registered", p.RegisteredAt)
		return t.Flush()
	}
	return cmd
}
