package api

import (
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/udiledger/udiledger/chaincode/epcis"
)

type collectionDoc struct {
	Context []any    `json:"@context"`
	Type    string   `json:"type"`
	Member  []string `json:"member"`
}

// nextLink is the path of a Link rel="next", "" when there is none.
func nextLink(r resp) string {
	link := r.header.Get("Link")
	if link == "" {
		return ""
	}
	return strings.TrimPrefix(strings.Split(link, ">")[0], "<")
}

// pages follows Link rel="next" from path, at most 20 pages, and answers every page's
// members (lists) or event IDs (query documents).
func pages(t *testing.T, w *world, msp, path string, list bool) [][]string {
	t.Helper()
	var out [][]string
	for i := 0; path != "" && i < 20; i++ {
		r := w.must(200, nil, msp, "GET", path, nil)
		if list {
			var c collectionDoc
			r.decode(t, &c)
			if c.Type != "Collection" || c.Member == nil || len(c.Context) == 0 {
				t.Fatalf("%s: not a Collection: %s", path, r.body)
			}
			out = append(out, c.Member)
		} else {
			var ids []string
			for _, e := range conforms(t, r) {
				ids = append(ids, e["eventID"].(string))
			}
			out = append(out, ids)
		}
		path = nextLink(r)
	}
	return out
}

func flat(pp [][]string) []string {
	var out []string
	for _, p := range pp {
		out = append(out, p...)
	}
	return out
}

