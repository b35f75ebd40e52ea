package gs1

// Linter names a content check of the GS1 Barcode Syntax Dictionary. The generated table
// refers to these constants, so a dictionary that names a new linter fails to build until the
// linter is added here.
type Linter uint8

// Linters of the dictionary. Those marked "not checked" pass any value of the right type and
// length; docs/identifiers.md lists them. The company prefix linters are checked only by a
// Parser given Prefixes (see checkGCP); the package functions skip them.
const (
	LintCsum           Linter = iota + 1 // GS1 mod-10 check digit
	LintCsumalpha                        // GS1 check character pair (GMN)
	LintYymmd0                           // YYMMDD, DD = 00 means the last day of the month
	LintYymmdd                           // YYMMDD
	LintYyyymmdd                         // YYYYMMDD
	LintHh                               // hour 00-23
	LintMi                               // minute 00-59
	LintSs                               // second 00-59
	LintHhmi                             // HHMM
	LintNonzero                          // not all zeros
	LintZero                             // exactly "0"
	LintWinding                          // 0, 1 or 9
	LintPieceoftotal                     // piece (NN) ≤ total (NN), neither zero
	LintYesno                            // 0 or 1
	LintHyphen                           // "-"
	LintNozeroprefix                     // no leading zero unless the value is "0"
	LintHasnondigit                      // at least one non-digit
	LintImporteridx                      // one of 0-9 A-Z a-z - _
	LintIso5218                          // 0, 1, 2 or 9
	LintMediatype                        // 01-10 or 80-99
	LintLatitude                         // 0 to 1800000000
	LintLongitude                        // 0 to 3600000000
	LintPosinseqslash                    // "n/m" with 1 ≤ n ≤ m
	LintPcenc                            // '%' followed by two hex digits
	LintIban                             // IBAN mod-97 check
	LintGcppos1                          // a GCP from the first character; only with Parser.Prefixes
	LintGcppos2                          // a GCP from the second character; only with Parser.Prefixes
	LintIso3166                          // not checked: ISO 3166 numeric country code list
	LintIso3166999                       // not checked: ISO 3166 numeric or 999
	LintIso3166alpha2                    // not checked: ISO 3166 alpha-2 list
	LintIso4217                          // not checked: ISO 4217 currency list
	LintPackagetype                      // not checked: UN/ECE package type list
	LintCouponcode                       // not checked: North American coupon code structure
	LintCouponposoffer                   // not checked: positive offer file coupon structure
)

var linterNames = [...]string{
	LintCsum: "csum", LintCsumalpha: "csumalpha", LintYymmd0: "yymmd0", LintYymmdd: "yymmdd",
	LintYyyymmdd: "yyyymmdd", LintHh: "hh", LintMi: "mi", LintSs: "ss", LintHhmi: "hhmi",
	LintNonzero: "nonzero", LintZero: "zero", LintWinding: "winding",
	LintPieceoftotal: "pieceoftotal", LintYesno: "yesno", LintHyphen: "hyphen",
	LintNozeroprefix: "nozeroprefix", LintHasnondigit: "hasnondigit",
	LintImporteridx: "importeridx", LintIso5218: "iso5218", LintMediatype: "mediatype",
	LintLatitude: "latitude", LintLongitude: "longitude", LintPosinseqslash: "posinseqslash",
	LintPcenc: "pcenc", LintIban: "iban", LintGcppos1: "gcppos1", LintGcppos2: "gcppos2",
	LintIso3166: "iso3166", LintIso3166999: "iso3166999", LintIso3166alpha2: "iso3166alpha2",
	LintIso4217: "iso4217", LintPackagetype: "packagetype", LintCouponcode: "couponcode",
	LintCouponposoffer: "couponposoffer",
}

// String returns the linter's dictionary name.
func (l Linter) String() string {
	if int(l) < len(linterNames) && linterNames[l] != "" {
		return linterNames[l]
	}
	return "linter(" + itoa(int(l)) + ")"
}

