package api

import (
	"context"
	"encoding/json"
	"errors"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/udiledger/udiledger/gateway/capturejobs"
	"github.com/udiledger/udiledger/gateway/ledger"
)

// jobWorld is a world whose gateway keeps capture jobs in a store at path, its options
// tweaked.
func jobWorld(t *testing.T, path string, tweaks ...func(*Options)) (*world, *capturejobs.Store) {
	st, err := capturejobs.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	return newWorld(t, worldOptions{tweak: func(o *Options) {
		o.CaptureJobs = st
		for _, tw := range tweaks {
			tw(o)
		}
	}}), st
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

func objectCommission(id string, n int) string {
	return `{"type":"ObjectEvent","eventID":"urn:uuid:` + id + `","eventTime":"` + time.Now().Add(-time.Hour).UTC().Format(time.RFC3339) +
		`","eventTimeZoneOffset":"+08:00","action":"ADD","bizStep":"commissioning","disposition":"active","epcList":["` + dlURI(n) + `"],` +
		`"bizLocation":{"id":"https://id.gs1.org/414/` + mfrGLN + `"},"ilmd":{"cbvmda:lotNumber":"L1"}}`
}

func TestEPCISCaptureOneEvent(t *testing.T) {
	w, _ := jobWorld(t, filepath.Join(t.TempDir(), "jobs.db"))
	w.seed()
	ev := objectCommission("one-1", 51)
	var r CaptureEventResult
	res := w.must(201, &r, mfr, "POST", "/epcis/events", ev)
	if res.header.Get("Location") != "/epcis/events/urn:uuid:one-1" || r.Result == nil || r.EventID != "urn:uuid:one-1" {
		t.Fatalf("answer %s %v", res, res.header)
	}
	t.Run("its Location answers the event, a hash ID's too", func(t *testing.T) {
		if evs := conforms(t, w.must(200, nil, mfr, "GET", res.header.Get("Location"), nil)); len(evs) != 1 || evs[0]["eventID"] != "urn:uuid:one-1" {
			t.Fatalf("events %v", evs)
		}
		noID := strings.Replace(objectCommission("x", 53), `"eventID":"urn:uuid:x",`, "", 1)
		var hashed CaptureEventResult
		loc := w.must(201, &hashed, mfr, "POST", "/epcis/events", noID).header.Get("Location")
		if !strings.HasPrefix(hashed.EventID, "ni:///") || loc != "/epcis/events/"+url.PathEscape(hashed.EventID) {
			t.Fatalf("event %q at %q", hashed.EventID, loc)
		}
		if evs := conforms(t, w.must(200, nil, mfr, "GET", loc, nil)); len(evs) != 1 || evs[0]["eventID"] != hashed.EventID {
			t.Fatalf("events %v", evs)
		}
	})
	t.Run("the same event again is 409 and writes nothing", func(t *testing.T) {
		if p := problemOf(t, w.must(409, nil, mfr, "POST", "/epcis/events", ev)); p.Status != 409 {
			t.Fatalf("problem %+v", p)
		}
	})
	t.Run("an event the ledger cannot record is its problem", func(t *testing.T) {
		tr := `{"type":"TransformationEvent","eventTime":"2024-01-01T00:00:00Z","eventTimeZoneOffset":"+00:00","inputEPCList":["` + dlURI(51) + `"],"outputEPCList":["` + dlURI(52) + `"]}`
		w.must(422, nil, mfr, "POST", "/epcis/events", tr)
	})
}

// gate blocks the submission of one event until released, after telling it has come.
type gate struct {
	ledger.Client
	eventID string
	reached chan struct{}
	release chan struct{}
	once    sync.Once
}

func (g *gate) Submit(ctx context.Context, p ledger.Proposal) (*ledger.Result, error) {
	if strings.Contains(strings.Join(p.Args, " "), g.eventID) {
		g.once.Do(func() {
			close(g.reached)
			<-g.release
		})
	}
	return g.Client.Submit(ctx, p)
}

func TestCaptureJobSurvivesARestart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "jobs.db")
	st1, err := capturejobs.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	g := &gate{eventID: "urn:uuid:rs-2", reached: make(chan struct{}), release: make(chan struct{})}
	w1 := newWorld(t, worldOptions{tweak: func(o *Options) {
		g.Client = o.Ledger
		o.Ledger, o.CaptureJobs = g, st1
	}})
	w1.seed()
	r := w1.must(202, nil, mfr, "POST", "/epcis/capture", epcisDoc(objectCommission("rs-1", 61), objectCommission("rs-2", 62),
		objectCommission("rs-3", 63)), "GS1-Capture-Error-Behaviour: proceed")
	loc := r.header.Get("Location")
	<-g.reached // rs-1 recorded, rs-2 on its way to the ledger
	var half CaptureJob
	w1.must(200, &half, mfr, "GET", loc, nil)
	if !half.Running || half.Captured != 1 {
		t.Fatalf("job half way %+v", half)
	}
	// The gateway stops: the job store closes while rs-2 is being committed, so the job
	// does not learn that rs-2 was recorded.
	if err := st1.Close(); err != nil {
		t.Fatal(err)
	}
	close(g.release)

	st2, err := capturejobs.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st2.Close() })
	w2 := newWorldOn(t, w1, func(o *Options) { o.CaptureJobs = st2 })
	j := w2.waitJob(mfr, loc)
	if !j.Success || j.Captured != 3 || j.Events != 3 {
		t.Fatalf("resumed job %+v", j)
	}
	t.Run("the event recorded before the restart is replayed, not written twice", func(t *testing.T) {
		var prov struct {
			Events []json.RawMessage `json:"events"`
		}
		w2.must(200, &prov, reg, "GET", "/v1/trace?code="+url.QueryEscape(deviceCode(62)), nil)
		if len(prov.Events) != 1 {
			t.Fatalf("provenance of the unit of rs-2 has %d events", len(prov.Events))
		}
		if n := len(w1.rec.proposals("epcis:Capture")); n < 4 {
			t.Fatalf("%d commission proposals: rs-2 was not sent again", n)
		}
	})
	t.Run("another identity's job is 404", func(t *testing.T) {
		w2.must(404, nil, hsp, "GET", loc, nil)
	})
}

