// Package commission implements `udi commission`: a manufacturer commissions a lot's serialized
// units, from a file of codes, a serial range or generated serials, in events of at most
// model.MaxCommission codes, resumable after an interruption.
package commission

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"

	"github.com/udiledger/udiledger/chaincode/model"
	"github.com/udiledger/udiledger/chaincode/ops"
	"github.com/udiledger/udiledger/cli/internal/cmdutil"
	"github.com/udiledger/udiledger/gateway/httpledger"
	"github.com/udiledger/udiledger/gateway/ledger"
)

// Options are the flags of udi commission.
type Options struct {
	Lot      string
	File     string
	Serials  string
	Width    int
	Generate int
	Seed     string
	Template string
	Chunk    int
	Location string
	CodesOut string
	DryRun   bool
}

// NewCmdCommission returns `udi commission`.
func NewCmdCommission(f *cmdutil.Factory) *cobra.Command {
	var o Options
	var g cmdutil.Gateway
	var out cmdutil.Output
	cmd := &cobra.Command{
		Use:   "commission --lot DI/LOT (-f FILE | --serials FROM-TO | --generate N)",
		Short: "Commission a lot's serialized units, 10,000 per event, resumable",
		Long: `Commission records the units of a registered lot as made: the codes come from a file (one
per line, any form udi parse reads; blank lines and # comments skipped; "-" for standard
input), from a serial range (--serials 1-100000 --width 6) or from generated serials
(--generate N, unpredictable, the same again for the same --seed).

Codes go to the ledger in events of at most 10,000 (one transaction each). Every event's ID is
derived from the input (the lot, the event's position and a hash of its codes): run the same
command again after an interruption and the events already recorded are answered as
"replayed", only the rest is written. Give the same input, --chunk and --seed to resume.

The whole input is checked first: a code that does not parse or is given twice is reported
with its line, and nothing is written (exit 2). A progress bar is drawn on standard error when
it is a terminal. The last line says how many events were done, replayed, failed and not sent;
the exit status is 0 only when every event was recorded (3 when the ledger refused one, 1 when
the gateway could not be reached or the run was interrupted).`,
		Example: `  udi commission --lot 06901234000023/L2026-07 --serials 1-100000 --width 6
  udi commission --lot 06901234000023/L2026-07 -f codes.txt
  udi commission --lot 06901234000023/L2026-08 --generate 5000 --seed 3f2a… --codes-out labels.txt
  udi commission --lot 8123456/D26002 --serials 1-20000 --width 9 --template '{di}{serial}0000'`,
		Args: cobra.NoArgs,
	}
	cmdutil.AddGatewayFlags(cmd, f, &g)
	cmdutil.AddOutputFlag(cmd, &out)
	fl := cmd.Flags()
	fl.StringVar(&o.Lot, "lot", "", "the lot, DI/LOT (required)")
	fl.StringVarP(&o.File, "file", "f", "", `codes, one per line ("-": standard input)`)
	fl.StringVar(&o.Serials, "serials", "", "serial range FROM-TO, both included")
	fl.IntVar(&o.Width, "width", 0, "zero-pad range serials to this width; length of generated serials (default 12)")
	fl.IntVar(&o.Generate, "generate", 0, "generate this many serials")
	fl.StringVar(&o.Seed, "seed", "", "hex seed of generated serials (default: a new random one, printed)")
	fl.StringVar(&o.Template, "template", "", "code form of a serial: {di} and {serial} replaced (default for a GTIN-14: (01){di}(21){serial})")
	fl.IntVar(&o.Chunk, "chunk", model.MaxCommission, "codes per event, at most 10,000 (resume with the same value)")
	fl.StringVar(&o.Location, "location", "", "GLN of the plant")
	fl.StringVar(&o.CodesOut, "codes-out", "", "also write the codes to this file, one per line (for the label printer)")
	fl.BoolVar(&o.DryRun, "dry-run", false, "check the input and print the events; send nothing")
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		if err := out.Check(); err != nil {
			return err
		}
		di, lot, err := cmdutil.SplitLot(o.Lot)
		if err != nil {
			return err
		}
		codes, err := o.codes(f, di, lot)
		if err != nil {
			return cmdutil.InvalidInput(err)
		}
		if o.CodesOut != "" {
			if err := writeCodes(o.CodesOut, codes.codes); err != nil {
				return err
			}
		}
		r := &run{f: f, di: di, lot: lot, location: o.Location, chunks: codes.chunks(di, lot, o.Chunk), total: len(codes.codes)}
		if o.DryRun {
			return r.report(out, true)
		}
		c, err := g.Client()
		if err != nil {
			return err
		}
		r.send(cmd.Context(), c)
		return r.report(out, false)
	}
	return cmd
}

