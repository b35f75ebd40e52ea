// Package epcis implements `udi epcis capture` and `udi epcis query`: EPCIS 2.0 documents sent
// to the gateway's capture interface (POST /epcis/capture, its capture jobs) and the standard's
// SimpleEventQuery (GET /epcis/events), through the REST binding the gateway serves.
package epcis

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"

	"github.com/udiledger/udiledger/chaincode/epcis/hashid"
	"github.com/udiledger/udiledger/cli/internal/cmdutil"
	"github.com/udiledger/udiledger/gateway/api"
	"github.com/udiledger/udiledger/gateway/epcis/xmlbind"
)

// NewCmdEPCIS returns `udi epcis` with its subcommands.
func NewCmdEPCIS(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "epcis <command>",
		Short: "Capture EPCIS 2.0 documents and query events through the REST binding",
		Long: `EPCIS 2.0 through the gateway's REST binding (docs/epcis.md): capture documents your systems
wrote (JSON-LD), and query events with the standard's SimpleEventQuery parameters.`,
	}
	cmd.AddCommand(newCmdCapture(f), newCmdQuery(f))
	return cmd
}

// CaptureOptions are the flags of udi epcis capture.
type CaptureOptions struct {
	Async     bool
	Behaviour string
	Timeout   time.Duration
	Poll      time.Duration
}

// Event outcomes of a capture.
const (
	Captured    = "captured"
	Failed      = "failed"
	NotRecorded = "not recorded" // rolled back, or after the event a job stopped at
	Queued      = "queued"       // kept in the gateway's outbox, recorded when the ledger is back
	Submitted   = "submitted"    // --async: the job runs on
	Refused     = "refused"      // the whole document
	NotSent     = "not sent"
)

// EventResult is what became of one event of a file.
type EventResult struct {
	Index   int    `json:"index"` // 0-based, as the binding's eventIndex
	EventID string `json:"eventID,omitempty"`
	Outcome string `json:"outcome"`
	Detail  string `json:"detail,omitempty"`
}

// FileResult is what became of one file.
type FileResult struct {
	File      string        `json:"file"`
	Outcome   string        `json:"outcome"` // captured, failed (some events), refused, submitted, not sent
	CaptureID string        `json:"captureID,omitempty"`
	Events    []EventResult `json:"events"`
	Error     string        `json:"error,omitempty"`
	exit      int
}

// CaptureReport is what -o json prints.
type CaptureReport struct {
	Files    []FileResult `json:"files"`
	Captured int          `json:"captured"`
	Failed   int          `json:"failed"`
	Other    int          `json:"notRecorded"`
	Refused  int          `json:"filesRefused"`
}

func newCmdCapture(f *cmdutil.Factory) *cobra.Command {
	var o CaptureOptions
	var g cmdutil.Gateway
	var out cmdutil.Output
	cmd := &cobra.Command{
		Use:   "capture FILE|DIR|GLOB...",
		Short: "Capture EPCIS 2.0 documents: files, the documents of a directory, or a glob",
		Long: `Capture sends each EPCIS document to POST /epcis/capture, in the order given (a directory's
*.json, *.jsonld and *.xml files in name order; a glob in quotes is expanded by udi). JSON-LD
is sent as application/ld+json (.jsonld) or application/json; .xml as application/xml (a
gateway that does not read XML answers 415, reported as such).

The binding's capture is asynchronous: the gateway checks the document (a bad one is refused
whole, with the JSON pointer of each schema error) and answers 202 with a capture job that
records each event as its own transaction. udi waits for each job to finish and prints a row
per event (captured, failed with its reason, or not recorded: a rollback, or after the event a
job stopped at); --async prints the capture IDs at once and leaves the jobs running
(GET /epcis/capture/{id}, or udi epcis capture --help).

--error-behaviour rollback (the binding's default: nothing is recorded if any event fails,
checked before writing) or proceed (record what can be). A progress bar runs over the files
when stderr is a terminal; the last line counts events captured, failed and not recorded.
Exit 0 when every event was captured, 3 when an event failed, 2 when a document was refused,
1 when the gateway could not be reached (the files after it are not sent).`,
		Example: `  udi epcis capture shipment-4471.jsonld
  udi epcis capture ./outbox/ --error-behaviour proceed
  udi epcis capture 'exports/2026-12-*.json' --async`,
		Args: cobra.MinimumNArgs(1),
	}
	cmdutil.AddGatewayFlags(cmd, f, &g)
	cmdutil.AddListOutputFlag(cmd, &out)
	cmd.Flags().BoolVar(&o.Async, "async", false, "print each capture job's ID and return; do not wait for the jobs")
	cmd.Flags().StringVar(&o.Behaviour, "error-behaviour", "", "GS1-Capture-Error-Behaviour: rollback (the gateway's default) or proceed")
	cmd.Flags().DurationVar(&o.Timeout, "timeout", 10*time.Minute, "how long to wait for one capture job")
	cmd.Flags().DurationVar(&o.Poll, "poll", 200*time.Millisecond, "how often to ask how a capture job is going")
	_ = cmd.RegisterFlagCompletionFunc("error-behaviour", cobra.FixedCompletions([]string{"rollback", "proceed"}, cobra.ShellCompDirectiveNoFileComp))
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		if err := out.Check(); err != nil {
			return err
		}
		if o.Behaviour != "" && o.Behaviour != "rollback" && o.Behaviour != "proceed" {
			return cmdutil.InvalidInput(fmt.Errorf("--error-behaviour %q: want rollback or proceed", o.Behaviour))
		}
		files, err := Expand(args)
		if err != nil {
			return cmdutil.InvalidInput(err)
		}
		c, err := g.REST()
		if err != nil {
			return err
		}
		rep := o.captureAll(cmd.Context(), f.IO, c, files)
		if err := out.Print(f.IO.Out, rep.list()); err != nil {
			return err
		}
		line := rep.line(o.Async)
		fmt.Fprintln(f.IO.ErrOut, line)
		if code := rep.exit(); code != 0 {
			return &cmdutil.ExitError{Code: code, Err: errors.New(line), Silent: true}
		}
		return nil
	}
	return cmd
}

