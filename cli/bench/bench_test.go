package bench

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestDriveCountsCallsErrorsAndPercentiles(t *testing.T) {
	var calls atomic.Int64
	l := drive(context.Background(), 4, time.Minute, 100, func(_ context.Context, seq int) error {
		calls.Add(1)
		if seq%10 == 0 {
			return errors.New("refused")
		}
		return nil
	})
	if calls.Load() != 100 || l.Calls != 90 || l.Errors != 10 || l.FirstError != "refused" || l.Clients != 4 {
		t.Fatalf("load %+v after %d calls", l, calls.Load())
	}
	if l.PerSecond <= 0 || l.P50Ms > l.P99Ms || l.P99Ms > l.MaxMs {
		t.Errorf("figures %+v", l)
	}
	if err := failed("scans", l); err == nil || !strings.Contains(err.Error(), "10 of 100 calls failed, first: refused") {
		t.Errorf("failed: %v", err)
	}
}

func TestDriveStopsAtTheDeadlineWithoutCountingCutCalls(t *testing.T) {
	l := drive(context.Background(), 2, 50*time.Millisecond, 0, func(ctx context.Context, _ int) error {
		<-ctx.Done()
		return ctx.Err()
	})
	if l.Errors != 0 || l.Calls != 0 {
		t.Fatalf("calls cut by the end of the run counted: %+v", l)
	}
	if err := failed("scans", l); err == nil || !strings.Contains(err.Error(), "no call finished") {
		t.Errorf("failed: %v", err)
	}
}

func TestQuantileIsTheNearestRank(t *testing.T) {
	var d []time.Duration
	for i := 1; i <= 100; i++ {
		d = append(d, time.Duration(i)*time.Millisecond)
	}
	for q, want := range map[float64]time.Duration{0.5: 50 * time.Millisecond, 0.99: 99 * time.Millisecond, 1: 100 * time.Millisecond, 0: time.Millisecond} {
		if got := quantile(d, q); got != want {
			t.Errorf("quantile %.2f = %s, want %s", q, got, want)
		}
	}
}

func TestCheckComparesFiguresWithTheBackendsTargets(t *testing.T) {
	r := &Report{Backend: "fabric", ScanTxPerS: 160, RatioToTrivial: 0.5, Commission10kS: 0.9, RecallScope100kS: 3}
	got := map[string]TargetResult{}
	for _, tr := range Check(r) {
		got[tr.Figure] = tr
	}
	if len(got) != 4 {
		t.Fatalf("checked %v: a figure the run did not measure must be left out", got)
	}
	for figure, met := range map[string]bool{"scan_tx_per_s": true, "ratio_to_trivial": false, "commission_10k_s": true, "recall_scope_100k_s": false} {
		if got[figure].Met != met {
			t.Errorf("%s: %+v, want met %v", figure, got[figure], met)
		}
	}
	if got["scan_tx_per_s"].Want != "≥ 150" || got["recall_scope_100k_s"].Want != "≤ 2" {
		t.Errorf("wants %+v", got)
	}
}

func TestChartsDrawTheSweep(t *testing.T) {
	ref := Load{PerSecond: 12}
	r := &Report{Backend: "embedded", Profile: "quick", Sweep: []Level{
		{Clients: 1, Scan: Load{PerSecond: 10, P50Ms: 1, P90Ms: 2, P99Ms: 3}, Trivial: &ref},
		{Clients: 8, Scan: Load{PerSecond: 40, P50Ms: 2, P90Ms: 4, P99Ms: 9}, Trivial: &ref},
	}}
	charts := r.Charts()
	tput, ok := charts["bench-throughput-embedded.svg"]
	if !ok || len(tput.Series) != 2 || tput.Categories[1] != "8" || tput.Series[0].Values[1] != 40 {
		t.Fatalf("throughput chart %+v", tput)
	}
	svg := string(tput.SVG())
	if !strings.HasPrefix(svg, "<svg") || strings.Count(svg, "<polyline") != 2 || !strings.Contains(svg, "reference") {
		t.Errorf("svg:\n%s", svg)
	}
	if lat := charts["bench-latency-embedded.svg"]; len(lat.Series) != 3 || lat.Series[2].Values[1] != 9 {
		t.Errorf("latency chart %+v", lat)
	}
}