// Checked reports whether the package implements the linter (others accept any value).
// gcppos1 and gcppos2 count as checked, though only a Parser with Prefixes runs them.
func (l Linter) Checked() bool {
	return l >= LintCsum && l <= LintGcppos2
}

// check runs the linter on one component; the error's Pos is relative to s.
func (l Linter) check(s string) *SyntaxError {
	bad := func(pos int, msg string) *SyntaxError { return errAt(pos, KindBadValue, "", msg) }
	switch l {
	case LintCsum:
		want := checkDigit(s[:len(s)-1])
		if s[len(s)-1] != want {
			return errAt(len(s)-1, KindBadCheckDigit, "", "got "+quoteByte(s[len(s)-1])+", want "+quoteByte(want))
		}
	case LintCsumalpha:
		return checkPair(s)
	case LintYymmd0, LintYymmdd:
		if _, _, _, ok := yymmdd(s, l == LintYymmd0); !ok {
			return errAt(0, KindBadDate, "", "no such date "+s+" (YYMMDD)")
		}
	case LintYyyymmdd:
		y, m, d := atoiDigits(s[:4]), atoiDigits(s[4:6]), atoiDigits(s[6:8])
		if m < 1 || m > 12 || d < 1 || d > daysIn(y, m) {
			return errAt(0, KindBadDate, "", "no such date "+s+" (YYYYMMDD)")
		}
	case LintHh:
		if atoiDigits(s) > 23 {
			return errAt(0, KindBadDate, "", "no such hour "+s)
		}
	case LintMi, LintSs:
		if atoiDigits(s) > 59 {
			return errAt(0, KindBadDate, "", "no such minute or second "+s)
		}
	case LintHhmi:
		if atoiDigits(s[:2]) > 23 || atoiDigits(s[2:]) > 59 {
			return errAt(0, KindBadDate, "", "no such time "+s+" (HHMM)")
		}
	case LintNonzero:
		for i := 0; i < len(s); i++ {
			if s[i] != '0' {
				return nil
			}
		}
		return bad(0, "must not be zero")
	case LintZero:
		if s != "0" {
			return bad(0, "must be 0")
		}
	case LintWinding:
		if s != "0" && s != "1" && s != "9" {
			return bad(0, "winding direction must be 0, 1 or 9")
		}
	case LintPieceoftotal:
		p, t := atoiDigits(s[:len(s)/2]), atoiDigits(s[len(s)/2:])
		if p == 0 || t == 0 || p > t {
			return bad(0, "piece "+s[:len(s)/2]+" of total "+s[len(s)/2:]+" is impossible")
		}
	case LintYesno:
		if s != "0" && s != "1" {
			return bad(0, "must be 0 or 1")
		}
	case LintHyphen:
		if s != "-" {
			return bad(0, "must be '-'")
		}
	case LintNozeroprefix:
		if len(s) > 1 && s[0] == '0' {
			return bad(0, "must not start with 0")
		}
	case LintHasnondigit:
		if allDigits(s) {
			return bad(0, "must hold a non-digit")
		}
	case LintImporteridx:
		c := s[0]
		if charClass[c]&cls64 == 0 {
			return bad(0, "importer index must be one of 0-9 A-Z a-z - _")
		}
	case LintIso5218:
		if s != "0" && s != "1" && s != "2" && s != "9" {
			return bad(0, "sex code must be 0, 1, 2 or 9 (ISO/IEC 5218)")
		}
	case LintMediatype:
		if n := atoiDigits(s); n < 1 || (n > 10 && n < 80) {
			return bad(0, "media type must be 01-10 or 80-99")
		}
	case LintLatitude:
		if atoiDigits(s) > 1800000000 {
			return bad(0, "latitude out of range")
		}
	case LintLongitude:
		if atoiDigits(s) > 3600000000 {
			return bad(0, "longitude out of range")
		}
	case LintPosinseqslash:
		if len(s) != 3 || s[1] != '/' || s[0] < '1' || s[0] > '9' || s[2] < '1' || s[2] > '9' || s[0] > s[2] {
			return bad(0, "want n/m with 1 <= n <= m <= 9")
		}
	case LintPcenc:
		for i := 0; i < len(s); i++ {
			if _, ok := hexPair(s, i); s[i] == '%' && !ok {
				return bad(i, "'%' must be followed by two hex digits")
			}
		}
	case LintIban:
		return checkIBAN(s)
	}
	return nil
}

