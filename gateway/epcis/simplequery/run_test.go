package simplequery

import (
	"errors"
	"reflect"
	"slices"
	"testing"
	"time"
)

// labelsOf names the events Run returned, which must be some of those given.
func labelsOf(t *testing.T, events []map[string]any, all []example) []string {
	t.Helper()
	out := make([]string, 0, len(events))
	for _, ev := range events {
		i := slices.IndexFunc(all, func(e example) bool {
			return reflect.ValueOf(e.event).UnsafePointer() == reflect.ValueOf(ev).UnsafePointer()
		})
		if i < 0 {
			t.Fatalf("Run returned an event that was not given")
		}
		out = append(out, all[i].label)
	}
	return out
}

func events(examples []example) []map[string]any {
	out := make([]map[string]any, len(examples))
	for i, e := range examples {
		out[i] = e.event
	}
	return out
}

func TestRunOrdersAndLimits(t *testing.T) {
	all := loadExamples(t, "examples")
	tests := []struct {
		name string
		give string
		want []string
	}{
		{"eventTime, DESC by default", "eventType=TransactionEvent&orderBy=eventTime",
			[]string{sensor + "11", txEvs + "#0", txEvs + "#1", fullTx}},
		{"eventTime ASC", "eventType=TransactionEvent&orderBy=eventTime&orderDirection=ASC",
			[]string{fullTx, txEvs + "#1", txEvs + "#0", sensor + "11"}},
		{"the most recent one: eventCountLimit", "eventType=TransactionEvent&orderBy=eventTime&orderDirection=DESC&eventCountLimit=1",
			[]string{sensor + "11"}},
		{"recordTime, events without it last", "eventType=AssociationEvent&EQ_bizStep=installing&orderBy=recordTime&orderDirection=ASC",
			[]string{assoc + "f", typeEx, assoc + "b"}},
		{"an extension field holding text, which compares as a number", "EXISTS_example:myField&EQ_action=OBSERVE&eventType=AggregationEvent&orderBy=example:myField&maxEventCount=2",
			[]string{ex963, dl963}},
		{"an ILMD-free extension field, numbers", "EXISTS_ext1:int&orderBy=ext1:int&orderDirection=ASC&eventCountLimit=2",
			[]string{fullAgg, fullAss}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q, err := Parse(values(t, tt.give))
			if err != nil {
				t.Fatal(err)
			}
			got, err := q.Run(events(all))
			if err != nil {
				t.Fatal(err)
			}
			if labels := labelsOf(t, got, all); !slices.Equal(labels, tt.want) {
				t.Errorf("%s\n got %q\nwant %q", tt.give, labels, tt.want)
			}
		})
	}
}

