package api

import (
	"net/http"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/udiledger/udiledger/gateway/routes"
)

// servedPaths are the table's paths under /epcis with their methods, in table order.
func servedPaths() ([]string, map[string][]string) {
	var paths []string
	methods := map[string][]string{}
	for _, rt := range routes.Table {
		if rt.Path != "/epcis" && !strings.HasPrefix(rt.Path, "/epcis/") {
			continue
		}
		if methods[rt.Path] == nil {
			paths = append(paths, rt.Path)
		}
		methods[rt.Path] = append(methods[rt.Path], rt.Method)
	}
	return paths, methods
}

// concrete fills a path's parameters with values the gateway takes.
func concrete(path string) string {
	return strings.NewReplacer("{captureID}", "cj-none", "{eventID}", "urn:uuid:none", "{eventType}", "ObjectEvent",
		"{epc}", url.PathEscape(dlURI(1)), "{bizStep}", "shipping", "{bizLocation}", url.PathEscape("https://id.gs1.org/414/"+mfrGLN),
		"{readPoint}", url.PathEscape("https://id.gs1.org/414/"+mfrGLN), "{disposition}", "in_transit", "{token}", "e30",
		"{queryName}", "q1", "{subscriptionID}", "s1").Replace(path)
}

// TestEPCISOptions sends OPTIONS to every path the gateway serves under /epcis: 204, Allow
// listing the table's methods, and the binding's discovery headers; capture announces its
// limits and error behaviours.
func TestEPCISOptions(t *testing.T) {
	w, _ := jobWorld(t, filepath.Join(t.TempDir(), "jobs.db"), func(o *Options) { o.CaptureLimit, o.CaptureFileSizeLimit = 7, 12345 })
	paths, methods := servedPaths()
	if len(paths) < 20 {
		t.Fatalf("only %d paths under /epcis", len(paths))
	}
	discovery := map[string]string{
		"GS1-EPCIS-Version": "2.0.0", "GS1-EPCIS-Min": "2.0.0", "GS1-EPCIS-Max": "2.0.0",
		"GS1-CBV-Version": "2.0.0", "GS1-CBV-Min": "2.0.0", "GS1-CBV-Max": "2.0.0",
		"GS1-Extensions": "udi=urn:udiledger:voc:", "GS1-EPC-Format": "No_Preference",
		"GS1-CBV-XML-Format": "Always_URN",
	}
	for _, p := range paths {
		t.Run(p, func(t *testing.T) {
			r := w.must(204, nil, mfr, "OPTIONS", concrete(p), nil)
			if want := "OPTIONS, " + strings.Join(methods[p], ", "); r.header.Get("Allow") != want {
				t.Errorf("Allow %q, want %q", r.header.Get("Allow"), want)
			}
			for h, v := range discovery {
				if r.header.Get(h) != v {
					t.Errorf("%s: %q, want %q", h, r.header.Get(h), v)
				}
			}
			if !strings.HasPrefix(r.header.Get("GS1-Vendor-Version"), "udiledger-") || len(r.body) != 0 {
				t.Errorf("vendor version %q, body %q", r.header.Get("GS1-Vendor-Version"), r.body)
			}
			limits := r.header.Get("GS1-EPCIS-Capture-Limit") + " " + r.header.Get("GS1-EPCIS-Capture-File-Size-Limit")
			switch p {
			case "/epcis/capture":
				if limits != "7 12345" || r.header.Get("GS1-Capture-Error-Behaviour") != "all" {
					t.Errorf("capture limits %q, behaviour %q", limits, r.header.Get("GS1-Capture-Error-Behaviour"))
				}
			case "/epcis/events":
				if limits != "7 12345" {
					t.Errorf("capture limits %q", limits)
				}
			default:
				if limits != " " {
					t.Errorf("limits announced off capture: %q", limits)
				}
			}
		})
	}
	t.Run("the capture and the event list allow what the binding says", func(t *testing.T) {
		for p, want := range map[string]string{"/epcis/capture": "OPTIONS, POST, GET", "/epcis/events": "OPTIONS, POST, GET",
			"/epcis": "OPTIONS, GET", "/epcis/nextPageToken/e30": "OPTIONS, DELETE"} {
			if got := w.must(204, nil, mfr, "OPTIONS", p, nil).header.Get("Allow"); got != want {
				t.Errorf("%s: Allow %q, want %q", p, got, want)
			}
		}
	})
	t.Run("without an API key it is 401, off /epcis no route", func(t *testing.T) {
		w.must(401, nil, "", "OPTIONS", "/epcis/events", nil)
		w.must(404, nil, mfr, "OPTIONS", "/epcis/nowhere", nil)
	})
	t.Run("a method not served is 405, whose Allow names OPTIONS too", func(t *testing.T) {
		r := w.must(405, nil, mfr, "PUT", "/epcis/capture", nil)
		for _, m := range []string{"OPTIONS", "POST", "GET"} {
			if !strings.Contains(r.header.Get("Allow"), m) {
				t.Fatalf("Allow %q", r.header.Get("Allow"))
			}
		}
	})
	t.Run("without a job store capture announces proceed only", func(t *testing.T) {
		w2 := newWorldOn(t, w, func(*Options) {})
		r := w2.must(204, nil, mfr, "OPTIONS", "/epcis/capture", nil)
		if r.header.Get("GS1-Capture-Error-Behaviour") != "proceed" || r.header.Get("GS1-EPCIS-Capture-Limit") != "1000" ||
			r.header.Get("GS1-EPCIS-Capture-File-Size-Limit") != "8388608" {
			t.Fatalf("headers %v", r.header)
		}
	})
}

