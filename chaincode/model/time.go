package model

import (
	"fmt"
	"time"
)

// TimeLayout formats event times: RFC 3339 in UTC with a fixed nine-digit fraction, so the
// text of two times sorts like the times themselves.
const TimeLayout = "2006-01-02T15:04:05.000000000Z"

// DateLayout formats calendar dates (expiry, production, licence validity): ISO 8601.
const DateLayout = "2006-01-02"

// FormatTime formats t in TimeLayout.
func FormatTime(t time.Time) string { return t.UTC().Format(TimeLayout) }

// ParseTime reads an RFC 3339 time (any fraction, any offset).
func ParseTime(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("time %q is not RFC 3339: %w", s, err)
	}
	return t.UTC(), nil
}

// ParseDate reads an ISO 8601 calendar date.
func ParseDate(s string) (time.Time, error) {
	t, err := time.Parse(DateLayout, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("date %q is not YYYY-MM-DD: %w", s, err)
	}
	return t, nil
}

// DateOf returns the UTC calendar date of t as YYYY-MM-DD.
func DateOf(t time.Time) string { return t.UTC().Format(DateLayout) }

// ValidDate reports whether s is an ISO 8601 calendar date.
func ValidDate(s string) bool {
	_, err := ParseDate(s)
	return err == nil
}
