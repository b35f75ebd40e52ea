// Package epcistest locates the GS1 EPCIS 2.0 reference set the tests read: the official
// example documents, JSON Schemas and REST binding, kept in gateway/epcis/testdata/gs1-epcis.
// It uses the standard library only, so any package's tests can import it.
package epcistest

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// Dir returns the folder of the GS1 EPCIS 2.0 reference set.
func Dir() string {
	if _, file, _, ok := runtime.Caller(0); ok && filepath.IsAbs(file) {
		return filepath.Join(filepath.Dir(file), "..", "testdata", "gs1-epcis")
	}
	// Built with -trimpath: the file name is module-relative. Tests run in their package's
	// folder, so look for the module root from there.
	dir, err := os.Getwd()
	if err != nil {
		return ""
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return filepath.Join(dir, "gateway", "epcis", "testdata", "gs1-epcis")
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

// Examples returns the EPCIS documents at the top of the reference set: every *.jsonld there
// except the JSON-LD contexts (epcis-context*.jsonld), and none of the examples/ folders. It
// fails tb when there are none.
func Examples(tb testing.TB) []string {
	tb.Helper()
	dir := Dir()
	all, err := filepath.Glob(filepath.Join(dir, "*.jsonld"))
	var files []string
	for _, f := range all {
		if ok, _ := filepath.Match("epcis-context*.jsonld", filepath.Base(f)); !ok {
			files = append(files, f)
		}
	}
	if err != nil || len(files) == 0 {
		tb.Fatalf("no EPCIS examples found in %s: %v", dir, err)
	}
	return files
}
