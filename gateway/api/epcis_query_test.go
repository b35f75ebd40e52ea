package api

import (
	"net/url"
	"slices"
	"testing"
	"time"
)

// observation is an EPCIS event about another company's goods, which the ledger keeps as an
// observation.
func observation(id, step, epc, at string) string {
	return `{"type":"ObjectEvent","eventID":"urn:uuid:` + id + `","eventTime":"` + at + `","eventTimeZoneOffset":"+00:00",` +
		`"action":"OBSERVE","bizStep":"` + step + `","epcList":["` + epc + `"],"readPoint":{"id":"urn:epc:id:sgln:4012345.00001.0"},` +
		`"sensorElementList":[{"sensorReport":[{"type":"Temperature","value":` + step2temp(step) + `,"uom":"CEL"}]}]}`
}

func step2temp(step string) string {
	if step == "storing" {
		return "4.5"
	}
	return "9.25"
}

// ids are the event IDs of a query answer.
func ids(t *testing.T, r resp) []string {
	t.Helper()
	var out []string
	for _, e := range conforms(t, r) {
		out = append(out, e["eventID"].(string))
	}
	return out
}

func TestEPCISQueriesReadTheirIndexes(t *testing.T) {
	w := newWorld(t)
	w.seed()
	hourAgo := time.Now().Add(-time.Hour).UTC().Format(time.RFC3339)
	w.must(200, nil, dst, "POST", "/epcis/capture", epcisDoc(
		observation("q-store", "storing", "urn:epc:id:sgtin:4012345.011111.1", "2024-01-10T08:00:00Z"),
		observation("q-pick", "picking", "urn:epc:id:sgtin:4012345.011111.2", "2024-01-11T08:00:00Z"),
	))
	w.must(200, nil, mfr, "POST", "/epcis/capture", epcisDoc(objectCommission("q-c1", 1), `{"type":"ObjectEvent","eventID":"urn:uuid:q-s1",`+
		`"eventTime":"`+hourAgo+`","eventTimeZoneOffset":"+00:00","action":"OBSERVE","bizStep":"shipping","disposition":"in_transit",`+
		`"epcList":["`+dlURI(1)+`"],"destinationList":[{"type":"owning_party","destination":"urn:udiledger:party:`+dst+`"}]}`))

	query := func(msp, params string) ([]string, int, int) {
		t.Helper()
		before, beforeTime := len(w.rec.proposals("query:EventsByIndex")), len(w.rec.proposals("query:EventsByTime"))
		r := w.must(200, nil, msp, "GET", "/epcis/events?"+params, nil)
		return ids(t, r), len(w.rec.proposals("query:EventsByIndex")) - before, len(w.rec.proposals("query:EventsByTime")) - beforeTime
	}
	for _, c := range []struct {
		name, msp, params string
		want              []string
		byIndex           bool
	}{
		{"one business step, from its index", dst, "EQ_bizStep=picking", []string{"urn:uuid:q-pick"}, true},
		{"one business step in its web URI form", mfr, "EQ_bizStep=" + url.QueryEscape("https://ref.gs1.org/cbv/BizStep-shipping"), []string{"urn:uuid:q-s1"}, true},
		{"one read point", dst, "EQ_readPoint=" + url.QueryEscape("https://id.gs1.org/414/4012345000016"), []string{"urn:uuid:q-store", "urn:uuid:q-pick"}, true},
		{"an event type and a sensor value", dst, "eventType=ObjectEvent&GT_value_CEL=5", []string{"urn:uuid:q-pick"}, true},
		{"two business steps, from the time index", dst, "EQ_bizStep=storing|picking", []string{"urn:uuid:q-store", "urn:uuid:q-pick"}, false},
		{"an observed code as a Digital Link", dst, "MATCH_epc=" + url.QueryEscape("https://id.gs1.org/01/04012345111118/21/2"), []string{"urn:uuid:q-pick"}, true},
		{"a governed code's history", mfr, "MATCH_epc=" + url.QueryEscape(dlURI(1)), []string{"urn:uuid:q-c1", "urn:uuid:q-s1"}, true},
		{"event time, ordered newest first, the first one", dst, "GE_eventTime=2024-01-01T00:00:00Z&LT_eventTime=2025-01-01T00:00:00Z&orderBy=eventTime&eventCountLimit=1", []string{"urn:uuid:q-pick"}, false},
		{"the receiver sees the shipment to it", dst, "EQ_bizStep=shipping", []string{"urn:uuid:q-s1"}, true},
		{"a party that took no part sees none of it", hsp, "EQ_bizStep=picking", nil, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, byIndex, byTime := query(c.msp, c.params)
			if !slices.Equal(got, c.want) {
				t.Errorf("%s as %s: %v, want %v", c.params, c.msp, got, c.want)
			}
			if c.byIndex && (byTime > 0) || !c.byIndex && byTime == 0 {
				t.Errorf("%s read the time index %d times and the event indexes %d times", c.params, byTime, byIndex)
			}
		})
	}
	t.Run("more matches than maxEventCount is a 413", func(t *testing.T) {
		w.must(413, nil, dst, "GET", "/epcis/events?eventType=ObjectEvent&maxEventCount=1", nil)
	})
	t.Run("an unknown parameter is a 400 naming it", func(t *testing.T) {
		r := w.must(400, nil, dst, "GET", "/epcis/events?EQ_colour=red", nil)
		if p := problemOf(t, r); len(p.Errors) != 1 || p.Errors[0].Field != "EQ_colour" {
			t.Errorf("%s", r)
		}
	})
}
