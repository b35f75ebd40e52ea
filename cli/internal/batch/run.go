package batch

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/udiledger/udiledger/chaincode/model"
	"github.com/udiledger/udiledger/cli/internal/cmdutil"
	"github.com/udiledger/udiledger/gateway/httpledger"
	"github.com/udiledger/udiledger/gateway/ledger"
)

// Outcomes of one event.
const (
	OutcomeDone     = "done"
	OutcomeReplayed = "replayed"
	OutcomeQueued   = "queued"
	OutcomeFailed   = "failed"
	OutcomeNotSent  = "not sent"
	// OutcomeInterrupted is an event under way when the run was interrupted: the gateway may
	// have recorded it or not; a run again tells (replayed or done).
	OutcomeInterrupted = "interrupted"
	OutcomePlanned     = "planned"
)

// Result is what became of one event.
type Result struct {
	Chunk
	Codes   int    `json:"codes"`
	Outcome string `json:"outcome"`
	TxID    string `json:"txId,omitempty"`
	Units   int    `json:"units,omitempty"` // units the event reached, containers' contents included
	AlertID string `json:"alertId,omitempty"`
	Error   string `json:"error,omitempty"`
}

// Send records one event: the ledger's reply or its error.
type Send func(ctx context.Context, ch Chunk) (*ledger.Reply[model.EventResult], error)

// Run is one run of events over codes and what became of each.
type Run struct {
	IO      cmdutil.IOStreams
	Command string // "commission", "ship"…: messages start with "udi COMMAND:"
	Label   string // what the summary line names: "commission DI/LOT", "ship to MSP"
	Chunks  []Chunk
	Total   int // codes in all
	// Noun is what the items of a chunk are called in the progress bar, the table and the
	// summary line: "codes" unless set ("readings" for a sensor upload).
	Noun string

	Results     []Result
	worst       int // exit code of the worst failure
	interrupted bool
	underway    int                      // the event under way when the run was interrupted
	bar         *progressbar.ProgressBar // nil unless stderr is a terminal
	elapsed     time.Duration
}

// Send submits the events in order. A refusal by the ledger fails that event and the run goes
// on; a gateway that cannot be reached, refuses the key, or an interruption stops it.
func (r *Run) Send(ctx context.Context, send Send) {
	start := time.Now()
	defer func() { r.elapsed = time.Since(start) }()
	if r.IO.ErrTerminal {
		r.bar = progressbar.NewOptions(r.Total,
			progressbar.OptionSetWriter(r.IO.ErrOut),
			progressbar.OptionSetDescription(r.Label),
			progressbar.OptionShowCount(),
			progressbar.OptionShowIts(),
			progressbar.OptionSetItsString(r.noun()),
			progressbar.OptionSetPredictTime(true),
			progressbar.OptionThrottle(100*time.Millisecond),
			progressbar.OptionOnCompletion(func() { fmt.Fprintln(r.IO.ErrOut) }),
		)
		_ = r.bar.RenderBlank() // starts the clock: the rate counts from here
	}
	stopped := false
	for _, ch := range r.Chunks {
		res := Result{Chunk: ch, Codes: len(ch.Codes), Outcome: OutcomeNotSent}
		if !stopped && ctx.Err() == nil {
			r.one(ctx, send, &res)
			stopped = res.Outcome == OutcomeFailed && r.worst == cmdutil.ExitFailure
		}
		if res.Outcome == OutcomeNotSent || res.Outcome == OutcomeInterrupted {
			r.worst = cmdutil.ExitFailure
		}
		r.Results = append(r.Results, res)
		if r.bar != nil && res.Outcome != OutcomeNotSent && res.Outcome != OutcomeInterrupted {
			_ = r.bar.Add(res.Codes)
		}
	}
	if r.bar != nil && !r.bar.IsFinished() {
		fmt.Fprintln(r.IO.ErrOut)
	}
	r.interrupted = ctx.Err() != nil
}

// one sends one event.
func (r *Run) one(ctx context.Context, send Send, res *Result) {
	rep, err := send(ctx, res.Chunk)
	var qe *ledger.QueuedError
	switch {
	case errors.As(err, &qe):
		res.Outcome = OutcomeQueued
	case ctx.Err() != nil:
		res.Outcome = OutcomeInterrupted
		r.underway = res.Index
	case err != nil:
		res.Outcome, res.Error = OutcomeFailed, cmdutil.LedgerError(err).Error()
		r.fail(*res, ExitOf(err))
	case rep.Replayed:
		res.Outcome, res.TxID, res.Units, res.AlertID = OutcomeReplayed, rep.Value.TxID, rep.Value.UnitCount, rep.Value.AlertID
	default:
		res.Outcome, res.TxID, res.Units, res.AlertID = OutcomeDone, rep.TxID, rep.Value.UnitCount, rep.Value.AlertID
	}
}

