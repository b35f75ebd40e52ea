package commission

import (
	"strings"
	"testing"

	"github.com/udiledger/udiledger/cli/internal/batch"
)

const di = "06901234000016"

func TestReadCodesSaysWhatIsWrongAndWhere(t *testing.T) {
	tests := []struct {
		name, give, want string
	}{
		{"a code that does not parse", "(01)06901234000016(21)1\n\n# a comment\n(01)0690123400001X(21)2\n", "codes.txt:4: code \"(01)0690123400001X(21)2\""},
		{"a code given twice, in another form", "(01)06901234000016(21)7\n0106901234000016217\n", "codes.txt:2: code \"0106901234000016217\" repeats line 1"},
		{"nothing", "\n# only a comment\n", "codes.txt: no codes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := batch.Read(strings.NewReader(tt.give), "codes.txt")
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
		})
	}
}

func TestEventIDsComeFromTheInputAlone(t *testing.T) {
	l, err := rangeCodes(di, "(01){di}(21){serial}", 1, 25000, 6)
	if err != nil {
		t.Fatal(err)
	}
	a, b := chunks(l, di, "L1", 10000), chunks(l, di, "L1", 10000)
	if len(a) != 3 || len(a[2].Codes) != 5000 || a[0].Codes[0] != "(01)06901234000016(21)000001" {
		t.Fatalf("chunks: %d, last %d codes, first code %s", len(a), len(a[2].Codes), a[0].Codes[0])
	}
	seen := map[string]bool{}
	for i := range a {
		if a[i].EventID != b[i].EventID || seen[a[i].EventID] || len(a[i].EventID) > 200 {
			t.Fatalf("event %d: %s vs %s", i, a[i].EventID, b[i].EventID)
		}
		seen[a[i].EventID] = true
	}
	other, _ := rangeCodes(di, "(01){di}(21){serial}", 2, 25001, 6)
	if chunks(other, di, "L1", 10000)[0].EventID == a[0].EventID {
		t.Fatal("other codes, same event ID")
	}
	if chunks(l, di, "L2", 10000)[0].EventID == a[0].EventID {
		t.Fatal("another lot, same event ID")
	}
}

func TestGeneratedSerialsRepeatForTheSameSeedOnly(t *testing.T) {
	seed := []byte("0123456789abcdef")
	a, err := generatedCodes(di, "L1", "(01){di}(21){serial}", 1000, 12, seed)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := generatedCodes(di, "L1", "(01){di}(21){serial}", 1000, 12, seed)
	c, _ := generatedCodes(di, "L1", "(01){di}(21){serial}", 1000, 12, []byte("fedcba9876543210"))
	if a.Codes[999] != b.Codes[999] || a.Codes[999] == c.Codes[999] || len(a.Codes[0]) != len("(01)06901234000016(21)")+12 {
		t.Fatalf("a %s b %s c %s", a.Codes[999], b.Codes[999], c.Codes[999])
	}
}

func TestRangeWidth(t *testing.T) {
	if _, err := rangeCodes(di, "(01){di}(21){serial}", 998, 1000, 3); err == nil || !strings.Contains(err.Error(), "serial 1000 is wider than --width 3") {
		t.Fatalf("err = %v", err)
	}
	for _, bad := range []string{"10", "5-1", "a-b", "-1-3"} {
		if _, _, err := parseRange(bad); err == nil {
			t.Fatalf("parseRange(%q) accepted", bad)
		}
	}
}

// TestEventIDsDoNotChange pins an event ID: a run interrupted under one version of udi must
// resume under the next with the same IDs, or it would write its events twice.
func TestEventIDsDoNotChange(t *testing.T) {
	l, err := rangeCodes("06901234000054", "(01){di}(21){serial}", 1, 25000, 6)
	if err != nil {
		t.Fatal(err)
	}
	if got := chunks(l, "06901234000054", "L2026-12", 10000)[0].EventID; got != "udi:commission:06901234000054/L2026-12:1:8c7f4da742b13c6e71b7030076d14c06" {
		t.Fatalf("event ID %s", got)
	}
}
