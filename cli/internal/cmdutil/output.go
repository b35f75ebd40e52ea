package cmdutil

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/goccy/go-yaml"
	"github.com/spf13/cobra"

	"github.com/udiledger/udiledger/chaincode/model"
	"github.com/udiledger/udiledger/chaincode/ops"
)

// Output is the -o flag of a command that prints data.
type Output struct {
	Format string
	list   bool // -o yaml and csv too (AddListOutputFlag)
}

// AddOutputFlag adds -o table|json.
func AddOutputFlag(cmd *cobra.Command, o *Output) {
	cmd.Flags().StringVarP(&o.Format, "output", "o", string(FormatTable), "output format: table or json")
}

// AddListOutputFlag adds -o table|json|yaml|csv to a command that prints a list (Print).
func AddListOutputFlag(cmd *cobra.Command, o *Output) {
	o.list = true
	cmd.Flags().StringVarP(&o.Format, "output", "o", string(FormatTable), "output format: table, json, yaml or csv")
	_ = cmd.RegisterFlagCompletionFunc("output", cobra.FixedCompletions(
		[]string{string(FormatTable), string(FormatJSON), string(FormatYAML), string(FormatCSV)}, cobra.ShellCompDirectiveNoFileComp))
}

// Check refuses an unknown format.
func (o Output) Check() error {
	if o.list {
		_, err := ParseListFormat(o.Format)
		return err
	}
	_, err := ParseFormat(o.Format)
	return err
}

// JSON reports whether -o json was asked for.
func (o Output) JSON() bool { return o.Format == string(FormatJSON) }

// WriteJSON writes v as indented JSON.
func WriteJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// Table writes aligned columns: a header row, then one row per call.
type Table struct{ tw *tabwriter.Writer }

// NewTable starts a table with the column names, or with none for key-value rows.
func NewTable(w io.Writer, columns ...string) *Table {
	t := &Table{tw: tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)}
	if len(columns) > 0 {
		t.Row(columns...)
	}
	return t
}

// Row adds one row; an empty cell is printed as "-".
func (t *Table) Row(cells ...string) {
	for i, c := range cells {
		if c == "" {
			cells[i] = "-"
		}
	}
	fmt.Fprintln(t.tw, strings.Join(cells, "\t"))
}

// Flush writes the table out.
func (t *Table) Flush() error { return t.tw.Flush() }

// ListAll reads every page of a list operation: query makes the request of a page from the
// bookmark, items takes the rows and the paging part out of the answer.
func ListAll[Req, Res, Item any](ctx context.Context, g Gateway, op ops.Op[Req, Res], query func(bookmark string) Req, items func(*Res) ([]Item, model.Page)) ([]Item, error) {
	var all []Item
	bookmark := ""
	for {
		res, err := Call(ctx, g, op, query(bookmark))
		if err != nil {
			return nil, err
		}
		rows, page := items(res)
		all = append(all, rows...)
		if bookmark = page.NextBookmark(); bookmark == "" {
			return all, nil
		}
	}
}

// ReadRecord reads a record from a YAML or JSON file (JSON is YAML), or from in when path is
// "-". A field the record does not have is an error; errors name the file, line and column.
func ReadRecord(path string, in io.Reader, v any) error {
	var b []byte
	var err error
	if path == "-" {
		path = "stdin"
		b, err = io.ReadAll(in)
	} else {
		b, err = os.ReadFile(filepath.Clean(path))
	}
	if err != nil {
		return err
	}
	if err := yaml.UnmarshalWithOptions(b, v, yaml.DisallowUnknownField()); err != nil {
		return InvalidInput(fmt.Errorf("%s: %s", path, firstLine(yaml.FormatError(err, false, false))))
	}
	return nil
}

// SplitLot reads a lot named as DI/LOT (a lot may hold "/": the DI never does).
func SplitLot(s string) (di, lot string, err error) {
	di, lot, ok := strings.Cut(s, "/")
	if !ok || di == "" || lot == "" {
		return "", "", InvalidInput(fmt.Errorf("lot %q: want DI/LOT", s))
	}
	return di, lot, nil
}

// ParseTime reads a time flag: RFC 3339 (2026-12-02T08:00:00+08:00), or a day (2026-12-02),
// taken as its UTC midnight. It answers RFC 3339.
func ParseTime(flag, s string) (string, error) {
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t.Format(time.RFC3339Nano), nil
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return "", InvalidInput(fmt.Errorf("%s %q: want RFC 3339 (2026-12-02T08:00:00+08:00) or a day (2026-12-02)", flag, s))
	}
	return t.Format(time.RFC3339), nil
}
