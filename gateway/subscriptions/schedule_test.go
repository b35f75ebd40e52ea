package subscriptions

import (
	"errors"
	"fmt"
	"testing"
	"time"
)

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestScheduleNext(t *testing.T) {
	tests := []struct {
		name  string
		give  Schedule
		after string
		want  string
	}{
		{"top of the hour", Schedule{Second: "0", Minute: "0"}, "2025-03-04T10:15:00Z", "2025-03-04T11:00:00Z"},
		{"daily at 1:05 (the binding's example, seconds omitted: every second of the minute)", Schedule{Hour: "1", Minute: "5"}, "2025-03-04T10:15:00Z", "2025-03-05T01:05:00Z"},
		{"the next second inside a matching minute", Schedule{Hour: "1", Minute: "5"}, "2025-03-05T01:05:00Z", "2025-03-05T01:05:01Z"},
		{"2:30 am", Schedule{Second: "0", Minute: "30", Hour: "2"}, "2025-03-04T02:30:00Z", "2025-03-05T02:30:00Z"},
		{"weekdays only (1 Monday … 7 Sunday)", Schedule{Second: "0", Minute: "0", DayOfWeek: "[1-5]"}, "2025-03-07T23:30:00Z", "2025-03-10T00:00:00Z"}, // Friday → Monday
		{"a list and a range", Schedule{Second: "0", Minute: "0,[20-21],45"}, "2025-03-04T10:20:00Z", "2025-03-04T10:21:00Z"},
		{"the 31st skips short months", Schedule{Second: "0", Minute: "0", Hour: "0", DayOfMonth: "31"}, "2025-04-01T00:00:00Z", "2025-05-31T00:00:00Z"},
		{"29 February", Schedule{Second: "0", Minute: "0", Hour: "0", DayOfMonth: "29", Month: "2"}, "2025-01-01T00:00:00Z", "2028-02-29T00:00:00Z"},
		{"strictly after", Schedule{Second: "0"}, "2025-03-04T10:20:00Z", "2025-03-04T10:21:00Z"},
		{"taken in UTC", Schedule{Second: "0", Minute: "0", Hour: "12"}, "2025-03-04T13:00:00+02:00", "2025-03-04T12:00:00Z"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.give.check(); err != nil {
				t.Fatal(err)
			}
			if got := tt.give.Next(at(tt.after)); !got.Equal(at(tt.want)) {
				t.Fatalf("Next(%s) = %s, want %s", tt.after, got, tt.want)
			}
		})
	}
}

func TestScheduleSyntax(t *testing.T) {
	for _, bad := range []Schedule{
		{},
		{Second: "60"}, {Minute: "-1"}, {Hour: "24"}, {DayOfMonth: "0"}, {Month: "13"}, {DayOfWeek: "0"}, {DayOfWeek: "8"},
		{Minute: "[5-3]"}, {Minute: "[5-]"}, {Minute: "5-7"}, {Minute: "1,,2"}, {Minute: " 1"}, {Minute: "*"}, {Minute: "[1-2"},
		{DayOfMonth: "31", Month: "2"}, {DayOfMonth: "30", Month: "[2-2]"},
	} {
		var pe *ParamError
		if err := bad.check(); !errors.As(err, &pe) {
			t.Errorf("%+v: %v, want a ParamError", bad, err)
		}
	}
}

func FuzzScheduleField(f *testing.F) {
	for _, s := range []string{"0", "[1-5]", "0,15,30,45", "[0-59]", "7,[1-3]", "", "[", "99"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		sch := Schedule{Second: "0", Minute: s}
		if sch.check() != nil {
			return
		}
		from := at("2025-01-01T00:00:00Z")
		next := sch.Next(from)
		if !next.After(from) || next.Second() != 0 {
			t.Fatalf("minute %q: Next = %s", s, next)
		}
		if _, err := parseField(scheduleField{name: "minute", value: &s, min: 0, max: 59}); err != nil || !must(parseField(scheduleField{value: &s, max: 59})).has(next.Minute()) {
			t.Fatalf("minute %q: %s does not match", s, next)
		}
	})
}

func must(b set, err error) set {
	if err != nil {
		panic(err)
	}
	return b
}

func ExampleSchedule_Next() {
	daily := Schedule{Second: "0", Minute: "5", Hour: "1"}
	fmt.Println(daily.Next(time.Date(2025, 3, 4, 10, 15, 0, 0, time.UTC)))
	// Output: 2025-03-05 01:05:00 +0000 UTC
}
