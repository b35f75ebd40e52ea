package event

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/udiledger/udiledger/chaincode/model"
	"github.com/udiledger/udiledger/chaincode/ops"
	"github.com/udiledger/udiledger/cli/internal/batch"
	"github.com/udiledger/udiledger/cli/internal/cmdutil"
	"github.com/udiledger/udiledger/gateway/httpledger"
	"github.com/udiledger/udiledger/gateway/ledger"
)

// Scan actions.
const (
	scanReceive = "receive"
	scanShip    = "ship"
	scanVerify  = "verify"
	scanInspect = "inspect"
)

// ScanLine is what became of one scanned line.
type ScanLine struct {
	Line     int      `json:"line"`
	Code     string   `json:"code"` // as read, GS shown as <GS>
	Key      string   `json:"key,omitempty"`
	Outcome  string   `json:"outcome"` // an event's outcome, "invalid", or for verify "sellable"/"not sellable"
	EventID  string   `json:"eventId,omitempty"`
	Error    string   `json:"error,omitempty"`
	Reasons  []string `json:"reasons,omitempty"`
	Sellable *bool    `json:"sellable,omitempty"`
}

// ScanSummary is what -o json prints.
type ScanSummary struct {
	Action string         `json:"action"`
	Lines  []ScanLine     `json:"lines"`
	Bad    int            `json:"bad"`
	Events *batch.Summary `json:"events,omitempty"` // receive and ship
}

const outcomeInvalid = "invalid"

type scanOptions struct {
	Options
	Action string
	GS     string
}

// NewCmdScan returns `udi scan`.
func NewCmdScan(f *cmdutil.Factory) *cobra.Command {
	var o scanOptions
	var g cmdutil.Gateway
	var out cmdutil.Output
	cmd := &cobra.Command{
		Use:   "scan --action receive|ship|verify|inspect [--to MSP] [-f FILE|-]",
		Short: "Record what a scanner read, line by line",
		Long: `Scan reads what a barcode scanner sent, one read per line, from -f FILE or standard input
("-" or no -f): GS1 element strings with or without a symbology identifier (]d2, ]C1, ]Q3,
]e0…), with the GS separator as a real 0x1D byte or as a visible substitute named by --gs
(--gs '<GS>', --gs '^'), and every other form udi parse reads. Blank lines and # comments
are skipped.

A line that does not parse, or reads a code an earlier line already read, is reported with
its line number and left out; the other lines go on. Then, by --action:
  receive, ship  the codes are received, or shipped --to a party, in events of at most
                 10,000 codes with IDs derived from the input, as udi receive and udi ship do
                 (a run again replays what was recorded)
  verify         each code is checked (may it be sold or dispensed?); nothing is recorded
  inspect        each read is recorded as a verification scan (unknown codes and clones raise
                 alerts), its event ID derived from the input and the line

One row per line is printed: its outcome, and the event or the error. The exit status is 0
when every line was good and done, 2 when a line was bad, 3 when the ledger refused an event
or a verified code may not be sold, 1 when the gateway could not be reached.`,
		Example: `  udi scan --action receive -f dock-3.txt --gs '^'
  udi scan --action ship --to HospitalOrgMSP < gun.txt
  udi scan --action verify -f returns.txt -o json`,
		Args: cobra.NoArgs,
	}
	cmdutil.AddGatewayFlags(cmd, f, &g)
	cmdutil.AddOutputFlag(cmd, &out)
	fl := cmd.Flags()
	fl.StringVar(&o.Action, "action", "", "receive, ship, verify or inspect (required)")
	fl.StringVar(&o.To, "to", "", "MSP ID of the receiving party (--action ship)")
	_ = cmd.RegisterFlagCompletionFunc("to", cmdutil.Complete(&g, cmdutil.PartyIDs))
	_ = cmd.RegisterFlagCompletionFunc("action", cobra.FixedCompletions([]string{"receive", "ship", "verify", "inspect"}, cobra.ShellCompDirectiveNoFileComp))
	fl.StringVarP(&o.File, "file", "f", "", `scanner lines ("-" or none: standard input)`)
	fl.StringVar(&o.GS, "gs", "", `what stands for the GS separator in the lines, e.g. '<GS>' or '^'`)
	fl.StringVar(&o.Location, "location", "", "GLN of the site")
	fl.IntVar(&o.Chunk, "chunk", model.MaxEventCodes, "codes per event (receive, ship), at most 10,000")
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		if err := out.Check(); err != nil {
			return err
		}
		k, err := o.check()
		if err != nil {
			return cmdutil.InvalidInput(err)
		}
		codes, lines, err := o.read(f)
		if err != nil {
			return cmdutil.InvalidInput(err)
		}
		for _, l := range lines {
			fmt.Fprintf(f.IO.ErrOut, "udi scan: %s:%d: %s\n", codes.Source, l.Line, l.Error)
		}
		c, err := g.Client()
		if err != nil {
			return err
		}
		s := &scanRun{f: f, o: &o, codes: codes, bad: len(lines), lines: lines}
		switch o.Action {
		case scanReceive, scanShip:
			s.events(cmd.Context(), c, k)
		default:
			s.each(cmd.Context(), c)
		}
		return s.report(out)
	}
	return cmd
}

