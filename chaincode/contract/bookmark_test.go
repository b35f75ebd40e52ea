package contract

import (
	"testing"

	"github.com/udiledger/udiledger/chaincode/model"
)

// A bookmark is the key a paginated scan resumes from; a crafted one must not move the scan
// outside its own range (another holder's index) nor crash a function.
func TestBookmarksStayInsideTheirScan(t *testing.T) {
	e := newEnv(t)
	e.seed()
	e.commission("c1", 1, 3)

	var mine model.HoldingPage
	e.mustEval(&mine, reg, "query:UnitsByHolder", mfr, "1", "")
	if mine.Bookmark == "" {
		t.Fatalf("the manufacturer's first page %+v has no bookmark", mine)
	}
	tests := []struct {
		name string
		fn   string
		args []any
	}{
		{"another holder's bookmark is refused", "query:UnitsByHolder", []any{dst, "10", mine.Bookmark}},
		{"a bookmark outside the event-time index is refused", "query:EventsByTime", []any{"", "", "10", "\x00config"}},
		{"a bookmark before the window is refused", "query:EventsByTime", []any{e.clock().Format("2006-01-02T15:04:05Z"), "", "10", "evt:1999"}},
		{"a party list bookmark from another index is refused", "party:List", []any{"10", mine.Bookmark}},
		{"a bookmark from a lot list of another product is refused", "lot:List", []any{"99999999999999", "10", mine.Bookmark}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := e.eval(nil, dst, tt.fn, tt.args...)
			if model.CodeOf(err) != model.CodeInvalid {
				t.Fatalf("%s with a foreign bookmark: %v, want INVALID", tt.fn, err)
			}
		})
	}
	t.Run("the holder's own bookmark still pages on", func(t *testing.T) {
		var next model.HoldingPage
		e.mustEval(&next, reg, "query:UnitsByHolder", mfr, "1", mine.Bookmark)
		if next.Count != 1 || next.Holdings[0].Code == mine.Holdings[0].Code {
			t.Fatalf("second page %+v after %+v", next, mine)
		}
	})
}
