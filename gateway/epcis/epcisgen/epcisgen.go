// Package epcisgen writes EPCIS 2.0 documents of a supply-chain story for capture
// benchmarks: a manufacturer commissions serialized units of a product the ledger governs,
// ships them to a distributor and records temperature readings of a product the ledger does
// not govern (kept as observations); the distributor receives every shipment. The documents
// conform to the EPCIS 2.0 JSON schema.
package epcisgen

import (
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"time"

	"github.com/udiledger/udiledger/chaincode/epcis"
	"github.com/udiledger/udiledger/chaincode/model"
)

// EventsPerCycle is the number of events the manufacturer's document holds per shipment:
// a commissioning, a shipping and two sensor observations of a foreign product.
const EventsPerCycle = 4

// Config describes a story.
type Config struct {
	// Run makes the event IDs and serial numbers of one story unique on a ledger: 1 to 8
	// letters or digits.
	Run string
	// Events is the size of the manufacturer's document: a multiple of EventsPerCycle. The
	// distributor's document holds Events/EventsPerCycle receipts.
	Events int
	// UnitsPerEvent is the number of units each commissioning (and its shipment) covers.
	UnitsPerEvent int
	// GTIN and Lot are a product of the manufacturer registered on the ledger and its lot.
	GTIN, Lot string
	// ForeignGTIN is a product the ledger does not govern.
	ForeignGTIN string
	// ManufacturerGLN and DistributorGLN are the parties' registered locations.
	ManufacturerGLN, DistributorGLN string
	// Start is the event time of the first event; the others follow one millisecond apart.
	Start time.Time
}

// Kind is what the ledger makes of an event.
type Kind string

// The kinds of events a story holds.
const (
	Commissioning Kind = "commissioning"
	Shipping      Kind = "shipping"
	Receiving     Kind = "receiving"
	Observation   Kind = "observation" // a foreign product's sensor readings
)

// Document is one EPCISDocument with what each of its events is, in document order.
type Document struct {
	Body     []byte
	EventIDs []string
	Kinds    []Kind
	BizSteps []string
}

// Recorded checks that e is event i of d as the ledger keeps it: its ID and business step,
// by actor, an observation exactly when the event is one.
func (d Document) Recorded(i int, e model.Event, actor string) error {
	switch {
	case e.EventID != d.EventIDs[i]:
		return fmt.Errorf("event %d: recorded as %s, want %s", i, e.EventID, d.EventIDs[i])
	case string(e.BizStep) != d.BizSteps[i]:
		return fmt.Errorf("event %d (%s): bizStep %s, want %s", i, e.EventID, e.BizStep, d.BizSteps[i])
	case e.Actor != actor:
		return fmt.Errorf("event %d (%s): recorded by %s, want %s", i, e.EventID, e.Actor, actor)
	case e.Observation != (d.Kinds[i] == Observation):
		return fmt.Errorf("event %d (%s): observation %v, want %v", i, e.EventID, e.Observation, d.Kinds[i] == Observation)
	}
	return nil
}

// Count is the number of events of kind k.
func (d Document) Count(k Kind) int {
	n := 0
	for _, x := range d.Kinds {
		if x == k {
			n++
		}
	}
	return n
}

// Story is what each party captures, the manufacturer first.
type Story struct {
	Manufacturer Document // commissioning, shipping, observations
	Distributor  Document // receiving
}

// Events is the number of events of both documents.
func (s Story) Events() int { return len(s.Manufacturer.EventIDs) + len(s.Distributor.EventIDs) }

var runRe = regexp.MustCompile(`^[A-Za-z0-9]{1,8}$`)

// Generate writes the story c describes.
func Generate(c Config) (Story, error) {
	switch {
	case !runRe.MatchString(c.Run):
		return Story{}, fmt.Errorf("epcisgen: run %q: want 1 to 8 letters or digits", c.Run)
	case c.Events <= 0 || c.Events%EventsPerCycle != 0:
		return Story{}, fmt.Errorf("epcisgen: %d events: want a positive multiple of %d", c.Events, EventsPerCycle)
	case c.Events > epcis.DefaultMaxEvents:
		return Story{}, fmt.Errorf("epcisgen: %d events: a document holds at most %d", c.Events, epcis.DefaultMaxEvents)
	case c.UnitsPerEvent <= 0:
		return Story{}, errors.New("epcisgen: want at least one unit per event")
	case c.GTIN == "" || c.Lot == "" || c.ForeignGTIN == "" || c.ManufacturerGLN == "" || c.DistributorGLN == "":
		return Story{}, errors.New("epcisgen: GTIN, Lot, ForeignGTIN, ManufacturerGLN and DistributorGLN are required")
	}
	g := &generator{c: c}
	var m, d builder
	for cycle := range c.Events / EventsPerCycle {
		units := g.units(cycle)
		m.add(Commissioning, g.commissioning(cycle, units))
		m.add(Observation, g.observation(cycle, 0, "inspecting"))
		m.add(Shipping, g.shipping(cycle, units))
		m.add(Observation, g.observation(cycle, 1, "sensor_reporting"))
		d.add(Receiving, g.receiving(cycle, units))
	}
	var err error
	s := Story{}
	if s.Manufacturer, err = m.document(c.Start); err != nil {
		return Story{}, err
	}
	if s.Distributor, err = d.document(c.Start); err != nil {
		return Story{}, err
	}
	return s, nil
}

type generator struct {
	c    Config
	tick int // events written so far: each one a millisecond after the last
}

