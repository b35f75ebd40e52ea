package hashid

import (
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
)

// exampleDocuments lists the GS1 EPCIS 2.0 example documents under dir.
func exampleDocuments(tb testing.TB, dir string) []string {
	tb.Helper()
	var files []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(path, ".jsonld") {
			files = append(files, path)
		}
		return err
	})
	if err != nil || len(files) == 0 {
		tb.Fatalf("no example documents in %s: %v", dir, err)
	}
	return files
}

func TestEveryExampleEventHasAnID(t *testing.T) {
	n := 0
	for _, dir := range []string{"testdata/gs1-epcis/examples", "testdata/gs1-epcis/examples-simple-context"} {
		for _, path := range exampleDocuments(t, dir) {
			doc := readDocument(t, path)
			ns := Namespaces(doc.Context)
			for i, ev := range doc.events() {
				id, err := IDWith(ev, ns)
				if err != nil {
					t.Errorf("%s event %d: %v", path, i, err)
					continue
				}
				if !strings.HasPrefix(id, "ni:///sha-256;") || !strings.HasSuffix(id, "?ver=CBV2.0") || len(id) != len("ni:///sha-256;?ver=CBV2.0")+64 {
					t.Errorf("%s event %d: malformed ID %s", path, i, id)
				}
				n++
			}
		}
	}
	t.Logf("%d events", n)
}

// notTheSameEvents are the example documents whose simple-context copy upstream holds
// different data, not just another notation.
var notTheSameEvents = map[string]string{
	"EPCISQueryDocument.jsonld":                                                   "no simple-context copy",
	"PersistentDisposition-example.jsonld":                                        "ObjectEvents in one, AggregationEvents in the other",
	"WithFullCombinationOfFields/aggregation_event_all_possible_fields.jsonld":    "persistentDisposition only in the simple copy",
	"WithFullCombinationOfFields/association_event_all_possible_fields.jsonld":    "persistentDisposition only in the simple copy",
	"WithFullCombinationOfFields/transaction_event_all_possible_fields.jsonld":    "persistentDisposition only in the simple copy",
	"WithFullCombinationOfFields/object_event_all_possible_fields.jsonld":         "action ADD against OBSERVE",
	"WithFullCombinationOfFields/transformation_event_all_possible_fields.jsonld": "cbvmda declared as another namespace",
	"WithSensorData/SensorDataExample13.jsonld":                                   "serialised EPC against GTIN only",
	"WithSensorData/SensorDataExample17.jsonld":                                   "serialised EPC against GTIN only",
}

func TestBothContextsGiveTheSameID(t *testing.T) {
	compared := 0
	for _, full := range exampleDocuments(t, "testdata/gs1-epcis/examples") {
		rel, _ := filepath.Rel("testdata/gs1-epcis/examples", full)
		if _, differ := notTheSameEvents[filepath.ToSlash(rel)]; differ {
			continue
		}
		compared++
		simple := filepath.Join("testdata/gs1-epcis/examples-simple-context", rel)
		t.Run(rel, func(t *testing.T) {
			a, b := readDocument(t, full), readDocument(t, simple)
			ea, eb := a.events(), b.events()
			if len(ea) != len(eb) {
				t.Fatalf("%d events in the full context, %d in the simple one", len(ea), len(eb))
			}
			for i := range ea {
				pa, err := PreHashWith(ea[i], Namespaces(a.Context))
				if err != nil {
					t.Fatal(err)
				}
				pb, err := PreHashWith(eb[i], Namespaces(b.Context))
				if err != nil {
					t.Fatal(err)
				}
				if pa != pb {
					t.Errorf("event %d:\n full   %s\n simple %s", i, pa, pb)
				}
			}
		})
	}
	if compared < 30 {
		t.Errorf("compared only %d documents", compared)
	}
}
