package server

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestTheCompanyPrefixListIsReadWithItsComments(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	p, err := readCompanyPrefixes(write("ok.txt", "# our partners\n6901234\n\n  4012345  \n"))
	if err != nil || p.Len() != 2 {
		t.Fatalf("%v, %v", p, err)
	}
	if _, ok := p.Match("40123451111"); !ok {
		t.Error("4012345 not read")
	}
	if p, err := readCompanyPrefixes(""); p != nil || err != nil {
		t.Errorf("no list configured: %v, %v", p, err)
	}
	for name, text := range map[string]string{"bad.txt": "6901234\n69-01\n", "empty.txt": "# nothing\n"} {
		if _, err := readCompanyPrefixes(write(name, text)); err == nil || !strings.Contains(err.Error(), "gs1_company_prefixes") {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, err := readCompanyPrefixes(write("bad2.txt", "6901234\n69-01\n")); err == nil || !strings.Contains(err.Error(), "line 2") {
		t.Errorf("the bad line is not named: %v", err)
	}
}
