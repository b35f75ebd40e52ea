package bench

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/udiledger/udiledger/cli/bench"
	"github.com/udiledger/udiledger/cli/internal/clitest"
	"github.com/udiledger/udiledger/cli/internal/cmdutil"
)

func runCmd(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	return clitest.Run(t, nil, func(f *cmdutil.Factory) *cobra.Command { return NewCmdBench(f) }, args...)
}

func TestBenchCommand(t *testing.T) {
	t.Run("measures every phase on the embedded engine and prints the JSON object", func(t *testing.T) {
		charts := t.TempDir()
		out, errOut, code := runCmd(t, "--profile", "smoke", "-o", "json", "--charts", charts)
		if code != cmdutil.ExitOK {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		var raw map[string]any
		if err := json.Unmarshal([]byte(out), &raw); err != nil {
			t.Fatalf("not JSON: %v\n%s", err, out)
		}
		for _, k := range []string{"scan_tx_per_s", "trivial_tx_per_s", "ratio_to_trivial", "batched_events_per_s", "commit_p50_ms",
			"commit_p99_ms", "commission_10k_s", "pallet_10k_ship_s", "provenance_p99_ms", "recall_scope_100k_s", "rss_mb", "backend", "machine"} {
			if _, ok := raw[k]; !ok {
				t.Errorf("no %q in the report", k)
			}
		}
		var r bench.Report
		if err := json.Unmarshal([]byte(out), &r); err != nil {
			t.Fatal(err)
		}
		if r.Backend != "embedded" || r.ScanTxPerS <= 0 || r.TrivialTxPerS <= 0 || r.BatchedEventsPerS <= 0 || r.RecallUnits != bench.Smoke.RecallUnits || r.RSSMB["udi"] <= 0 || len(r.Sweep) != len(bench.Smoke.Levels) {
			t.Errorf("report %+v", r)
		}
		if r.ProvenanceEvents < 4 { // commissioned, packed into a case, onto a pallet, shipped, received
			t.Errorf("provenance of a pallet's unit has %d events", r.ProvenanceEvents)
		}
		for _, name := range []string{"bench-throughput-embedded.svg", "bench-latency-embedded.svg"} {
			b, err := os.ReadFile(filepath.Join(charts, name))
			if err != nil || !strings.HasPrefix(string(b), "<svg") {
				t.Errorf("chart %s: %v", name, err)
			}
		}
	})
	t.Run("prints a table through a gateway, and a second run on the same ledger uses new goods", func(t *testing.T) {
		dir := t.TempDir()
		out, errOut, code := runCmd(t, "--profile", "smoke", "--via", "gateway", "--data-dir", dir)
		if code != cmdutil.ExitOK || !strings.Contains(errOut, "gateway http://127.0.0.1:") {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		if !strings.Contains(out, "scan_tx_per_s") || !strings.Contains(out, "single scans against clients") {
			t.Errorf("table:\n%s", out)
		}
		_, errOut, code = runCmd(t, "--profile", "smoke", "--data-dir", dir)
		if code != cmdutil.ExitOK {
			t.Fatalf("second run on the kept ledger: exit %d: %s", code, errOut)
		}
	})
	t.Run("refuses bad flags before it starts", func(t *testing.T) {
		for _, args := range [][]string{{"--backend", "cloud"}, {"--profile", "huge"}, {"--via", "carrier-pigeon"}, {"--run", "7"}, {"-o", "xml"}} {
			_, errOut, code := runCmd(t, args...)
			if code == cmdutil.ExitOK || errOut == "" {
				t.Errorf("%v: exit %d, stderr %q", args, code, errOut)
			}
		}
	})
}
