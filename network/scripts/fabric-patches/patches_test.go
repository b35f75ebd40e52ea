// Package fabricpatches holds the tests of the files that build-fabric.sh adds to the Fabric
// source. Those files are stored as *.go.txt, outside this module's build.
package fabricpatches

import (
	"bytes"
	"go/format"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// patchFiles returns the *.go.txt files under this directory.
func patchFiles(t *testing.T) []string {
	t.Helper()
	var files []string
	err := filepath.WalkDir(".", func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(path, ".go.txt") {
			files = append(files, path)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no *.go.txt files")
	}
	return files
}

func TestGofmt(t *testing.T) {
	for _, f := range patchFiles(t) {
		src, err := os.ReadFile(f) // #nosec G304 -- a file of this directory
		if err != nil {
			t.Fatal(err)
		}
		out, err := format.Source(src)
		if err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		if !bytes.Equal(out, src) {
			t.Errorf("%s is not gofmt-ed", f)
		}
	}
}

// TestTimeWindowCheck runs the filter's time check and its tests, which use the standard
// library only, in a module of their own.
func TestTimeWindowCheck(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the go command")
	}
	goCmd, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command:", err)
	}
	dir := t.TempDir()
	write := func(name string, b []byte) {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("go.mod", []byte("module udiledger.local/timewindowcheck\n\ngo 1.20\n"))
	for _, f := range []string{"udi_timewindow_check.go.txt", "udi_timewindow_check_test.go.txt"} {
		b, err := os.ReadFile(filepath.Join("core", "handlers", "auth", "filter", f)) // #nosec G304 -- a file of this directory
		if err != nil {
			t.Fatal(err)
		}
		write(strings.TrimSuffix(f, ".txt"), b)
	}
	cmd := exec.Command(goCmd, "test", "-count=1", "-v", ".") // #nosec G204 -- the go command
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod", "GOTOOLCHAIN=local")
	out, err := cmd.CombinedOutput()
	t.Logf("%s", out)
	if err != nil {
		t.Fatalf("go test of the time check: %v", err)
	}
}
