package simplequery

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// example is an event of the GS1 reference set, labelled by its file (under examples/,
// without .jsonld) and, in files of several events, its index ("Example_9.6.1-ObjectEvent#1").
type example struct {
	label string
	event map[string]any
}

const refSet = "testdata/gs1-epcis"

// loadExamples reads every event of the documents under dir (relative to refSet), decoded
// with UseNumber as a repository keeps them.
func loadExamples(tb testing.TB, dir string) []example {
	tb.Helper()
	root := filepath.Join(refSet, dir)
	var out []example
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".jsonld") {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.UseNumber()
		var doc struct {
			EPCISBody struct {
				EventList []map[string]any `json:"eventList"`
			} `json:"epcisBody"`
		}
		if err := dec.Decode(&doc); err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		name := strings.TrimSuffix(filepath.ToSlash(rel), ".jsonld")
		evs := doc.EPCISBody.EventList
		for i, ev := range evs {
			label := name
			if len(evs) > 1 {
				label += "#" + strconv.Itoa(i)
			}
			out = append(out, example{label, ev})
		}
		return nil
	})
	if err != nil || len(out) == 0 {
		tb.Fatalf("reading examples in %s: %d events, %v", root, len(out), err)
	}
	return out
}

// matching returns the sorted labels of the examples q matches.
func matching(q *Query, examples []example) []string {
	out := []string{}
	for _, e := range examples {
		if q.Match(e.event) {
			out = append(out, e.label)
		}
	}
	sort.Strings(out)
	return out
}

// values reads a raw URL query (parameters separated by '&', values escaped as needed).
func values(tb testing.TB, raw string) url.Values {
	tb.Helper()
	v, err := url.ParseQuery(raw)
	if err != nil {
		tb.Fatalf("bad test query %q: %v", raw, err)
	}
	return v
}

func sorted(s ...string) []string {
	s = slices.Clone(s)
	sort.Strings(s)
	return s
}

// fullCombination are the five WithFullCombinationOfFields events.
var fullCombination = []string{
	"WithFullCombinationOfFields/aggregation_event_all_possible_fields",
	"WithFullCombinationOfFields/association_event_all_possible_fields",
	"WithFullCombinationOfFields/object_event_all_possible_fields",
	"WithFullCombinationOfFields/transaction_event_all_possible_fields",
	"WithFullCombinationOfFields/transformation_event_all_possible_fields",
}

func plus(base []string, more ...string) []string { return append(slices.Clone(base), more...) }
