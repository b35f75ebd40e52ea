package bench

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"text/tabwriter"
)

// WriteTable prints the report as one table: each figure, its target on this backend and
// whether the run met it; then the sweep.
func (r *Report) WriteTable(out io.Writer) error {
	fmt.Fprintf(out, "udi bench: %s via %s, %s profile, run %d, %.0f s\n", r.Backend, r.Via, r.Profile, r.Run, r.Seconds)
	fmt.Fprintf(out, "machine: %d CPUs (%s), %d MiB, %s, %s, load %s\n\n", r.Machine.CPUs, r.Machine.CPU, r.Machine.MemMB, r.Machine.OS, r.Machine.Go, r.Machine.LoadAvg)
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "FIGURE\tVALUE\tTARGET\t")
	want := map[string]TargetResult{}
	for _, t := range r.Targets {
		want[t.Figure] = t
	}
	row := func(name string, v float64, unit string) {
		if v == 0 {
			return
		}
		t, ok := want[name]
		mark := ""
		if ok {
			mark = t.Want + " met"
			if !t.Met {
				mark = t.Want + " MISSED"
			}
		}
		fmt.Fprintf(tw, "%s\t%s %s\t%s\t\n", name, trim(v), unit, mark)
	}
	row("scan_tx_per_s", r.ScanTxPerS, fmt.Sprintf("tx/s (%d clients)", r.Clients))
	row("trivial_tx_per_s", r.TrivialTxPerS, "tx/s")
	row("ratio_to_trivial", r.RatioToTrivial, "")
	row("commit_p50_ms", r.CommitP50Ms, "ms")
	row("commit_p99_ms", r.CommitP99Ms, "ms")
	row("batched_events_per_s", r.BatchedEventsPerS, "events/s")
	row("batch_commit_p99_ms", r.BatchCommitP99Ms, "ms")
	row("commission_10k_s", r.Commission10kS, "s")
	row("commission_units_per_s", r.CommissionUnitsPerS, "units/s")
	row("pallet_10k_ship_s", r.Pallet10kShipS, "s")
	row("pallet_10k_receive_s", r.Pallet10kReceiveS, "s")
	row("provenance_p50_ms", r.ProvenanceP50Ms, "ms")
	row("provenance_p99_ms", r.ProvenanceP99Ms, fmt.Sprintf("ms (%d events)", r.ProvenanceEvents))
	row("recall_scope_100k_s", r.RecallScope100kS, fmt.Sprintf("s (%d units)", r.RecallUnits))
	for _, k := range slices.Sorted(maps.Keys(r.RSSMB)) {
		name := "rss_mb." + k
		if _, ok := want["rss_mb"]; ok && k == "udi" {
			name = "rss_mb"
		}
		row(name, r.RSSMB[k], "MiB peak")
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(r.Sweep) == 0 {
		return nil
	}
	fmt.Fprintln(out, "\nsingle scans against clients:")
	tw = tabwriter.NewWriter(out, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "clients\tscan tx/s\tp50 ms\tp90 ms\tp99 ms\treference tx/s\treference p99 ms\t")
	for _, l := range r.Sweep {
		ref := "\t"
		if l.Trivial != nil {
			ref = fmt.Sprintf("%s\t%s", trim(l.Trivial.PerSecond), trim(l.Trivial.P99Ms))
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t\n", l.Clients, trim(l.Scan.PerSecond), trim(l.Scan.P50Ms), trim(l.Scan.P90Ms), trim(l.Scan.P99Ms), ref)
	}
	return tw.Flush()
}

// trim prints a figure with at most three significant decimals.
func trim(v float64) string {
	s := fmt.Sprintf("%.3f", v)
	if v >= 100 {
		s = fmt.Sprintf("%.1f", v)
	}
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	return s
}
