package gs1

// DateRefYear is the reference year of the GS1 century rule for two-digit years (GS1 General
// Specifications 7.12): a year YY more than 50 years after it belongs to the previous century,
// one 50 or more years before it to the next. It is fixed, never the clock, so every peer
// reads a date the same way: YY maps to 1977-2076.
const DateRefYear = 2026

// yymmdd reads a six-digit date. With d0, DD = 00 means the last day of the month.
func yymmdd(s string, d0 bool) (y, m, d int, ok bool) {
	if len(s) != 6 || !allDigits(s) {
		return 0, 0, 0, false
	}
	y = fullYear(atoiDigits(s[:2]))
	m, d = atoiDigits(s[2:4]), atoiDigits(s[4:6])
	if m < 1 || m > 12 {
		return 0, 0, 0, false
	}
	if d == 0 && d0 {
		d = daysIn(y, m)
	}
	if d < 1 || d > daysIn(y, m) {
		return 0, 0, 0, false
	}
	return y, m, d, true
}

func fullYear(yy int) int {
	century, cur := DateRefYear/100*100, DateRefYear%100
	switch diff := yy - cur; {
	case diff >= 51:
		return century - 100 + yy
	case diff <= -50:
		return century + 100 + yy
	}
	return century + yy
}

func daysIn(y, m int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// DateISO turns a GS1 YYMMDD date into an ISO date YYYY-MM-DD, reading DD = 00 as the last day
// of the month.
func DateISO(s string) (string, error) {
	y, m, d, ok := yymmdd(s, true)
	if !ok {
		return "", errAt(0, KindBadDate, "", "no such date "+quoteSafe(s)+" (YYMMDD)")
	}
	return isoDate(y, m, d), nil
}

func isoDate(y, m, d int) string {
	const digit = "0123456789"
	b := [10]byte{
		digit[y/1000%10], digit[y/100%10], digit[y/10%10], digit[y%10], '-',
		digit[m/10%10], digit[m%10], '-',
		digit[d/10%10], digit[d%10],
	}
	return string(b[:])
}

// quoteSafe shortens and cleans user input for an error message.
func quoteSafe(s string) string {
	const max = 40
	b := make([]byte, 0, len(s)+2)
	b = append(b, '"')
	for i := 0; i < len(s) && i < max; i++ {
		c := s[i]
		if c < 0x20 || c >= 0x7f {
			b = append(b, '?')
			continue
		}
		b = append(b, c)
	}
	if len(s) > max {
		b = append(b, "..."...)
	}
	return string(append(b, '"'))
}

// FullYear expands a two-digit year by the GS1 century rule around DateRefYear.
func FullYear(yy int) int { return fullYear(yy) }

// DaysIn returns the number of days of month m (1-12) in year y.
func DaysIn(y, m int) int { return daysIn(y, m) }

// ISODate formats a date as YYYY-MM-DD.
func ISODate(y, m, d int) string { return isoDate(y, m, d) }
