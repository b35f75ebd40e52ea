package soak

import (
	"bytes"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/udiledger/udiledger/cli/bench"
	"github.com/udiledger/udiledger/cli/internal/chart"
)

// Report is what a soak saw. Times are seconds.
type Report struct {
	Backend string    `json:"backend"`
	Started time.Time `json:"started"`
	Seconds float64   `json:"seconds"` // how long the load ran
	// Duration is the soak's duration as asked (Seconds is as it ran).
	Duration float64 `json:"duration"`
	Rate     float64 `json:"rate"`
	Clients  int     `json:"clients"`
	Units    int     `json:"units"`
	Down     float64 `json:"down"`
	Settle   float64 `json:"settle"`
	Run      int     `json:"run"`
	Lot      string  `json:"lot"`

	Sent      int `json:"sent"`      // events the scanners sent, each with its own event ID
	Accepted  int `json:"accepted"`  // answered 2xx, or 202 (queued by the gateway)
	Committed int `json:"committed"` // of the sent events, on the ledger
	Lost      int `json:"lost"`      // accepted and not on the ledger: must be 0
	// Duplicated counts the extra copies of events on the ledger more than once: must be 0.
	Duplicated int `json:"duplicated"`
	// Failed counts the scans their scanner gave up on (their outcome unknown to it);
	// FailedCommitted of them reached the ledger all the same.
	Failed          int `json:"failed"`
	FailedCommitted int `json:"failedCommitted"`
	// Unexpected counts the run's events on the ledger that no scanner sent.
	Unexpected int `json:"unexpected"`

	LongestStall float64       `json:"longestStall"`
	Faults       []FaultResult `json:"faults"`
	Memory       []Sample      `json:"memory"`
	Machine      bench.Machine `json:"machine"`

	LostIDs       []string `json:"lostIds,omitempty"`
	DuplicatedIDs []string `json:"duplicatedIds,omitempty"`
	Errors        []string `json:"errors,omitempty"` // the first scans given up, and why
}

func readMachine() bench.Machine { return bench.ReadMachine() }

// Passed reports whether nothing accepted was lost, nothing written twice, and every fault
// recovered.
func (r *Report) Passed() bool { return len(r.Problems()) == 0 }

// Problems says what failed the soak.
func (r *Report) Problems() []string {
	var out []string
	if r.Lost > 0 {
		out = append(out, fmt.Sprintf("%d accepted events lost (%s)", r.Lost, firstOf(r.LostIDs)))
	}
	if r.Duplicated > 0 {
		out = append(out, fmt.Sprintf("%d events written twice (%s)", r.Duplicated, firstOf(r.DuplicatedIDs)))
	}
	if r.Unexpected > 0 {
		out = append(out, fmt.Sprintf("%d events on the ledger that no scanner sent", r.Unexpected))
	}
	if r.Accepted == 0 {
		out = append(out, "no event was accepted")
	}
	for _, f := range r.Faults {
		if f.Error != "" {
			out = append(out, fmt.Sprintf("%s %s: %s", f.Fault, f.Target, f.Error))
		}
	}
	return out
}

func firstOf(ids []string) string {
	if len(ids) > 5 {
		return strings.Join(ids[:5], ", ") + ", …"
	}
	return strings.Join(ids, ", ")
}

// Peaks is the largest resident memory of each kind of process over the soak, in MiB.
func (r *Report) Peaks() map[string]float64 {
	out := map[string]float64{}
	for _, s := range r.Memory {
		for k, v := range s.MiB {
			out[k] = max(out[k], v)
		}
	}
	return out
}

// WriteText prints the report for a terminal.
func (r *Report) WriteText(w io.Writer) error {
	var b bytes.Buffer
	fmt.Fprintf(&b, "soak on %s: %.0f s, %.0f scans/s offered by %d clients over %d units (run %d)\n\n",
		r.Backend, r.Seconds, r.Rate, r.Clients, r.Units, r.Run)
	fmt.Fprintf(&b, "  sent        %d\n  accepted    %d\n  committed   %d\n  lost        %d\n  duplicated  %d\n",
		r.Sent, r.Accepted, r.Committed, r.Lost, r.Duplicated)
	fmt.Fprintf(&b, "  given up    %d (of which on the ledger: %d)\n  longest stall %.1f s\n\n", r.Failed, r.FailedCommitted, r.LongestStall)
	b.WriteString(r.faultTable())
	peaks := r.Peaks()
	fmt.Fprintf(&b, "\npeak memory (MiB):")
	for _, k := range slices.Sorted(maps.Keys(peaks)) {
		fmt.Fprintf(&b, " %s %.0f", k, peaks[k])
	}
	b.WriteString("\n")
	for _, e := range r.Errors {
		fmt.Fprintf(&b, "given up: %s\n", e)
	}
	if p := r.Problems(); len(p) > 0 {
		fmt.Fprintf(&b, "\nFAILED: %s\n", strings.Join(p, "; "))
	} else {
		b.WriteString("\npassed: nothing accepted was lost, nothing written twice, every fault recovered\n")
	}
	_, err := w.Write(b.Bytes())
	return err
}

