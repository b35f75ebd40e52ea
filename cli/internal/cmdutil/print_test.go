package cmdutil

import (
	"bytes"
	"testing"
)

func TestPrintWritesOneListInEveryFormat(t *testing.T) {
	type row struct {
		Code   string `json:"code"`
		Status string `json:"status,omitempty"`
		Units  int    `json:"units"`
	}
	rows := []row{{Code: "(01)06901234000016(21)A,1", Status: "active", Units: 1}, {Code: `say "hi"`, Status: "06901234000016", Units: 12}}
	l := List{Columns: []string{"CODE", "STATUS", "UNITS"}, Value: rows}
	l.Add(rows[0].Code, rows[0].Status, "1")
	l.Add(rows[1].Code, rows[1].Status, "12")
	tests := []struct{ give, want string }{
		{"table", "CODE                       STATUS          UNITS\n(01)06901234000016(21)A,1  active          1\nsay \"hi\"                   06901234000016  12\n"},
		{"csv", "CODE,STATUS,UNITS\n\"(01)06901234000016(21)A,1\",active,1\n\"say \"\"hi\"\"\",06901234000016,12\n"},
		{"json", "[\n  {\n    \"code\": \"(01)06901234000016(21)A,1\",\n    \"status\": \"active\",\n    \"units\": 1\n  },\n  {\n    \"code\": \"say \\\"hi\\\"\",\n    \"status\": \"06901234000016\",\n    \"units\": 12\n  }\n]\n"},
		{"yaml", "- code: (01)06901234000016(21)A,1\n  status: active\n  units: 1\n- code: say \"hi\"\n  status: \"06901234000016\"\n  units: 12\n"},
	}
	for _, tt := range tests {
		t.Run("-o "+tt.give, func(t *testing.T) {
			o := Output{Format: tt.give, list: true}
			if err := o.Check(); err != nil {
				t.Fatal(err)
			}
			var b bytes.Buffer
			if err := o.Print(&b, l); err != nil || b.String() != tt.want {
				t.Fatalf("got %v:\n%s\nwant:\n%s", err, b.String(), tt.want)
			}
		})
	}
	t.Run("a command without lists refuses yaml and csv", func(t *testing.T) {
		if err := (Output{Format: "yaml"}).Check(); ExitCode(err) != ExitInvalid {
			t.Fatalf("err = %v", err)
		}
	})
}
