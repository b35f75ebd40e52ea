package api

import (
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/udiledger/udiledger/gateway/epcis/epcistest"
)

// epcisDoc wraps events (JSON objects) in an EPCISDocument.
func epcisDoc(events ...string) string {
	return `{"@context":["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],"type":"EPCISDocument",` +
		`"schemaVersion":"2.0","creationDate":"` + time.Now().UTC().Format(time.RFC3339) + `","epcisBody":{"eventList":[` +
		strings.Join(events, ",") + `]}}`
}

func dlURI(n int) string { return fmt.Sprintf("https://id.gs1.org/01/%s/21/S%06d", deviceDI, n) }

type queryDoc struct {
	Type      string `json:"type"`
	EPCISBody struct {
		QueryResults struct {
			ResultsBody struct {
				EventList []struct {
					EventID   string   `json:"eventID"`
					BizStep   string   `json:"bizStep"`
					EventTime string   `json:"eventTime"`
					EPCList   []string `json:"epcList"`
				} `json:"eventList"`
			} `json:"resultsBody"`
		} `json:"queryResults"`
	} `json:"epcisBody"`
}

func (q queryDoc) ids() []string {
	var out []string
	for _, e := range q.EPCISBody.QueryResults.ResultsBody.EventList {
		out = append(out, e.EventID)
	}
	return out
}

