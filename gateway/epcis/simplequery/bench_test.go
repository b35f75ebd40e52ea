package simplequery

import "testing"

// BenchmarkMatch runs queries over 10,000 events (the reference set, repeated); one
// iteration matches all of them.
func BenchmarkMatch(b *testing.B) {
	examples := loadExamples(b, "examples")
	evs := make([]map[string]any, 10000)
	for i := range evs {
		evs[i] = examples[i%len(examples)].event
	}
	for _, bm := range []struct{ name, query string }{
		{"eventType and eventTime", "eventType=ObjectEvent&GE_eventTime=2019-01-01T00:00:00Z"},
		{"bizStep and readPoint", "EQ_bizStep=https://ref.gs1.org/cbv/BizStep-receiving&EQ_readPoint=urn:epc:id:sgln:0614141.00777.0"},
		{"MATCH_anyEPC by Digital Link", "MATCH_anyEPC=https://id.gs1.org/01/10614141073464/21/2018"},
		{"MATCH_epc with a pattern", "MATCH_epc=urn:epc:idpat:sgtin:4012345.*.*"},
		{"sensor value in kelvin", "GT_value_KEL=299.3&EQ_type=Temperature"},
		{"EQ_INNER_ extension", "EQ_INNER_ext3:string=stringInObjectInObjectInArray"},
	} {
		q, err := Parse(values(b, bm.query))
		if err != nil {
			b.Fatal(err)
		}
		b.Run(bm.name, func(b *testing.B) {
			n := 0
			for b.Loop() {
				n = 0
				for _, ev := range evs {
					if q.Match(ev) {
						n++
					}
				}
			}
			b.ReportMetric(float64(n), "matches")
		})
	}
}
