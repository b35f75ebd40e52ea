package demo_test

import (
	"bytes"
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/udiledger/udiledger/chaincode/orgs"
	"github.com/udiledger/udiledger/cli/demo"
	"github.com/udiledger/udiledger/gateway/ledger"
	"github.com/udiledger/udiledger/gateway/ledger/devledger"
	"github.com/udiledger/udiledger/gateway/server/servertest"
)

// openLedger opens a development ledger and casts each organisation's admin.
func openLedger(t *testing.T) (ledger.Invoker, demo.Actors) {
	t.Helper()
	l, err := devledger.Open(t.TempDir(), devledger.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = l.Close() })
	actors, err := demo.ActorsOf(func(o orgs.Org) (*ledger.Identity, error) { return l.Admin(o.MSPID) })
	if err != nil {
		t.Fatal(err)
	}
	return &ledger.Caller{Client: l}, actors
}

func TestStoryOnTheEmbeddedLedger(t *testing.T) {
	l, actors := openLedger(t)
	var story bytes.Buffer
	got, err := demo.Run(context.Background(), l, actors, demo.Options{Out: &story})
	if err != nil {
		t.Fatalf("demo: %v\n%s", err, story.String())
	}

	t.Run("every party is registered and 1,000 pens and 20 stents are commissioned", func(t *testing.T) {
		if len(got.Parties) != 5 || got.Commissioned != 1020 || got.PalletUnits != 1000 {
			t.Fatalf("parties %v commissioned %d pallet %d", got.Parties, got.Commissioned, got.PalletUnits)
		}
	})
	t.Run("distribution leaves stock where the cases went", func(t *testing.T) {
		want := map[string]int{orgs.Manufacturer: 0, orgs.Distributor: 400, orgs.Platform: 300, orgs.Hospital: 320}
		if !reflect.DeepEqual(got.Holdings, want) {
			t.Fatalf("holdings %v, want %v", got.Holdings, want)
		}
	})
	t.Run("the excursion quarantines exactly the overheated case", func(t *testing.T) {
		if got.Excursion != (demo.Excursion{Alerted: true, Quarantined: 100}) {
			t.Fatalf("excursion %+v", got.Excursion)
		}
	})
	t.Run("the ledger refuses what it must, with the right code", func(t *testing.T) {
		want := map[string]string{
			"ship a quarantined case": "INVALID", "a distributor dispenses": "FORBIDDEN", "ship a recalled case": "INVALID",
			"a distributor asks for the patients' list": "FORBIDDEN",
		}
		if !reflect.DeepEqual(got.Errors, want) {
			t.Fatalf("errors %v, want %v", got.Errors, want)
		}
	})
	t.Run("dispense details are private to the dispenser and the regulator", func(t *testing.T) {
		want := map[string]bool{orgs.Hospital: true, orgs.Regulator: true, orgs.Distributor: false}
		if !reflect.DeepEqual(got.Private, want) {
			t.Fatalf("private %v, want %v", got.Private, want)
		}
	})
	t.Run("verify tells genuine stock from quarantine, counterfeit and clone", func(t *testing.T) {
		want := []demo.Verdict{
			{Label: "a pen in the pharmacy's stock", Genuine: true, Sellable: true, Status: "active"},
			{Label: "a pen from the overheated case", Genuine: true, Status: "quarantined"},
			{Label: "a counterfeit code"},
			{Label: "the code sold online, again", Genuine: true, CloneSuspected: true, Status: "dispensed"},
		}
		if !reflect.DeepEqual(got.Verdicts, want) {
			t.Fatalf("verdicts\n got %+v\nwant %+v", got.Verdicts, want)
		}
		wantAlerts := map[string]int{"temperature_excursion": 1, "counterfeit_suspected": 1, "clone_suspected": 1}
		if !reflect.DeepEqual(got.Alerts, wantAlerts) {
			t.Fatalf("alerts %v, want %v", got.Alerts, wantAlerts)
		}
	})
	t.Run("the recall scope groups the lot by holder and progress reaches 100 percent", func(t *testing.T) {
		want := []demo.HolderCount{
			{Holder: orgs.Distributor, InStock: 400, Quarantined: 100},
			{Holder: orgs.Hospital, InStock: 299, Dispensed: 1},
			{Holder: orgs.Platform, InStock: 299, Dispensed: 1},
		}
		if !reflect.DeepEqual(got.Scope, want) {
			t.Fatalf("scope\n got %+v\nwant %+v", got.Scope, want)
		}
		if !reflect.DeepEqual(got.Cases, map[string]string{"counterfeit_suspected": "confirmed", "clone_suspected": "false_positive"}) {
			t.Fatalf("cases %v", got.Cases)
		}
		if !reflect.DeepEqual(got.RecallSteps, []string{"amended", "completed", "terminated", "terminated"}) {
			t.Fatalf("recall steps %v", got.RecallSteps)
		}
		// 299 of 998 back; at consumer level 1,000 are required; the two patients' pens back;
		// the hospital's cases; the distributor's.
		if !reflect.DeepEqual(got.Progress, []int{0, 30, 30, 30, 60, 100}) {
			t.Fatalf("progress %v", got.Progress)
		}
		if got.Destroyed != 1000 {
			t.Fatalf("%d units destroyed once back, want 1000", got.Destroyed)
		}
		if !reflect.DeepEqual(got.Dispensed, map[string]int{orgs.Platform: 1, orgs.Hospital: 1}) {
			t.Fatalf("dispensed units found by each dispenser %v", got.Dispensed)
		}
	})
	t.Run("the provenance runs from the plant to the patient", func(t *testing.T) {
		var steps []string
		for _, s := range got.Timeline {
			steps = append(steps, s.BizStep+"/"+s.Actor+"/"+s.Via)
		}
		want := []string{
			"commissioning/" + orgs.Manufacturer + "/", "packing/" + orgs.Manufacturer + "/", "packing/" + orgs.Manufacturer + "/case",
			"shipping/" + orgs.Manufacturer + "/pallet", "receiving/" + orgs.Distributor + "/pallet", "unpacking/" + orgs.Distributor + "/case",
			"shipping/" + orgs.Distributor + "/case", "receiving/" + orgs.Platform + "/case", "unpacking/" + orgs.Platform + "/",
			"retail_selling/" + orgs.Platform + "/", "inspecting/" + orgs.Hospital + "/",
			"inspecting/" + orgs.Manufacturer + "/", // the clone case closed as a false positive
			"recalling/" + orgs.Regulator + "/lot",
			"returning/" + orgs.Platform + "/", "receiving/" + orgs.Manufacturer + "/", // the patient's pen, back at consumer level
			"destroying/" + orgs.Manufacturer + "/",
		}
		if !reflect.DeepEqual(steps, want) {
			t.Fatalf("timeline\n got %v\nwant %v", steps, want)
		}
	})
	t.Run("the story is printed for a person to read", func(t *testing.T) {
		for _, s := range []string{"1. The regulator opens the ledger", "progress 100 %", "Provenance of"} {
			if !strings.Contains(story.String(), s) {
				t.Fatalf("story lacks %q:\n%s", s, story.String())
			}
		}
	})

	second, err := demo.Run(context.Background(), l, actors, demo.Options{Batch: 2})
	t.Run("a second run on the same ledger reuses the parties and tells the same story", func(t *testing.T) {
		if err != nil {
			t.Fatal(err)
		}
		if second.SoldOnline == got.SoldOnline {
			t.Fatalf("the second run sold the first run's pen %s", got.SoldOnline)
		}
		a, b := *second, *got
		a.SoldOnline, b.SoldOnline = "", "" // each run has codes of its own
		if !reflect.DeepEqual(a, b) {
			t.Fatalf("second run differs:\n got %+v\nwant %+v", a, b)
		}
	})
	_, err = demo.Run(context.Background(), l, actors, demo.Options{Batch: 2})
	t.Run("replaying a batch is refused rather than written twice", func(t *testing.T) {
		if err == nil || !strings.Contains(err.Error(), "CONFLICT") {
			t.Fatalf("err = %v", err)
		}
	})
}

func TestRunChecksItsInput(t *testing.T) {
	l, actors := openLedger(t)
	if _, err := demo.Run(context.Background(), l, demo.Actors{}, demo.Options{}); err == nil {
		t.Fatal("no actors: want an error")
	}
	if _, err := demo.Run(context.Background(), l, actors, demo.Options{Batch: 1000}); err == nil {
		t.Fatal("batch 1000: want an error")
	}
}

func TestTheDemoThroughAGatewayEndsAsOnTheLedgerItself(t *testing.T) {
	now := time.Now().UTC()
	opts := demo.Options{Now: func() time.Time { return now }}
	l, actors := openLedger(t)
	onLedger, err := demo.Run(context.Background(), l, actors, opts)
	if err != nil {
		t.Fatal(err)
	}

	g := servertest.Start(t, devledger.Options{})
	viaGateway, err := demo.Run(context.Background(), g.Client, g.Actors, opts)
	if err != nil {
		t.Fatalf("demo through the gateway: %v", err)
	}
	if !reflect.DeepEqual(viaGateway, onLedger) {
		t.Fatalf("outcomes differ\n gateway %+v\n ledger  %+v", viaGateway, onLedger)
	}
}