func (r *Run) noun() string {
	if r.Noun == "" {
		return "codes"
	}
	return r.Noun
}

// ExitOf is ExitRejected when the ledger refused the event on its own merits (the next
// event may pass) and ExitFailure for anything that would fail every event alike.
func ExitOf(err error) int {
	var ge *httpledger.GatewayError
	if errors.As(err, &ge) && (ge.Status == http.StatusUnauthorized || ge.Status == http.StatusForbidden) {
		return cmdutil.ExitFailure
	}
	return cmdutil.ExitCode(cmdutil.LedgerError(err))
}

func (r *Run) fail(res Result, code int) {
	where := fmt.Sprintf("event %d of %d (%s %d-%d", res.Index, len(r.Chunks), r.noun(), res.First, res.First+res.Codes-1)
	if res.Lines != "" {
		where += ", lines " + res.Lines
	}
	if r.bar != nil {
		_ = r.bar.Clear() // the message gets a line of its own; the bar is drawn again below it
	}
	fmt.Fprintf(r.IO.ErrOut, "udi %s: %s): %s\n", r.Command, where, res.Error)
	r.Worse(code)
}

// Worse records a failure with exit code code: a failure to reach the gateway outranks a
// refusal.
func (r *Run) Worse(code int) {
	if code == cmdutil.ExitFailure || r.worst == 0 {
		r.worst = code
	}
}

// Plan fills the results of a dry run: every event planned.
func (r *Run) Plan() {
	for _, ch := range r.Chunks {
		r.Results = append(r.Results, Result{Chunk: ch, Codes: len(ch.Codes), Outcome: OutcomePlanned})
	}
}

// Summary counts the outcomes.
func (r *Run) Summary() Summary {
	count := map[string]int{}
	for _, res := range r.Results {
		count[res.Outcome]++
	}
	return Summary{Label: r.Label, Noun: r.noun(), Codes: r.Total, Events: r.Results, Done: count[OutcomeDone], Replayed: count[OutcomeReplayed],
		Queued: count[OutcomeQueued], Failed: count[OutcomeFailed], NotSent: count[OutcomeNotSent] + count[OutcomeInterrupted],
		Interrupted: r.interrupted, UnderWay: r.underway, Seconds: r.elapsed.Seconds()}
}

// Report prints the events (or, with -o json, the JSON of asJSON, by default the summary),
// then the summary line on standard error, and gives the exit status.
func (r *Run) Report(out cmdutil.Output, plan bool, asJSON func(Summary) any) error {
	s := r.Summary()
	var err error
	if out.JSON() {
		var v any = s
		if asJSON != nil {
			v = asJSON(s)
		}
		err = cmdutil.WriteJSON(r.IO.Out, v)
	} else {
		t := cmdutil.NewTable(r.IO.Out, "EVENT", strings.ToUpper(r.noun()), "LINES", "OUTCOME", "EVENT ID", "TX")
		for _, res := range r.Results {
			t.Row(fmt.Sprint(res.Index), fmt.Sprint(res.Codes), res.Lines, res.Outcome, res.EventID, res.TxID)
		}
		err = t.Flush()
	}
	if err != nil {
		return err
	}
	fmt.Fprintln(r.IO.ErrOut, s.Line(plan))
	return r.Exit(s, plan)
}

// Exit is the run's exit status: nil when every event was recorded.
func (r *Run) Exit(s Summary, plan bool) error {
	if plan || r.worst == 0 {
		return nil
	}
	return &cmdutil.ExitError{Code: r.worst, Err: errors.New(s.Line(false)), Silent: true}
}

// Summary is the outcome of a run, as -o json prints it.
type Summary struct {
	Label       string   `json:"-"`
	Noun        string   `json:"-"`
	Codes       int      `json:"codes"`
	Events      []Result `json:"events"`
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

// Line is the summary line.
func (s Summary) Line(plan bool) string {
	if plan {
		return fmt.Sprintf("%s: %d %s in %d events (dry run: nothing sent)", s.Label, s.Codes, s.noun(), len(s.Events))
	}
	line := fmt.Sprintf("%s: %d %s in %d events: %d done, %d replayed, %d failed, %d not sent",
		s.Label, s.Codes, s.noun(), len(s.Events), s.Done, s.Replayed, s.Failed, s.NotSent)
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

func (s Summary) noun() string {
	if s.Noun == "" {
		return "codes"
	}
	return s.Noun
}
