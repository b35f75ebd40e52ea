package root

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/udiledger/udiledger/chaincode/gs1"
	"github.com/udiledger/udiledger/chaincode/ops"
	"github.com/udiledger/udiledger/chaincode/orgs"
	"github.com/udiledger/udiledger/cli/internal/clitest"
	"github.com/udiledger/udiledger/cli/internal/cmdutil"
	"github.com/udiledger/udiledger/gateway/ledger"
)

// interrupter is the gateway's ledger, which calls interrupt when the n-th commissioning
// event reaches it and refuses that event, as if the person at the terminal had pressed ^C
// while it was under way.
type interrupter struct {
	ledger.Client
	n         atomic.Int32
	seen      atomic.Int32
	interrupt atomic.Pointer[context.CancelFunc]
}

func (l *interrupter) Submit(ctx context.Context, p ledger.Proposal) (*ledger.Result, error) {
	if p.Function == ops.Commission.Name() && l.seen.Add(1) == l.n.Load() {
		if stop := l.interrupt.Load(); stop != nil {
			(*stop)()
			return nil, errors.New("interrupted")
		}
	}
	return l.Client.Submit(ctx, p)
}

// step is one command of the script, what it must exit with and print.
type step struct {
	name   string
	stdin  string
	args   []string
	exit   int
	stdout []*regexp.Regexp
	stderr []*regexp.Regexp
	// interrupt, when set, cancels the command's context as the nth commissioning event
	// reaches the ledger.
	interrupt int32
}

func re(s ...string) []*regexp.Regexp {
	out := make([]*regexp.Regexp, len(s))
	for i, x := range s {
		out[i] = regexp.MustCompile(x)
	}
	return out
}

// TestAManufacturersDay is the first slice of issue 12, as a manufacturer lives it at the
// terminal against a real gateway: a context instead of environment variables, a product and
// a lot registered, 25,000 codes commissioned from a serial range in three events,
// interrupted after the first, run again to do only the rest, and the lot listed.
func TestAManufacturersDay(t *testing.T) {
	led := &interrupter{}
	g := clitest.StoryGatewayWith(t, clitest.Options{Wrap: func(c ledger.Client) ledger.Client { led.Client = c; return led }})
	config := t.TempDir()
	env := func(k string) string {
		if k == "XDG_CONFIG_HOME" {
			return config
		}
		return "" // no UDI_GATEWAY, no UDI_API_KEY: the context says where and as whom
	}
	d, _ := gs1.CheckDigit("0690123400005")
	di := "0690123400005" + string(d)
	lot := di + "/L2026-12"
	expiry := time.Now().AddDate(3, 0, 0).Format("2006-01-02")
	key := g.Keys[orgs.Manufacturer]
	badFile := filepath.Join(t.TempDir(), "codes.txt")
	if err := os.WriteFile(badFile, []byte("(01)"+di+"(21)X1\n(01)"+di+"(21)X2\n(01)"+di+"(21)X1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	commission := []string{"commission", "--lot", lot, "--serials", "1-25000", "--width", "6"}

	script := []step{
		{name: "add the plant's gateway as a context", stdin: key + "\n",
			args:   []string{"context", "add", "plant", "--gateway", g.URL, "--api-key-stdin"},
			stderr: re(`context plant added .*it is the current context`)},
		{name: "the context list shows it, not its key", args: []string{"context", "list"},
			stdout: re(`\*\s+plant\s+http://127\.0\.0\.1:\d+\s+stored`)},
		{name: "register the product", args: []string{"product", "register", "--di", di, "--name", "Safety syringe 5 ml", "--kind", "device", "--storage", "5:30"},
			stdout: re(`product ` + di + ` \(Safety syringe 5 ml\) registered by ` + orgs.Manufacturer)},
		{name: "register the lot", args: []string{"lot", "register", "--di", di, "--lot", "L2026-12", "--expiry", expiry, "--quantity", "25000"},
			stdout: re(`lot ` + regexp.QuoteMeta(lot) + ` registered`)},
		{name: "a file with a repeated code is refused with its line; nothing is written", args: []string{"commission", "--lot", lot, "-f", badFile},
			exit: cmdutil.ExitInvalid, stderr: re(`codes\.txt:3: code "\(01\)` + di + `\(21\)X1" repeats line 1`)},
		{name: "commission 25,000 codes, interrupted after the first of three events", args: commission, interrupt: 2,
			exit:   cmdutil.ExitFailure,
			stdout: re(`1\s+10000\s+-\s+done`, `2\s+10000\s+-\s+interrupted`, `3\s+5000\s+-\s+not sent`),
			stderr: re(`25000 codes in 3 events: 1 done, 0 replayed, 0 failed, 2 not sent \(interrupted while event 2 was under way: run the same command again to finish\)`)},
		{name: "the same command again does only the rest", args: commission,
			stdout: re(`1\s+10000\s+-\s+replayed`, `2\s+10000\s+-\s+done`, `3\s+5000\s+-\s+done`),
			stderr: re(`25000 codes in 3 events: 2 done, 1 replayed, 0 failed, 0 not sent$`)},
		{name: "the last serial is genuine", args: []string{"verify", "(01)" + di + "(21)025000"},
			stdout: re(`genuine\s+yes`, `sellable\s+yes`)},
		{name: "the first code of the refused file is not", args: []string{"verify", "(01)" + di + "(21)X1"},
			exit: cmdutil.ExitRejected, stdout: re(`genuine\s+no`)},
		{name: "list the lot", args: []string{"lot", "list", "--di", di},
			stdout: re(regexp.QuoteMeta(di) + `\s+L2026-12\s+released\s+-\s+` + expiry + `\s+25000`)},
	}
	for _, s := range script {
		ctx, cancel := context.WithCancel(context.Background())
		led.seen.Store(0)
		led.n.Store(s.interrupt)
		led.interrupt.Store(&cancel)
		if s.interrupt == 0 {
			led.interrupt.Store(nil)
		}
		out, errOut, exit := clitest.RunWith(ctx, clitest.Input{Env: env, Stdin: s.stdin}, func(f *cmdutil.Factory) *cobra.Command { return NewCmdRoot(f, "test") }, s.args...)
		cancel()
		t.Logf("$ udi %s\n%s%s", strings.Join(s.args, " "), out, errOut)
		if exit != s.exit {
			t.Fatalf("%s: exit %d, want %d", s.name, exit, s.exit)
		}
		for _, w := range s.stdout {
			if !w.MatchString(out) {
				t.Fatalf("%s: stdout does not match %s", s.name, w)
			}
		}
		for _, w := range s.stderr {
			if !w.MatchString(strings.TrimSpace(errOut)) {
				t.Fatalf("%s: stderr does not match %s", s.name, w)
			}
		}
		if strings.Contains(out+errOut, key) {
			t.Fatalf("%s: the API key was printed", s.name)
		}
	}
}