// TestEPCISResources exercises the REST binding's resources over HTTP: one event by ID, the
// top-level lists and their events, with the read policy (ADR 012) and paging (issue 11).
func TestEPCISResources(t *testing.T) {
	w := newWorld(t)
	w.seed()
	hourAgo := time.Now().Add(-time.Hour).UTC().Format(time.RFC3339)
	commission := `{"type":"ObjectEvent","eventID":"urn:uuid:res-c1","eventTime":"` + hourAgo + `","eventTimeZoneOffset":"+08:00",` +
		`"action":"ADD","bizStep":"commissioning","disposition":"active","epcList":["` + dlURI(1) + `","` + dlURI(2) + `","` + dlURI(3) + `"],` +
		`"bizLocation":{"id":"https://id.gs1.org/414/` + mfrGLN + `"},"ilmd":{"cbvmda:lotNumber":"L1"}}`
	ship := `{"type":"ObjectEvent","eventID":"urn:uuid:res-s1","eventTime":"` + hourAgo + `","eventTimeZoneOffset":"+08:00",` +
		`"action":"OBSERVE","bizStep":"shipping","disposition":"in_transit","epcList":["` + dlURI(1) + `"],` +
		`"readPoint":{"id":"https://id.gs1.org/414/` + mfrGLN + `"},` +
		`"destinationList":[{"type":"owning_party","destination":"https://id.gs1.org/417/` + dstGLN + `"}]}`
	var res CaptureResult
	w.must(200, &res, mfr, "POST", "/epcis/capture", epcisDoc(commission, ship))
	if res.Succeeded != 2 {
		t.Fatalf("capture: %+v", res)
	}
	// An event recorded through the REST API: its ID is not a URI, EPCIS shows it as urn:udiledger:event:….
	w.commission("evt rest 1", 10, 2)
	restURI := epcis.EventURI("evt rest 1")
	mfrLoc := "https://id.gs1.org/414/" + mfrGLN

	t.Run("one event by its eventID, EPCIS URI or ledger ID, as a valid query document", func(t *testing.T) {
		for _, id := range []string{"urn:uuid:res-s1", restURI, "evt rest 1"} {
			got := flat(pages(t, w, reg, "/epcis/events/"+url.PathEscape(id), false))
			want := id
			if id == "evt rest 1" {
				want = restURI
			}
			if len(got) != 1 || got[0] != want {
				t.Fatalf("%s: got %v", id, got)
			}
		}
		r := w.must(200, nil, mfr, "GET", "/epcis/events/"+url.PathEscape(restURI)+"?by="+mfr, nil)
		if evs := conforms(t, r); len(evs) != 1 {
			t.Fatalf("with by: %s", r.body)
		}
	})
	t.Run("an unknown event, or one the reader may not see, is 404", func(t *testing.T) {
		for _, c := range []struct{ msp, id string }{{reg, "urn:uuid:no-such-event"}, {hsp, "urn:uuid:res-s1"}, {hsp, restURI}} {
			r := w.call(c.msp, "GET", "/epcis/events/"+url.PathEscape(c.id), nil)
			if r.status != 404 || r.header.Get("GS1-EPCIS-Version") == "" {
				t.Fatalf("%s reading %s: %s", c.msp, c.id, r)
			}
		}
		if r := w.call(reg, "GET", "/epcis/events/urn:uuid:res-s1?colour=red", nil); r.status != 400 {
			t.Fatalf("unknown parameter: %s", r)
		}
	})

	t.Run("each resource's events, valid EPCIS, and nothing of them for a party that took no part", func(t *testing.T) {
		for _, c := range []struct {
			path string
			want []string
		}{
			{"/epcis/eventTypes/ObjectEvent/events", []string{"urn:uuid:res-c1", "urn:uuid:res-s1", restURI}},
			{"/epcis/bizSteps/shipping/events", []string{"urn:uuid:res-s1"}},
			{"/epcis/bizSteps/" + url.PathEscape("https://ref.gs1.org/cbv/BizStep-commissioning") + "/events", []string{"urn:uuid:res-c1", restURI}},
			{"/epcis/dispositions/in_transit/events", []string{"urn:uuid:res-s1"}},
			{"/epcis/bizLocations/" + url.PathEscape(mfrLoc) + "/events", []string{"urn:uuid:res-c1", restURI}},
			// res-c1 was captured with a bizLocation only, and is answered as captured.
			{"/epcis/readPoints/" + url.PathEscape(mfrLoc) + "/events", []string{"urn:uuid:res-s1", restURI}},
			{"/epcis/readPoints/" + mfrGLN + "/events?EQ_bizStep=shipping", []string{"urn:uuid:res-s1"}},
			{"/epcis/bizLocations/" + mfrGLN + "/events?EQ_bizStep=shipping", nil},
		} {
			got := flat(pages(t, w, reg, c.path, false))
			if !slices.Equal(got, c.want) {
				t.Errorf("%s: got %v, want %v", c.path, got, c.want)
			}
			if got := flat(pages(t, w, hsp, c.path, false)); len(got) != 0 {
				t.Errorf("%s as %s, who took no part: %v (ADR 012)", c.path, hsp, got)
			}
		}
	})
	t.Run("a resource's events page with perPage and Link", func(t *testing.T) {
		pp := pages(t, w, mfr, "/epcis/eventTypes/ObjectEvent/events?perPage=1", false)
		if got := flat(pp); len(pp) < 3 || !slices.Equal(got, []string{"urn:uuid:res-c1", "urn:uuid:res-s1", restURI}) {
			t.Fatalf("pages %v", pp)
		}
	})
	t.Run("a bad resource in the path is a 400 naming the path parameter", func(t *testing.T) {
		for path, field := range map[string]string{
			"/epcis/eventTypes/FooEvent/events":          "eventType",
			"/epcis/bizSteps/dancing/events":             "bizStep",
			"/epcis/dispositions/shipping|active/events": "disposition",
			"/epcis/readPoints/not-a-place/events":       "readPoint",
		} {
			r := w.call(reg, "GET", path, nil)
			if p := problemOf(t, r); r.status != 400 || len(p.Errors) != 1 || p.Errors[0].Field != field {
				t.Errorf("%s: %s", path, r)
			}
		}
	})

	t.Run("the vocabularies' lists", func(t *testing.T) {
		if got := flat(pages(t, w, hsp, "/epcis/eventTypes", true)); !slices.Equal(got, []string{"AggregationEvent", "AssociationEvent", "ObjectEvent", "TransactionEvent", "TransformationEvent"}) {
			t.Fatalf("eventTypes %v", got)
		}
		steps := flat(pages(t, w, hsp, "/epcis/bizSteps?perPage=7", true))
		if !slices.Contains(steps, "shipping") || !slices.Contains(steps, epcis.BizStepURIPrefix+"recalling") || len(steps) != len(epcis.BizSteps()) {
			t.Fatalf("bizSteps %v", steps)
		}
		disps := pages(t, w, hsp, "/epcis/dispositions?perPage=10", true)
		if got := flat(disps); !slices.Contains(got, "in_transit") || len(got) != len(epcis.Dispositions()) || len(disps[0]) != 10 {
			t.Fatalf("dispositions %v", disps)
		}
	})
	t.Run("EPCs, business locations and read points of the events the reader may see", func(t *testing.T) {
		want := []string{dlURI(1), dlURI(2), dlURI(3), digitalLink(10), digitalLink(11)}
		for _, msp := range []string{reg, mfr} {
			if got := flat(pages(t, w, msp, "/epcis/epcs", true)); !slices.Equal(got, want) {
				t.Errorf("epcs as %s: %v, want %v", msp, got, want)
			}
		}
		// Pages follow the events: each page lists a value once, a value may come again on a
		// later page (dlURI(1) is commissioned, then shipped).
		pp := pages(t, w, reg, "/epcis/epcs?perPage=2", true)
		seen := map[string]bool{}
		for _, p := range pp {
			page := map[string]bool{}
			for _, m := range p {
				page[m], seen[m] = true, true
			}
			if len(p) == 0 || len(p) > 2 || len(page) != len(p) {
				t.Errorf("epcs by 2: page %v", p)
			}
		}
		if got := keys(seen); !slices.Equal(got, want) {
			t.Errorf("epcs by 2: %v, want %v", pp, want)
		}
		if got := flat(pages(t, w, dst, "/epcis/epcs", true)); !slices.Equal(got, []string{dlURI(1)}) {
			t.Errorf("epcs as %s, to whom one unit was shipped: %v", dst, got)
		}
		if got := flat(pages(t, w, hsp, "/epcis/epcs", true)); len(got) != 0 {
			t.Errorf("epcs as %s, who took no part: %v (ADR 012)", hsp, got)
		}
		if got := flat(pages(t, w, reg, "/epcis/bizLocations", true)); !slices.Equal(got, []string{mfrLoc}) {
			t.Errorf("bizLocations %v", got)
		}
		if got := flat(pages(t, w, reg, "/epcis/readPoints", true)); !slices.Equal(got, []string{mfrLoc}) {
			t.Errorf("readPoints %v", got)
		}
		for _, path := range []string{"/epcis/bizLocations", "/epcis/readPoints"} {
			if got := flat(pages(t, w, hsp, path, true)); len(got) != 0 {
				t.Errorf("%s as %s: %v (ADR 012)", path, hsp, got)
			}
		}
		r := w.must(200, nil, reg, "GET", "/epcis/epcs?perPage=1", nil, "GS1-EPC-Format: Always_EPC_URN")
		var c collectionDoc
		r.decode(t, &c)
		if len(c.Member) != 1 || !strings.HasPrefix(c.Member[0], "urn:epc:id:sgtin:") {
			t.Errorf("epcs as URNs: %s", r.body)
		}
	})
	t.Run("a list's bad paging is a 400", func(t *testing.T) {
		for _, path := range []string{"/epcis/epcs?perPage=0", "/epcis/bizSteps?nextPageToken=x", "/epcis/readPoints?EQ_bizStep=shipping"} {
			if r := w.call(reg, "GET", path, nil); r.status != 400 {
				t.Errorf("%s: %s", path, r)
			}
		}
	})
	// Last: it adds events the lists above do not expect.
	t.Run("an event ID two organisations used is a 409 for a reader who sees both, until by picks one (ADR 015)", func(t *testing.T) {
		w.must(201, nil, mfr, "POST", "/v1/events/ship", map[string]any{"eventId": "dup-1", "to": dst, "codes": []string{deviceCode(11)}})
		w.must(201, nil, dst, "POST", "/v1/events/receive", map[string]any{"eventId": "dup-1", "codes": []string{deviceCode(11)}})
		path := "/epcis/events/" + url.PathEscape(epcis.EventURI("dup-1"))
		if r := w.call(reg, "GET", path, nil); r.status != 409 || !strings.Contains(string(r.body), dst) {
			t.Fatalf("two events under one ID: %s", r)
		}
		for msp, step := range map[string]string{mfr: "shipping", dst: "receiving"} {
			evs := conforms(t, w.must(200, nil, reg, "GET", path+"?by="+msp, nil))
			if len(evs) != 1 || evs[0]["bizStep"] != step {
				t.Errorf("by=%s: %v", msp, evs)
			}
			// Each submitter reads its own without by.
			if evs := conforms(t, w.must(200, nil, msp, "GET", path, nil)); len(evs) != 1 || evs[0]["bizStep"] != step {
				t.Errorf("%s's own: %v", msp, evs)
			}
		}
	})
}