// TestEPCISRootAndMembers reads the binding's root and the sub-resources of one member of
// each top-level resource.
func TestEPCISRootAndMembers(t *testing.T) {
	w := newWorld(t)
	var root collectionDoc
	w.must(200, &root, mfr, "GET", "/epcis", nil)
	want := []string{"capture", "events", "eventTypes", "epcs", "bizSteps", "bizLocations", "readPoints", "dispositions", "queries"}
	if root.Type != "Collection" || len(root.Context) == 0 || len(root.Member) != len(want) {
		t.Fatalf("root %+v", root)
	}
	for _, m := range want {
		if !slices.Contains(root.Member, m) {
			t.Errorf("root lacks %s: %v", m, root.Member)
		}
	}

	loc := "https://id.gs1.org/414/" + mfrGLN
	for _, tt := range []struct {
		path string
		want int
	}{
		{"/epcis/eventTypes/ObjectEvent", 200},
		{"/epcis/eventTypes/TransformationEvent", 200},
		{"/epcis/eventTypes/FlyingEvent", 404},
		{"/epcis/eventTypes/ObjectEvent|AggregationEvent", 404},
		{"/epcis/bizSteps/shipping", 200},
		{"/epcis/bizSteps/" + url.PathEscape("urn:epcglobal:cbv:bizstep:shipping"), 200},
		{"/epcis/bizSteps/" + url.PathEscape("https://ref.gs1.org/cbv/BizStep-commissioning"), 200},
		{"/epcis/bizSteps/" + url.PathEscape("urn:udiledger:bizstep:recalling"), 200},
		{"/epcis/bizSteps/flying", 404},
		{"/epcis/bizSteps/" + url.PathEscape("https://example.com/steps/flying"), 404},
		{"/epcis/dispositions/in_transit", 200},
		{"/epcis/dispositions/" + url.PathEscape("https://ref.gs1.org/cbv/Disp-recalled"), 200},
		{"/epcis/dispositions/wet", 404},
		{"/epcis/epcs/" + url.PathEscape(dlURI(1)), 200},
		{"/epcis/epcs/" + url.PathEscape("urn:epc:id:sgtin:0614141.107346.2017"), 200},
		{"/epcis/epcs/not-a-code", 400},
		{"/epcis/bizLocations/" + url.PathEscape(loc), 200},
		{"/epcis/bizLocations/" + url.PathEscape("urn:epc:id:sgln:0614141.07346.0"), 200},
		{"/epcis/bizLocations/nowhere", 400},
		{"/epcis/readPoints/" + mfrGLN, 200},
		{"/epcis/readPoints/" + url.PathEscape(loc+"|"+loc), 400},
	} {
		t.Run(tt.path, func(t *testing.T) {
			r := w.call(mfr, "GET", tt.path, nil)
			if r.status != tt.want || r.header.Get("GS1-EPCIS-Version") == "" {
				t.Fatalf("%s, want %d", r, tt.want)
			}
			if tt.want != 200 {
				problemOf(t, r)
				return
			}
			var c collectionDoc
			r.decode(t, &c)
			if c.Type != "Collection" || !slices.Equal(c.Member, []string{"events"}) {
				t.Fatalf("collection %+v", c)
			}
		})
	}
	t.Run("a member's events are where the collection says", func(t *testing.T) {
		w.must(200, nil, mfr, "GET", "/epcis/bizSteps/shipping/events", nil)
	})
	t.Run("no parameters, JSON only, an API key needed", func(t *testing.T) {
		w.must(400, nil, mfr, "GET", "/epcis/bizSteps/shipping?perPage=2", nil)
		w.must(400, nil, mfr, "GET", "/epcis?colour=red", nil)
		w.must(406, nil, mfr, "GET", "/epcis", nil, "Accept: text/html")
		w.must(401, nil, "", "GET", "/epcis", nil)
	})
}