func TestEPCISCaptureAndQuery(t *testing.T) {
	w := newWorld(t)
	w.seed()
	hourAgo := time.Now().Add(-time.Hour).UTC().Format(time.RFC3339)
	commission := `{"type":"ObjectEvent","eventID":"urn:uuid:epcis-c1","eventTime":"` + hourAgo + `","eventTimeZoneOffset":"+08:00",` +
		`"action":"ADD","bizStep":"commissioning","disposition":"active","epcList":["` + dlURI(1) + `","` + dlURI(2) + `"],` +
		`"bizLocation":{"id":"https://id.gs1.org/414/` + mfrGLN + `"},"ilmd":{"cbvmda:lotNumber":"L1"}}`
	ship := `{"type":"ObjectEvent","eventID":"urn:uuid:epcis-s1","eventTime":"` + hourAgo + `","eventTimeZoneOffset":"+08:00",` +
		`"action":"OBSERVE","bizStep":"shipping","disposition":"in_transit","epcList":["` + dlURI(1) + `"],` +
		`"readPoint":{"id":"https://id.gs1.org/414/` + mfrGLN + `"},` +
		`"destinationList":[{"type":"owning_party","destination":"https://id.gs1.org/417/` + dstGLN + `"}]}`
	transform := `{"type":"TransformationEvent","eventTime":"` + hourAgo + `","eventTimeZoneOffset":"+00:00","inputEPCList":["` + dlURI(2) + `"],"outputEPCList":["` + dlURI(3) + `"]}`

	var res CaptureResult
	w.must(200, &res, mfr, "POST", "/epcis/capture", epcisDoc(commission, ship, transform))
	t.Run("supported events are recorded in order and the rest rejected with a reason", func(t *testing.T) {
		if res.Succeeded != 2 || res.Failed != 1 || res.Results[0].Status != 201 || res.Results[1].Status != 201 {
			t.Fatalf("results %+v", res)
		}
		if res.Results[1].Operation != "unit:Ship" || res.Results[1].Result.UnitCount != 1 {
			t.Fatalf("ship result %+v", res.Results[1])
		}
		r := res.Results[2]
		if r.Status != 422 || r.Problem == nil || !strings.Contains(r.Problem.Detail, "the lot is required") {
			t.Fatalf("transformation result %+v", r)
		}
	})
	var again CaptureResult
	w.must(200, &again, mfr, "POST", "/epcis/capture", epcisDoc(commission, ship))
	t.Run("capturing the same document again writes nothing twice", func(t *testing.T) {
		if again.Results[0].Status != 200 || !again.Results[0].Result.Replayed || again.Results[1].Status != 200 {
			t.Fatalf("results %+v", again.Results)
		}
	})

	var q queryDoc
	r := w.must(200, &q, reg, "GET", "/epcis/events?EQ_bizStep=shipping", nil)
	t.Run("a query answers an EPCISQueryDocument with the matching events and their declared times", func(t *testing.T) {
		ids := q.ids()
		if q.Type != "EPCISQueryDocument" || len(ids) != 1 || ids[0] != "urn:uuid:epcis-s1" {
			t.Fatalf("document %+v", q)
		}
		got, err := time.Parse(time.RFC3339Nano, q.EPCISBody.QueryResults.ResultsBody.EventList[0].EventTime)
		want, _ := time.Parse(time.RFC3339, hourAgo)
		if err != nil || !got.Equal(want) {
			t.Fatalf("eventTime %s, want %s", q.EPCISBody.QueryResults.ResultsBody.EventList[0].EventTime, hourAgo)
		}
		if r.header.Get("GS1-EPCIS-Version") == "" || !strings.HasPrefix(r.header.Get("Content-Type"), "application/ld+json") {
			t.Fatalf("headers %v", r.header)
		}
	})
	t.Run("perPage pages through the events with nextPageToken", func(t *testing.T) {
		var seen []string
		path := "/epcis/events?perPage=1&MATCH_anyEPC=" + url.QueryEscape(dlURI(1))
		for i := 0; path != "" && i < 5; i++ {
			var page queryDoc
			r := w.must(200, &page, reg, "GET", path, nil)
			seen = append(seen, page.ids()...)
			path = ""
			if link := r.header.Get("Link"); link != "" {
				path = strings.TrimSuffix(strings.TrimPrefix(strings.Split(link, ">")[0], "<"), "")
			}
		}
		if strings.Join(seen, " ") != "urn:uuid:epcis-c1 urn:uuid:epcis-s1" {
			t.Fatalf("pages gave %v", seen)
		}
	})
	t.Run("the events of one EPC, given as a percent-encoded Digital Link", func(t *testing.T) {
		var d, outsider queryDoc
		w.must(200, &d, reg, "GET", "/epcis/epcs/"+url.PathEscape(dlURI(1))+"/events", nil)
		if strings.Join(d.ids(), " ") != "urn:uuid:epcis-c1 urn:uuid:epcis-s1" {
			t.Fatalf("events %v", d.ids())
		}
		w.must(200, &outsider, hsp, "GET", "/epcis/epcs/"+url.PathEscape(dlURI(1))+"/events", nil)
		if len(outsider.ids()) != 0 {
			t.Fatalf("a party that took no part sees %v (ADR 012)", outsider.ids())
		}
	})
	t.Run("a bad query parameter is a 400 that names it", func(t *testing.T) {
		r := w.call(reg, "GET", "/epcis/events?GE_eventTime=yesterday", nil)
		p := problemOf(t, r)
		if r.status != 400 || len(p.Errors) != 1 || p.Errors[0].Field != "GE_eventTime" {
			t.Fatalf("got %s", r)
		}
	})
	t.Run("a document that is not EPCIS is a 400 that says where", func(t *testing.T) {
		r := w.call(mfr, "POST", "/epcis/capture", `{"type":"EPCISQueryDocument"}`)
		if p := problemOf(t, r); r.status != 400 || len(p.Errors) != 1 || p.Errors[0].Field == "" {
			t.Fatalf("got %s", r)
		}
	})
	t.Run("a document the EPCIS 2.0 JSON schema refuses is a 400 naming each JSON pointer, and nothing is captured", func(t *testing.T) {
		bad := `{"type":"ObjectEvent","eventID":"evt-7","eventTime":"` + hourAgo + `","eventTimeZoneOffset":"+08:00",` +
			`"action":"OBSERVE","bizStep":"shipping","epcList":["` + dlURI(2) + `"],"colour":"red"}`
		r := w.call(mfr, "POST", "/epcis/capture", epcisDoc(commission, bad))
		p := problemOf(t, r)
		got := map[string]string{}
		for _, e := range p.Errors {
			got[e.Field] = e.Reason
		}
		if r.status != 400 || !strings.Contains(got["/epcisBody/eventList/1/eventID"], "is not valid uri") ||
			!strings.Contains(got["/epcisBody/eventList/1/colour"], "is not a member") || !strings.Contains(p.Detail, "EPCIS 2.0 JSON schema") {
			t.Fatalf("got %s", r)
		}
	})
	t.Run("capture needs an API key", func(t *testing.T) {
		if r := w.call("", "POST", "/epcis/capture", epcisDoc(commission)); r.status != 401 {
			t.Fatalf("got %s", r)
		}
	})
}

