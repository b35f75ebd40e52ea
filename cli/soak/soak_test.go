package soak

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestLongestGapCountsTheEdgesOfTheWindow(t *testing.T) {
	t0 := time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC)
	at := func(s float64) time.Time { return t0.Add(time.Duration(s * float64(time.Second))) }
	accepted := []time.Time{at(1), at(2), at(7), at(8)}
	for _, tt := range []struct {
		from, to float64
		want     time.Duration
	}{
		{0, 9, 5 * time.Second},     // 2 → 7
		{3, 6, 3 * time.Second},     // nothing inside: the whole window
		{7.5, 20, 12 * time.Second}, // from the last answer to the end
		{0, 1.5, time.Second},       // start → first
	} {
		if got := longestGap(accepted, at(tt.from), at(tt.to)); got != tt.want {
			t.Errorf("longestGap over %g–%g s = %s, want %s", tt.from, tt.to, got, tt.want)
		}
	}
}

func TestProblemsNameWhatFailedTheSoak(t *testing.T) {
	r := &Report{Sent: 10, Accepted: 10, Committed: 10}
	if p := r.Problems(); len(p) != 0 {
		t.Fatalf("a clean soak has problems: %v", p)
	}
	r.Lost, r.LostIDs = 1, []string{"soak-101-7"}
	r.Duplicated, r.DuplicatedIDs = 2, []string{"soak-101-3"}
	r.Faults = []FaultResult{{Fault: FaultPeer, Target: "peer0.distributor", Error: "not healthy within 2m0s of its restart"}}
	got := strings.Join(r.Problems(), "\n")
	for _, want := range []string{"1 accepted events lost (soak-101-7)", "2 events written twice (soak-101-3)", "peer peer0.distributor: not healthy"} {
		if !strings.Contains(got, want) {
			t.Errorf("problems %q do not say %q", got, want)
		}
	}
}

func TestWriteDocReplacesItsBackendsSectionAndKeepsTheRest(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "reliability.md")
	if err := os.WriteFile(path, []byte("# Reliability\n\n## Embedded engine\nhand-written\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	r := &Report{Backend: Fabric, Sent: 5, Accepted: 5, Committed: 5,
		Memory: []Sample{{At: 0, MiB: map[string]float64{"peer": 100}}, {At: 2, MiB: map[string]float64{"peer": 120}}}}
	if err := r.WriteDoc(path); err != nil {
		t.Fatal(err)
	}
	r.Sent, r.Accepted, r.Committed = 7, 7, 7
	if err := r.WriteDoc(path); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	doc := string(b)
	if !strings.HasPrefix(doc, "# Reliability\n\n## Embedded engine\nhand-written\n") {
		t.Errorf("the hand-written part changed:\n%s", doc)
	}
	if strings.Count(doc, "<!-- soak fabric:") != 1 || !strings.Contains(doc, "| sent | 7 |") || strings.Contains(doc, "| sent | 5 |") {
		t.Errorf("the fabric section was not replaced in place:\n%s", doc)
	}
	svg, err := os.ReadFile(filepath.Join(dir, "images", "soak-memory-fabric.svg"))
	if err != nil || !strings.Contains(string(svg), "<polyline") {
		t.Errorf("memory chart: %v\n%s", err, svg)
	}
}

func TestOptionsRefuseAFaultTheBackendDoesNotHave(t *testing.T) {
	_, err := Options{Backend: Embedded, Faults: []string{FaultPeer}}.withDefaults()
	if err == nil || !strings.Contains(err.Error(), `fault "peer"`) {
		t.Errorf("err = %v, want the unknown fault named", err)
	}
	if _, err := (Options{Backend: Fabric}).withDefaults(); err == nil {
		t.Error("a Fabric soak without the network's run directory was accepted")
	}
}

// TestSoakOnEmbeddedKillsTheGatewayAndLosesNothing runs the real udi binary as the gateway on
// an embedded ledger and kills it (SIGKILL) twice in the middle of its commits.
func TestSoakOnEmbeddedKillsTheGatewayAndLosesNothing(t *testing.T) {
	udi := buildUdi(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	var log strings.Builder
	r, err := Run(ctx, Options{Udi: []string{udi}, WorkDir: t.TempDir(), Log: &log,
		Duration: 25 * time.Second, Rate: 40, Clients: 8, Units: 30, Down: time.Second, Settle: 6 * time.Second})
	if err != nil {
		t.Fatalf("soak: %v\n%s", err, log.String())
	}
	var out strings.Builder
	_ = r.WriteText(&out)
	t.Log(out.String())
	if p := r.Problems(); len(p) > 0 {
		t.Fatalf("soak failed: %v\n%s", p, log.String())
	}
	if len(r.Faults) < 2 {
		t.Errorf("%d gateway kills in 25 s, want 2 or more", len(r.Faults))
	}
	if r.Accepted == 0 || r.Committed != r.Accepted+r.FailedCommitted {
		t.Errorf("sent %d, accepted %d, committed %d (%d given up but committed)", r.Sent, r.Accepted, r.Committed, r.FailedCommitted)
	}
	if peaks := r.Peaks(); peaks["gateway"] == 0 || peaks["soak"] == 0 {
		t.Errorf("memory of the gateway and the soak not sampled: %v", peaks)
	}
}

func buildUdi(t *testing.T) string {
	t.Helper()
	bin, err := BuildUdi(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return bin
}