func (o *scanOptions) check() (kind, error) {
	var k kind
	switch o.Action {
	case scanReceive, scanShip:
		for _, x := range kinds {
			if x.name == o.Action {
				k = x
			}
		}
	case scanVerify, scanInspect:
	case "":
		return k, errors.New("--action is required: receive, ship, verify or inspect")
	default:
		return k, fmt.Errorf("--action %q: want receive, ship, verify or inspect", o.Action)
	}
	if (o.Action == scanShip) != (o.To != "") {
		return k, errors.New("--to goes with --action ship, and --action ship needs it")
	}
	if o.Chunk < 1 || o.Chunk > model.MaxEventCodes {
		return k, fmt.Errorf("--chunk %d: want 1 to %d (the ledger's limit per event)", o.Chunk, model.MaxEventCodes)
	}
	return k, nil
}

// read reads the scanner lines: the good codes (GS restored) with their lines, and a row for
// each bad line.
func (o *scanOptions) read(f *cmdutil.Factory) (*batch.Codes, []ScanLine, error) {
	in, name, err := batch.Open(o.File, f.IO.In)
	if err != nil {
		return nil, nil, err
	}
	defer in.Close()
	codes := batch.NewCodes(name, true)
	var bad []ScanLine
	err = batch.Lines(in, name, func(s string, n int) error {
		if o.GS != "" {
			s = strings.ReplaceAll(s, o.GS, "\x1d")
		}
		if err := codes.Add(s, n); err != nil {
			_, msg, _ := strings.Cut(err.Error(), fmt.Sprintf("%s:%d: ", name, n))
			bad = append(bad, ScanLine{Line: n, Code: batch.Printable(s), Outcome: outcomeInvalid, Error: msg})
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	if codes.Len() == 0 && len(bad) == 0 {
		return nil, nil, fmt.Errorf("%s: no scans", name)
	}
	return codes, bad, nil
}

type scanRun struct {
	f     *cmdutil.Factory
	o     *scanOptions
	codes *batch.Codes
	lines []ScanLine
	bad   int
	run   *batch.Run
	worst int
}

func (s *scanRun) worse(code int) {
	if code == cmdutil.ExitFailure || s.worst == 0 || (s.worst == cmdutil.ExitInvalid && code == cmdutil.ExitRejected) {
		s.worst = code
	}
}

// events receives or ships the good codes in events, and gives each line its event's outcome.
func (s *scanRun) events(ctx context.Context, c *httpledger.Client, k kind) {
	if s.codes.Len() == 0 {
		return
	}
	s.run = &batch.Run{IO: s.f.IO, Command: "scan", Label: s.o.label(k), Chunks: s.o.chunks(kind{name: "scan-" + k.name}, s.codes), Total: s.codes.Len()}
	s.run.Send(ctx, func(ctx context.Context, ch batch.Chunk) (*ledger.Reply[model.EventResult], error) {
		return k.send(ctx, c, &s.o.Options, model.EventHeader{EventID: ch.EventID, Location: s.o.Location}, ch.Codes, nil)
	})
	i := 0
	for _, res := range s.run.Results {
		for range res.Codes {
			s.lines = append(s.lines, ScanLine{Line: s.codes.Lines[i], Code: batch.Printable(s.codes.Codes[i]), Outcome: res.Outcome, EventID: res.EventID, Error: res.Error})
			i++
		}
	}
}

// each verifies or inspects the good codes one by one.
func (s *scanRun) each(ctx context.Context, c *httpledger.Client) {
	day := time.Now().UTC().Format("2006-01-02")
	all := batch.Hash(day+"\x00"+s.o.Location, s.codes.Codes)
	for i, code := range s.codes.Codes {
		l := ScanLine{Line: s.codes.Lines[i], Code: batch.Printable(code)}
		if ctx.Err() != nil {
			l.Outcome = batch.OutcomeNotSent
			s.worse(cmdutil.ExitFailure)
			s.lines = append(s.lines, l)
			continue
		}
		var v model.Verification
		var err error
		if s.o.Action == scanVerify {
			var r *ledger.Reply[model.Verification]
			if r, err = ledger.Do(ctx, c, nil, ops.Verify, model.CodeQuery{Code: code}); err == nil {
				v, l.Outcome = *r.Value, "checked"
			}
		} else {
			l.EventID = fmt.Sprintf("udi:scan-inspect:%s:%s:%d", day, all, l.Line)
			var r *ledger.Reply[model.InspectResult]
			if r, err = ledger.Do(ctx, c, nil, ops.Inspect, model.InspectRequest{EventHeader: model.EventHeader{EventID: l.EventID, Location: s.o.Location}, Code: code}); err == nil {
				v, l.Outcome = r.Value.Verification, batch.OutcomeDone
				if r.Value.Replayed {
					l.Outcome = batch.OutcomeReplayed
				}
			}
		}
		if err != nil {
			l.Outcome, l.Error = batch.OutcomeFailed, cmdutil.LedgerError(err).Error()
			s.worse(batch.ExitOf(err))
		} else {
			sellable := v.Sellable
			l.Key, l.Sellable, l.Reasons = v.Key, &sellable, v.Reasons
			if s.o.Action == scanVerify && !sellable {
				s.worse(cmdutil.ExitRejected)
			}
		}
		s.lines = append(s.lines, l)
	}
}

// report prints a row per line in line order, the summary, and gives the exit status.
func (s *scanRun) report(out cmdutil.Output) error {
	sortLines(s.lines)
	if s.bad > 0 {
		s.worse(cmdutil.ExitInvalid)
	}
	sum := ScanSummary{Action: s.o.Action, Lines: s.lines, Bad: s.bad}
	var runErr error
	if s.run != nil {
		ev := s.run.Summary()
		sum.Events = &ev
		if runErr = s.run.Exit(ev, false); runErr != nil {
			s.worse(cmdutil.ExitCode(runErr))
		}
	}
	var err error
	if out.JSON() {
		err = cmdutil.WriteJSON(s.f.IO.Out, sum)
	} else {
		t := cmdutil.NewTable(s.f.IO.Out, "LINE", "CODE", "OUTCOME", "SELLABLE", "EVENT ID / ERROR")
		for _, l := range s.lines {
			sellable := ""
			if l.Sellable != nil {
				sellable = map[bool]string{true: "yes", false: "no: " + strings.Join(l.Reasons, "; ")}[*l.Sellable]
			}
			detail := l.EventID
			if l.Error != "" {
				detail = l.Error
			}
			t.Row(fmt.Sprint(l.Line), l.Code, l.Outcome, sellable, detail)
		}
		err = t.Flush()
	}
	if err != nil {
		return err
	}
	line := fmt.Sprintf("scan %s: %d lines, %d bad", s.o.Action, len(s.lines), s.bad)
	if s.run != nil {
		line += "; " + sum.Events.Line(false)
	}
	fmt.Fprintln(s.f.IO.ErrOut, line)
	if s.worst == 0 {
		return nil
	}
	return &cmdutil.ExitError{Code: s.worst, Err: errors.New(line), Silent: true}
}

func sortLines(l []ScanLine) {
	slices.SortStableFunc(l, func(a, b ScanLine) int { return cmp.Compare(a.Line, b.Line) })
}
