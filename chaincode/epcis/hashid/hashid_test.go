package hashid

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// document is an EPCIS document read with UseNumber, as the API expects.
type document struct {
	Context any `json:"@context"`
	Body    struct {
		EventList    []map[string]any `json:"eventList"`
		Event        map[string]any   `json:"event"`
		QueryResults struct {
			ResultsBody struct {
				EventList []map[string]any `json:"eventList"`
			} `json:"resultsBody"`
		} `json:"queryResults"`
	} `json:"epcisBody"`
}

func (d document) events() []map[string]any {
	events := append(d.Body.EventList, d.Body.QueryResults.ResultsBody.EventList...)
	if d.Body.Event != nil {
		events = append(events, d.Body.Event)
	}
	return events
}

func readDocument(tb testing.TB, path string) document {
	tb.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	var doc document
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil {
		tb.Fatalf("%s: %v", path, err)
	}
	return doc
}

func readLines(tb testing.TB, path string) []string {
	tb.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	return strings.Split(strings.TrimRight(string(data), "\n"), "\n")
}

// TestReferenceVectors checks published pre-hash strings and hash IDs of the reference
// implementation (testdata/reference, see its README).
func TestReferenceVectors(t *testing.T) {
	docs, err := filepath.Glob("testdata/reference/*.jsonld")
	if err != nil || len(docs) == 0 {
		t.Fatalf("no reference documents: %v", err)
	}
	for _, path := range docs {
		base := strings.TrimSuffix(path, ".jsonld")
		t.Run(filepath.Base(base), func(t *testing.T) {
			doc := readDocument(t, path)
			ns := Namespaces(doc.Context)
			wantIDs := readLines(t, base+".hashes")
			var wantPre []string
			if _, err := os.Stat(base + ".prehashes"); err == nil {
				wantPre = readLines(t, base+".prehashes")
			}
			events := doc.events()
			if len(events) != len(wantIDs) {
				t.Fatalf("%d events, %d hashes", len(events), len(wantIDs))
			}
			for i, ev := range events {
				if wantPre != nil {
					pre, err := PreHashWith(ev, ns)
					if err != nil {
						t.Fatalf("event %d: %v", i, err)
					}
					if pre != wantPre[i] {
						t.Errorf("event %d pre-hash\n got %s\nwant %s", i, pre, wantPre[i])
					}
				}
				id, err := IDWith(ev, ns)
				if err != nil {
					t.Fatalf("event %d: %v", i, err)
				}
				if id != wantIDs[i] {
					t.Errorf("event %d: ID %s, want %s", i, id, wantIDs[i])
				}
			}
		})
	}
}
