package bench

import "fmt"

// TargetResult is one target of issue 14 and whether the run met it.
type TargetResult struct {
	Figure string  `json:"figure"` // the Report's JSON name
	Want   string  `json:"want"`   // "≥ 150", "≤ 1"
	Got    float64 `json:"got"`
	Met    bool    `json:"met"`
}

type target struct {
	figure  string
	atLeast bool
	bound   float64
	get     func(*Report) (float64, bool) // false: not measured in this run
}

func figure(v func(*Report) float64) func(*Report) (float64, bool) {
	return func(r *Report) (float64, bool) { x := v(r); return x, x > 0 }
}

// targets per backend: 2 cores, every process on one machine.
var targets = map[string][]target{
	"fabric": {
		{"ratio_to_trivial", true, 0.8, figure(func(r *Report) float64 { return r.RatioToTrivial })},
		{"scan_tx_per_s", true, 150, figure(func(r *Report) float64 { return r.ScanTxPerS })},
		{"batched_events_per_s", true, 2000, figure(func(r *Report) float64 { return r.BatchedEventsPerS })},
		{"batch_commit_p99_ms", false, 1000, figure(func(r *Report) float64 { return r.BatchCommitP99Ms })},
		{"commission_10k_s", false, 1, figure(func(r *Report) float64 { return r.Commission10kS })},
		{"pallet_10k_ship_s", false, 2, figure(func(r *Report) float64 { return r.Pallet10kShipS })},
		{"provenance_p99_ms", false, 50, figure(func(r *Report) float64 { return r.ProvenanceP99Ms })},
		{"recall_scope_100k_s", false, 2, figure(func(r *Report) float64 { return r.RecallScope100kS })},
	},
	"embedded": {
		{"batched_events_per_s", true, 20000, figure(func(r *Report) float64 { return r.BatchedEventsPerS })},
		{"provenance_p99_ms", false, 5, figure(func(r *Report) float64 { return r.ProvenanceP99Ms })},
		{"recall_scope_100k_s", false, 0.3, figure(func(r *Report) float64 { return r.RecallScope100kS })},
		{"rss_mb", false, 500, figure(func(r *Report) float64 { return r.RSSMB["udi"] })},
	},
}

// Check compares a report with its backend's targets; a figure the run did not measure is
// left out.
func Check(r *Report) []TargetResult {
	var out []TargetResult
	for _, t := range targets[r.Backend] {
		got, ok := t.get(r)
		if !ok {
			continue
		}
		res := TargetResult{Figure: t.figure, Got: got}
		if t.atLeast {
			res.Want, res.Met = fmt.Sprintf("≥ %g", t.bound), got >= t.bound
		} else {
			res.Want, res.Met = fmt.Sprintf("≤ %g", t.bound), got <= t.bound
		}
		out = append(out, res)
	}
	return out
}
