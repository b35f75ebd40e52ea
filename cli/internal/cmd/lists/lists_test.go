package lists

import (
	"encoding/csv"
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"
	"github.com/spf13/cobra"

	"github.com/udiledger/udiledger/chaincode/model"
	"github.com/udiledger/udiledger/chaincode/orgs"
	"github.com/udiledger/udiledger/cli/internal/clitest"
	"github.com/udiledger/udiledger/cli/internal/cmdutil"
)

func TestListsOnTheStory(t *testing.T) {
	g := clitest.StoryGateway(t)
	run := func(t *testing.T, msp string, newCmd func(*cmdutil.Factory) *cobra.Command, args ...string) string {
		t.Helper()
		out, errOut, code := clitest.Run(t, g.Env(msp), newCmd, args...)
		if code != cmdutil.ExitOK {
			t.Fatalf("exit %d: %s%s", code, out, errOut)
		}
		return out
	}

	t.Run("the hospital's holdings as a table, one row per unit or container", func(t *testing.T) {
		out := run(t, orgs.Hospital, NewCmdUnits, "--holder", orgs.Hospital)
		t.Log(out)
		if !regexp.MustCompile(`(?m)^CODE\s+KIND\s+STATUS\s+DI\s+LOT\s+UNITS\s+LOCATION$`).MatchString(out) ||
			!regexp.MustCompile(`(?m)^\(01\)06901234000016\S*\s+unit\s+active\s+06901234000016\s+V26001\s+1\s`).MatchString(out) {
			t.Fatalf("table:\n%s", out)
		}
	})
	t.Run("filtered by status and lot, as JSON, YAML and CSV alike", func(t *testing.T) {
		args := []string{"--holder", orgs.Hospital, "--status", "active", "--lot", "06901234000016/V26001"}
		var fromJSON, fromYAML []model.Holding
		if err := json.Unmarshal([]byte(run(t, orgs.Hospital, NewCmdUnits, append(args, "-o", "json")...)), &fromJSON); err != nil {
			t.Fatal(err)
		}
		if err := yaml.Unmarshal([]byte(run(t, orgs.Hospital, NewCmdUnits, append(args, "-o", "yaml")...)), &fromYAML); err != nil {
			t.Fatal(err)
		}
		rows, err := csv.NewReader(strings.NewReader(run(t, orgs.Hospital, NewCmdUnits, append(args, "-o", "csv")...))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if len(fromJSON) != 19 || len(fromYAML) != len(fromJSON) || len(rows) != len(fromJSON)+1 || rows[0][0] != "CODE" {
			t.Fatalf("json %d, yaml %d, csv %d rows", len(fromJSON), len(fromYAML), len(rows))
		}
		for i, h := range fromJSON {
			if h.Status != model.StatusActive || h.Lot != "V26001" || fromYAML[i].Code != h.Code || rows[i+1][0] != h.Code {
				t.Fatalf("holding %d: json %+v, yaml %+v, csv %v", i, h, fromYAML[i], rows[i+1])
			}
		}
	})
	t.Run("another party's holdings are the ledger's to refuse (exit 3)", func(t *testing.T) {
		_, errOut, code := clitest.Run(t, g.Env(orgs.Hospital), NewCmdUnits, "--holder", orgs.Distributor)
		if code != cmdutil.ExitRejected || !strings.Contains(errOut, "FORBIDDEN") {
			t.Fatalf("exit %d: %s", code, errOut)
		}
	})
	t.Run("without --holder or --lot, invalid input", func(t *testing.T) {
		if _, _, code := clitest.Run(t, g.Env(orgs.Hospital), NewCmdUnits); code != cmdutil.ExitInvalid {
			t.Fatalf("exit %d", code)
		}
	})
	t.Run("an unknown -o is invalid input", func(t *testing.T) {
		if _, errOut, code := clitest.Run(t, g.Env(orgs.Hospital), NewCmdAlerts, "-o", "xml"); code != cmdutil.ExitInvalid || !strings.Contains(errOut, "table, json, yaml or csv") {
			t.Fatalf("exit %d: %s", code, errOut)
		}
	})
	t.Run("the regulator sees the story's alerts; --kind keeps one kind", func(t *testing.T) {
		out := run(t, orgs.Regulator, NewCmdAlerts, "-o", "json")
		var all []model.Alert
		if err := json.Unmarshal([]byte(out), &all); err != nil {
			t.Fatal(err)
		}
		kinds := map[model.AlertKind]int{}
		for _, a := range all {
			kinds[a.Kind]++
		}
		if kinds[model.AlertTemperature] != 1 || kinds[model.AlertCounterfeit] != 1 || kinds[model.AlertClone] != 1 {
			t.Fatalf("alerts %v", kinds)
		}
		out = run(t, orgs.Regulator, NewCmdAlerts, "--kind", "temperature_excursion")
		if !regexp.MustCompile(`temperature_excursion\s+`+orgs.Distributor+`\s.*12\.4 °C outside`).MatchString(out) || strings.Contains(out, "clone_suspected") {
			t.Fatalf("table:\n%s", out)
		}
	})
	t.Run("a code's events, and a window that leaves them out", func(t *testing.T) {
		stent := "(01)06901234000016(21)"
		hs := []model.Holding{}
		_ = json.Unmarshal([]byte(run(t, orgs.Hospital, NewCmdUnits, "--holder", orgs.Hospital, "-o", "json")), &hs)
		for _, h := range hs {
			if strings.HasPrefix(h.Code, stent) {
				stent = h.Code
				break
			}
		}
		// The hospital sees the events it took part in: the shipment to it and its receipt.
		out := run(t, orgs.Hospital, NewCmdEvents, "--code", stent, "-o", "csv")
		rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
		if err != nil || len(rows) < 3 || rows[1][3] != string(model.BizStepShipping) || rows[2][3] != string(model.BizStepReceiving) {
			t.Fatalf("%v:\n%s", err, out)
		}
		out = run(t, orgs.Hospital, NewCmdEvents, "--code", stent, "--to", "2000-01-01", "-o", "json")
		if strings.TrimSpace(out) != "[]" {
			t.Fatalf("before 2000: %s", out)
		}
	})
	t.Run("the events of a window, as far as --limit", func(t *testing.T) {
		var evs []model.Event
		if err := json.Unmarshal([]byte(run(t, orgs.Regulator, NewCmdEvents, "--from", "2000-01-01", "--limit", "5", "-o", "json")), &evs); err != nil || len(evs) != 5 {
			t.Fatalf("%v: %d events", err, len(evs))
		}
		if _, errOut, code := clitest.Run(t, g.Env(orgs.Regulator), NewCmdEvents, "--from", "yesterday"); code != cmdutil.ExitInvalid {
			t.Fatalf("exit %d: %s", code, errOut)
		}
	})
}
