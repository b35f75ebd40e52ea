package xmlbind

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/udiledger/udiledger/gateway/epcis/epcistest"
)

// exampleDocuments are every JSON-LD example of the GS1 reference set: its top level,
// examples/ and examples-simple-context/, without the two contexts.
func exampleDocuments(t testing.TB) []string {
	t.Helper()
	var files []string
	err := filepath.WalkDir(epcistest.Dir(), func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.HasSuffix(path, ".jsonld") && !strings.HasPrefix(d.Name(), "epcis-context") {
			files = append(files, path)
		}
		return nil
	})
	if err != nil || len(files) < 100 {
		t.Fatalf("GS1 examples: %d found, %v", len(files), err)
	}
	return files
}

func decode(t testing.TB, b []byte) map[string]any {
	t.Helper()
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var v map[string]any
	if err := d.Decode(&v); err != nil {
		t.Fatalf("decode: %v\n%s", err, b)
	}
	return v
}

// diff lists where two generic JSON values differ, by JSON path.
func diff(path string, a, b any) []string {
	switch x := a.(type) {
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok {
			return []string{fmt.Sprintf("%s: %#v, got %#v", path, a, b)}
		}
		var out []string
		keys := map[string]bool{}
		for k := range x {
			keys[k] = true
		}
		for k := range y {
			keys[k] = true
		}
		sorted := make([]string, 0, len(keys))
		for k := range keys {
			sorted = append(sorted, k)
		}
		slices.Sort(sorted)
		for _, k := range sorted {
			va, oka := x[k]
			vb, okb := y[k]
			switch {
			case !oka:
				out = append(out, fmt.Sprintf("%s/%s: unexpected %#v", path, k, vb))
			case !okb:
				out = append(out, fmt.Sprintf("%s/%s: missing (want %#v)", path, k, va))
			default:
				out = append(out, diff(path+"/"+k, va, vb)...)
			}
		}
		return out
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return []string{fmt.Sprintf("%s: %#v, got %#v", path, a, b)}
		}
		var out []string
		for i := range x {
			out = append(out, diff(fmt.Sprintf("%s/%d", path, i), x[i], y[i])...)
		}
		return out
	}
	if !reflect.DeepEqual(a, b) {
		return []string{fmt.Sprintf("%s: %#v (%T), got %#v (%T)", path, a, a, b, b)}
	}
	return nil
}

// prefixes are the prefix → IRI bindings of an @context, the standard context's included.
func prefixes(c any) map[string]string {
	out := map[string]string{}
	for p, ns := range standardPrefixes {
		out[p] = jsonIRI(ns)
	}
	var walk func(any)
	walk = func(c any) {
		switch x := c.(type) {
		case []any:
			for _, e := range x {
				walk(e)
			}
		case map[string]any:
			for k, v := range x {
				if s, ok := v.(string); ok {
					out[k] = s
				}
			}
		}
	}
	walk(c)
	return out
}

// checkXML parses the XML with encoding/xml and checks its root and namespaces.
func checkXML(t *testing.T, doc []byte, wantRoot xml.Name) {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(doc))
	first, sawBody := true, false
	depth := 0
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("XML does not parse: %v\n%s", err, doc)
		}
		switch e := tok.(type) {
		case xml.StartElement:
			depth++
			if first {
				if e.Name != wantRoot {
					t.Fatalf("root %v, want %v", e.Name, wantRoot)
				}
				first = false
				continue
			}
			if depth == 2 && e.Name == (xml.Name{Local: "EPCISBody"}) {
				sawBody = true
			}
			if e.Name.Space == NamespaceEPCIS {
				t.Errorf("%v: only the root is in the EPCIS namespace", e.Name)
			}
		case xml.EndElement:
			depth--
		}
	}
	if !sawBody {
		t.Errorf("no unqualified EPCISBody under the root")
	}
}

func TestEveryExampleSurvivesJSONToXMLToJSON(t *testing.T) {
	for _, file := range exampleDocuments(t) {
		name, _ := filepath.Rel(epcistest.Dir(), file)
		t.Run(name, func(t *testing.T) {
			src, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			want := decode(t, src)
			x, err := FromJSON(src)
			if err != nil {
				t.Fatalf("FromJSON: %v", err)
			}
			root := xml.Name{Space: NamespaceEPCIS, Local: "EPCISDocument"}
			if want["type"] == "EPCISQueryDocument" {
				root = xml.Name{Space: NamespaceQuery, Local: "EPCISQueryDocument"}
			}
			checkXML(t, x, root)
			back, err := ToJSON(bytes.NewReader(x))
			if err != nil {
				t.Fatalf("ToJSON: %v\n%s", err, x)
			}
			got := decode(t, back)
			wantPrefixes, gotPrefixes := prefixes(want["@context"]), prefixes(got["@context"])
			for p, iri := range wantPrefixes {
				if gotPrefixes[p] != iri {
					t.Errorf("@context: %s is %q, want %q", p, gotPrefixes[p], iri)
				}
			}
			delete(want, "@context")
			delete(got, "@context")
			if d := diff("", want, got); d != nil {
				t.Errorf("JSON → XML → JSON differs:\n%s\nXML:\n%s", strings.Join(d, "\n"), x)
			}
		})
	}
}