// codes checks the flags and reads or makes the run's codes.
func (o *Options) codes(f *cmdutil.Factory, di, lot string) (*codeList, error) {
	sources := 0
	for _, set := range []bool{o.File != "", o.Serials != "", o.Generate != 0} {
		if set {
			sources++
		}
	}
	if sources != 1 {
		return nil, errors.New("give the codes with exactly one of -f FILE, --serials FROM-TO and --generate N")
	}
	if o.Chunk < 1 || o.Chunk > model.MaxCommission {
		return nil, fmt.Errorf("--chunk %d: want 1 to %d (the ledger's limit per event)", o.Chunk, model.MaxCommission)
	}
	if o.Width < 0 || o.Width > 20 {
		return nil, fmt.Errorf("--width %d: want 0 to 20", o.Width)
	}
	if o.Seed != "" && o.Generate == 0 {
		return nil, errors.New("--seed goes with --generate")
	}
	if o.File != "" {
		if o.Template != "" || o.Width != 0 {
			return nil, errors.New("--template and --width go with --serials or --generate, not -f")
		}
		if o.File == "-" {
			return readCodes(f.IO.In, "stdin")
		}
		fh, err := os.Open(filepath.Clean(o.File))
		if err != nil {
			return nil, err
		}
		defer fh.Close()
		return readCodes(fh, o.File)
	}
	t := template(o.Template)
	if t == "" {
		var err error
		if t, err = defaultTemplate(di); err != nil {
			return nil, err
		}
	}
	if !strings.Contains(string(t), "{serial}") {
		return nil, fmt.Errorf("--template %q has no {serial}", t)
	}
	if o.Serials != "" {
		from, to, err := parseRange(o.Serials)
		if err != nil {
			return nil, err
		}
		return rangeCodes(di, t, from, to, o.Width)
	}
	if o.Generate < 0 || o.Generate > maxCodes {
		return nil, fmt.Errorf("--generate %d: want 1 to %d", o.Generate, maxCodes)
	}
	width := o.Width
	if width == 0 {
		width = 12
	}
	seed, err := hex.DecodeString(o.Seed)
	if err != nil {
		return nil, fmt.Errorf("--seed: want hex digits: %w", err)
	}
	if o.Seed == "" {
		seed = make([]byte, 16)
		if _, err := rand.Read(seed); err != nil {
			return nil, err
		}
		fmt.Fprintf(f.IO.ErrOut, "serials generated with --seed %x: give it again to repeat or resume this run\n", seed)
	} else if len(seed) < 16 {
		return nil, errors.New("--seed: want at least 16 bytes (32 hex digits)")
	}
	return generatedCodes(di, lot, t, o.Generate, width, seed)
}

func writeCodes(path string, codes []string) error {
	var b strings.Builder
	for _, c := range codes {
		b.WriteString(c)
		b.WriteByte('\n')
	}
	return os.WriteFile(filepath.Clean(path), []byte(b.String()), 0o600)
}

// Outcomes of one event.
const (
	outcomeDone     = "done"
	outcomeReplayed = "replayed"
	outcomeQueued   = "queued"
	outcomeFailed   = "failed"
	outcomeNotSent  = "not sent"
	// outcomeInterrupted is an event under way when the run was interrupted: the gateway may
	// have recorded it or not; a run again tells (replayed or done).
	outcomeInterrupted = "interrupted"
	outcomePlanned     = "planned"
)

