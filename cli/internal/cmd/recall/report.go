package recall

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"html/template"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"

	"github.com/udiledger/udiledger/chaincode/model"
	"github.com/udiledger/udiledger/chaincode/ops"
	"github.com/udiledger/udiledger/cli/internal/cmdutil"
)

// Report is a recall's export: its scope by holder, the acknowledgements with their times,
// the returns, their receipts by the recalling firm, the destructions and re-works of its
// units with their transactions, each unit done with the event and transaction of its last
// change, and the regulator's effectiveness checks.
type Report struct {
	Recall           model.Recall               `json:"recall"`
	GeneratedAt      string                     `json:"generatedAt"`
	Counts           model.StageCounts          `json:"counts"`
	Quantities       model.StageCounts          `json:"quantities"` // lot-level quantities (no serials)
	Required         int                        `json:"required"`
	Done             int                        `json:"done"`
	Progress         float64                    `json:"progress"`
	Holders          []model.HolderScope        `json:"holders"`
	Acknowledgements []model.Acknowledgement    `json:"acknowledgements"`
	Returns          []Disposal                 `json:"returns"`
	Receipts         []Disposal                 `json:"receipts"` // receipts of returns naming the recall
	Destructions     []Disposal                 `json:"destructions"`
	Reworks          []Disposal                 `json:"reworks"`
	Units            []UnitDone                 `json:"units"` // returned, destroyed or re-worked units
	Checks           []model.EffectivenessCheck `json:"checks"`
}

// UnitDone is a unit the recall counts done, with the event of its last change (for a
// returned unit, the receipt that confirmed it) and that event's transaction.
type UnitDone struct {
	Code    string       `json:"code"`
	Holder  string       `json:"holder"`
	Stage   model.Status `json:"stage"` // returned, destroyed or reworked
	At      string       `json:"at"`
	EventID string       `json:"eventId"`
	EventBy string       `json:"eventBy"`
	TxID    string       `json:"txId"`
}

// Disposal is a return or a destruction of units in the recall's scope.
type Disposal struct {
	EventID string   `json:"eventId"`
	Time    string   `json:"time"`
	By      string   `json:"by"`
	To      string   `json:"to,omitempty"`   // a return's receiver
	From    string   `json:"from,omitempty"` // a receipt's senders
	Reason  string   `json:"reason,omitempty"`
	Codes   []string `json:"codes"` // as the event names them: units or their containers
	Units   int      `json:"units"` // units and lot-level quantities
	// Quantities are the lot-level quantities the event names.
	Quantities []model.QuantityElement `json:"quantities,omitempty"`
	TxID       string                  `json:"txId"`
	// Linked says the event names the recall (its request's recallId); otherwise it was
	// found through the provenance of a unit in the scope.
	Linked bool `json:"linked"`
}

// MaxLookups bounds the provenance reads of one report (returned or destroyed units not
// accounted for by a return that names the recall).
const MaxLookups = 20_000

