package main

import (
	"os"
	"strings"
	"testing"
)

const dictionary = "../../testdata/gs1-syntax-dictionary.txt"

func TestGeneratedTableIsCurrent(t *testing.T) {
	f, err := os.Open(dictionary)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	entries, release, err := parse(f)
	if err != nil {
		t.Fatal(err)
	}
	src, err := render(entries, release)
	if err != nil {
		t.Fatal(err)
	}
	committed, err := os.ReadFile("../../ai_table_gen.go")
	if err != nil {
		t.Fatal(err)
	}
	if string(src) != string(committed) {
		t.Error("ai_table_gen.go differs from the dictionary: run go generate ./chaincode/gs1")
	}
}

func TestParseEntry(t *testing.T) {
	tests := []struct {
		name string
		give string
		want int // entries
		ok   bool
	}{
		{"expands a range of AIs", "3100-3105  *?  N6  req=01,02 ex=310n", 6, true},
		{"reads an entry without flags", "7040 N1 X1 X1 X1,importeridx", 1, true},
		{"reads optional components with linters", "423 ? N3,iso3166 [N3],iso3166 req=01,02 ex=426", 1, true},
		{"refuses an unknown attribute", "01 * N14 foo=1", 0, false},
		{"refuses an entry without specification", "01 *", 0, false},
		{"refuses a reversed range", "3105-3100 N6", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseEntry(strings.Fields(tt.give), "")
			if (err == nil) != tt.ok || len(got) != tt.want {
				t.Errorf("parseEntry(%q) = %d entries, %v", tt.give, len(got), err)
			}
		})
	}
}