// TestEPCISReleasePageToken deletes a page token: the gateway holds nothing for it, so a token
// it gave is released (204) and still reads its page; a token it cannot have given is 404.
func TestEPCISReleasePageToken(t *testing.T) {
	w := newWorld(t)
	first := w.must(200, nil, mfr, "GET", "/epcis/bizSteps?perPage=2", nil)
	next := nextLink(first)
	u, err := url.Parse(next)
	if err != nil || next == "" {
		t.Fatalf("no next page: %q %v", next, err)
	}
	token := u.Query().Get("nextPageToken")
	var before, after collectionDoc
	w.must(200, &before, mfr, "GET", next, nil)
	w.must(204, nil, mfr, "DELETE", "/epcis/nextPageToken/"+url.PathEscape(token), nil)
	w.must(200, &after, mfr, "GET", next, nil)
	if len(before.Member) != 2 || !slices.Equal(before.Member, after.Member) {
		t.Fatalf("page before %v, after the release %v", before.Member, after.Member)
	}
	for _, bad := range []string{"not-a-token", "bm90IGpzb24", url.PathEscape(`{"s":-1}`)} {
		r := w.must(404, nil, mfr, "DELETE", "/epcis/nextPageToken/"+bad, nil)
		if p := problemOf(t, r); p.Status != 404 {
			t.Fatalf("%s: %+v", bad, p)
		}
	}
	w.must(401, nil, "", "DELETE", "/epcis/nextPageToken/"+url.PathEscape(token), nil)
}

// chunked is a body of unknown length: the request carries no Content-Length.
type chunked struct{ r *strings.Reader }

func (c chunked) Read(p []byte) (int, error) { return c.r.Read(p) }

// TestEPCISCaptureLimits captures over each limit: 413 naming it, nothing captured; every
// capture answer announces both limits.
func TestEPCISCaptureLimits(t *testing.T) {
	w, _ := jobWorld(t, filepath.Join(t.TempDir(), "jobs.db"), func(o *Options) {
		o.CaptureLimit, o.CaptureFileSizeLimit, o.MaxBodyBytes = 2, 3000, 700
	})
	w.seed()
	announced := func(t *testing.T, r resp) {
		t.Helper()
		if r.header.Get("GS1-EPCIS-Capture-Limit") != "2" || r.header.Get("GS1-EPCIS-Capture-File-Size-Limit") != "3000" {
			t.Fatalf("limits not announced: %v", r.header)
		}
	}
	tooLarge := func(t *testing.T, r resp, says string) {
		t.Helper()
		announced(t, r)
		if p := problemOf(t, r); p.Status != 413 || !strings.Contains(p.Detail, says) {
			t.Fatalf("problem %+v, want it to say %q", p, says)
		}
	}
	t.Run("more events than the capture limit", func(t *testing.T) {
		doc := epcisDoc(objectCommission("lim-1", 61), objectCommission("lim-2", 62), objectCommission("lim-3", 63))
		tooLarge(t, w.must(413, nil, mfr, "POST", "/epcis/capture", doc), "3 events, at most 2")
		var list CaptureJobList
		if w.must(200, &list, mfr, "GET", "/epcis/capture", nil); len(list.CaptureJobs) != 0 {
			t.Fatalf("a job was kept: %+v", list)
		}
	})
	t.Run("a body larger than the file size limit, with or without Content-Length", func(t *testing.T) {
		doc := epcisDoc(objectCommission("lim-4", 64))
		doc = strings.Replace(doc, `"epcisBody"`, `"padding":"`+strings.Repeat("x", 3000)+`","epcisBody"`, 1)
		tooLarge(t, w.must(413, nil, mfr, "POST", "/epcis/capture", doc), "at most 3000 bytes")
		tooLarge(t, w.must(413, nil, mfr, "POST", "/epcis/events", objectCommission("lim-5", 65)+strings.Repeat(" ", 3000)), "at most 3000 bytes")
		req, err := http.NewRequest("POST", w.srv.URL+"/epcis/capture", chunked{strings.NewReader(doc)})
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+w.keys[mfr])
		req.Header.Set("Content-Type", "application/json")
		res, err := w.srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_ = res.Body.Close()
		if res.StatusCode != 413 || res.Header.Get("GS1-EPCIS-Capture-File-Size-Limit") != "3000" || req.ContentLength != 0 {
			t.Fatalf("chunked: %d %v", res.StatusCode, res.Header)
		}
	})
	t.Run("within both limits a capture is taken, though larger than the gateway's body limit", func(t *testing.T) {
		doc := epcisDoc(objectCommission("lim-6", 66), objectCommission("lim-7", 67))
		if len(doc) <= 700 || len(doc) > 3000 {
			t.Fatalf("the document is %d bytes", len(doc))
		}
		r := w.must(202, nil, mfr, "POST", "/epcis/capture", doc)
		announced(t, r)
		if j := w.waitJob(mfr, r.header.Get("Location")); !j.Success || j.Captured != 2 {
			t.Fatalf("job %+v", j)
		}
		announced(t, w.must(201, nil, mfr, "POST", "/epcis/events", objectCommission("lim-8", 68)))
		w.must(413, nil, mfr, "POST", "/v1/scans", strings.Repeat(" ", 701))
	})
	t.Run("by default the limit is 1,000 events", func(t *testing.T) {
		w2 := newWorldOn(t, w, func(*Options) {})
		events := make([]string, 1001)
		for i := range events {
			events[i] = `{"type":"ObjectEvent"}`
		}
		r := w2.must(413, nil, mfr, "POST", "/epcis/capture", epcisDoc(events...))
		if p := problemOf(t, r); !strings.Contains(p.Detail, "1001 events, at most 1000") || r.header.Get("GS1-EPCIS-Capture-Limit") != "1000" {
			t.Fatalf("problem %+v", p)
		}
	})
}
