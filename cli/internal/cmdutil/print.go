package cmdutil

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/goccy/go-yaml"
)

// List is data a command prints as a list: Value as JSON or YAML, or Rows under Columns as
// an aligned table or CSV. Value is what -o json and -o yaml print (its json field names,
// which the YAML encoder reads too), so a list keeps every field there; the rows are what a
// person reads.
type List struct {
	Columns []string
	Rows    [][]string
	Value   any
}

// Add appends a row.
func (l *List) Add(cells ...string) { l.Rows = append(l.Rows, cells) }

// Print writes l in the format -o chose: the one printer of every list.
func (o Output) Print(w io.Writer, l List) error {
	switch Format(o.Format) {
	case FormatJSON:
		return WriteJSON(w, l.Value)
	case FormatYAML:
		return WriteYAML(w, l.Value)
	case FormatCSV:
		return WriteCSV(w, l.Columns, l.Rows)
	}
	t := NewTable(w, l.Columns...)
	for _, r := range l.Rows {
		t.Row(append([]string(nil), r...)...)
	}
	return t.Flush()
}

// WriteYAML writes v as YAML, with the names its json tags give. A string of digits is
// quoted: a DI or GLN with its leading zero (06901234000016) would read as a number elsewhere.
func WriteYAML(w io.Writer, v any) error {
	b, err := yaml.MarshalWithOptions(v, yaml.UseLiteralStyleIfMultiline(true), yaml.CustomMarshaler(yamlString))
	if err != nil {
		return fmt.Errorf("yaml: %w", err)
	}
	_, err = w.Write(b)
	return err
}

// WriteCSV writes a header row and the rows as RFC 4180 CSV; empty cells stay empty.
func WriteCSV(w io.Writer, columns []string, rows [][]string) error {
	cw := csv.NewWriter(w)
	if len(columns) > 0 {
		if err := cw.Write(columns); err != nil {
			return err
		}
	}
	if err := cw.WriteAll(rows); err != nil {
		return err
	}
	return cw.Error()
}

// yamlString quotes a string of digits, which a YAML 1.2 reader takes for an integer, and
// leaves the rest to the encoder.
func yamlString(s string) ([]byte, error) {
	if s != "" && strings.Trim(s, "0123456789+-._eE") == "" {
		return []byte(strconv.Quote(s)), nil
	}
	b, err := yaml.Marshal(s)
	return bytes.TrimSuffix(b, []byte("\n")), err
}
