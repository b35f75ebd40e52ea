package network

import (
	"bytes"
	"io"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/udiledger/udiledger/cli/internal/cmdutil"
)

func testFactory() *cmdutil.Factory {
	return &cmdutil.Factory{
		IO:     cmdutil.IOStreams{In: &bytes.Buffer{}, Out: &bytes.Buffer{}, ErrOut: &bytes.Buffer{}},
		Getenv: func(string) string { return "" },
	}
}

func TestNewCmdUpParsesFlags(t *testing.T) {
	tests := []struct {
		name     string
		give     []string
		want     Options
		wantCode int // exit code of a rejected command line, 0 when accepted
	}{
		{name: "defaults are left to fabricnet", give: nil, want: Options{Format: "table"}},
		{
			name: "every flag",
			give: []string{"--run-dir", "/tmp/r", "--bin", "/opt/fabric", "--batch-timeout", "250ms", "--max-message-count", "10", "-o", "json"},
			want: Options{RunDir: "/tmp/r", BinDir: "/opt/fabric", BatchTimeout: 250 * time.Millisecond, MaxMessageCount: 10, Format: "json"},
		},
		{name: "an unknown format is invalid input", give: []string{"-o", "yaml"}, wantCode: cmdutil.ExitInvalid},
		{name: "a negative block size is invalid input", give: []string{"--max-message-count", "-1"}, wantCode: cmdutil.ExitInvalid},
		{name: "arguments are refused", give: []string{"extra"}, wantCode: cmdutil.ExitFailure},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got *Options
			cmd := NewCmdUp(testFactory(), func(o *Options) error { got = o; return nil })
			err := execute(cmd, tt.give)
			if code := cmdutil.ExitCode(err); code != tt.wantCode {
				t.Fatalf("exit code %d (%v), want %d", code, err, tt.wantCode)
			}
			if tt.wantCode != 0 {
				return
			}
			if got.RunDir != tt.want.RunDir || got.BinDir != tt.want.BinDir ||
				got.BatchTimeout != tt.want.BatchTimeout || got.MaxMessageCount != tt.want.MaxMessageCount ||
				got.Format != tt.want.Format {
				t.Errorf("options = %+v, want %+v", *got, tt.want)
			}
		})
	}
}

func TestNewCmdNetworkHasItsSubcommands(t *testing.T) {
	cmd := NewCmdNetwork(testFactory())
	for _, name := range []string{"up", "down", "status"} {
		if sub, _, err := cmd.Find([]string{name}); err != nil || sub.Name() != name {
			t.Errorf("subcommand %q not found: %v", name, err)
		}
	}
}

func TestStatusOfNoNetworkExitsWithFailure(t *testing.T) {
	f := testFactory()
	cmd := NewCmdStatus(f, nil)
	err := execute(cmd, []string{"--run-dir", t.TempDir()})
	if code := cmdutil.ExitCode(err); code != cmdutil.ExitFailure {
		t.Fatalf("exit code %d (%v), want %d", code, err, cmdutil.ExitFailure)
	}
	if got := f.IO.ErrOut.(*bytes.Buffer).String(); !bytes.Contains([]byte(got), []byte("no network")) {
		t.Errorf("stderr = %q, want a 'no network' message", got)
	}
}

func execute(cmd *cobra.Command, args []string) error {
	cmd.SetArgs(args)
	cmd.SetOut(io.Discard)
	cmd.SetErr(io.Discard)
	cmd.SilenceUsage, cmd.SilenceErrors = true, true
	return cmd.Execute()
}