func TestCaptureJobRollbackOfDependentEvents(t *testing.T) {
	w, _ := jobWorld(t, filepath.Join(t.TempDir(), "jobs.db"))
	w.seed()
	hourAgo := time.Now().Add(-time.Hour).UTC().Format(time.RFC3339)
	ship := func(id string, n int) string {
		return `{"type":"ObjectEvent","eventID":"urn:uuid:` + id + `","eventTime":"` + hourAgo + `","eventTimeZoneOffset":"+08:00",` +
			`"action":"OBSERVE","bizStep":"shipping","disposition":"in_transit","epcList":["` + dlURI(n) + `"],` +
			`"readPoint":{"id":"https://id.gs1.org/414/` + mfrGLN + `"},` +
			`"destinationList":[{"type":"owning_party","destination":"https://id.gs1.org/417/` + dstGLN + `"}]}`
	}
	t.Run("an event that needs an earlier event of the same document is not refused by the check", func(t *testing.T) {
		r := w.must(202, nil, mfr, "POST", "/epcis/capture", epcisDoc(objectCommission("dep-c", 71), ship("dep-s", 71)))
		if j := w.waitJob(mfr, r.header.Get("Location")); !j.Success || j.Captured != 2 {
			t.Fatalf("job %+v", j)
		}
	})
	t.Run("an event refused at commit stops a rollback job and says what stays recorded", func(t *testing.T) {
		// dep-s2 ships a unit nobody commissioned: the check cannot tell it from one the
		// document's first event commissions, so it fails only when submitted.
		r := w.must(202, nil, mfr, "POST", "/epcis/capture", epcisDoc(objectCommission("dep-c2", 72), ship("dep-s2", 79), objectCommission("dep-c3", 73)))
		j := w.waitJob(mfr, r.header.Get("Location"))
		if j.Success || j.Captured != 1 || len(j.Errors) != 2 || j.Errors[0].EventIndex != 1 || !strings.Contains(j.Errors[1].Detail, "cannot undo") {
			t.Fatalf("job %+v", j)
		}
		w.must(404, nil, reg, "GET", "/v1/events/urn:uuid:dep-c3", nil)
	})
}

