package epcis

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/udiledger/udiledger/chaincode/orgs"
	"github.com/udiledger/udiledger/cli/internal/clitest"
	"github.com/udiledger/udiledger/cli/internal/cmdutil"
	"github.com/udiledger/udiledger/gateway/api"
	"github.com/udiledger/udiledger/gateway/epcis/xmlbind"
)

func gln(msp string) string {
	o, _ := orgs.Find(msp)
	return o.GLN
}

// doc is an EPCISDocument of events (JSON objects).
func doc(events ...string) string {
	return `{"@context":["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],"type":"EPCISDocument",` +
		`"schemaVersion":"2.0","creationDate":"2026-12-02T08:00:00Z","epcisBody":{"eventList":[` + strings.Join(events, ",") + `]}}`
}

// hourAgo is when the documents' events happened: the ledger refuses an event time after its own.
var hourAgo = time.Now().UTC().Add(-time.Hour).Truncate(time.Second)

func commission(id, di string, serials ...int) string {
	var epcs []string
	for _, s := range serials {
		epcs = append(epcs, fmt.Sprintf(`"https://id.gs1.org/01/%s/21/E%03d"`, di, s))
	}
	return `{"type":"ObjectEvent","eventID":"` + id + `","eventTime":"` + hourAgo.Format(time.RFC3339) + `","eventTimeZoneOffset":"+08:00",` +
		`"action":"ADD","bizStep":"commissioning","disposition":"active","epcList":[` + strings.Join(epcs, ",") + `],` +
		`"bizLocation":{"id":"https://id.gs1.org/414/` + gln(orgs.Manufacturer) + `"},"ilmd":{"cbvmda:lotNumber":"EP1"}}`
}

func ship(id, di string, serial int) string {
	return `{"type":"ObjectEvent","eventID":"` + id + `","eventTime":"` + hourAgo.Add(time.Minute).Format(time.RFC3339) + `","eventTimeZoneOffset":"+08:00",` +
		`"action":"OBSERVE","bizStep":"shipping","disposition":"in_transit","epcList":["` + fmt.Sprintf("https://id.gs1.org/01/%s/21/E%03d", di, serial) + `"],` +
		`"readPoint":{"id":"https://id.gs1.org/414/` + gln(orgs.Manufacturer) + `"},` +
		`"destinationList":[{"type":"owning_party","destination":"https://id.gs1.org/417/` + gln(orgs.Distributor) + `"}]}`
}

// transform makes a unit of another of di, naming no lot for it: refused by the ledger.
func transform(di string) string {
	return `{"type":"TransformationEvent","eventTime":"` + hourAgo.Add(2*time.Minute).Format(time.RFC3339) + `","eventTimeZoneOffset":"+00:00",` +
		`"inputEPCList":["` + fmt.Sprintf("https://id.gs1.org/01/%s/21/E%03d", di, 3) + `"],"outputEPCList":["` + fmt.Sprintf("https://id.gs1.org/01/%s/21/E%03d", di, 9) + `"]}`
}