// documentExts are the files a directory contributes.
var documentExts = []string{".json", ".jsonld", ".xml"}

// Expand turns arguments into files: a file as given, a directory's documents in name order,
// a glob's matches in name order. Each file once; none at all is an error.
func Expand(args []string) ([]string, error) {
	var out []string
	seen := map[string]bool{}
	add := func(p string) {
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	for _, a := range args {
		if strings.ContainsAny(a, "*?[") {
			m, err := filepath.Glob(a)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", a, err)
			}
			if len(m) == 0 {
				return nil, fmt.Errorf("%s: no file matches", a)
			}
			slices.Sort(m)
			for _, p := range m {
				add(p)
			}
			continue
		}
		fi, err := os.Stat(a)
		if err != nil {
			return nil, err
		}
		if !fi.IsDir() {
			add(a)
			continue
		}
		entries, err := os.ReadDir(a)
		if err != nil {
			return nil, err
		}
		n := 0
		for _, e := range entries {
			if e.Type().IsRegular() && slices.Contains(documentExts, strings.ToLower(filepath.Ext(e.Name()))) {
				add(filepath.Join(a, e.Name()))
				n++
			}
		}
		if n == 0 {
			return nil, fmt.Errorf("%s: no .json, .jsonld or .xml file in it", a)
		}
	}
	return out, nil
}

func (o CaptureOptions) captureAll(ctx context.Context, io cmdutil.IOStreams, c *cmdutil.REST, files []string) CaptureReport {
	var bar *progressbar.ProgressBar
	if io.ErrTerminal {
		bar = progressbar.NewOptions(len(files), progressbar.OptionSetWriter(io.ErrOut), progressbar.OptionSetDescription("epcis capture"),
			progressbar.OptionShowCount(), progressbar.OptionSetItsString("files"), progressbar.OptionShowIts(),
			progressbar.OptionThrottle(100*time.Millisecond), progressbar.OptionOnCompletion(func() { fmt.Fprintln(io.ErrOut) }))
		_ = bar.RenderBlank()
	}
	var rep CaptureReport
	stopped := false
	for _, file := range files {
		r := FileResult{File: file, Outcome: NotSent, Events: []EventResult{}}
		if !stopped && ctx.Err() == nil {
			r = o.capture(ctx, c, file)
			stopped = r.exit == cmdutil.ExitFailure
			if r.Error != "" {
				if bar != nil {
					_ = bar.Clear()
				}
				fmt.Fprintf(io.ErrOut, "udi epcis capture: %s: %s\n", file, r.Error)
			}
		} else {
			r.exit = cmdutil.ExitFailure
		}
		rep.Files = append(rep.Files, r)
		if bar != nil {
			_ = bar.Add(1)
		}
	}
	for _, r := range rep.Files {
		if r.Outcome == Refused {
			rep.Refused++
		}
		for _, e := range r.Events {
			switch e.Outcome {
			case Captured, Queued:
				rep.Captured++
			case Failed:
				rep.Failed++
			default:
				rep.Other++
			}
		}
	}
	return rep
}

