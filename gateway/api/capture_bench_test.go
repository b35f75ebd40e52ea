package api

import (
	"fmt"
	"net/url"
	"path/filepath"
	"testing"
	"time"

	"github.com/udiledger/udiledger/chaincode/model"
	"github.com/udiledger/udiledger/gateway/capturejobs"
	"github.com/udiledger/udiledger/gateway/epcis/epcisgen"
)

// BenchmarkCaptureADocumentOf1000Events captures, with POST /epcis/capture, the
// manufacturer's EPCIS document of 1,000 events (250 commissionings of 4 units, 250
// shipments of them to the distributor, 500 sensor observations of a product the ledger does
// not govern), then the distributor's document of the 250 receipts: one op is both, 1,250
// events, each its own transaction. events/s counts the events of both documents; after each
// op every event is read back from the ledger (untimed). Answered synchronously (no job
// store) and as capture jobs (202, then GET /epcis/capture/{id} until the job ends):
//
//	go test -run '^$' -bench CaptureADocumentOf1000Events ./gateway/api/
func BenchmarkCaptureADocumentOf1000Events(b *testing.B) {
	b.Run("synchronous", func(b *testing.B) { benchCapture(b, false) })
	b.Run("capture_job", func(b *testing.B) { benchCapture(b, true) })
}

func benchCapture(b *testing.B, jobs bool) {
	var wo worldOptions
	if jobs {
		st, err := capturejobs.Open(filepath.Join(b.TempDir(), "jobs.db"))
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { _ = st.Close() })
		wo.tweak = func(o *Options) { o.CaptureJobs = st }
	}
	w := newWorld(b, wo)
	w.seed()
	var elapsed time.Duration
	events := 0
	b.ResetTimer()
	for i := range b.N {
		b.StopTimer()
		story := benchStory(b, fmt.Sprintf("R%d", i))
		b.StartTimer()
		start := time.Now()
		w.captureDocument(mfr, story.Manufacturer, jobs)
		w.captureDocument(dst, story.Distributor, jobs)
		elapsed += time.Since(start)
		b.StopTimer()
		events += story.Events()
		w.checkRecorded(mfr, story.Manufacturer)
		w.checkRecorded(dst, story.Distributor)
		b.StartTimer()
	}
	b.ReportMetric(float64(events)/elapsed.Seconds(), "events/s")
}

// benchStory is the story of one op, its units and event IDs drawn from run.
func benchStory(b *testing.B, run string) epcisgen.Story {
	s, err := epcisgen.Generate(epcisgen.Config{Run: run, Events: 1000, UnitsPerEvent: 4, GTIN: deviceDI, Lot: "L1",
		ForeignGTIN: checkDigit("0401234500001"), ManufacturerGLN: mfrGLN, DistributorGLN: dstGLN, Start: time.Now().Add(-time.Hour)})
	if err != nil {
		b.Fatal(err)
	}
	return s
}

// captureDocument posts doc as msp and waits until every event of it is recorded: the
// answer itself, or the capture job's end.
func (w *world) captureDocument(msp string, doc epcisgen.Document, jobs bool) {
	w.t.Helper()
	if !jobs {
		var res CaptureResult
		w.must(200, &res, msp, "POST", "/epcis/capture", string(doc.Body))
		if res.Succeeded != len(doc.EventIDs) || res.Failed != 0 {
			w.t.Fatalf("capture as %s: %d succeeded, %d failed of %d: first result %+v", msp, res.Succeeded, res.Failed, len(doc.EventIDs), res.Results[0])
		}
		return
	}
	loc := w.must(202, nil, msp, "POST", "/epcis/capture", string(doc.Body)).header.Get("Location")
	var j CaptureJob
	for end := time.Now().Add(5 * time.Minute); ; time.Sleep(50 * time.Millisecond) {
		w.must(200, &j, msp, "GET", loc, nil)
		if !j.Running {
			break
		}
		if time.Now().After(end) {
			w.t.Fatalf("job %s still running: %+v", loc, j)
		}
	}
	if !j.Success || j.Captured != len(doc.EventIDs) {
		w.t.Fatalf("job as %s: %+v", msp, j)
	}
}

// checkRecorded reads every event of doc back from the ledger.
func (w *world) checkRecorded(msp string, doc epcisgen.Document) {
	w.t.Helper()
	for i, id := range doc.EventIDs {
		var e model.Event
		w.must(200, &e, msp, "GET", "/v1/events/"+url.PathEscape(id), nil)
		if err := doc.Recorded(i, e, msp); err != nil {
			w.t.Fatal(err)
		}
	}
}