func TestCaptureJobWaitsForTheLedger(t *testing.T) {
	defer func(d time.Duration) { jobRetry = d }(jobRetry)
	jobRetry = 20 * time.Millisecond
	st, err := capturejobs.Open(filepath.Join(t.TempDir(), "jobs.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	d := &switchable{}
	w := newWorld(t, worldOptions{tweak: func(o *Options) {
		d.Client = o.Ledger
		o.Ledger, o.CaptureJobs = d, st
		o.Unavailable = func(err error) bool { return errors.Is(err, errPeerDown) }
	}})
	w.seed()
	for _, behaviour := range []string{"rollback", "proceed"} {
		t.Run(behaviour, func(t *testing.T) {
			n := 81
			if behaviour == "proceed" {
				n = 91
			}
			w.must(200, nil, mfr, "GET", "/epcis/capture", nil)
			d.down.Store(true)
			r := w.must(202, nil, mfr, "POST", "/epcis/capture", epcisDoc(objectCommission("down-"+behaviour, n)),
				"GS1-Capture-Error-Behaviour: "+behaviour)
			time.Sleep(100 * time.Millisecond)
			var j CaptureJob
			w.must(200, &j, mfr, "GET", r.header.Get("Location"), nil)
			if !j.Running || !j.Success || j.Captured != 0 {
				t.Fatalf("job while the ledger is down %+v", j)
			}
			d.down.Store(false)
			if j = w.waitJob(mfr, r.header.Get("Location")); !j.Success || j.Captured != 1 {
				t.Fatalf("job once the ledger is back %+v", j)
			}
		})
	}
}

// TestCaptureJobsArePaged lists the caller's jobs page by page, as GET /epcis/events pages.
func TestCaptureJobsArePaged(t *testing.T) {
	w, _ := jobWorld(t, filepath.Join(t.TempDir(), "jobs.db"))
	w.seed()
	var ids []string
	for i := range 5 {
		r := w.must(202, nil, mfr, "POST", "/epcis/capture", epcisDoc(objectCommission("page-"+string(rune('a'+i)), 71+i)))
		ids = append(ids, strings.TrimPrefix(r.header.Get("Location"), "/epcis/capture/"))
	}
	w.must(202, nil, dst, "POST", "/epcis/capture", epcisDoc())

	var got []string
	var sizes []int
	for path := "/epcis/capture?perPage=2"; path != ""; {
		var list CaptureJobList
		r := w.must(200, &list, mfr, "GET", path, nil)
		sizes = append(sizes, len(list.CaptureJobs))
		for _, j := range list.CaptureJobs {
			got = append(got, j.CaptureID)
		}
		if path = nextLink(r); len(sizes) > 5 {
			t.Fatalf("pages without end: %v", sizes)
		}
	}
	if strings.Join(got, " ") != strings.Join(ids, " ") || len(sizes) != 3 || sizes[2] != 1 {
		t.Fatalf("pages of %v: %v, want %v", sizes, got, ids)
	}
	t.Run("a page that ends the list has no next", func(t *testing.T) {
		var list CaptureJobList
		if r := w.must(200, &list, mfr, "GET", "/epcis/capture?perPage=5", nil); len(list.CaptureJobs) != 5 || nextLink(r) != "" {
			t.Fatalf("%d jobs, Link %q", len(list.CaptureJobs), r.header.Get("Link"))
		}
	})
	t.Run("bad paging is 400", func(t *testing.T) {
		for _, q := range []string{"perPage=0", "perPage=1001", "nextPageToken=%21%21", "colour=red"} {
			w.must(400, nil, mfr, "GET", "/epcis/capture?"+q, nil)
		}
	})
}