// hexPair decodes the two hex digits that follow a '%' at s[i].
func hexPair(s string, i int) (byte, bool) {
	if i+2 >= len(s) {
		return 0, false
	}
	h, ok1 := unhex(s[i+1])
	l, ok2 := unhex(s[i+2])
	return h<<4 | l, ok1 && ok2
}

func unhex(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	}
	return 0, false
}

// checkDigit computes the GS1 mod-10 check digit of digits (the data without its check digit).
func checkDigit(digits string) byte {
	sum := 0
	for i := 0; i < len(digits); i++ {
		d := int(digits[len(digits)-1-i] - '0')
		if i%2 == 0 {
			d *= 3
		}
		sum += d
	}
	return byte('0' + (10-sum%10)%10)
}

// CheckDigit returns the GS1 mod-10 check digit for digits (without the check digit).
func CheckDigit(digits string) (byte, error) {
	if !allDigits(digits) {
		return 0, errAt(0, KindBadChar, "", "check digit needs digits only")
	}
	return checkDigit(digits), nil
}

const cset32 = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"

var csumalphaPrimes = [...]int{2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79, 83}

// checkPair verifies a trailing GS1 check character pair (GMN, MUDI).
func checkPair(s string) *SyntaxError {
	if len(s) < 3 {
		return errAt(0, KindBadLength, "", "too short for a check character pair")
	}
	data := s[:len(s)-2]
	if len(data) > len(csumalphaPrimes) {
		return errAt(0, KindBadLength, "", "too long for a check character pair")
	}
	want, bad := checkPairOf(data)
	if bad >= 0 {
		return errAt(bad, KindBadChar, "", "not a CSET 82 character")
	}
	if s[len(s)-2:] != want {
		return errAt(len(s)-2, KindBadCheckDigit, "", "got check characters "+s[len(s)-2:]+", want "+want)
	}
	return nil
}

// checkPairOf computes the check character pair of data, or returns the index of a
// character outside CSET 82.
func checkPairOf(data string) (string, int) {
	sum := 0
	for i := 0; i < len(data); i++ {
		v := indexByte(cset82, data[len(data)-1-i])
		if v < 0 {
			return "", len(data) - 1 - i
		}
		sum += v * csumalphaPrimes[i]
	}
	sum %= 1021
	return string([]byte{cset32[sum>>5], cset32[sum&31]}), -1
}

func indexByte(s string, c byte) int {
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			return i
		}
	}
	return -1
}

func checkIBAN(s string) *SyntaxError {
	if len(s) < 5 || s[0] < 'A' || s[0] > 'Z' || s[1] < 'A' || s[1] > 'Z' || !allDigits(s[2:4]) {
		return errAt(0, KindBadValue, "", "an IBAN starts with a country code and two check digits")
	}
	r := 0
	add := func(c byte) bool {
		switch {
		case c >= '0' && c <= '9':
			r = (r*10 + int(c-'0')) % 97
		case c >= 'A' && c <= 'Z':
			r = (r*100 + int(c-'A') + 10) % 97
		default:
			return false
		}
		return true
	}
	for i := 4; i < len(s); i++ {
		if !add(s[i]) {
			return errAt(i, KindBadChar, "", "an IBAN holds only 0-9 and A-Z")
		}
	}
	for i := 0; i < 4; i++ {
		add(s[i])
	}
	if r != 1 {
		return errAt(2, KindBadCheckDigit, "", "IBAN check digits do not match")
	}
	return nil
}