// faultTable is the faults as a Markdown table (also legible in a terminal).
func (r *Report) faultTable() string {
	var b strings.Builder
	b.WriteString("| at (s) | fault | process | down (s) | recovered after restart (s) | longest stall (s) | scans given up |\n")
	b.WriteString("|---:|---|---|---:|---:|---:|---:|\n")
	for _, f := range r.Faults {
		rec := strconv.FormatFloat(f.Recovered, 'f', 1, 64)
		if f.Error != "" {
			rec = "not: " + f.Error
		}
		fmt.Fprintf(&b, "| %.0f | %s | %s | %.1f | %s | %.1f | %d |\n", f.At, f.Fault, f.Target, f.Down, rec, f.Stall, f.Failed)
	}
	return b.String()
}

// MemoryChart draws the memory of each kind of process over the soak.
func (r *Report) MemoryChart() chart.Chart {
	kinds := slices.Sorted(maps.Keys(r.Peaks()))
	c := chart.Chart{Title: "Resident memory during the soak, " + r.Backend,
		XLabel: "seconds since the start", YLabel: "MiB (largest of each kind)"}
	series := make([]chart.Series, len(kinds))
	for i, k := range kinds {
		series[i].Name = k
	}
	for _, s := range r.Memory {
		c.Categories = append(c.Categories, strconv.FormatFloat(s.At, 'f', 0, 64))
		for i, k := range kinds {
			series[i].Values = append(series[i].Values, s.MiB[k]) // 0 while the process is down
		}
	}
	c.Series = series
	return c
}

// Section is the report as a Markdown section for docs/reliability.md; chartPath is the
// memory chart's path relative to that file.
func (r *Report) Section(chartPath string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Soak of %s, %.0f s on the **%s** backend (`%s`), %.0f scans/s offered by %d clients over %d units; "+
		"each fault kept down %.0f s, %.0f s of quiet between faults. Machine: %d CPUs, %s, load %s.\n\n",
		r.Started.Format("2006-01-02 15:04 UTC"), r.Seconds, r.Backend, r.command(), r.Rate, r.Clients, r.Units,
		r.Down, r.Settle, r.Machine.CPUs, r.Machine.Go, r.Machine.LoadAvg)
	b.WriteString("| events | count |\n|---|---:|\n")
	fmt.Fprintf(&b, "| sent | %d |\n| accepted (2xx or 202) | %d |\n| committed | %d |\n| **lost** (accepted, not on the ledger) | **%d** |\n"+
		"| **duplicated** (on the ledger twice) | **%d** |\n| given up by the scanner | %d (on the ledger all the same: %d) |\n\n",
		r.Sent, r.Accepted, r.Committed, r.Lost, r.Duplicated, r.Failed, r.FailedCommitted)
	fmt.Fprintf(&b, "Longest stall of the writes (no scan accepted): %.1f s.\n\n", r.LongestStall)
	b.WriteString(r.faultTable())
	peaks := r.Peaks()
	var mem []string
	for _, k := range slices.Sorted(maps.Keys(peaks)) {
		mem = append(mem, fmt.Sprintf("%s %.0f", k, peaks[k]))
	}
	fmt.Fprintf(&b, "\nPeak resident memory (MiB): %s.\n\n", strings.Join(mem, ", "))
	if chartPath != "" {
		fmt.Fprintf(&b, "![Memory of each kind of process during the soak](%s)\n\n", chartPath)
	}
	if p := r.Problems(); len(p) > 0 {
		fmt.Fprintf(&b, "**Failed:** %s\n", strings.Join(p, "; "))
	} else {
		b.WriteString("Passed: nothing accepted was lost, nothing written twice, every fault recovered.\n")
	}
	return b.String()
}

func (r *Report) command() string {
	return fmt.Sprintf("udi soak --backend %s --duration %s", r.Backend, time.Duration(r.Duration*float64(time.Second)).Round(time.Second))
}

// WriteDoc writes the report's section into the Markdown file at path, between the markers
// of its backend (added at the end the first time), and its memory chart beside it in
// images/soak-memory-<backend>.svg; the rest of the file is kept.
func (r *Report) WriteDoc(path string) error {
	chartRel := filepath.Join("images", "soak-memory-"+r.Backend+".svg")
	if err := os.MkdirAll(filepath.Join(filepath.Dir(path), "images"), 0o750); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(filepath.Dir(path), chartRel), r.MemoryChart().SVG(), 0o600); err != nil {
		return err
	}
	doc, err := os.ReadFile(path) // #nosec G304 -- the file the user named
	if err != nil && !os.IsNotExist(err) {
		return err
	}
	return os.WriteFile(path, replaceSection(doc, r.Backend, r.Section(chartRel)), 0o600) // #nosec G703 -- the file the user named
}

// replaceSection puts body between the markers of backend in doc.
func replaceSection(doc []byte, backend, body string) []byte {
	begin := "<!-- soak " + backend + ": written by udi soak --doc; do not edit -->\n"
	end := "<!-- end of soak " + backend + " -->\n"
	s := string(doc)
	i, j := strings.Index(s, begin), strings.Index(s, end)
	if i < 0 || j < i {
		if s != "" && !strings.HasSuffix(s, "\n\n") {
			s = strings.TrimRight(s, "\n") + "\n\n"
		}
		return []byte(s + begin + body + end)
	}
	return []byte(s[:i] + begin + body + s[j:])
}