func newCmdReport(f *cmdutil.Factory) *cobra.Command {
	var g cmdutil.Gateway
	var format, outFile string
	cmd := &cobra.Command{
		Use:   "report ID [-o csv|json|html] [--out FILE]",
		Short: "Export a recall: scope by holder, acknowledgements, returns, destructions, re-works, checks",
		Long: `Report exports a recall for the file: its scope by holder (units in stock, in transit,
dispensed, returned, destroyed, re-worked, quarantined; acknowledged or not) and its lot-level
quantities, the acknowledgements with their times and transactions, the returns, the
recalling firm's receipts of them, the destructions and re-works with their transaction IDs,
each unit done with the event and transaction of its last change, and the regulator's
effectiveness checks.

Events that name the recall are read from the events since it started; returned or destroyed
units they do not account for are looked up through their provenance (at most 20,000), so a
destruction of a whole case is found through its units. A progress bar runs over those
lookups when stderr is a terminal.

-o csv (one row per holder, acknowledgement, return, receipt, destruction, re-work, unit done
and check, the first column saying which), json, or html: a printable page, self-contained (its style inline, no scripts). --out
writes a file (its extension picks the format when -o is not given), else standard output.`,
		Example: `  udi recall report RC-2026-118 --out RC-2026-118.html
  udi recall report RC-2026-118 -o csv > RC-2026-118.csv`,
		Args: cobra.ExactArgs(1),
	}
	cmdutil.AddGatewayFlags(cmd, f, &g)
	cmd.ValidArgsFunction = cmdutil.CompleteFirstArg(&g, cmdutil.RecallIDs)
	cmd.Flags().StringVarP(&format, "output", "o", "", "csv, json or html (default: from --out's extension, else csv)")
	cmd.Flags().StringVar(&outFile, "out", "", "write to this file instead of standard output")
	_ = cmd.RegisterFlagCompletionFunc("output", cobra.FixedCompletions([]string{"csv", "json", "html"}, cobra.ShellCompDirectiveNoFileComp))
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		format, err := reportFormat(format, outFile)
		if err != nil {
			return err
		}
		rep, err := BuildReport(cmd.Context(), f.IO, g, args[0])
		if err != nil {
			return err
		}
		w := f.IO.Out
		var fh *os.File
		if outFile != "" {
			if fh, err = os.OpenFile(filepath.Clean(outFile), os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600); err != nil {
				return err
			}
			w = fh
		}
		err = rep.Write(w, format)
		if fh != nil {
			if cerr := fh.Close(); err == nil {
				err = cerr
			}
		}
		if err != nil {
			return err
		}
		reworks := ""
		if len(rep.Reworks) > 0 {
			reworks = fmt.Sprintf(", %d re-works", len(rep.Reworks))
		}
		fmt.Fprintf(f.IO.ErrOut, "recall %s: %d holders, %d acknowledgements, %d returns, %d destructions%s; progress %.0f %% (%d of %d units back)\n",
			rep.Recall.ID, len(rep.Holders), len(rep.Acknowledgements), len(rep.Returns), len(rep.Destructions), reworks, rep.Progress*100, rep.Done, rep.Required)
		return nil
	}
	return cmd
}

func reportFormat(format, outFile string) (string, error) {
	if format == "" {
		switch strings.ToLower(filepath.Ext(outFile)) {
		case ".html", ".htm":
			return "html", nil
		case ".json":
			return "json", nil
		}
		return "csv", nil
	}
	switch format {
	case "csv", "json", "html":
		return format, nil
	}
	return "", cmdutil.InvalidInput(fmt.Errorf("unknown output format %q: want csv, json or html", format))
}

