package api

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/udiledger/udiledger/gateway/capturejobs"
)

// jobWorld is a world whose gateway keeps capture jobs in a store at path.
func jobWorld(t *testing.T, path string) (*world, *capturejobs.Store) {
	st, err := capturejobs.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	return newWorld(t, worldOptions{tweak: func(o *Options) { o.CaptureJobs = st }}), st
}

// waitJob polls a job until it stops running.
func (w *world) waitJob(msp, loc string) CaptureJob {
	w.t.Helper()
	var j CaptureJob
	for end := time.Now().Add(10 * time.Second); time.Now().Before(end); time.Sleep(10 * time.Millisecond) {
		w.must(200, &j, msp, "GET", loc, nil)
		if !j.Running {
			return j
		}
	}
	w.t.Fatalf("job %s still running: %+v", loc, j)
	return j
}

func TestCaptureJobs(t *testing.T) {
	w, _ := jobWorld(t, filepath.Join(t.TempDir(), "jobs.db"))
	w.seed()
	hourAgo := time.Now().Add(-time.Hour).UTC().Format(time.RFC3339)
	commission := func(id string, n int) string {
		return `{"type":"ObjectEvent","eventID":"urn:uuid:` + id + `","eventTime":"` + hourAgo + `","eventTimeZoneOffset":"+08:00",` +
			`"action":"ADD","bizStep":"commissioning","disposition":"active","epcList":["` + dlURI(n) + `"],` +
			`"bizLocation":{"id":"https://id.gs1.org/414/` + mfrGLN + `"},"ilmd":{"cbvmda:lotNumber":"L1"}}`
	}
	transform := `{"type":"TransformationEvent","eventTime":"` + hourAgo + `","eventTimeZoneOffset":"+00:00","inputEPCList":["` + dlURI(2) + `"],"outputEPCList":["` + dlURI(3) + `"]}`

	t.Run("proceed records what it can and lists the errors per event", func(t *testing.T) {
		r := w.must(202, nil, mfr, "POST", "/epcis/capture", epcisDoc(commission("cj-p1", 11), transform), "GS1-Capture-Error-Behaviour: proceed")
		loc := r.header.Get("Location")
		if !strings.HasPrefix(loc, "/epcis/capture/") {
			t.Fatalf("Location %q", loc)
		}
		j := w.waitJob(mfr, loc)
		if j.Success || j.CaptureErrorBehaviour != "proceed" || j.Captured != 1 || len(j.Errors) != 1 || j.Errors[0].EventIndex != 1 {
			t.Fatalf("job %+v", j)
		}
		w.must(200, nil, reg, "GET", "/v1/events/urn:uuid:cj-p1", nil)
	})
	t.Run("rollback (the default) records nothing when an event would fail", func(t *testing.T) {
		r := w.must(202, nil, mfr, "POST", "/epcis/capture", epcisDoc(commission("cj-r1", 21), transform))
		j := w.waitJob(mfr, r.header.Get("Location"))
		if j.Success || j.CaptureErrorBehaviour != "rollback" || j.Captured != 0 || len(j.Errors) != 1 {
			t.Fatalf("job %+v", j)
		}
		w.must(404, nil, reg, "GET", "/v1/events/urn:uuid:cj-r1", nil)
	})
	t.Run("rollback records every event when none fails", func(t *testing.T) {
		r := w.must(202, nil, mfr, "POST", "/epcis/capture", epcisDoc(commission("cj-r2", 31), commission("cj-r3", 32)))
		j := w.waitJob(mfr, r.header.Get("Location"))
		if !j.Success || j.Captured != 2 || len(j.Errors) != 0 || j.FinishedAt.IsZero() {
			t.Fatalf("job %+v", j)
		}
		var list CaptureJobList
		w.must(200, &list, mfr, "GET", "/epcis/capture", nil)
		if len(list.CaptureJobs) != 3 || list.CaptureJobs[2].CaptureID != j.CaptureID {
			t.Fatalf("list %+v", list)
		}
		t.Run("another identity neither reads nor lists it", func(t *testing.T) {
			w.must(404, nil, dst, "GET", r.header.Get("Location"), nil)
			var other CaptureJobList
			w.must(200, &other, dst, "GET", "/epcis/capture", nil)
			if len(other.CaptureJobs) != 0 {
				t.Fatalf("list %+v", other)
			}
		})
	})
	t.Run("an unknown behaviour is refused", func(t *testing.T) {
		w.must(400, nil, mfr, "POST", "/epcis/capture", epcisDoc(commission("cj-x", 41)), "GS1-Capture-Error-Behaviour: maybe")
	})
}
