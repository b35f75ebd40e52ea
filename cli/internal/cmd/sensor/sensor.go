// Package sensor implements `udi sensor upload`: a data logger's CSV export sent as EPCIS
// sensor readings (unit:ReportSensor) for the codes it travelled with; excursions come back
// as alerts.
package sensor

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/udiledger/udiledger/chaincode/model"
	"github.com/udiledger/udiledger/chaincode/ops"
	"github.com/udiledger/udiledger/cli/internal/batch"
	"github.com/udiledger/udiledger/cli/internal/cmd/lists"
	"github.com/udiledger/udiledger/cli/internal/cmdutil"
	"github.com/udiledger/udiledger/gateway/ledger"
)

// Options are the flags of udi sensor upload.
type Options struct {
	Format    Format
	Codes     []string
	CodesFile string
	Device    string
	Location  string
	EventID   string
	Batch     int
	Zone      string
	DryRun    bool
}

// NewCmdSensor returns `udi sensor` with its subcommand.
func NewCmdSensor(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "sensor <command>",
		Short: "Upload a data logger's readings (cold chain)",
	}
	cmd.AddCommand(newCmdUpload(f))
	return cmd
}

func newCmdUpload(f *cmdutil.Factory) *cobra.Command {
	var o Options
	var g cmdutil.Gateway
	var out cmdutil.Output
	cmd := &cobra.Command{
		Use:   "upload FILE --code CODE… | --codes-file FILE",
		Short: "Upload a data logger's CSV export for the codes it travelled with",
		Long: `Upload reads a data logger's CSV export and records its readings as EPCIS sensor reports
(unit:ReportSensor) for the units or containers the logger travelled with (--code, repeated, or
--codes-file, one per line): a case, a pallet's SSCC.

The file: lines before the header row (a logger's preamble: serial number, start time…) and
blank lines are skipped; the header names a time column (time, timestamp, datetime, "date
time", or a date and a time column; --time-column names another) and a value column
(temperature, temp, value, reading; --value-column names another). A unit in the value
column's header sets the unit: "Temperature (°C)", "Temp [°F]", "Temperature(℃)"; else --uom,
else degrees Celsius. Optional "type" and "uom" columns set them per row. The separator is
found from the header (comma, semicolon or tab; with semicolons a decimal comma is read).
Times are RFC 3339, or "YYYY-MM-DD hh:mm[:ss]" in --tz (the machine's zone by default);
--time-layout reads any other form (a Go layout). The whole file is checked first: a bad row
is reported with its line and nothing is sent (exit 2).

Readings go in events of --batch (at most 1,000), one sensor element each with --device as its
deviceID. Event IDs are derived from the file's readings, the codes and the flags: an upload
run again is answered as replayed, not written twice. A reading outside a product's storage
range raises an alert and quarantines what was exposed: the alerts are printed after the
events (exit 0: the upload itself succeeded; udi alerts lists them later).`,
		Example: `  udi sensor upload logger-3.csv --device urn:logger:elitech:RC5-2231 --code '(00)106901234000000017'
  udi sensor upload export.csv --codes-file pallet.txt --tz Asia/Shanghai --value-column 'Probe 1 (°C)'`,
		Args: cobra.ExactArgs(1),
	}
	cmdutil.AddGatewayFlags(cmd, f, &g)
	cmdutil.AddOutputFlag(cmd, &out)
	fl := cmd.Flags()
	fl.StringArrayVar(&o.Codes, "code", nil, "a code the logger travelled with (repeat for more)")
	fl.StringVar(&o.CodesFile, "codes-file", "", "codes the logger travelled with, one per line")
	fl.StringVar(&o.Device, "device", "", "the logger's ID (the sensor element's deviceID), e.g. urn:logger:…")
	fl.StringVar(&o.Location, "location", "", "GLN where the readings were taken")
	fl.StringVar(&o.EventID, "event-id", "", "the events' ID (ID:1, ID:2…); default: derived from the input")
	fl.IntVar(&o.Batch, "batch", maxPerEvent, "readings per event, at most 1,000 (resume with the same value)")
	fl.StringVar(&o.Format.TimeColumn, "time-column", "", "the header of the time column")
	fl.StringVar(&o.Format.ValueColumn, "value-column", "", "the header of the value column")
	fl.StringVar(&o.Format.Type, "type", "", "GS1 measurement type (default gs1:Temperature)")
	fl.StringVar(&o.Format.UOM, "uom", "", "UN/CEFACT unit: CEL, FAH, KEL… (default: the header's, else CEL)")
	fl.StringVar(&o.Format.TimeLayout, "time-layout", "", "Go time layout of the time column, e.g. '02.01.2006 15:04'")
	fl.StringVar(&o.Zone, "tz", "Local", "zone of times without an offset: an IANA name (Asia/Shanghai), UTC or Local")
	fl.BoolVar(&o.DryRun, "dry-run", false, "check the file and print the events; send nothing")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		if err := out.Check(); err != nil {
			return err
		}
		readings, codes, err := o.read(f, args[0])
		if err != nil {
			return cmdutil.InvalidInput(err)
		}
		chunks := o.chunks(readings, codes.Codes)
		r := &batch.Run{IO: f.IO, Command: "sensor upload", Label: "sensor upload " + args[0], Chunks: chunks, Total: len(readings), Noun: "readings"}
		if o.DryRun {
			r.Plan()
			return r.Report(out, true, nil)
		}
		c, err := g.Client()
		if err != nil {
			return err
		}
		r.Send(cmd.Context(), func(ctx context.Context, ch batch.Chunk) (*ledger.Reply[model.EventResult], error) {
			reports := make([]model.SensorReport, 0, len(ch.Codes))
			for _, rd := range readings[ch.First-1 : ch.First-1+len(ch.Codes)] {
				reports = append(reports, rd.SensorReport)
			}
			return ledger.Do(ctx, c, nil, ops.ReportSensor, model.SensorRequest{
				EventHeader: model.EventHeader{EventID: ch.EventID, Location: o.Location}, Codes: codes.Codes,
				SensorElementList: []model.SensorElement{{DeviceID: o.Device, Reports: reports}}})
		})
		alerts, err := raised(cmd.Context(), g, r.Results)
		if err != nil {
			fmt.Fprintf(f.IO.ErrOut, "udi sensor upload: the alerts raised could not be read: %v\n", err)
		}
		exit := r.Report(out, false, func(s batch.Summary) any { return uploadJSON{Summary: s, Readings: s.Codes, Alerts: alerts} })
		if !out.JSON() && len(alerts) > 0 {
			fmt.Fprintln(f.IO.Out)
			if err := (cmdutil.Output{Format: "table"}).Print(f.IO.Out, lists.AlertList(alerts)); err != nil {
				return err
			}
		}
		for _, a := range alerts {
			fmt.Fprintf(f.IO.ErrOut, "udi sensor upload: alert %s (%s): %s\n", a.ID, a.Kind, a.Message)
		}
		return exit
	}
	return cmd
}

