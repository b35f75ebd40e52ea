package faults

import (
	"net/http"
	"testing"
	"time"
)

// TestKill9DuringCommits kills the gateway with SIGKILL three times while workers write
// inspections (single and in batches) and a capture job records its events, restarts it on
// the same data directory each time, and has the workers send again, with the same event IDs,
// what got no answer, as a client's retry does. In the end every event answered for is on the
// ledger exactly once, the capture job has recorded each of its events once, and
// `udi ledger verify` finds the ledger intact.
func TestKill9DuringCommits(t *testing.T) {
	dir := t.TempDir()
	w := newScanWorkload(6, 10)
	g := startGateway(t, dir)
	g.seedGoods(w.units())
	doc, captured := captureDocument(100001, 400)
	loc := g.must(http.StatusAccepted, nil, mfr, "POST", "/epcis/capture", doc).header.Get("Location")

	// Each kill comes after this many more events were answered, so that it falls at another
	// point of the commit path each time (in a block, between blocks, in the capture job's
	// check or its recording).
	for round, after := range []int{7, 60, 200} {
		done := make(chan struct{})
		go func() { w.drive(g, nil); close(done) }()
		base := w.acceptedCount()
		for w.acceptedCount() < base+after {
			select {
			case <-done:
				t.Fatalf("the workers stopped before the kill: %v", w.failures)
			case <-time.After(time.Millisecond):
			}
		}
		// The last kill waits for the capture job to be recording its events (it checks
		// all of them first, as rollback asks).
		var j captureJob
		for {
			g.must(http.StatusOK, &j, mfr, "GET", loc, nil)
			if round < 2 || j.Captured >= 50 || !j.Running {
				break
			}
			time.Sleep(5 * time.Millisecond)
		}
		g.kill()
		<-done
		writes, events := w.inFlight()
		g = startGateway(t, dir)
		t.Logf("kill %d: %d events answered so far, %d writes (%d events) in flight without an answer, capture job at %d of %d events "+
			"(running %v); restart to ready in %v", round+1, w.acceptedCount(), writes, events, j.Captured, len(captured), j.Running,
			g.ready.Sub(g.started).Round(time.Millisecond))
	}

	stop := make(chan struct{})
	close(stop)
	start := time.Now()
	w.drive(g, stop) // sends again what is pending, nothing new
	resent := time.Since(start)
	job := waitJob(t, g, loc)
	t.Logf("over the three restarts %d writes (%d events) sent again, %d of those events found already recorded (committed, answer lost); "+
		"the last re-send took %v; capture job done %v after the last restart", w.resent, w.resentEvs, w.replayedOn,
		resent.Round(time.Millisecond), time.Since(g.started).Round(time.Millisecond))

	onLedger := ledgerEvents(t, g)
	t.Run("every event answered for is on the ledger exactly once", func(t *testing.T) {
		if w.acceptedCount() == 0 {
			t.Fatal("no event was answered for")
		}
		w.checkOnLedger(t, onLedger)
	})
	t.Run("the capture job finished and recorded each of its events once", func(t *testing.T) {
		if !job.Success || job.Captured != len(captured) || len(job.Errors) != 0 {
			t.Fatalf("job %+v, want success with %d events captured", job, len(captured))
		}
		for _, id := range captured {
			if onLedger[id] != 1 {
				t.Errorf("captured event %s is on the ledger %d times, want once", id, onLedger[id])
			}
		}
	})
	g.stop()
	t.Run("udi ledger verify finds the ledger intact", func(t *testing.T) {
		out, errOut, code := verifyLedger(t, dir)
		if code != 0 {
			t.Fatalf("exit %d\nstdout %s\nstderr %s", code, out, errOut)
		}
		t.Logf("udi ledger verify: %s", out)
	})
}