func write(t *testing.T, dir, name, body string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestCaptureAndQuery(t *testing.T) {
	g := clitest.StoryGatewayWith(t, clitest.Options{CaptureJobs: true})
	di := g.NewLot(t, "0690123400091", "EP1")
	mfr := g.Env(orgs.Manufacturer)
	dir := t.TempDir()
	write(t, dir, "a-shipment.jsonld", doc(commission("urn:uuid:ep-c1", di, 1, 2), ship("urn:uuid:ep-s1", di, 1)))
	b := write(t, dir, "b-mixed.json", doc(commission("urn:uuid:ep-c2", di, 3), transform(di)))
	write(t, dir, "notes.txt", "not a document")

	t.Run("a directory: each document's job waited for, a row per event; a rollback records nothing of the bad one", func(t *testing.T) {
		out, errOut, code := clitest.Run(t, mfr, NewCmdEPCIS, "capture", dir)
		for _, want := range []string{
			`(?m)^FILE\s+EVENT\s+EVENT ID\s+OUTCOME\s+DETAIL$`,
			`(?m)^\S*a-shipment\.jsonld\s+0\s+urn:uuid:ep-c1\s+captured\s+-$`,
			`(?m)^\S*a-shipment\.jsonld\s+1\s+urn:uuid:ep-s1\s+captured\s+-$`,
			`(?m)^\S*b-mixed\.json\s+0\s+urn:uuid:ep-c2\s+not recorded\s+-$`,
			`(?m)^\S*b-mixed\.json\s+1\s+ni:///sha-256;\S+\s+failed\s+422 .*the lot is required`,
		} {
			if !regexp.MustCompile(want).MatchString(out) {
				t.Fatalf("stdout does not match %s:\n%s%s", want, out, errOut)
			}
		}
		if code != cmdutil.ExitRejected || strings.Contains(out, "notes.txt") ||
			!strings.Contains(errOut, "epcis capture: 2 files, 4 events: 2 captured, 1 failed, 1 not recorded; 0 files refused") {
			t.Fatalf("exit %d:\n%s%s", code, out, errOut)
		}
	})
	t.Run("proceed records what it can", func(t *testing.T) {
		out, errOut, code := clitest.Run(t, mfr, NewCmdEPCIS, "capture", b, "--error-behaviour", "proceed", "-o", "json")
		var rep CaptureReport
		if code != cmdutil.ExitRejected || json.Unmarshal([]byte(out), &rep) != nil || rep.Captured != 1 || rep.Failed != 1 ||
			rep.Files[0].CaptureID == "" || rep.Files[0].Events[0].Outcome != Captured {
			t.Fatalf("exit %d:\n%s%s", code, out, errOut)
		}
	})
	t.Run("a glob, again: the ledger answers the recorded events as replays, all captured", func(t *testing.T) {
		_, errOut, code := clitest.Run(t, mfr, NewCmdEPCIS, "capture", filepath.Join(dir, "a-*"))
		if code != cmdutil.ExitOK || !strings.Contains(errOut, "1 files, 2 events: 2 captured, 0 failed") {
			t.Fatalf("exit %d: %s", code, errOut)
		}
	})
	t.Run("--async prints the job and leaves it running; the job finishes on its own", func(t *testing.T) {
		c := write(t, t.TempDir(), "c.json", doc(commission("urn:uuid:ep-c4", di, 4)))
		out, errOut, code := clitest.Run(t, mfr, NewCmdEPCIS, "capture", c, "--async", "-o", "json")
		var rep CaptureReport
		if code != cmdutil.ExitOK || json.Unmarshal([]byte(out), &rep) != nil || rep.Files[0].Outcome != Submitted ||
			!strings.Contains(errOut, "1 capture jobs submitted (1 events)") {
			t.Fatalf("exit %d:\n%s%s", code, out, errOut)
		}
		rc, err := cmdutil.Gateway{URL: g.URL, APIKey: g.Keys[orgs.Manufacturer]}.REST()
		if err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(30 * time.Second)
		for {
			var job api.CaptureJob
			if _, err := rc.GetJSON(t.Context(), "/epcis/capture/"+rep.Files[0].CaptureID, nil, &job); err != nil {
				t.Fatal(err)
			}
			if !job.Running {
				if !job.Success || job.Captured != 1 {
					t.Fatalf("job %+v", job)
				}
				break
			}
			if time.Now().After(deadline) {
				t.Fatal("the job is still running")
			}
			time.Sleep(50 * time.Millisecond)
		}
	})
	t.Run("a document the schema refuses is refused whole, with the pointer, exit 2", func(t *testing.T) {
		bad := write(t, t.TempDir(), "bad.json", `{"type":"EPCISDocument","schemaVersion":"2.0","epcisBody":{"eventList":[{"type":"ObjectEvent"}]}}`)
		out, errOut, code := clitest.Run(t, mfr, NewCmdEPCIS, "capture", bad)
		if code != cmdutil.ExitInvalid || !regexp.MustCompile(`(?m)bad\.json\s+-\s+-\s+refused\s+the gateway refused the request \(400\)`).MatchString(out) ||
			!strings.Contains(errOut, "/epcisBody/eventList/0") || !strings.Contains(errOut, "1 files refused") {
			t.Fatalf("exit %d:\n%s%s", code, out, errOut)
		}
	})
	t.Run("an XML document goes as application/xml and is captured; an XML document without a body is refused", func(t *testing.T) {
		xd, err := xmlbind.FromJSON([]byte(doc(commission("urn:uuid:ep-x1", di, 5))))
		if err != nil {
			t.Fatal(err)
		}
		x := write(t, t.TempDir(), "x.xml", string(xd))
		out, errOut, code := clitest.Run(t, mfr, NewCmdEPCIS, "capture", x)
		if code != cmdutil.ExitOK || !regexp.MustCompile(`(?m)^\S*x\.xml\s+0\s+urn:uuid:ep-x1\s+captured\s+-$`).MatchString(out) {
			t.Fatalf("exit %d:\n%s%s", code, out, errOut)
		}
		d := write(t, t.TempDir(), "d.xml", `<?xml version="1.0"?><epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:2" schemaVersion="2.0"/>`)
		_, errOut, code = clitest.Run(t, mfr, NewCmdEPCIS, "capture", d, "--verbose")
		if code != cmdutil.ExitInvalid || !strings.Contains(errOut, "d.xml") || !regexp.MustCompile(`POST http://\S+/epcis/capture 4\d\d request-id \w+`).MatchString(errOut) {
			t.Fatalf("exit %d: %s", code, errOut)
		}
	})
	t.Run("no file, no glob match: invalid input", func(t *testing.T) {
		for _, arg := range []string{filepath.Join(dir, "nope.json"), filepath.Join(dir, "z*.json"), t.TempDir()} {
			if _, errOut, code := clitest.Run(t, mfr, NewCmdEPCIS, "capture", arg); code != cmdutil.ExitInvalid {
				t.Fatalf("%s: exit %d: %s", arg, code, errOut)
			}
		}
	})

	t.Run("query by bizStep and EPC: the table, and -o json the EPCISQueryDocument", func(t *testing.T) {
		epc := fmt.Sprintf("https://id.gs1.org/01/%s/21/E001", di)
		out, errOut, code := clitest.Run(t, mfr, NewCmdEPCIS, "query", "--biz-step", "shipping", "--epc", epc)
		if code != cmdutil.ExitOK || !regexp.MustCompile(`(?m)^TIME\s+TYPE\s+ACTION\s+BIZSTEP\s+EPCS\s+EVENT ID$`).MatchString(out) ||
			!regexp.MustCompile(`(?m)^\S+\s+ObjectEvent\s+OBSERVE\s+shipping\s+1\s+urn:uuid:ep-s1$`).MatchString(out) ||
			strings.Count(strings.TrimSpace(out), "\n") != 1 {
			t.Fatalf("exit %d:\n%s%s", code, out, errOut)
		}
		out, _, code = clitest.Run(t, mfr, NewCmdEPCIS, "query", "--epc", epc, "--from", hourAgo.Add(-time.Minute).Format(time.RFC3339), "--to", hourAgo.Add(time.Hour).Format(time.RFC3339), "-o", "json")
		var d map[string]any
		if code != cmdutil.ExitOK || json.Unmarshal([]byte(out), &d) != nil || d["type"] != "EPCISQueryDocument" || len(eventList(d)) != 2 {
			t.Fatalf("exit %d:\n%s", code, out)
		}
	})
	t.Run("query follows nextPageToken as far as --limit, joining the pages", func(t *testing.T) {
		out, errOut, code := clitest.Run(t, g.Env(orgs.Regulator), NewCmdEPCIS, "query", "--param", "perPage=2", "--limit", "5", "-o", "json", "--verbose")
		var d map[string]any
		if code != cmdutil.ExitOK || json.Unmarshal([]byte(out), &d) != nil || len(eventList(d)) != 5 || strings.Count(errOut, "GET ") != 3 {
			t.Fatalf("exit %d:\n%s", code, errOut)
		}
	})
	t.Run("a parameter the gateway does not know is its 400, naming it, exit 2", func(t *testing.T) {
		_, errOut, code := clitest.Run(t, mfr, NewCmdEPCIS, "query", "--param", "WD_readPoint=x")
		if code != cmdutil.ExitInvalid || !strings.Contains(errOut, "WD_readPoint") {
			t.Fatalf("exit %d: %s", code, errOut)
		}
	})
}

// TestCaptureSaysSoWhenXMLIsNotAccepted: a gateway that answers 415 to an XML document (as
// the binding says one that reads only JSON-LD may). The project's gateway does not answer
// 415 yet, so this one status comes from a stand-in.
func TestCaptureSaysSoWhenXMLIsNotAccepted(t *testing.T) {
	var contentType string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		contentType = r.Header.Get("Content-Type")
		w.Header().Set("Content-Type", "application/problem+json")
		w.WriteHeader(http.StatusUnsupportedMediaType)
		_, _ = w.Write([]byte(`{"type":"about:blank","title":"Unsupported Media Type","status":415,"detail":"only application/json and application/ld+json"}`))
	}))
	defer srv.Close()
	x := write(t, t.TempDir(), "e.xml", `<epcis:EPCISDocument/>`)
	env := func(k string) string {
		return map[string]string{"UDI_GATEWAY": srv.URL, "UDI_API_KEY": "k"}[k]
	}
	_, errOut, code := clitest.Run(t, env, NewCmdEPCIS, "capture", x)
	if contentType != "application/xml" || code != cmdutil.ExitInvalid ||
		!strings.Contains(errOut, "e.xml: the gateway does not accept application/xml documents (415): only application/json and application/ld+json") {
		t.Fatalf("content type %q, exit %d: %s", contentType, code, errOut)
	}
}
