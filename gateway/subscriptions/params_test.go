package subscriptions

import (
	"errors"
	"net/url"
	"reflect"
	"testing"
	"time"
)

func TestParseQuery(t *testing.T) {
	got, err := ParseQuery([]byte(`{"@context":["x"],"eventType":["ObjectEvent"],"EQ_bizStep":["shipping","receiving"],` +
		`"GE_eventTime":"2025-01-01T00:00:00Z","eventCountLimit":10,"EXISTS_errorDeclaration":true,"EQ_bizTransaction_po":["urn:x"],` +
		`"EQ_ILMD_cbvmda:lotNumber":["L1"],"GT_ex:temperature":4.5}`))
	if err != nil {
		t.Fatal(err)
	}
	want := url.Values{"eventType": {"ObjectEvent"}, "EQ_bizStep": {"shipping", "receiving"}, "GE_eventTime": {"2025-01-01T00:00:00Z"},
		"eventCountLimit": {"10"}, "EXISTS_errorDeclaration": {"true"}, "EQ_bizTransaction_po": {"urn:x"},
		"EQ_ILMD_cbvmda:lotNumber": {"L1"}, "GT_ex:temperature": {"4.5"}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %v\nwant %v", got, want)
	}
	for _, bad := range []string{`[]`, `"x"`, `null`, `{"EQ bizStep":["x"]}`, `{"_x":"y"}`, `{"EQ_bizStep":[]}`,
		`{"EQ_bizStep":[["x"]]}`, `{"EQ_bizStep":[true]}`, `{"EQ_bizStep":{"a":"b"}}`, `{"EQ_bizStep":""}`, `{"EQ_bizStep":null}`} {
		var pe *ParamError
		if _, err := ParseQuery([]byte(bad)); !errors.As(err, &pe) {
			t.Errorf("%s: %v, want a ParamError", bad, err)
		}
	}
}

func TestParseSpec(t *testing.T) {
	now := time.Date(2025, 5, 6, 7, 8, 9, 0, time.UTC)
	tests := []struct {
		give string
		want Spec
	}{
		{"stream=true", Spec{Stream: true, InitialRecordTime: now}},
		{"minute=5&hour=1&reportIfEmpty=true", Spec{Schedule: &Schedule{Minute: "5", Hour: "1"}, ReportIfEmpty: true, InitialRecordTime: now}},
		{"stream=true&initialRecordTime=2020-04-04T20:33:31.116-06:00", Spec{Stream: true, InitialRecordTime: time.Date(2020, 4, 5, 2, 33, 31, 116e6, time.UTC)}},
	}
	for _, tt := range tests {
		q, _ := url.ParseQuery(tt.give)
		got, err := ParseSpec(q, now)
		if err != nil || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: %+v, %v", tt.give, got, err)
		}
	}
	for _, bad := range []string{"", "stream=false", "stream=yes", "stream=true&second=0", "minute=61", "reportIfEmpty=true",
		"stream=true&initialRecordTime=yesterday"} {
		q, _ := url.ParseQuery(bad)
		var pe *ParamError
		if _, err := ParseSpec(q, now); !errors.As(err, &pe) {
			t.Errorf("%q: %v, want a ParamError", bad, err)
		}
	}
}

func TestCheckName(t *testing.T) {
	for _, ok := range []string{"q", "myQuery", "shipped-2025.v1_a"} {
		if err := CheckName(ok); err != nil {
			t.Errorf("%q: %v", ok, err)
		}
	}
	for _, bad := range []string{"", "-x", "a b", "a/b", "ä", string(make([]byte, 101))} {
		if err := CheckName(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func FuzzParseQuery(f *testing.F) {
	for _, s := range []string{`{"EQ_bizStep":["shipping","receiving"]}`, `{"GE_eventTime":"2025-01-01T00:00:00Z","eventCountLimit":3}`,
		`{"EQ_ILMD_ex:lot":["L1"]}`, `{}`, `[]`, `{"a":[1,2.5e3]}`, `{"":""}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		q, err := ParseQuery(raw)
		if err != nil {
			return
		}
		for name, vs := range q {
			if !paramName.MatchString(name) || len(vs) == 0 {
				t.Fatalf("%s: accepted %q = %q", raw, name, vs)
			}
			for _, v := range vs {
				if v == "" {
					t.Fatalf("%s: %q has an empty value", raw, name)
				}
			}
		}
	})
}
