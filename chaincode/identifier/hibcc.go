package identifier

import (
	"strings"

	"github.com/udiledger/udiledger/chaincode/gs1"
)

// hibccChars lists the HIBC character set; a character's index is its mod-43 value.
const hibccChars = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-. $/+%"

// HIBCCCheck returns the mod-43 check character of data (from the leading '+').
func HIBCCCheck(data string) (byte, bool) {
	sum := 0
	for i := 0; i < len(data); i++ {
		v := strings.IndexByte(hibccChars, data[i])
		if v < 0 {
			return 0, false
		}
		sum += v
	}
	return hibccChars[sum%43], true
}

// ParseHIBCC reads HIBC Supplier Labeling data: the primary data "+LIC PCN U C" (label
// identification code of 4 characters, the first a letter; product code of 1-18; unit of
// measure digit; mod-43 check character), alone or combined with secondary data after '/':
//
//	$lot   $+serial   $$[flag]date lot   $$+[flag]date serial   YYJJJ lot
//
// where the date flag is absent (MMYY) or 2 MMDDYY, 3 YYMMDD, 4 YYMMDDHH, 5 YYJJJ, 6 YYJJJHH,
// 7 no date, and $$8 / $$9 carry a 2- or 5-digit quantity before it. Supplemental fields
// /S serial, /14D expiry YYYYMMDD and /16D production date YYYYMMDD may follow. Secondary
// data on its own carries no product and is refused.
func ParseHIBCC(s string) (Code, error) {
	c, err := parseHIBCC(s, 0)
	if err != nil {
		return Code{}, err
	}
	return c, nil
}

func parseHIBCC(t string, off int) (Code, *Error) {
	bad := func(pos int, kind Kind, msg string) (Code, *Error) {
		return Code{}, errAt(SchemeHIBCC, off+pos, kind, msg)
	}
	if len(t) < 2 || t[0] != '+' {
		return bad(0, KindUnknownFormat, "HIBCC data starts with '+'")
	}
	if t[1] == '/' {
		return bad(1, KindUnknownFormat, "HIBC provider applications data (+/) is not a product code")
	}
	for i := 0; i < len(t); i++ {
		if strings.IndexByte(hibccChars, t[i]) < 0 {
			return bad(i, KindBadChar, "HIBCC data holds only 0-9, A-Z, - . space $ / + %")
		}
	}
	if len(t) < 8 {
		return bad(0, KindBadLength, "too short for +LIC, product code, unit of measure and check character")
	}
	data := t[:len(t)-1]
	if want, _ := HIBCCCheck(data); t[len(t)-1] != want {
		return bad(len(t)-1, KindBadCheckDigit, "got check character '"+string(t[len(t)-1])+"', want '"+string(want)+"'")
	}
	if isDigit(t[1]) || t[1] == '$' {
		return bad(1, KindUnknownFormat, "HIBCC secondary data alone carries no product: give the primary data or the combined code")
	}
	// Primary data: +LIC PCN U
	end := strings.IndexByte(data, '/')
	if end < 0 {
		end = len(data)
	}
	lic := data[1:5]
	if lic[0] < 'A' || lic[0] > 'Z' {
		return bad(1, KindBadChar, "the label identification code starts with a letter")
	}
	for i := 1; i < len(lic); i++ {
		if !isUpperAlnum(lic[i]) {
			return bad(1+i, KindBadChar, "the label identification code holds letters and digits")
		}
	}
	if end < 7 || end > 5+18+1 {
		return bad(5, KindBadLength, "the product code has 1 to 18 characters followed by a unit-of-measure digit")
	}
	pcn := data[5 : end-1]
	for i := 0; i < len(pcn); i++ {
		if !isUpperAlnum(pcn[i]) {
			return bad(5+i, KindBadChar, "the product code holds letters and digits")
		}
	}
	if !isDigit(data[end-1]) {
		return bad(end-1, KindBadChar, "the unit of measure is a digit")
	}
	c := Code{Scheme: SchemeHIBCC, DI: data[1:end]}
	if end < len(data) {
		if e := parseHIBCCSecondary(&c, data, end+1); e != nil {
			e.Pos += off
			return Code{}, e
		}
	}
	c.Key = hibccKey(c.DI, c.Serial, c.Lot)
	return c, nil
}

func hibccKey(di, serial, lot string) string {
	switch {
	case serial != "":
		return "hibcc:" + di + "$+" + serial
	case lot != "":
		return "hibcc:" + di + "$" + lot
	}
	return "hibcc:" + di
}

