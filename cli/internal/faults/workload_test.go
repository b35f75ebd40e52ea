package faults

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// write is one request of the workload: a single inspection or a batch of them, each scan
// with its own event ID.
type write struct {
	path  string
	body  any
	ids   []string
	units []int // the unit of each ID
}

// scanWorkload drives writes from workers, each on its own units (so they do not conflict),
// and keeps what the gateway answered and what it did not.
type scanWorkload struct {
	workers, unitsPerWorker int

	mu         sync.Mutex
	seq        int
	accepted   map[string]int  // event ID → answers that accepted it (2xx)
	unit       map[string]int  // event ID → unit
	pending    []write         // sent, no answer: to send again
	failures   []string        // answers that were neither accepted nor replayed
	refused    map[string]bool // events answered 507: the ledger's storage is full
	refusedWr  []write         // writes with a refused event, to send again
	resent     int             // requests sent again
	resentEvs  int             // events in them
	replayedOn int             // events a re-send found already recorded
}

func newScanWorkload(workers, unitsPerWorker int) *scanWorkload {
	return &scanWorkload{workers: workers, unitsPerWorker: unitsPerWorker, accepted: map[string]int{}, unit: map[string]int{},
		refused: map[string]bool{}}
}

// workloadIDPrefix starts the event IDs of the workload's inspections.
const workloadIDPrefix = "urn:uuid:1"

func (w *scanWorkload) units() int { return w.workers * w.unitsPerWorker }

// next makes worker's next write: odd ones single inspections, even ones a batch of one scan
// of each of the worker's units.
func (w *scanWorkload) next(worker, n int) write {
	w.mu.Lock()
	defer w.mu.Unlock()
	id := func() string {
		w.seq++
		return fmt.Sprintf("%s%07d-0000-4000-8000-%012d", workloadIDPrefix, worker, w.seq)
	}
	first := worker*w.unitsPerWorker + 1
	if n%2 == 1 {
		u := first + n%w.unitsPerWorker
		e := id()
		return write{path: "/v1/events/inspect", body: map[string]any{"eventId": e, "code": unitCode(u), "location": mfrGLN},
			ids: []string{e}, units: []int{u}}
	}
	wr := write{path: "/v1/scans"}
	var scans []map[string]any
	for u := first; u < first+w.unitsPerWorker; u++ {
		e := id()
		scans = append(scans, map[string]any{"id": e, "code": unitCode(u), "action": "inspect"})
		wr.ids, wr.units = append(wr.ids, e), append(wr.units, u)
	}
	wr.body = map[string]any{"location": mfrGLN, "scans": scans}
	return wr
}

// send sends one write and records its answer; false when it got none (the gateway died).
func (w *scanWorkload) send(g *gateway, wr write) bool {
	a, err := g.do(context.Background(), mfr, "POST", wr.path, wr.body)
	w.mu.Lock()
	defer w.mu.Unlock()
	if err != nil {
		w.pending = append(w.pending, wr)
		return false
	}
	for i, id := range wr.ids {
		w.unit[id] = wr.units[i]
	}
	if wr.path == "/v1/scans" {
		var res struct {
			Results []struct {
				Status  int             `json:"status"`
				EventID string          `json:"eventId"`
				Result  json.RawMessage `json:"result"`
				Problem json.RawMessage `json:"problem"`
			} `json:"results"`
		}
		if a.status != http.StatusOK || json.Unmarshal(a.body, &res) != nil || len(res.Results) != len(wr.ids) {
			w.failures = append(w.failures, fmt.Sprintf("POST /v1/scans: %d %s", a.status, a.body))
			return true
		}
		refused := false
		for i, r := range res.Results {
			refused = w.record(r.Status, r.EventID, wr.ids[i], r.Result, r.Problem) || refused
		}
		if refused {
			w.refusedWr = append(w.refusedWr, wr)
		}
		return true
	}
	if w.record(a.status, wr.ids[0], wr.ids[0], a.body, a.body) {
		w.refusedWr = append(w.refusedWr, wr)
	}
	return true
}

// record keeps one event's answer, and says whether it was refused for want of storage. Call
// with w.mu held.
func (w *scanWorkload) record(status int, got, want string, result, problem []byte) (refused bool) {
	var r struct {
		EventID  string `json:"eventId"`
		Replayed bool   `json:"replayed"`
	}
	_ = json.Unmarshal(result, &r)
	if status == http.StatusInsufficientStorage {
		var p struct {
			Type string `json:"type"`
		}
		if json.Unmarshal(problem, &p) == nil && strings.HasSuffix(p.Type, "/ledger-storage-full") && got == want {
			w.refused[want] = true
			return true
		}
	}
	if status != http.StatusCreated && status != http.StatusOK || got != want || r.EventID != want {
		w.failures = append(w.failures, fmt.Sprintf("event %s: %d %s %s", want, status, result, problem))
		return false
	}
	w.accepted[want]++
	delete(w.refused, want)
	if r.Replayed {
		w.replayedOn++
	}
	return false
}