// maxPerEvent is the most readings one sensor element holds (model.SensorElement).
const maxPerEvent = 1000

// uploadJSON is what -o json prints: the run and the alerts it raised.
type uploadJSON struct {
	batch.Summary
	Codes    *struct{}     `json:"codes,omitempty"` // hides the summary's count, which is of readings here
	Readings int           `json:"readings"`
	Alerts   []model.Alert `json:"alerts"`
}

// read checks the flags and reads the file and the codes.
func (o *Options) read(f *cmdutil.Factory, path string) ([]Reading, *batch.Codes, error) {
	if o.Batch < 1 || o.Batch > maxPerEvent {
		return nil, nil, fmt.Errorf("--batch %d: want 1 to %d (readings in one sensor element)", o.Batch, maxPerEvent)
	}
	if len(o.Device) > 256 {
		return nil, nil, errors.New("--device: longer than 256 characters")
	}
	if len(o.EventID) > model.MaxEventIDLength-8 {
		return nil, nil, fmt.Errorf("--event-id: longer than %d characters", model.MaxEventIDLength-8)
	}
	zone, err := zoneOf(o.Zone)
	if err != nil {
		return nil, nil, err
	}
	o.Format.Zone = zone
	var codes *batch.Codes
	switch {
	case len(o.Codes) > 0 && o.CodesFile != "":
		return nil, nil, errors.New("give the codes with --code or --codes-file, not both")
	case len(o.Codes) > 0:
		codes = batch.NewCodes("--code", false)
		for _, c := range o.Codes {
			if err := codes.Add(strings.TrimSpace(c), 0); err != nil {
				return nil, nil, err
			}
		}
	case o.CodesFile == "-" && path == "-":
		return nil, nil, errors.New("the readings and the codes cannot both come from standard input")
	case o.CodesFile != "":
		if codes, err = batch.ReadFile(o.CodesFile, f.IO.In); err != nil {
			return nil, nil, err
		}
	default:
		return nil, nil, errors.New("give the codes the logger travelled with: --code CODE (repeated) or --codes-file FILE")
	}
	if codes.Len() > model.MaxEventCodes {
		return nil, nil, fmt.Errorf("%d codes: at most %d per event", codes.Len(), model.MaxEventCodes)
	}
	in, name, err := batch.Open(path, f.IO.In)
	if err != nil {
		return nil, nil, err
	}
	defer in.Close()
	readings, err := Read(in, name, o.Format)
	return readings, codes, err
}