// TestEPCISCaptureOfTheStandardExamples sends every example of the EPCIS 2.0 standard: each
// event is recorded or refused with a reason; none is lost without one.
func TestEPCISCaptureOfTheStandardExamples(t *testing.T) {
	files := epcistest.Examples(t)
	w := newWorld(t)
	w.seed()
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			body, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			var doc struct {
				EPCISBody struct {
					EventList []json.RawMessage `json:"eventList"`
				} `json:"epcisBody"`
			}
			if err := json.Unmarshal(body, &doc); err != nil {
				t.Fatal(err)
			}
			var res CaptureResult
			w.must(200, &res, mfr, "POST", "/epcis/capture", string(body))
			if len(res.Results) != len(doc.EPCISBody.EventList) || res.Succeeded+res.Failed != len(res.Results) {
				t.Fatalf("%d events, %d results: %+v", len(doc.EPCISBody.EventList), len(res.Results), res)
			}
			for _, r := range res.Results {
				if r.Status >= 300 && (r.Problem == nil || r.Problem.Detail == "") {
					t.Errorf("event %d refused without a reason: %+v", r.Index, r)
				}
				t.Logf("event %d: %d %s", r.Index, r.Status, detailOf(r))
			}
		})
	}
}

func detailOf(r CaptureEventResult) string {
	if r.Problem != nil {
		return r.Problem.Detail
	}
	return r.Operation
}

// A return captured the CBV way: shipping with disposition returned, then receiving with
// disposition returned by the party the goods went back to, which accepts them (issue 10).
func TestEPCISReturnIsAcceptedByItsReceiver(t *testing.T) {
	w := newWorld(t)
	w.seed()
	now := time.Now().UTC().Format(time.RFC3339)
	event := func(id, by, step, disp, extra string) string {
		action := "OBSERVE"
		if step == "commissioning" {
			action = "ADD"
		}
		return `{"type":"ObjectEvent","eventID":"urn:uuid:ret-` + id + `","eventTime":"` + now + `","eventTimeZoneOffset":"+08:00",` +
			`"action":"` + action + `","bizStep":"` + step + `","disposition":"` + disp + `",` +
			`"epcList":["` + dlURI(1) + `"],"readPoint":{"id":"https://id.gs1.org/414/` + by + `"}` + extra + `}`
	}
	to := func(gln string) string {
		return `,"destinationList":[{"type":"owning_party","destination":"https://id.gs1.org/417/` + gln + `"}]`
	}
	steps := []struct {
		msp, doc string
	}{
		{mfr, event("c", mfrGLN, "commissioning", "active", `,"ilmd":{"cbvmda:lotNumber":"L1"}`)},
		{mfr, event("s", mfrGLN, "shipping", "in_transit", to(dstGLN))},
		{dst, event("r", dstGLN, "receiving", "in_progress", "")},
		{dst, event("back", dstGLN, "shipping", "returned", to(mfrGLN))},
		{mfr, event("accept", mfrGLN, "receiving", "returned", "")},
	}
	for _, s := range steps {
		var res CaptureResult
		w.must(200, &res, s.msp, "POST", "/epcis/capture", epcisDoc(s.doc))
		if res.Succeeded != 1 {
			t.Fatalf("capture as %s of %s: %+v", s.msp, s.doc, res.Results)
		}
	}
	var v struct {
		Owner string `json:"owner"`
		Unit  struct {
			Status    string `json:"status"`
			Returning bool   `json:"returning"`
		} `json:"unit"`
	}
	w.must(200, &v, mfr, "GET", "/v1/units?code="+url.QueryEscape(dlURI(1)), nil)
	if v.Owner != mfr || v.Unit.Status != "returned" || v.Unit.Returning {
		t.Fatalf("after the receiver accepted the return: %+v, want the manufacturer's, returned", v)
	}
}