// result is what became of one event.
type result struct {
	chunk
	Codes   int    `json:"codes"`
	Outcome string `json:"outcome"`
	TxID    string `json:"txId,omitempty"`
	Error   string `json:"error,omitempty"`
}

// run is one commissioning run: its events and what became of each.
type run struct {
	f           *cmdutil.Factory
	di, lot     string
	location    string
	chunks      []chunk
	total       int
	results     []result
	worst       int // exit code of the worst failure
	interrupted bool
	underway    int                      // the event under way when the run was interrupted
	bar         *progressbar.ProgressBar // nil unless stderr is a terminal
	elapsed     time.Duration
}

// send submits the events in order. A refusal by the ledger fails that event and the run goes
// on; a gateway that cannot be reached, refuses the key, or an interruption stops it.
func (r *run) send(ctx context.Context, c *httpledger.Client) {
	start := time.Now()
	defer func() { r.elapsed = time.Since(start) }()
	if r.f.IO.ErrTerminal {
		r.bar = progressbar.NewOptions(r.total,
			progressbar.OptionSetWriter(r.f.IO.ErrOut),
			progressbar.OptionSetDescription("commission "+r.di+"/"+r.lot),
			progressbar.OptionShowCount(),
			progressbar.OptionShowIts(),
			progressbar.OptionSetItsString("codes"),
			progressbar.OptionSetPredictTime(true),
			progressbar.OptionThrottle(100*time.Millisecond),
			progressbar.OptionOnCompletion(func() { fmt.Fprintln(r.f.IO.ErrOut) }),
		)
		_ = r.bar.RenderBlank() // starts the clock: the rate counts from here
	}
	stopped := false
	for _, ch := range r.chunks {
		res := result{chunk: ch, Codes: len(ch.codes), Outcome: outcomeNotSent}
		if !stopped && ctx.Err() == nil {
			r.commission(ctx, c, &res)
			stopped = res.Outcome == outcomeFailed && r.worst == cmdutil.ExitFailure
		}
		if res.Outcome == outcomeNotSent || res.Outcome == outcomeInterrupted {
			r.worst = cmdutil.ExitFailure
		}
		r.results = append(r.results, res)
		if r.bar != nil && res.Outcome != outcomeNotSent && res.Outcome != outcomeInterrupted {
			_ = r.bar.Add(res.Codes)
		}
	}
	if r.bar != nil && !r.bar.IsFinished() {
		fmt.Fprintln(r.f.IO.ErrOut)
	}
	r.interrupted = ctx.Err() != nil
}

// commission sends one event.
func (r *run) commission(ctx context.Context, c *httpledger.Client, res *result) {
	req := model.CommissionRequest{EventHeader: model.EventHeader{EventID: res.EventID, Location: r.location}, DI: r.di, Lot: r.lot, Codes: res.codes}
	rep, err := ledger.Do(ctx, c, nil, ops.Commission, req)
	var qe *ledger.QueuedError
	switch {
	case errors.As(err, &qe):
		res.Outcome = outcomeQueued
	case ctx.Err() != nil:
		res.Outcome = outcomeInterrupted
		r.underway = res.Index
	case err != nil:
		res.Outcome, res.Error = outcomeFailed, cmdutil.LedgerError(err).Error()
		r.fail(*res, exitOf(err))
	case rep.Replayed:
		res.Outcome, res.TxID = outcomeReplayed, rep.Value.TxID
	default:
		res.Outcome, res.TxID = outcomeDone, rep.TxID
	}
}

// exitOf is ExitRejected when the ledger refused the event on its own merits (the next
// event may pass) and ExitFailure for anything that would fail every event alike.
func exitOf(err error) int {
	var ge *httpledger.GatewayError
	if errors.As(err, &ge) && (ge.Status == http.StatusUnauthorized || ge.Status == http.StatusForbidden) {
		return cmdutil.ExitFailure
	}
	return cmdutil.ExitCode(cmdutil.LedgerError(err))
}