func zoneOf(s string) (*time.Location, error) {
	switch strings.ToLower(s) {
	case "local", "":
		return time.Local, nil
	case "utc":
		return time.UTC, nil
	}
	if t, err := time.Parse("-07:00", s); err == nil {
		return t.Location(), nil
	}
	loc, err := time.LoadLocation(s)
	if err != nil {
		return nil, fmt.Errorf("--tz %q: want an IANA zone name, UTC, Local or an offset such as +08:00", s)
	}
	return loc, nil
}

// chunks puts the readings in events of o.Batch. An event's ID is --event-id (ID:N), else
// "udi:sensor:N:HASH", HASH over the codes, the device, the location and the event's readings:
// the same file uploaded again names the same events.
func (o *Options) chunks(readings []Reading, codes []string) []batch.Chunk {
	n := (len(readings) + o.Batch - 1) / o.Batch
	var out []batch.Chunk
	for i, start := 1, 0; start < len(readings); i, start = i+1, start+o.Batch {
		part := readings[start:min(start+o.Batch, len(readings))]
		items := make([]string, len(part))
		for j, rd := range part {
			items[j] = rd.Time + " " + rd.Type + " " + strconv.FormatFloat(rd.Value, 'g', -1, 64) + " " + rd.UOM
		}
		ch := batch.Chunk{Index: i, First: start + 1, Codes: items, Lines: fmt.Sprintf("%d-%d", part[0].Line, part[len(part)-1].Line)}
		switch {
		case o.EventID != "" && n <= 1:
			ch.EventID = o.EventID
		case o.EventID != "":
			ch.EventID = fmt.Sprintf("%s:%d", o.EventID, i)
		default:
			head := strings.Join(append([]string{"sensor", o.Device, o.Location, strconv.Itoa(i)}, codes...), "\x00")
			ch.EventID = fmt.Sprintf("udi:sensor:%d:%s", i, batch.Hash(head, items))
		}
		out = append(out, ch)
	}
	return out
}

// raised reads the alerts the run's events raised.
func raised(ctx context.Context, g cmdutil.Gateway, results []batch.Result) ([]model.Alert, error) {
	ids := map[string]bool{}
	for _, r := range results {
		if r.AlertID != "" {
			ids[r.AlertID] = true
		}
	}
	out := []model.Alert{}
	if len(ids) == 0 {
		return out, nil
	}
	all, err := lists.ListAlerts(ctx, g)
	if err != nil {
		return out, err
	}
	for _, a := range all {
		if ids[a.ID] {
			out = append(out, a)
		}
	}
	return out, nil
}