// capture sends one file and, unless --async, waits for its job.
func (o CaptureOptions) capture(ctx context.Context, c *cmdutil.REST, file string) FileResult {
	r := FileResult{File: file, Events: []EventResult{}}
	fail := func(outcome string, code int, err error) FileResult {
		r.Outcome, r.exit, r.Error = outcome, code, err.Error()
		return r
	}
	body, err := os.ReadFile(filepath.Clean(file))
	if err != nil {
		return fail(Refused, cmdutil.ExitInvalid, err)
	}
	ids := eventIDs(body)
	req := cmdutil.Request{Method: http.MethodPost, Path: "/epcis/capture", Body: body, ContentType: contentType(file), Header: http.Header{}}
	if o.Behaviour != "" {
		req.Header.Set("GS1-Capture-Error-Behaviour", o.Behaviour)
	}
	res, err := c.Do(ctx, req)
	if err != nil {
		return fail(NotSent, cmdutil.ExitFailure, err)
	}
	switch res.Status {
	case http.StatusAccepted:
		var job api.CaptureJob
		if err := json.Unmarshal(res.Body, &job); err != nil || job.CaptureID == "" {
			return fail(Failed, cmdutil.ExitFailure, fmt.Errorf("the gateway's 202 carries no capture job: %s", strings.TrimSpace(string(res.Body))))
		}
		r.CaptureID = job.CaptureID
		if o.Async {
			r.Outcome = Submitted
			for i := range max(job.Events, len(ids)) {
				r.Events = append(r.Events, EventResult{Index: i, EventID: at(ids, i), Outcome: Submitted})
			}
			return r
		}
		done, err := o.wait(ctx, c, res.Header.Get("Location"), job)
		if err != nil {
			return fail(Failed, cmdutil.ExitFailure, fmt.Errorf("capture job %s: %w", job.CaptureID, err))
		}
		return fromJob(r, done, ids)
	case http.StatusOK: // a gateway without a job store answers per event at once
		var cr api.CaptureResult
		if err := json.Unmarshal(res.Body, &cr); err != nil {
			return fail(Failed, cmdutil.ExitFailure, fmt.Errorf("the gateway's answer is not a capture result: %w", err))
		}
		return fromResults(r, cr)
	case http.StatusUnsupportedMediaType:
		return fail(Refused, cmdutil.ExitInvalid, fmt.Errorf("the gateway does not accept %s documents (415): %s", req.ContentType, problemLine(res)))
	}
	var ee *cmdutil.ExitError
	err = res.Problem()
	code := cmdutil.ExitFailure
	if errors.As(err, &ee) {
		code = ee.Code
	}
	outcome := Refused
	if code == cmdutil.ExitFailure || res.Status == http.StatusUnauthorized || res.Status == http.StatusForbidden {
		code, outcome = cmdutil.ExitFailure, NotSent // every file would fare the same
	}
	return fail(outcome, code, err)
}

func problemLine(res *cmdutil.Response) string {
	var p cmdutil.Problem
	if json.Unmarshal(res.Body, &p) == nil && (p.Detail != "" || p.Title != "") {
		return p.Line()
	}
	return strings.TrimSpace(string(res.Body))
}

func contentType(file string) string {
	switch strings.ToLower(filepath.Ext(file)) {
	case ".xml":
		return "application/xml"
	case ".jsonld":
		return "application/ld+json"
	}
	return "application/json"
}

// eventIDs reads the IDs of a document's events (JSON-LD or XML) as the ledger keys them:
// the eventID, else the CBV 2.0 hash ID; nil for a document it cannot read.
func eventIDs(body []byte) []string {
	if x, err := xmlbind.ToJSON(bytes.NewReader(body)); err == nil {
		body = x
	}
	var doc struct {
		Context   any `json:"@context"`
		EPCISBody struct {
			EventList []map[string]any `json:"eventList"`
		} `json:"epcisBody"`
	}
	d := json.NewDecoder(bytes.NewReader(body))
	d.UseNumber()
	if d.Decode(&doc) != nil {
		return nil
	}
	ns := hashid.Namespaces(doc.Context)
	ids := make([]string, len(doc.EPCISBody.EventList))
	for i, e := range doc.EPCISBody.EventList {
		if id, ok := e["eventID"].(string); ok {
			ids[i] = id
		} else if id, err := hashid.IDWith(e, ns); err == nil {
			ids[i] = id
		}
	}
	return ids
}

func at(ids []string, i int) string {
	if i < len(ids) {
		return ids[i]
	}
	return ""
}