// drive runs the workers until one write gets no answer or stop closes; each worker sends
// again, first, what it has pending.
func (w *scanWorkload) drive(g *gateway, stop <-chan struct{}) {
	w.mu.Lock()
	again := w.pending
	w.pending = nil
	w.resent += len(again)
	for _, wr := range again {
		w.resentEvs += len(wr.ids)
	}
	w.mu.Unlock()
	var wg sync.WaitGroup
	for worker := range w.workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i, wr := range again {
				if i%w.workers == worker && !w.send(g, wr) {
					return
				}
			}
			for n := 0; ; n++ {
				select {
				case <-stop:
					return
				default:
				}
				if !w.send(g, w.next(worker, n)) {
					return
				}
			}
		}()
	}
	wg.Wait()
}

// inFlight counts the writes and events that got no answer.
func (w *scanWorkload) inFlight() (writes, events int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, wr := range w.pending {
		events += len(wr.ids)
	}
	return len(w.pending), events
}

// ledgerEvents counts the events on the ledger by event ID, as GET /v1/events lists them
// (every event, in record-time order, through the regulator, who sees all).
func ledgerEvents(t *testing.T, g *gateway) map[string]int {
	t.Helper()
	count := map[string]int{}
	bookmark := ""
	for {
		var page struct {
			Bookmark string `json:"bookmark"`
			Events   []struct {
				EventID string `json:"eventID"`
			} `json:"events"`
		}
		g.must(http.StatusOK, &page, reg, "GET", "/v1/events?pageSize=1000&bookmark="+url.QueryEscape(bookmark), nil)
		for _, e := range page.Events {
			count[e.EventID]++
		}
		if page.Bookmark == "" || len(page.Events) == 0 {
			return count
		}
		bookmark = page.Bookmark
	}
}

// checkOnLedger checks that every inspection answered for is on the ledger exactly once, and
// no other inspection of the workload is.
func (w *scanWorkload) checkOnLedger(t *testing.T, onLedger map[string]int) {
	t.Helper()
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, f := range w.failures {
		t.Errorf("answer neither accepted nor replayed: %s", f)
	}
	for id := range w.accepted {
		if onLedger[id] != 1 {
			t.Errorf("event %s was answered for and is on the ledger %d times, want once", id, onLedger[id])
		}
	}
	for id, n := range onLedger {
		if _, ok := w.unit[id]; !ok && strings.HasPrefix(id, workloadIDPrefix) {
			t.Errorf("event %s is on the ledger %d times and was never answered for", id, n)
		}
	}
}

// waitJob polls a capture job until it stops running.
func waitJob(t *testing.T, g *gateway, loc string) captureJob {
	t.Helper()
	var j captureJob
	for end := time.Now().Add(5 * time.Minute); time.Now().Before(end); time.Sleep(50 * time.Millisecond) {
		g.must(http.StatusOK, &j, mfr, "GET", loc, nil)
		if !j.Running {
			return j
		}
	}
	t.Fatalf("capture job %s still running after 5 minutes: %+v", loc, j)
	return j
}

type captureJob struct {
	CaptureID string            `json:"captureID"`
	Running   bool              `json:"running"`
	Success   bool              `json:"success"`
	Captured  int               `json:"captured"`
	Errors    []json.RawMessage `json:"errors"`
}

// captureDocument is an EPCIS document commissioning units from..from+n-1, one event each.
func captureDocument(from, n int) (doc []byte, ids []string) {
	at := time.Now().Add(-time.Hour).UTC().Format(time.RFC3339)
	var events []string
	for u := from; u < from+n; u++ {
		id := fmt.Sprintf("urn:uuid:cafe0000-0000-4000-8000-%012d", u)
		ids = append(ids, id)
		events = append(events, `{"type":"ObjectEvent","eventID":"`+id+`","eventTime":"`+at+`","eventTimeZoneOffset":"+08:00",`+
			`"action":"ADD","bizStep":"commissioning","disposition":"active","epcList":["`+unitURI(u)+`"],`+
			`"bizLocation":{"id":"https://id.gs1.org/414/`+mfrGLN+`"},"ilmd":{"cbvmda:lotNumber":"F1"}}`)
	}
	return []byte(`{"@context":["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],"type":"EPCISDocument",` +
		`"schemaVersion":"2.0","creationDate":"` + time.Now().UTC().Format(time.RFC3339) + `","epcisBody":{"eventList":[` +
		strings.Join(events, ",") + `]}}`), ids
}

func (w *scanWorkload) acceptedCount() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.accepted)
}