func TestRunRefusesMoreThanMaxEventCount(t *testing.T) {
	all := loadExamples(t, "examples")
	q, err := Parse(values(t, "eventType=TransactionEvent&maxEventCount=3"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = q.Run(events(all))
	var tl *TooLargeError
	if !errors.As(err, &tl) || tl.MaxEventCount != 3 || tl.Matched != 4 {
		t.Fatalf("Run = %v, want a *TooLargeError for 4 events over 3", err)
	}
	q, _ = Parse(values(t, "eventType=TransactionEvent&maxEventCount=4"))
	if got, err := q.Run(events(all)); err != nil || len(got) != 4 {
		t.Fatalf("Run with maxEventCount=4 = %d events, %v", len(got), err)
	}
}

// sites is a location hierarchy: child → parent.
type sites map[string]string

func (s sites) Within(child, parent string) bool {
	for p, ok := s[child]; ok; p, ok = s[p] {
		if p == parent {
			return true
		}
	}
	return false
}

func TestWithDescendants(t *testing.T) {
	all := loadExamples(t, "examples")
	// A plant (4012345.00000.0) with two halls, one with a dock.
	plant, hall1, hall2, dock := "(414)4012345000009", "(414)4012345000016", "(414)4012345000023", "(414)4012345000054"
	loc := WithLocations(sites{hall1: plant, hall2: plant, dock: hall1})
	tests := []struct {
		give string
		want []string
	}{
		{"WD_bizLocation=urn:epc:id:sgln:4012345.00000.0", []string{typeEx, assoc + "f"}},
		{"WD_readPoint=https://id.gs1.org/414/4012345000016", []string{
			ex964, dl964, assoc + "a", assoc + "e", typeEx, assoc + "f", fullAss, fullTf,
			sensor + "1", sensor + "10", sensor + "14", sensor + "15", sensor + "1b", sensor + "2", sensor + "3", sensor + "4", sensor + "5", sensor + "6", sensor + "7", sensor + "9"}},
		{"WD_readPoint=urn:epc:id:sgln:4012345.00005.0", []string{
			sensor + "1", sensor + "10", sensor + "14", sensor + "15", sensor + "1b", sensor + "2", sensor + "3", sensor + "4", sensor + "5", sensor + "6", sensor + "7", sensor + "9"}},
	}
	for _, tt := range tests {
		q, err := Parse(values(t, tt.give), loc)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := matching(q, all), sorted(tt.want...); !slices.Equal(got, want) {
			t.Errorf("%s\n got %q\nwant %q", tt.give, got, want)
		}
	}
	// Without a hierarchy a location has no descendants.
	q, _ := Parse(values(t, "WD_bizLocation=urn:epc:id:sgln:4012345.00000.0"))
	if got := matching(q, all); len(got) != 0 {
		t.Errorf("WD_bizLocation without locations matched %q", got)
	}
}

// masterData holds vocabulary attributes: element → attribute → values.
type masterData map[string]map[string][]string

func (m masterData) Attribute(id, attr string) ([]string, bool) {
	v, ok := m[id][attr]
	return v, ok
}

func TestMasterDataAttributes(t *testing.T) {
	all := loadExamples(t, "examples")
	md := WithAttributes(masterData{
		CanonicalID("urn:epc:id:sgln:4012345.00005.0"):           {"urn:epcglobal:cbv:mda:site": {"plant-A"}, "cbvmda:name": {"Dock 5"}},
		CanonicalID("urn:epc:id:sgln:0614141.00888.0"):           {"urn:epcglobal:cbv:mda:site": {"plant-B"}},
		CanonicalID("urn:epc:class:lgtin:4012345.012345.998877"): {"cbvmda:countryOfOrigin": {"DE"}},
	})
	tests := []struct {
		give string
		want []string
	}{
		{"HASATTR_readPoint=cbvmda:name", []string{
			sensor + "1", sensor + "10", sensor + "14", sensor + "15", sensor + "1b", sensor + "2", sensor + "3", sensor + "4", sensor + "5", sensor + "6", sensor + "7", sensor + "9"}},
		{"EQATTR_bizLocation_urn:epcglobal:cbv:mda:site=plant-B|plant-C", []string{ex962, ex963, dl962, dl963, fullAss, fullTx, fullTf}},
		{"EQ_ATTR_epcClass_cbvmda:countryOfOrigin=DE", []string{ex962, ex963, dl963, fullAgg, fullAss, fullObj}},
		{"EQATTR_readPoint_cbvmda:name=Dock 6", nil},
	}
	for _, tt := range tests {
		q, err := Parse(values(t, tt.give), md)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := matching(q, all), sorted(tt.want...); !slices.Equal(got, want) {
			t.Errorf("%s\n got %q\nwant %q", tt.give, got, want)
		}
	}
}

func TestIndexHints(t *testing.T) {
	q, err := Parse(values(t, "eventType=ObjectEvent|AggregationEvent&MATCH_anyEPC=https://id.gs1.org/01/10614141073464/21/2018|urn:epc:id:sscc:0614141.1234567890"+
		"&MATCH_epc=urn:epc:idpat:sgtin:0614141.*.*&EQ_bizStep=cbv:BizStep-receiving&EQ_readPoint=urn:epc:id:sgln:0614141.00777.0"+
		"&WD_bizLocation=urn:epc:id:sgln:0614141.00888.0&GE_eventTime=2013-06-08T00:00:00Z&LT_recordTime=2020-01-01T00:00:00%2B01:00"), WithLocations(sites{}))
	if err != nil {
		t.Fatal(err)
	}
	h := q.IndexHints()
	want := Hints{
		EventTypes:   []string{"ObjectEvent", "AggregationEvent"},
		EPCs:         []string{"(01)10614141073464(21)2018", "(00)106141412345678908"},
		BizSteps:     []string{"receiving"},
		ReadPoints:   []string{"(414)0614141007776"},
		GEEventTime:  time.Date(2013, 6, 8, 0, 0, 0, 0, time.UTC),
		LTRecordTime: time.Date(2019, 12, 31, 23, 0, 0, 0, time.UTC),
	}
	if !slices.Equal(h.EventTypes, want.EventTypes) || !slices.Equal(h.EPCs, want.EPCs) || !slices.Equal(h.BizSteps, want.BizSteps) ||
		!slices.Equal(h.ReadPoints, want.ReadPoints) || h.BizLocations != nil || !h.GEEventTime.Equal(want.GEEventTime) ||
		!h.LTRecordTime.Equal(want.LTRecordTime) || !h.LTEventTime.IsZero() {
		t.Errorf("IndexHints() = %+v\nwant %+v", h, want)
	}
	// Every event the query matches is among those the hints pick.
	all := loadExamples(t, "examples")
	for _, e := range all {
		if q.Match(e.event) && !slices.Contains(h.BizSteps, CanonicalBizStep(e.event["bizStep"].(string))) {
			t.Errorf("%s matches but its bizStep is not hinted", e.label)
		}
	}
}

func TestParseJSON(t *testing.T) {
	all := loadExamples(t, "examples")
	tests := []struct {
		name string
		give map[string]any
		want []string
	}{
		{"lists, numbers and an @context", map[string]any{
			"@context":       []any{map[string]any{"ex": "http://ns.example.com/epcis/"}},
			"eventType":      []any{"ObjectEvent", "AggregationEvent"},
			"GE_quantity":    float64(200),
			"EQ_ex:myField":  []any{"Example of a vendor/user extension"},
			"EXISTS_ex:none": nil,
		}, nil},
		{"a prefix of the query's own @context", map[string]any{
			"@context":      []any{map[string]any{"ex": "http://ns.example.com/epcis/"}},
			"eventType":     []any{"ObjectEvent", "AggregationEvent"},
			"GE_quantity":   float64(200),
			"EQ_ex:myField": []any{"Example of a vendor/user extension"},
		}, []string{ex962, ex963, dl962, dl963}},
		{"a field by its IRI", map[string]any{
			"EXISTS_http://ns.example.com/epcis/myField": nil, "eventType": []any{"AssociationEvent"},
		}, []string{typeEx}},
		{"EXISTS_ with false asks nothing", map[string]any{
			"EXISTS_errorDeclaration": false, "EQ_booleanValue": false,
		}, nil},
		{"EQ_quantity as a number", map[string]any{"EQ_quantity": []any{float64(600)}}, []string{assoc + "e"}},
	}
	// The repository knows the prefixes its events were captured with.
	captured := WithNamespaces(map[string]string{"example": "http://ns.example.com/epcis/"})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q, err := ParseJSON(tt.give, captured)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := matching(q, all), sorted(tt.want...); !slices.Equal(got, want) {
				t.Errorf("got %q\nwant %q", got, want)
			}
		})
	}
	t.Run("an event's own @context", func(t *testing.T) {
		q, err := ParseJSON(map[string]any{"EQ_http://ns.example.com/epcis/#myField": "x"})
		if err != nil {
			t.Fatal(err)
		}
		ev := map[string]any{"@context": []any{"https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld", map[string]any{"my": "http://ns.example.com/epcis/"}}, "my:myField": "x"}
		if !q.Match(ev) || q.Match(map[string]any{"my:myField": "x"}) {
			t.Error("the field is matched by the event's own binding only")
		}
	})
	for _, bad := range []map[string]any{
		{"GE_eventTime": float64(3)},
		{"EQ_bizStep": []any{map[string]any{}}},
		{"eventCountLimit": "ten", "orderBy": "eventTime"},
		{"unknown": true},
	} {
		var pe *ParamError
		if _, err := ParseJSON(bad); !errors.As(err, &pe) {
			t.Errorf("ParseJSON(%v) = %v, want a *ParamError", bad, err)
		}
	}
}

func TestRequireAddsAParameterToThoseGiven(t *testing.T) {
	all := loadExamples(t, "examples")
	// GET /epcs/{epc}/events?MATCH_anyEPC=…: both must hold.
	q, err := Parse(values(t, "MATCH_anyEPC=urn:epc:id:sscc:0614141.1234567890"))
	if err != nil {
		t.Fatal(err)
	}
	if err := q.Require("MATCH_anyEPC", "https://id.gs1.org/01/10614141073464/21/2018"); err != nil {
		t.Fatal(err)
	}
	if got, want := matching(q, all), sorted(ex963, fullAgg, fullTx); !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
	if h := q.IndexHints(); len(h.EPCs) != 1 {
		t.Errorf("hints keep one of the two EPC lists, got %q", h.EPCs)
	}
	var pe *ParamError
	if err := q.Require("EQ_bizStep", "flying"); !errors.As(err, &pe) || pe.Param != "EQ_bizStep" {
		t.Errorf("Require(EQ_bizStep, flying) = %v", err)
	}
	q, _ = Parse(nil)
	if err := q.Require("eventCountLimit", "1"); !errors.As(err, &pe) {
		t.Errorf("Require(eventCountLimit) without orderBy = %v", err)
	}
}