// BuildReport reads what a report holds from the gateway.
func BuildReport(ctx context.Context, io cmdutil.IOStreams, g cmdutil.Gateway, id string) (*Report, error) {
	st, err := cmdutil.Call(ctx, g, ops.RecallScope, model.ScopeQuery{RecallID: id, Units: true})
	if err != nil {
		return nil, err
	}
	rep := &Report{Recall: st.Recall, GeneratedAt: time.Now().UTC().Format(time.RFC3339), Counts: st.Counts, Quantities: st.Quantities,
		Required: st.Required, Done: st.Done, Progress: st.Progress, Holders: st.Holders,
		Acknowledgements: st.Acknowledgements, Returns: []Disposal{}, Receipts: []Disposal{}, Destructions: []Disposal{},
		Reworks: []Disposal{}, Units: []UnitDone{}, Checks: st.Recall.Checks}
	if rep.Checks == nil {
		rep.Checks = []model.EffectivenessCheck{}
	}
	if rep.Acknowledgements == nil {
		rep.Acknowledgements = []model.Acknowledgement{}
	}
	slices.SortFunc(rep.Acknowledgements, func(a, b model.Acknowledgement) int { return strings.Compare(a.At, b.At) })
	txOf := map[string]string{} // actor, event ID -> transaction
	add := func(e model.Event, linked bool) {
		key := e.Actor + "\x00" + e.EventID
		if _, seen := txOf[key]; seen {
			return
		}
		txOf[key] = e.TxID
		d := Disposal{EventID: e.EventID, Time: e.EventTime, By: e.Actor, Codes: append(e.EPCList, e.ChildEPCs...),
			Quantities: e.QuantityList, TxID: e.TxID, Linked: linked}
		if e.Detail != nil {
			d.To, d.From, d.Reason, d.Units = e.Detail.To, e.Detail.From, e.Detail.Reason, e.Detail.UnitCount
		}
		switch e.BizStep {
		case model.BizStepDestroying:
			rep.Destructions = append(rep.Destructions, d)
		case model.BizStepReceiving:
			rep.Receipts = append(rep.Receipts, d)
		case model.BizStepRepairing:
			rep.Reworks = append(rep.Reworks, d)
		default:
			rep.Returns = append(rep.Returns, d)
		}
	}
	// Returns, their receipts, destructions and re-works that name the recall, from the
	// events since it started.
	returned := 0
	for bookmark := ""; ; {
		page, err := cmdutil.Call(ctx, g, ops.EventsByTime, model.TimeQuery{From: st.Recall.StartedAt, PageQuery: model.PageQuery{PageSize: model.MaxPageSize, Bookmark: bookmark}})
		if err != nil {
			return nil, err
		}
		for _, e := range page.Events {
			if e.Detail == nil || !slices.Contains(strings.Split(e.Detail.RecallID, ","), id) {
				continue
			}
			switch e.BizStep {
			case model.BizStepReturning:
				returned += e.Detail.UnitCount
				add(e, true)
			case model.BizStepReceiving, model.BizStepDestroying, model.BizStepRepairing:
				add(e, true)
			}
		}
		if bookmark = page.NextBookmark(); bookmark == "" {
			break
		}
	}
	// Units returned or destroyed that those do not account for: through their provenance.
	var lookups []string
	for _, h := range st.Holders {
		for _, u := range h.Units {
			if u.Stage == model.StatusDestroyed || (u.Stage == model.StatusReturned && returned < st.Counts.Returned) {
				lookups = append(lookups, u.Code)
			}
		}
	}
	if len(lookups) > MaxLookups {
		fmt.Fprintf(io.ErrOut, "udi recall report: %d units to look up; the report lists the disposals of the first %d\n", len(lookups), MaxLookups)
		lookups = lookups[:MaxLookups]
	}
	var bar *progressbar.ProgressBar
	if io.ErrTerminal && len(lookups) > 0 {
		bar = progressbar.NewOptions(len(lookups), progressbar.OptionSetWriter(io.ErrOut), progressbar.OptionSetDescription("recall "+id),
			progressbar.OptionShowCount(), progressbar.OptionSetItsString("units"), progressbar.OptionThrottle(100*time.Millisecond),
			progressbar.OptionOnCompletion(func() { fmt.Fprintln(io.ErrOut) }))
	}
	for _, code := range lookups {
		p, err := cmdutil.Call(ctx, g, ops.Provenance, model.CodeQuery{Code: code})
		if err != nil {
			return nil, err
		}
		for _, pe := range p.Events {
			e := pe.Event
			if e.EventTime >= st.Recall.StartedAt && (e.BizStep == model.BizStepDestroying || e.BizStep == model.BizStepReturning) {
				add(e, e.Detail != nil && e.Detail.RecallID == id)
			}
		}
		if bar != nil {
			_ = bar.Add(1)
		}
	}
	byTime := func(a, b Disposal) int { return strings.Compare(a.Time, b.Time) }
	for _, l := range [][]Disposal{rep.Returns, rep.Receipts, rep.Destructions, rep.Reworks} {
		slices.SortStableFunc(l, byTime)
	}
	if err := rep.unitsDone(ctx, g, st, txOf); err != nil {
		return nil, err
	}
	return rep, nil
}

// unitsDone lists the returned, destroyed and re-worked units of the scope with the
// transaction of their last change: from the events the report already read, else read
// once per event (query:Event).
func (r *Report) unitsDone(ctx context.Context, g cmdutil.Gateway, st *model.RecallStatus, txOf map[string]string) error {
	for _, h := range st.Holders {
		for _, u := range h.Units {
			switch u.Stage {
			case model.StatusReturned, model.StatusDestroyed, model.StatusReworked:
			default:
				continue
			}
			key := u.EventBy + "\x00" + u.EventID
			tx, ok := txOf[key]
			if !ok && u.EventID != "" {
				ev, err := cmdutil.Call(ctx, g, ops.Event, model.EventIDQuery{EventID: u.EventID, By: u.EventBy})
				if err != nil {
					return err
				}
				tx, txOf[key] = ev.TxID, ev.TxID
			}
			r.Units = append(r.Units, UnitDone{Code: u.Code, Holder: h.Holder, Stage: u.Stage, At: u.At, EventID: u.EventID, EventBy: u.EventBy, TxID: tx})
		}
	}
	slices.SortStableFunc(r.Units, func(a, b UnitDone) int { return strings.Compare(a.At, b.At) })
	return nil
}

// Write writes the report as csv, json or html.
func (r *Report) Write(w io.Writer, format string) error {
	switch format {
	case "json":
		return cmdutil.WriteJSON(w, r)
	case "html":
		return reportPage.Execute(w, r)
	case "csv":
		return cmdutil.WriteCSV(w, csvColumns, r.csvRows())
	}
	return errors.New("unknown format " + format)
}

