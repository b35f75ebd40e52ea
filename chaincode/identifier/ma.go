package identifier

import (
	"strings"

	"github.com/udiledger/udiledger/chaincode/gs1"
)

// ParseMA reads China UDI in the MA (IDcode) format of the issuing agency "MA" (ZIIOT):
//
//	MA.<country 3 digits>.<industry 2>.<registrant 6>.<product code 8>[.<flag><value>…]
//
// for example MA.156.M0.100001.10000018.L2024001.S000123.M20240101.E20260101. The product
// identifier (DI) is everything up to the product code. Data units: L lot, S serial,
// M production date, V valid-until date, E expiry date (YYMMDD or YYYYMMDD), D sterilisation
// lot. The product code's check character is not verified.
func ParseMA(s string) (Code, error) {
	c, err := parseMA(s, 0)
	if err != nil {
		return Code{}, err
	}
	return c, nil
}

// maDIParts are the lengths of the dot-separated parts of an MA DI after "MA.".
var maDIParts = [...]struct {
	n      int
	digits bool
	what   string
}{{3, true, "country code of 3 digits"}, {2, false, "industry code of 2 characters"}, {6, false, "registrant code of 6 characters"}, {8, false, "product code of 8 characters"}}

func parseMA(t string, off int) (Code, *Error) {
	bad := func(pos int, kind Kind, msg string) (Code, *Error) {
		return Code{}, errAt(SchemeMA, off+pos, kind, msg)
	}
	if !strings.HasPrefix(t, "MA.") {
		return bad(0, KindUnknownFormat, "an MA code starts with \"MA.\"")
	}
	pos := 3
	for k, p := range maDIParts {
		end := pos
		for end < len(t) && t[end] != '.' {
			end++
		}
		part := t[pos:end]
		if len(part) != p.n {
			return bad(pos, KindBadLength, "want a "+p.what)
		}
		for i := 0; i < len(part); i++ {
			if !isUpperAlnum(part[i]) || (p.digits && !isDigit(part[i])) {
				return bad(pos+i, KindBadChar, "want a "+p.what)
			}
		}
		pos = end
		if k < len(maDIParts)-1 {
			if pos == len(t) {
				return bad(pos, KindBadLength, "want a "+maDIParts[k+1].what)
			}
			pos++
		}
	}
	c := Code{Scheme: SchemeMA, DI: t[:pos]}
	var seen [128]bool
	var validUntil string
	for pos < len(t) {
		// t[pos] == '.'
		if pos+2 > len(t) {
			return bad(pos, KindBadLength, "empty data unit")
		}
		flag := t[pos+1]
		start := pos + 2
		end := start
		for end < len(t) && t[end] != '.' {
			end++
		}
		v := t[start:end]
		if v == "" {
			return bad(pos, KindBadLength, "data unit ."+string(flag)+" is empty")
		}
		for i := 0; i < len(v); i++ {
			if !isUpperAlnum(v[i]) && !(v[i] >= 'a' && v[i] <= 'z') && v[i] != '-' {
				return bad(start+i, KindBadChar, "data values hold letters, digits and '-'")
			}
		}
		if flag < 128 && seen[flag] {
			return bad(pos, KindDuplicateAI, "data unit ."+string(flag)+" given twice")
		}
		switch flag {
		case 'L':
			c.Lot = v
		case 'S':
			c.Serial = v
		case 'D':
		case 'M', 'V', 'E':
			d, ok := maDate(v)
			if !ok {
				return bad(start, KindBadDate, "no such date "+v+" (YYMMDD or YYYYMMDD)")
			}
			switch flag {
			case 'M':
				c.ProductionDate = d
			case 'V':
				validUntil = d
			default:
				c.Expiry = d
			}
		default:
			return bad(pos+1, KindBadValue, "unknown data unit ."+string(flag)+": want .L lot, .S serial, .M production date, .V valid until, .E expiry, .D sterilisation lot")
		}
		seen[flag] = true
		pos = end
	}
	if c.Expiry == "" {
		c.Expiry = validUntil
	}
	c.Key = maKey(c.DI, c.Serial, c.Lot)
	return c, nil
}

func maKey(di, serial, lot string) string {
	switch {
	case serial != "":
		return "ma:" + di + ".S" + serial
	case lot != "":
		return "ma:" + di + ".L" + lot
	}
	return "ma:" + di
}

// maDate reads YYMMDD or YYYYMMDD.
func maDate(v string) (string, bool) {
	if !allDigits(v) {
		return "", false
	}
	var y, m, d int
	switch len(v) {
	case 6:
		y = gs1.FullYear(atoi(v[:2]))
		v = v[2:]
	case 8:
		y = atoi(v[:4])
		v = v[4:]
	default:
		return "", false
	}
	m, d = atoi(v[:2]), atoi(v[2:])
	if m < 1 || m > 12 || d < 1 || d > gs1.DaysIn(y, m) {
		return "", false
	}
	return gs1.ISODate(y, m, d), true
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return s != ""
}

func atoi(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}
