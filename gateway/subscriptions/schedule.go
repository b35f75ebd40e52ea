package subscriptions

import (
	"strconv"
	"strings"
	"time"
)

// Schedule is a query schedule as the binding's query-schedule.json and EPCIS section 8.2.5.3
// define it: each field is a comma-separated list of numbers and ranges "[lo-hi]"; a time
// matches when each field that is set holds its second, minute, hour, day of month, month
// and day of week (1 Monday … 7 Sunday). Times are taken in UTC.
type Schedule struct {
	Second     string `json:"second,omitempty"`
	Minute     string `json:"minute,omitempty"`
	Hour       string `json:"hour,omitempty"`
	DayOfMonth string `json:"dayOfMonth,omitempty"`
	Month      string `json:"month,omitempty"`
	DayOfWeek  string `json:"dayOfWeek,omitempty"`
}

type scheduleField struct {
	name     string
	value    *string
	min, max int
}

func (s *Schedule) fields() []scheduleField {
	return []scheduleField{
		{"second", &s.Second, 0, 59}, {"minute", &s.Minute, 0, 59}, {"hour", &s.Hour, 0, 23},
		{"dayOfMonth", &s.DayOfMonth, 1, 31}, {"month", &s.Month, 1, 12}, {"dayOfWeek", &s.DayOfWeek, 1, 7},
	}
}

func (s *Schedule) empty() bool { return *s == Schedule{} }

// set is the values a field matches: bit n for value n; 0 for a field not set (any value).
type set uint64

func (b set) has(n int) bool { return b == 0 || b&(1<<uint(n)) != 0 }

// parseField reads one field: Element ("," Element)*, Element = Number | "[" Number "-" Number "]".
func parseField(f scheduleField) (set, error) {
	if *f.value == "" {
		return 0, nil
	}
	fail := &ParamError{Param: f.name, Reason: "is a comma-separated list of numbers and ranges [lo-hi], each from " +
		strconv.Itoa(f.min) + " to " + strconv.Itoa(f.max)}
	number := func(s string) (int, bool) {
		if s == "" || len(s) > 2 || strings.Trim(s, "0123456789") != "" {
			return 0, false
		}
		n, _ := strconv.Atoi(s)
		return n, n >= f.min && n <= f.max
	}
	var out set
	for _, el := range strings.Split(*f.value, ",") {
		lo, hi := 0, 0
		if inner, ok := strings.CutPrefix(el, "["); ok {
			inner, ok = strings.CutSuffix(inner, "]")
			a, b, dash := strings.Cut(inner, "-")
			var okA, okB bool
			lo, okA = number(a)
			hi, okB = number(b)
			if !ok || !dash || !okA || !okB || lo > hi {
				return 0, fail
			}
		} else {
			n, ok := number(el)
			if !ok {
				return 0, fail
			}
			lo, hi = n, n
		}
		for n := lo; n <= hi; n++ {
			out |= 1 << uint(n)
		}
	}
	return out, nil
}

// compiled is a parsed schedule: second, minute, hour, dayOfMonth, month, dayOfWeek.
type compiled [6]set

func (s *Schedule) compile() (compiled, error) {
	var c compiled
	for i, f := range s.fields() {
		b, err := parseField(f)
		if err != nil {
			return c, err
		}
		c[i] = b
	}
	return c, nil
}

func (s *Schedule) check() error {
	if s.empty() {
		return &ParamError{Param: "schedule", Reason: "sets no field"}
	}
	c, err := s.compile()
	if err != nil {
		return err
	}
	if c.next(time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)).IsZero() {
		return &ParamError{Param: "schedule", Reason: "matches no date (dayOfMonth past the end of every month given)"}
	}
	return nil
}

// Next is the first time after t that the schedule matches; zero for an invalid schedule.
func (s *Schedule) Next(t time.Time) time.Time {
	c, err := s.compile()
	if err != nil {
		return time.Time{}
	}
	return c.next(t)
}

func weekday(t time.Time) int { return (int(t.Weekday())+6)%7 + 1 } // Monday 1 … Sunday 7

// next walks forward from the second after t, skipping whole months, days, hours and
// minutes that cannot match; zero after 8 years without a match (a 31st in February only).
func (c compiled) next(t time.Time) time.Time {
	t = t.UTC().Truncate(time.Second).Add(time.Second)
	end := t.AddDate(8, 0, 0)
	for t.Before(end) {
		switch {
		case !c[4].has(int(t.Month())):
			t = time.Date(t.Year(), t.Month()+1, 1, 0, 0, 0, 0, time.UTC)
		case !c[3].has(t.Day()) || !c[5].has(weekday(t)):
			t = time.Date(t.Year(), t.Month(), t.Day()+1, 0, 0, 0, 0, time.UTC)
		case !c[2].has(t.Hour()):
			t = t.Truncate(time.Hour).Add(time.Hour)
		case !c[1].has(t.Minute()):
			t = t.Truncate(time.Minute).Add(time.Minute)
		case !c[0].has(t.Second()):
			t = t.Add(time.Second)
		default:
			return t
		}
	}
	return time.Time{}
}
