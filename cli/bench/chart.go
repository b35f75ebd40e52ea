package bench

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"github.com/udiledger/udiledger/cli/internal/chart"
)

// Charts are the run's charts: throughput and latency of single scans against clients.
func (r *Report) Charts() map[string]chart.Chart {
	var cats []string
	scan, ref := chart.Series{Name: "UDI scans"}, chart.Series{Name: "reference"}
	p50, p90, p99 := chart.Series{Name: "p50"}, chart.Series{Name: "p90"}, chart.Series{Name: "p99"}
	for _, l := range r.Sweep {
		cats = append(cats, strconv.Itoa(l.Clients))
		scan.Values = append(scan.Values, round(l.Scan.PerSecond, 1))
		if l.Trivial != nil {
			ref.Values = append(ref.Values, round(l.Trivial.PerSecond, 1))
		}
		p50.Values, p90.Values, p99.Values = append(p50.Values, l.Scan.P50Ms), append(p90.Values, l.Scan.P90Ms), append(p99.Values, l.Scan.P99Ms)
	}
	tput := chart.Chart{Title: fmt.Sprintf("Single-scan transactions, %s (%s profile)", r.Backend, r.Profile), XLabel: "concurrent clients",
		YLabel: "committed tx/s", Categories: cats, Series: []chart.Series{scan}}
	if len(ref.Values) == len(cats) {
		tput.Series = append(tput.Series, ref)
	}
	return map[string]chart.Chart{
		"bench-throughput-" + r.Backend + ".svg": tput,
		"bench-latency-" + r.Backend + ".svg": {Title: fmt.Sprintf("Scan commit latency, %s (%s profile)", r.Backend, r.Profile), XLabel: "concurrent clients",
			YLabel: "ms from submit to commit", Categories: cats, Series: []chart.Series{p50, p90, p99}},
	}
}

// WriteCharts writes the run's charts into dir and returns their paths.
func (r *Report) WriteCharts(dir string) ([]string, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, err
	}
	var paths []string
	for name, c := range r.Charts() {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, c.SVG(), 0o600); err != nil {
			return paths, err
		}
		paths = append(paths, p)
	}
	return paths, nil
}
