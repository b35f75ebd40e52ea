// Package parse implements `udi parse`: read codes and print what they identify.
package parse

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/udiledger/udiledger/chaincode/identifier"
	"github.com/udiledger/udiledger/cli/internal/cmdutil"
)

// ParseOptions are the inputs of `udi parse`.
type ParseOptions struct {
	IO     cmdutil.IOStreams
	Codes  []string
	Format cmdutil.Format
}

// NewCmdParse returns the parse command. runF replaces the run step in tests.
func NewCmdParse(f *cmdutil.Factory, runF func(*ParseOptions) error) *cobra.Command {
	opts := &ParseOptions{IO: f.IO}
	var output string
	cmd := &cobra.Command{
		Use:   "parse [CODE...]",
		Short: "Parse and validate UDI and drug trace codes",
		Long: `Parse reads codes and prints the fields of each: GS1 element strings as scanners send
them (with or without ]d2 ]Q3 ]C1 ]e0 ]J1, GS as FNC1), the bracketed form (01)…(21)…,
GS1 Digital Link URIs, EPC URNs, China's 20-digit drug trace codes, MA codes and HIBCC data.

With no arguments it reads one code per line from standard input (blank lines are skipped),
as a scanner dump would give them.

Exit status: 0 when every code is valid, 2 when any is not (each named on standard error).`,
		Example: `  udi parse '(01)09506000134352(17)241231(10)ABC123(21)XYZ987'
  udi parse -o json https://id.gs1.org/01/09506000134352/21/XYZ987
  udi parse < scans.txt`,
		RunE: func(cmd *cobra.Command, args []string) error {
			format, err := cmdutil.ParseFormat(output)
			if err != nil {
				return err
			}
			opts.Format = format
			opts.Codes = args
			if runF != nil {
				return runF(opts)
			}
			return runParse(opts)
		},
	}
	cmd.Flags().StringVarP(&output, "output", "o", string(cmdutil.FormatTable), "output format: table or json (one object per line)")
	return cmd
}

func runParse(opts *ParseOptions) error {
	invalid := 0
	n := 0
	handle := func(raw string) error {
		c, err := identifier.Parse(raw)
		if err != nil {
			invalid++
			fmt.Fprintf(opts.IO.ErrOut, "udi: %s: %v\n", printable(raw), err)
			return nil
		}
		n++
		return write(opts, c, n)
	}
	if len(opts.Codes) > 0 {
		for _, s := range opts.Codes {
			if err := handle(s); err != nil {
				return err
			}
		}
	} else {
		sc := bufio.NewScanner(opts.IO.In)
		sc.Buffer(make([]byte, 0, 64*1024), 1024*1024)
		for sc.Scan() {
			line := strings.TrimRight(sc.Text(), "\r")
			if strings.TrimSpace(line) == "" {
				continue
			}
			if err := handle(line); err != nil {
				return err
			}
		}
		if err := sc.Err(); err != nil {
			return fmt.Errorf("parse: read standard input: %w", err)
		}
	}
	if invalid > 0 {
		return &cmdutil.ExitError{Code: cmdutil.ExitInvalid, Err: fmt.Errorf("%d invalid code(s)", invalid), Silent: true}
	}
	return nil
}

func write(opts *ParseOptions, c identifier.Code, n int) error {
	if opts.Format == cmdutil.FormatJSON {
		b, err := json.Marshal(c)
		if err != nil {
			return fmt.Errorf("parse: encode json: %w", err)
		}
		_, err = fmt.Fprintf(opts.IO.Out, "%s\n", b)
		return err
	}
	return writeTable(opts.IO.Out, c, n > 1)
}

func writeTable(out io.Writer, c identifier.Code, sep bool) error {
	if sep {
		if _, err := fmt.Fprintln(out); err != nil {
			return err
		}
	}
	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	row := func(name, v string) {
		if v != "" {
			fmt.Fprintf(tw, "%s\t%s\n", name, v)
		}
	}
	row("scheme", string(c.Scheme))
	row("key", c.Key)
	row("di", c.DI)
	row("gtin", c.GTIN)
	row("lot", c.Lot)
	row("serial", c.Serial)
	row("expiry", c.Expiry)
	row("production_date", c.ProductionDate)
	row("sscc", c.SSCC)
	for i, e := range c.AIs {
		name := ""
		if i == 0 {
			name = "ais"
		}
		row(name, "("+e.AI+") "+e.Value)
	}
	return tw.Flush()
}

// printable shows control characters such as GS so the message stays on one line.
func printable(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == 0x1d:
			b.WriteString("<GS>")
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, "\\x%02x", r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