// event starts an event: its type, ID and time.
func (g *generator) event(typ, id string) map[string]any {
	at := g.c.Start.Add(time.Duration(g.tick) * time.Millisecond).UTC()
	g.tick++
	return map[string]any{
		"type": typ, "eventID": "urn:uuid:" + id,
		"eventTime": at.Format("2006-01-02T15:04:05.000Z07:00"), "eventTimeZoneOffset": "+00:00",
	}
}

// units are the Digital Link URIs of the units of one cycle.
func (g *generator) units(cycle int) []string {
	out := make([]string, g.c.UnitsPerEvent)
	for i := range out {
		out[i] = fmt.Sprintf("https://id.gs1.org/01/%s/21/%s%07d", g.c.GTIN, g.c.Run, cycle*g.c.UnitsPerEvent+i)
	}
	return out
}

// uuid is a version 4 shaped UUID drawn from the run, the event's kind and its cycle.
func (g *generator) uuid(kind, cycle int) string {
	h := sha256.Sum256(fmt.Appendf(nil, "%s/%d/%d", g.c.Run, kind, cycle))
	h[6], h[8] = h[6]&0x0f|0x40, h[8]&0x3f|0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", h[0:4], h[4:6], h[6:8], h[8:10], h[10:16])
}

func location(gln string) map[string]any {
	return map[string]any{"id": "https://id.gs1.org/414/" + gln}
}
func party(gln string) string { return "https://id.gs1.org/417/" + gln }

func (g *generator) commissioning(cycle int, units []string) map[string]any {
	e := g.event("ObjectEvent", g.uuid(1, cycle))
	e["action"], e["bizStep"], e["disposition"] = "ADD", "commissioning", "active"
	e["epcList"], e["bizLocation"] = units, location(g.c.ManufacturerGLN)
	e["ilmd"] = map[string]any{"cbvmda:lotNumber": g.c.Lot}
	return e
}

func (g *generator) shipping(cycle int, units []string) map[string]any {
	e := g.event("ObjectEvent", g.uuid(2, cycle))
	e["action"], e["bizStep"], e["disposition"] = "OBSERVE", "shipping", "in_transit"
	e["epcList"], e["readPoint"] = units, location(g.c.ManufacturerGLN)
	e["bizTransactionList"] = []map[string]any{{"type": "desadv", "bizTransaction": fmt.Sprintf("urn:udiledger:desadv:%s-%d", g.c.Run, cycle)}}
	e["sourceList"] = []map[string]any{{"type": "owning_party", "source": party(g.c.ManufacturerGLN)}}
	e["destinationList"] = []map[string]any{{"type": "owning_party", "destination": party(g.c.DistributorGLN)},
		{"type": "location", "destination": location(g.c.DistributorGLN)["id"]}}
	return e
}

func (g *generator) receiving(cycle int, units []string) map[string]any {
	e := g.event("ObjectEvent", g.uuid(3, cycle))
	e["action"], e["bizStep"], e["disposition"] = "OBSERVE", "receiving", "in_progress"
	e["epcList"], e["bizLocation"] = units, location(g.c.DistributorGLN)
	e["sourceList"] = []map[string]any{{"type": "owning_party", "source": party(g.c.ManufacturerGLN)}}
	return e
}

// observation is a temperature (and, for sensor_reporting, humidity) reading of one unit of
// the foreign product.
func (g *generator) observation(cycle, n int, bizStep string) map[string]any {
	e := g.event("ObjectEvent", g.uuid(4+n, cycle))
	e["action"], e["bizStep"] = "OBSERVE", bizStep
	e["epcList"] = []string{fmt.Sprintf("https://id.gs1.org/01/%s/21/%s%07d", g.c.ForeignGTIN, g.c.Run, 2*cycle+n)}
	e["readPoint"] = location(g.c.ManufacturerGLN)
	reports := []map[string]any{{"type": "gs1:Temperature", "value": 4 + float64(cycle%40)/10, "uom": "CEL"}}
	if bizStep == "sensor_reporting" {
		reports = append(reports, map[string]any{"type": "gs1:RelativeHumidity", "value": 40 + float64(cycle%20), "uom": "P1"})
	}
	e["sensorElementList"] = []map[string]any{{
		"sensorMetadata": map[string]any{"time": e["eventTime"], "deviceID": fmt.Sprintf("urn:epc:id:giai:%s.%s%d", g.c.ForeignGTIN[1:8], g.c.Run, n)},
		"sensorReport":   reports,
	}}
	return e
}

// builder collects the events of one document.
type builder struct {
	events []map[string]any
	ids    []string
	kinds  []Kind
	steps  []string
}

func (b *builder) add(k Kind, e map[string]any) {
	b.events, b.ids, b.kinds = append(b.events, e), append(b.ids, e["eventID"].(string)), append(b.kinds, k)
	b.steps = append(b.steps, e["bizStep"].(string))
}

func (b *builder) document(created time.Time) (Document, error) {
	body, err := json.Marshal(map[string]any{
		"@context": []string{epcis.ContextURI}, "type": "EPCISDocument", "schemaVersion": "2.0",
		"creationDate": created.UTC().Format(time.RFC3339), "epcisBody": map[string]any{"eventList": b.events},
	})
	if err != nil {
		return Document{}, fmt.Errorf("epcisgen: %w", err)
	}
	return Document{Body: body, EventIDs: b.ids, Kinds: b.kinds, BizSteps: b.steps}, nil
}