// wait polls the job until it is no longer running.
func (o CaptureOptions) wait(ctx context.Context, c *cmdutil.REST, location string, job api.CaptureJob) (api.CaptureJob, error) {
	if location == "" {
		location = "/epcis/capture/" + job.CaptureID
	}
	ctx, cancel := context.WithTimeout(ctx, o.Timeout)
	defer cancel()
	poll := o.Poll
	for job.Running {
		select {
		case <-ctx.Done():
			return job, fmt.Errorf("still running after %s (%d of %d events captured): udi waits no longer; the job goes on", o.Timeout, job.Captured, job.Events)
		case <-time.After(poll):
		}
		poll = min(poll*3/2, 2*time.Second)
		if _, err := c.GetJSON(ctx, location, nil, &job); err != nil {
			return job, err
		}
	}
	return job, nil
}

// fromJob reads a finished job into per-event results: its errors, the events it captured (in
// order: the worker goes through the document event by event), and the rest not recorded.
func fromJob(r FileResult, job api.CaptureJob, ids []string) FileResult {
	failed := map[int]api.CaptureJobError{}
	for _, e := range job.Errors {
		failed[e.EventIndex] = e
	}
	captured := 0
	for i := range max(job.Events, len(ids)) {
		ev := EventResult{Index: i, EventID: at(ids, i)}
		if e, ok := failed[i]; ok {
			ev.Outcome, ev.Detail = Failed, jobErrorLine(e)
			if ev.EventID == "" {
				ev.EventID = e.EventID
			}
		} else if captured < job.Captured {
			ev.Outcome = Captured
			captured++
		} else {
			ev.Outcome = NotRecorded
		}
		r.Events = append(r.Events, ev)
	}
	for _, e := range job.Errors {
		if e.EventIndex < 0 || e.EventIndex >= len(r.Events) { // an error of the job itself
			r.Events = append(r.Events, EventResult{Index: e.EventIndex, EventID: e.EventID, Outcome: Failed, Detail: jobErrorLine(e)})
		}
	}
	r.Outcome = Captured
	if !job.Success || len(job.Errors) > 0 {
		r.Outcome, r.exit = Failed, cmdutil.ExitRejected
	}
	return r
}

func jobErrorLine(e api.CaptureJobError) string {
	s := e.Detail
	if s == "" {
		s = e.Title
	}
	if e.Status != 0 {
		s = strconv.Itoa(e.Status) + " " + s
	}
	return s
}

// fromResults reads a gateway's per-event answer (no job store).
func fromResults(r FileResult, cr api.CaptureResult) FileResult {
	r.Outcome = Captured
	for _, x := range cr.Results {
		ev := EventResult{Index: x.Index, EventID: x.EventID, Outcome: Captured}
		switch {
		case x.Status == http.StatusAccepted:
			ev.Outcome = Queued
		case x.Status >= 300:
			ev.Outcome = Failed
			if x.Problem != nil {
				ev.Detail = strconv.Itoa(x.Status) + " " + x.Problem.Detail
			}
			r.Outcome, r.exit = Failed, cmdutil.ExitRejected
		}
		r.Events = append(r.Events, ev)
	}
	return r
}

func (rep CaptureReport) list() cmdutil.List {
	l := cmdutil.List{Columns: []string{"FILE", "EVENT", "EVENT ID", "OUTCOME", "DETAIL"}, Value: rep}
	for _, f := range rep.Files {
		if len(f.Events) == 0 {
			l.Add(f.File, "", "", f.Outcome, f.Error)
			continue
		}
		for _, e := range f.Events {
			detail := e.Detail
			if f.CaptureID != "" && e.Outcome == Submitted {
				detail = "capture job " + f.CaptureID
			}
			l.Add(f.File, strconv.Itoa(e.Index), e.EventID, e.Outcome, detail)
		}
	}
	return l
}

func (rep CaptureReport) line(async bool) string {
	events := rep.Captured + rep.Failed + rep.Other
	if async {
		jobs := 0
		for _, f := range rep.Files {
			if f.Outcome == Submitted {
				jobs++
			}
		}
		return fmt.Sprintf("epcis capture: %d files: %d capture jobs submitted (%d events), %d files refused, %d not sent", len(rep.Files), jobs, events, rep.Refused, len(rep.Files)-jobs-rep.Refused)
	}
	return fmt.Sprintf("epcis capture: %d files, %d events: %d captured, %d failed, %d not recorded; %d files refused", len(rep.Files), events, rep.Captured, rep.Failed, rep.Other, rep.Refused)
}

// exit is the run's exit status: a gateway that could not be reached first, then a failed
// event, then a refused document.
func (rep CaptureReport) exit() int {
	worst := 0
	for _, f := range rep.Files {
		switch {
		case f.exit == cmdutil.ExitFailure:
			return cmdutil.ExitFailure
		case f.exit == cmdutil.ExitRejected:
			worst = cmdutil.ExitRejected
		case f.exit != 0 && worst == 0:
			worst = f.exit
		}
	}
	return worst
}