// parseHIBCCSecondary reads the secondary data of a combined code starting at pos.
func parseHIBCCSecondary(c *Code, d string, pos int) *Error {
	bad := func(p int, kind Kind, msg string) *Error { return errAt(SchemeHIBCC, p, kind, msg) }
	serial := false
	date := ""
	switch {
	case strings.HasPrefix(d[pos:], "$$"):
		pos += 2
		if pos < len(d) && d[pos] == '+' {
			serial = true
			pos++
		}
		if pos < len(d) && (d[pos] == '8' || d[pos] == '9') {
			n := 2
			if d[pos] == '9' {
				n = 5
			}
			if pos+1+n > len(d) || !allDigits(d[pos+1:pos+1+n]) {
				return bad(pos, KindBadValue, "quantity of "+itoa(n)+" digits expected")
			}
			pos += 1 + n
		}
		format := byte('1') // MMYY
		if pos < len(d) && d[pos] >= '2' && d[pos] <= '7' {
			format = d[pos]
			pos++
		}
		n := [...]int{'1': 4, '2': 6, '3': 6, '4': 8, '5': 5, '6': 7, '7': 0}[format]
		if pos+n > len(d) || !allDigits(d[pos:pos+n]) {
			return bad(pos, KindBadDate, "date of "+itoa(n)+" digits expected")
		}
		iso, ok := hibccDate(format, d[pos:pos+n])
		if !ok {
			return bad(pos, KindBadDate, "no such date "+d[pos:pos+n])
		}
		date = iso
		pos += n
	case strings.HasPrefix(d[pos:], "$+"):
		serial = true
		pos += 2
	case strings.HasPrefix(d[pos:], "$"):
		pos++
	case pos+5 <= len(d) && allDigits(d[pos:pos+5]):
		iso, ok := hibccDate('5', d[pos:pos+5])
		if !ok {
			return bad(pos, KindBadDate, "no such date "+d[pos:pos+5]+" (YYJJJ)")
		}
		date = iso
		pos += 5
	default:
		return bad(pos, KindBadValue, "secondary data starts with $, $+, $$, $$+ or a YYJJJ date")
	}
	end := strings.IndexByte(d[pos:], '/')
	if end < 0 {
		end = len(d)
	} else {
		end += pos
	}
	v := d[pos:end]
	if e := checkLotSerial(v, pos); e != nil {
		return e
	}
	if serial {
		c.Serial = v
	} else {
		c.Lot = v
	}
	c.Expiry = date
	for pos = end; pos < len(d); {
		pos++ // '/'
		next := strings.IndexByte(d[pos:], '/')
		if next < 0 {
			next = len(d)
		} else {
			next += pos
		}
		f := d[pos:next]
		switch {
		case strings.HasPrefix(f, "14D") || strings.HasPrefix(f, "16D"):
			v := f[3:]
			iso, ok := maDate(v)
			if len(v) != 8 || !ok {
				return bad(pos+3, KindBadDate, "want a YYYYMMDD date")
			}
			if f[1] == '4' {
				c.Expiry = iso
			} else {
				c.ProductionDate = iso
			}
		case strings.HasPrefix(f, "S"):
			if e := checkLotSerial(f[1:], pos+1); e != nil {
				return e
			}
			if c.Serial != "" && c.Serial != f[1:] {
				return bad(pos, KindDuplicateAI, "two different serials")
			}
			c.Serial = f[1:]
		default:
			return bad(pos, KindBadValue, "supplemental data field not supported: want /S serial, /14D expiry or /16D production date")
		}
		pos = next
	}
	return nil
}

// checkLotSerial checks a lot or serial of HIBCC secondary data starting at pos.
func checkLotSerial(v string, pos int) *Error {
	if v == "" || len(v) > 18 {
		return errAt(SchemeHIBCC, pos, KindBadLength, "a lot or serial has 1 to 18 characters")
	}
	for i := 0; i < len(v); i++ {
		if !isUpperAlnum(v[i]) {
			return errAt(SchemeHIBCC, pos+i, KindBadChar, "a lot or serial holds letters and digits")
		}
	}
	return nil
}

// hibccDate reads a secondary-data date in the format given by its flag.
func hibccDate(format byte, v string) (string, bool) {
	y, m, d := 0, 0, 0
	switch format {
	case '7':
		return "", true
	case '1': // MMYY: the last day of the month
		m, y = atoi(v[:2]), gs1.FullYear(atoi(v[2:4]))
		if m < 1 || m > 12 {
			return "", false
		}
		d = gs1.DaysIn(y, m)
	case '2': // MMDDYY
		m, d, y = atoi(v[:2]), atoi(v[2:4]), gs1.FullYear(atoi(v[4:6]))
	case '3', '4': // YYMMDD[HH]
		y, m, d = gs1.FullYear(atoi(v[:2])), atoi(v[2:4]), atoi(v[4:6])
		if format == '4' && atoi(v[6:8]) > 23 {
			return "", false
		}
	case '5', '6': // YYJJJ[HH]
		y = gs1.FullYear(atoi(v[:2]))
		j := atoi(v[2:5])
		if format == '6' && atoi(v[5:7]) > 23 {
			return "", false
		}
		for m = 1; m <= 12 && j > gs1.DaysIn(y, m); m++ {
			j -= gs1.DaysIn(y, m)
		}
		if j < 1 || m > 12 {
			return "", false
		}
		d = j
	}
	if m < 1 || m > 12 || d < 1 || d > gs1.DaysIn(y, m) {
		return "", false
	}
	return gs1.ISODate(y, m, d), true
}
