package faults

import (
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestFullDisk lets the gateway's files grow no further while it takes writes (a file size
// limit, RLIMIT_FSIZE, set on the running process: writes past it fail with EFBIG, as they
// fail with ENOSPC on a full disk). Each write is answered at once, either recorded or 507
// ledger-storage-full; the capture job waits; nothing is half-written: after a restart without
// the limit the ledger verifies, every write answered 2xx is there once and none answered 507
// is, and the refused writes, sent again, are recorded.
func TestFullDisk(t *testing.T) {
	dir := t.TempDir()
	w := newScanWorkload(1, 10)
	g := startGateway(t, dir)
	g.seedGoods(w.units())
	// The job is accepted before the limit: its store is a file of its own, and the point is
	// the ledger's. It has barely started (it checks its 300 events first) when the limit
	// comes.
	doc, captured := captureDocument(200001, 300)
	loc := g.must(http.StatusAccepted, nil, mfr, "POST", "/epcis/capture", doc).header.Get("Location")
	st, err := os.Stat(filepath.Join(dir, "ledger", "ledger.db"))
	if err != nil {
		t.Fatal(err)
	}
	if err := limitFileSize(g.cmd.Process.Pid, uint64(st.Size())); err != nil {
		t.Fatal(err)
	}

	// Writes until the ledger's file must grow, then a few more.
	sent, firstRefused := 0, -1
	for n := 0; n < 5000 && (firstRefused < 0 || n < firstRefused+6); n++ {
		if !w.send(g, w.next(0, n)) {
			t.Fatalf("write %d got no answer; stderr:\n%s", n, g.log())
		}
		sent++
		if firstRefused < 0 && len(w.refused) > 0 {
			firstRefused = n
		}
	}
	t.Run("a write the ledger cannot store is answered 507 ledger-storage-full, at once", func(t *testing.T) {
		if len(w.failures) > 0 || firstRefused < 0 {
			t.Fatalf("after %d writes: %d refused for storage, other answers %v", sent, len(w.refused), w.failures)
		}
		t.Logf("%d writes, the first refused for storage was write %d; %d events accepted, %d refused", sent, firstRefused,
			len(w.accepted), len(w.refused))
	})
	t.Run("reads still work and the capture job waits", func(t *testing.T) {
		g.must(http.StatusOK, nil, reg, "GET", "/v1/trace?code="+unitCode(1), nil)
		if !g.waitLog(2*time.Minute, `"msg":"capture jobs: run"`, "storage full; the job waits") {
			t.Fatalf("the capture job never met the full ledger; log:\n%s", g.log())
		}
		var j captureJob
		g.must(http.StatusOK, &j, mfr, "GET", loc, nil)
		if !j.Running || len(j.Errors) != 0 {
			t.Fatalf("capture job %+v, want it running without errors", j)
		}
	})
	g.stop()
	t.Run("the ledger left behind verifies", func(t *testing.T) {
		if out, errOut, code := verifyLedger(t, dir); code != 0 {
			t.Fatalf("exit %d\nstdout %s\nstderr %s", code, out, errOut)
		}
	})

	g = startGateway(t, dir)
	before := ledgerEvents(t, g)
	t.Run("nothing refused was written, everything accepted was, once", func(t *testing.T) {
		for id := range w.refused {
			if before[id] != 0 {
				t.Errorf("event %s was refused for storage and is on the ledger %d times", id, before[id])
			}
		}
		w.checkOnLedger(t, before)
	})
	refused := len(w.refused)
	for _, wr := range w.refusedWr {
		w.send(g, wr)
	}
	for n := 0; n < 4; n++ {
		w.send(g, w.next(0, n))
	}
	job := waitJob(t, g, loc)
	after := ledgerEvents(t, g)
	t.Run("writes work again: the refused ones sent again are recorded once", func(t *testing.T) {
		if len(w.refused) != 0 {
			t.Fatalf("%d events refused again", len(w.refused))
		}
		w.checkOnLedger(t, after)
		t.Logf("%d refused events sent again and recorded", refused)
	})
	t.Run("the capture job finished once there was room", func(t *testing.T) {
		if !job.Success || job.Captured != len(captured) {
			t.Fatalf("job %+v", job)
		}
		for _, id := range captured {
			if after[id] != 1 {
				t.Errorf("captured event %s is on the ledger %d times, want once", id, after[id])
			}
		}
	})
	g.stop()
	if out, errOut, code := verifyLedger(t, dir); code != 0 {
		t.Fatalf("verify after the refused writes were sent again: exit %d\nstdout %s\nstderr %s", code, out, errOut)
	}
}