var csvColumns = []string{"record", "party", "time", "transaction", "event_id", "units", "in_stock", "in_transit",
	"dispensed", "returned", "destroyed", "quarantined", "acknowledged", "to", "note_or_reason", "codes", "reworked"}

// csvRows is the report as one flat table: the first column says what a row is (recall,
// holder, total, quantities, acknowledgement, return, receipt, destruction, rework, unit,
// check).
func (r *Report) csvRows() [][]string {
	itoa := strconv.Itoa
	counts := func(c model.StageCounts) []string {
		return []string{itoa(c.InStock), itoa(c.InTransit), itoa(c.Dispensed), itoa(c.Returned), itoa(c.Destroyed), itoa(c.Quarantined)}
	}
	row := func(cells ...string) []string { return cells }
	rc := r.Recall
	rows := [][]string{row("recall", rc.InitiatedBy, rc.StartedAt, rc.TxID, rc.ID, itoa(r.Counts.Total), "", "", "", "", "", "", "", "",
		fmt.Sprintf("class %s, %s level, %s: %s; progress %.0f %% (%d of %d)", rc.Class, rc.Depth, scopesText(&rc), rc.Reason, r.Progress*100, r.Done, r.Required), "", "")}
	for _, h := range r.Holders {
		rows = append(rows, append(append(row("holder", h.Holder, "", "", "", itoa(h.Counts.Total)), counts(h.Counts)...), yesNo(h.Acknowledged), "", "", "", itoa(h.Counts.Reworked)))
	}
	rows = append(rows, append(append(row("total", "", "", "", "", itoa(r.Counts.Total)), counts(r.Counts)...), "", "", "", "", itoa(r.Counts.Reworked)))
	if q := r.Quantities; q.Total > 0 {
		rows = append(rows, append(append(row("quantities", "", "", "", "", itoa(q.Total)), counts(q)...), "", "", "lot-level goods, no serials", "", ""))
	}
	for _, a := range r.Acknowledgements {
		rows = append(rows, row("acknowledgement", a.MSPID, a.At, a.TxID, "", "", "", "", "", "", "", "", "yes", "", a.Note, "", ""))
	}
	for _, set := range []struct {
		name string
		ds   []Disposal
	}{{"return", r.Returns}, {"receipt", r.Receipts}, {"destruction", r.Destructions}, {"rework", r.Reworks}} {
		for _, d := range set.ds {
			to := d.To
			if set.name == "receipt" {
				to = d.From
			}
			codes := d.Codes
			for _, q := range d.Quantities {
				codes = append(codes, fmt.Sprintf("%s=%d", q.Code, q.Quantity))
			}
			rows = append(rows, row(set.name, d.By, d.Time, d.TxID, d.EventID, itoa(d.Units), "", "", "", "", "", "", "", to, d.Reason, strings.Join(codes, " "), ""))
		}
	}
	for _, u := range r.Units {
		rows = append(rows, row("unit", u.EventBy, u.At, u.TxID, u.EventID, "1", "", "", "", "", "", "", "", u.Holder, string(u.Stage), u.Code, ""))
	}
	for _, c := range r.Checks {
		rows = append(rows, row("check", c.Holder, c.At, c.TxID, "", "", "", "", "", "", "", "", "", c.By,
			fmt.Sprintf("level %s, %s: %s", c.Level, effective(c.Effective), c.Note), "", ""))
	}
	return rows
}

//go:embed report.html
var reportHTML string

var reportPage = template.Must(template.New("report").Funcs(template.FuncMap{
	"percent":   func(p float64) string { return fmt.Sprintf("%.0f %%", p*100) },
	"scope":     func(r model.Recall) string { return scopesText(&r) },
	"yesNo":     yesNo,
	"effective": effective,
	"quantities": func(qs []model.QuantityElement) string {
		out := make([]string, len(qs))
		for i, q := range qs {
			out[i] = fmt.Sprintf("%s × %d", q.Code, q.Quantity)
		}
		return strings.Join(out, " ")
	},
	"join": func(s []string) string { return strings.Join(s, " ") },
	// outstanding: a holder the recall's depth reaches, with recalled units on its shelves or
	// on the way, that has not acknowledged the recall.
	"outstanding": func(h model.HolderScope) bool {
		return h.InDepth && !h.Acknowledged && h.Counts.InStock+h.Counts.InTransit > 0
	},
}).Parse(reportHTML))

func effective(ok bool) string {
	if ok {
		return "effective"
	}
	return "not effective"
}