func (r *run) fail(res result, code int) {
	where := fmt.Sprintf("event %d of %d (codes %d-%d", res.Index, len(r.chunks), res.First, res.First+res.Codes-1)
	if res.Lines != "" {
		where += ", lines " + res.Lines
	}
	if r.bar != nil {
		_ = r.bar.Clear() // the message gets a line of its own; the bar is drawn again below it
	}
	fmt.Fprintf(r.f.IO.ErrOut, "udi commission: %s): %s\n", where, res.Error)
	if code == cmdutil.ExitFailure || r.worst == 0 {
		r.worst = code
	}
}

// report prints the events and the summary line, and gives the exit status.
func (r *run) report(out cmdutil.Output, plan bool) error {
	if plan {
		for _, ch := range r.chunks {
			r.results = append(r.results, result{chunk: ch, Codes: len(ch.codes), Outcome: outcomePlanned})
		}
	}
	count := map[string]int{}
	for _, res := range r.results {
		count[res.Outcome]++
	}
	summary := Summary{Lot: r.di + "/" + r.lot, Codes: r.total, Events: r.results, Done: count[outcomeDone], Replayed: count[outcomeReplayed],
		Queued: count[outcomeQueued], Failed: count[outcomeFailed], NotSent: count[outcomeNotSent] + count[outcomeInterrupted],
		Interrupted: r.interrupted, UnderWay: r.underway, Seconds: r.elapsed.Seconds()}
	var err error
	if out.JSON() {
		err = cmdutil.WriteJSON(r.f.IO.Out, summary)
	} else {
		t := cmdutil.NewTable(r.f.IO.Out, "EVENT", "CODES", "LINES", "OUTCOME", "EVENT ID", "TX")
		for _, res := range r.results {
			t.Row(fmt.Sprint(res.Index), fmt.Sprint(res.Codes), res.Lines, res.Outcome, res.EventID, res.TxID)
		}
		err = t.Flush()
	}
	if err != nil {
		return err
	}
	fmt.Fprintln(r.f.IO.ErrOut, summary.line(plan))
	if plan || r.worst == 0 {
		return nil
	}
	return &cmdutil.ExitError{Code: r.worst, Err: errors.New(summary.line(false)), Silent: true}
}

// Summary is the outcome of a run, as -o json prints it.
type Summary struct {
	Lot         string   `json:"lot"`
	Codes       int      `json:"codes"`
	Events      []result `json:"events"`
	Done        int      `json:"done"`
	Replayed    int      `json:"replayed"`
	Queued      int      `json:"queued,omitempty"`
	Failed      int      `json:"failed"`
	NotSent     int      `json:"notSent"`
	Interrupted bool     `json:"interrupted,omitempty"`
	// UnderWay is the event that was under way when the run was interrupted (counted as not
	// sent): it may have been recorded.
	UnderWay int     `json:"underWay,omitempty"`
	Seconds  float64 `json:"seconds"`
}

func (s Summary) line(plan bool) string {
	if plan {
		return fmt.Sprintf("commission %s: %d codes in %d events (dry run: nothing sent)", s.Lot, s.Codes, len(s.Events))
	}
	line := fmt.Sprintf("commission %s: %d codes in %d events: %d done, %d replayed, %d failed, %d not sent",
		s.Lot, s.Codes, len(s.Events), s.Done, s.Replayed, s.Failed, s.NotSent)
	if s.Queued > 0 {
		line += fmt.Sprintf(", %d queued by the gateway", s.Queued)
	}
	switch {
	case s.Interrupted && s.UnderWay > 0:
		line += fmt.Sprintf(" (interrupted while event %d was under way: run the same command again to finish)", s.UnderWay)
	case s.Interrupted:
		line += " (interrupted: run the same command again to finish)"
	case s.NotSent > 0:
		line += " (stopped: run the same command again to finish)"
	}
	return line
}
