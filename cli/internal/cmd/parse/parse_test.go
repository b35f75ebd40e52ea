package parse

import (
	"bytes"
	"strings"
	"testing"

	"github.com/udiledger/udiledger/cli/internal/cmdutil"
)

const dataMatrix = "]d201095060001343521724123110ABC123\x1d21XYZ987"

func run(t *testing.T, args []string, stdin string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errOut bytes.Buffer
	f := &cmdutil.Factory{IO: cmdutil.IOStreams{In: strings.NewReader(stdin), Out: &out, ErrOut: &errOut}}
	cmd := NewCmdParse(f, nil)
	cmd.SetArgs(args)
	cmd.SetOut(&out)
	cmd.SetErr(&errOut)
	cmd.SilenceUsage = true
	cmd.SilenceErrors = true
	err := cmd.Execute()
	return out.String(), errOut.String(), cmdutil.ExitCode(err)
}

func TestParseCommand(t *testing.T) {
	tests := []struct {
		name       string
		args       []string
		stdin      string
		wantOut    string
		wantErr    string
		wantCode   int
		wantNoLine string
	}{
		{
			name: "prints one JSON object per code given as arguments",
			args: []string{"-o", "json", dataMatrix, "81234567890123456789"},
			wantOut: `{"scheme":"gs1","key":"(01)09506000134352(21)XYZ987","di":"09506000134352","gtin":"09506000134352","lot":"ABC123","serial":"XYZ987","expiry":"2024-12-31","ais":[{"ai":"01","value":"09506000134352"},{"ai":"17","value":"241231"},{"ai":"10","value":"ABC123"},{"ai":"21","value":"XYZ987"}]}
{"scheme":"cn-drug","key":"81234567890123456789","di":"8123456","serial":"789012345"}
`,
		},
		{
			name:  "reads one code per line from stdin and skips blank lines",
			args:  []string{"-o", "json"},
			stdin: "(00)106141411234567897\r\n\n   \n8123 4567 8901 2345 6789\n",
			wantOut: `{"scheme":"gs1","key":"(00)106141411234567897","sscc":"106141411234567897","ais":[{"ai":"00","value":"106141411234567897"}]}
{"scheme":"cn-drug","key":"81234567890123456789","di":"8123456","serial":"789012345"}
`,
		},
		{
			name: "prints a readable table by default",
			args: []string{"(01)09506000134352(10)LOT1"},
			wantOut: `scheme  gs1
key     (01)09506000134352(10)LOT1
di      09506000134352
gtin    09506000134352
lot     LOT1
ais     (01) 09506000134352
        (10) LOT1
`,
		},
		{
			name:     "prints the valid codes, names each invalid one and exits 2",
			args:     []string{"-o", "json", "hello", "81234567890123456789", "]d20109506000134353"},
			wantOut:  `{"scheme":"cn-drug","key":"81234567890123456789","di":"8123456","serial":"789012345"}` + "\n",
			wantErr:  "udi: hello: unknown format at byte 0: want a GS1 element string",
			wantCode: cmdutil.ExitInvalid,
		},
		{
			name:     "shows GS in an invalid code as <GS>",
			args:     []string{"0109506000134352" + "10A\x1d21B\x1d21C"},
			wantErr:  "udi: 010950600013435210A<GS>21B<GS>21C: gs1: duplicate AI conflict: (21) given as \"B\" and \"C\"\n",
			wantCode: cmdutil.ExitInvalid,
		},
		{
			name:     "exits 2 on invalid stdin lines",
			stdin:    "(01)09506000134352(17)241301\n",
			wantErr:  "udi: (01)09506000134352(17)241301: gs1: bad date at byte 22: (17) no such date 241301 (YYMMDD)\n",
			wantCode: cmdutil.ExitInvalid,
		},
		{
			name:     "refuses an unknown output format",
			args:     []string{"-o", "yaml", dataMatrix},
			wantCode: cmdutil.ExitInvalid,
		},
		{
			name:     "prints nothing and exits 0 for empty stdin",
			stdin:    "\n\n",
			wantCode: cmdutil.ExitOK,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, errOut, code := run(t, tt.args, tt.stdin)
			if code != tt.wantCode {
				t.Errorf("exit code %d, want %d (stderr %q)", code, tt.wantCode, errOut)
			}
			if out != tt.wantOut {
				t.Errorf("stdout:\n%s\nwant:\n%s", out, tt.wantOut)
			}
			if !strings.Contains(errOut, tt.wantErr) {
				t.Errorf("stderr %q does not contain %q", errOut, tt.wantErr)
			}
			if tt.wantErr == "" && errOut != "" {
				t.Errorf("unexpected stderr %q", errOut)
			}
		})
	}
}

func TestNewCmdParseOptions(t *testing.T) {
	tests := []struct {
		name       string
		args       []string
		wantCodes  []string
		wantFormat cmdutil.Format
	}{
		{"takes codes from the arguments", []string{"a", "b"}, []string{"a", "b"}, cmdutil.FormatTable},
		{"takes no codes when reading stdin", nil, nil, cmdutil.FormatTable},
		{"takes -o json", []string{"-o", "json", "a"}, []string{"a"}, cmdutil.FormatJSON},
		{"takes --output json", []string{"--output=json"}, nil, cmdutil.FormatJSON},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got *ParseOptions
			f := &cmdutil.Factory{IO: cmdutil.IOStreams{In: strings.NewReader(""), Out: &bytes.Buffer{}, ErrOut: &bytes.Buffer{}}}
			cmd := NewCmdParse(f, func(o *ParseOptions) error { got = o; return nil })
			cmd.SetArgs(tt.args)
			if err := cmd.Execute(); err != nil {
				t.Fatal(err)
			}
			if strings.Join(got.Codes, ",") != strings.Join(tt.wantCodes, ",") || got.Format != tt.wantFormat {
				t.Errorf("got codes %q format %q, want %q %q", got.Codes, got.Format, tt.wantCodes, tt.wantFormat)
			}
		})
	}
}
