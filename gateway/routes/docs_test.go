package routes_test

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/udiledger/udiledger/gateway/routes"
)

// markdown renders the route table as docs/api.md shows it.
func markdown() string {
	var b strings.Builder
	b.WriteString("| route | ledger operation | what it does |\n|---|---|---|\n")
	for _, rt := range routes.Table {
		op := "gateway"
		if rt.Op != nil {
			op = "`" + rt.Op.Name() + "`"
		}
		var notes []string
		if rt.Created {
			notes = append(notes, "201, 200 on a retry")
		}
		if rt.Queued {
			notes = append(notes, "202 while the ledger is down")
		}
		if rt.Public {
			notes = append(notes, "no API key")
		}
		summary := rt.Summary
		if len(notes) > 0 {
			summary += " (" + strings.Join(notes, "; ") + ")"
		}
		fmt.Fprintf(&b, "| `%s %s` | %s | %s |\n", rt.Method, rt.Path, op, summary)
	}
	return b.String()
}

func TestDocsShowTheRouteTable(t *testing.T) {
	doc, err := os.ReadFile("../../docs/api.md")
	if err != nil {
		t.Fatal(err)
	}
	const begin, end = "<!-- routes:begin -->\n", "<!-- routes:end -->"
	_, rest, ok := strings.Cut(string(doc), begin)
	shown, _, ok2 := strings.Cut(rest, end)
	if !ok || !ok2 {
		t.Fatalf("docs/api.md has no %q … %q section", begin, end)
	}
	if want := markdown(); shown != want {
		t.Fatalf("docs/api.md's route table is not the route table; paste this between the markers:\n%s", want)
	}
}
