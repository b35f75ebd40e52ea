package epcisgen

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/udiledger/udiledger/chaincode/epcis"
	"github.com/udiledger/udiledger/chaincode/model"
	"github.com/udiledger/udiledger/gateway/epcis/schema"
)

func config() Config {
	return Config{Run: "T1", Events: 1000, UnitsPerEvent: 3, GTIN: "06901234000011", Lot: "L1", ForeignGTIN: "04012345000019",
		ManufacturerGLN: "6901234000014", DistributorGLN: "6905555000018", Start: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
}

func TestGenerate(t *testing.T) {
	s, err := Generate(config())
	if err != nil {
		t.Fatal(err)
	}
	m, d := s.Manufacturer, s.Distributor
	t.Run("the manufacturer's document holds the events asked for, in the story's mix", func(t *testing.T) {
		if len(m.EventIDs) != 1000 || m.Count(Commissioning) != 250 || m.Count(Shipping) != 250 || m.Count(Observation) != 500 {
			t.Fatalf("%d events: %d commissioning, %d shipping, %d observations", len(m.EventIDs), m.Count(Commissioning), m.Count(Shipping), m.Count(Observation))
		}
		if len(d.EventIDs) != 250 || d.Count(Receiving) != 250 || s.Events() != 1250 {
			t.Fatalf("distributor: %d events, %d receipts", len(d.EventIDs), d.Count(Receiving))
		}
	})
	t.Run("both documents conform to the EPCIS 2.0 schema and are read event by event", func(t *testing.T) {
		for _, doc := range []Document{m, d} {
			res, err := epcis.Capture(doc.Body, epcis.Options{Validate: schema.Check})
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Outcomes) != len(doc.EventIDs) || res.Accepted() != len(doc.EventIDs) {
				t.Fatalf("%d outcomes, %d accepted, want %d", len(res.Outcomes), res.Accepted(), len(doc.EventIDs))
			}
			for i, o := range res.Outcomes {
				if o.EventID != doc.EventIDs[i] {
					t.Fatalf("event %d is %s, want %s", i, o.EventID, doc.EventIDs[i])
				}
			}
		}
	})
	t.Run("event IDs are unique and differ from another run's", func(t *testing.T) {
		c := config()
		c.Run = "T2"
		other, err := Generate(c)
		if err != nil {
			t.Fatal(err)
		}
		seen := map[string]bool{}
		for _, doc := range []Document{m, d, other.Manufacturer, other.Distributor} {
			for _, id := range doc.EventIDs {
				if seen[id] {
					t.Fatalf("event ID %s twice", id)
				}
				seen[id] = true
			}
		}
		if strings.Contains(string(other.Manufacturer.Body), "/21/T1") {
			t.Fatal("run T2 names a unit of run T1")
		}
	})
	t.Run("each shipment is received whole, and commissioned before", func(t *testing.T) {
		var ms, ds struct {
			EventList []struct {
				BizStep string   `json:"bizStep"`
				EPCList []string `json:"epcList"`
			} `json:"eventList"`
		}
		body := func(b []byte, v any) {
			var doc struct {
				EPCISBody json.RawMessage `json:"epcisBody"`
			}
			if err := json.Unmarshal(b, &doc); err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(doc.EPCISBody, v); err != nil {
				t.Fatal(err)
			}
		}
		body(m.Body, &ms)
		body(d.Body, &ds)
		for cycle, r := range ds.EventList {
			c, s := ms.EventList[cycle*EventsPerCycle], ms.EventList[cycle*EventsPerCycle+2]
			if c.BizStep != "commissioning" || s.BizStep != "shipping" || r.BizStep != "receiving" ||
				!slices.Equal(c.EPCList, s.EPCList) || !slices.Equal(s.EPCList, r.EPCList) || len(r.EPCList) != 3 {
				t.Fatalf("cycle %d: %v %v, %v %v, %v %v", cycle, c.BizStep, c.EPCList, s.BizStep, s.EPCList, r.BizStep, r.EPCList)
			}
		}
	})
}

func TestGenerateRefuses(t *testing.T) {
	tests := []struct {
		name string
		give func(*Config)
	}{
		{"a run that is not a short word", func(c *Config) { c.Run = "run-1" }},
		{"events that are not whole cycles", func(c *Config) { c.Events = 999 }},
		{"more events than a document holds", func(c *Config) { c.Events = 1004 }},
		{"no units", func(c *Config) { c.UnitsPerEvent = 0 }},
		{"no foreign product", func(c *Config) { c.ForeignGTIN = "" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := config()
			tt.give(&c)
			if _, err := Generate(c); err == nil {
				t.Fatal("no error")
			}
		})
	}
}

func TestRecorded(t *testing.T) {
	s, err := Generate(config())
	if err != nil {
		t.Fatal(err)
	}
	m := s.Manufacturer
	tests := []struct {
		name    string
		i       int
		give    func(*model.Event)
		wantErr bool
	}{
		{name: "the commissioning as recorded", i: 0, give: func(*model.Event) {}},
		{name: "a sensor observation kept as an observation", i: 1, give: func(e *model.Event) { e.Observation = true }},
		{name: "another event", i: 0, give: func(e *model.Event) { e.EventID = m.EventIDs[2] }, wantErr: true},
		{name: "another business step", i: 0, give: func(e *model.Event) { e.BizStep = "shipping" }, wantErr: true},
		{name: "another submitter", i: 0, give: func(e *model.Event) { e.Actor = "DistributorMSP" }, wantErr: true},
		{name: "an observation where the ledger should govern the goods", i: 0, give: func(e *model.Event) { e.Observation = true }, wantErr: true},
		{name: "a sensor observation that changed units", i: 1, give: func(*model.Event) {}, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := model.Event{EventID: m.EventIDs[tt.i], BizStep: model.BizStep(m.BizSteps[tt.i]), Actor: "ManufacturerMSP"}
			tt.give(&e)
			if err := m.Recorded(tt.i, e, "ManufacturerMSP"); (err != nil) != tt.wantErr {
				t.Fatalf("Recorded = %v, want an error: %v", err, tt.wantErr)
			}
		})
	}
}
