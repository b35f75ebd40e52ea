package identifier

// ParseCNDrug reads China's 20-digit drug traceability code (药品追溯码): a 7-digit product
// identifier, a 9-digit serial and 4 check digits. Spaces and hyphens between digits are
// ignored. Only the structure is checked: the check digit algorithm is not public.
func ParseCNDrug(s string) (Code, error) {
	c, err := parseCNDrug(s, 0)
	if err != nil {
		return Code{}, err
	}
	return c, nil
}

func parseCNDrug(t string, off int) (Code, *Error) {
	var buf [20]byte
	n := 0
	for i := 0; i < len(t); i++ {
		switch c := t[i]; {
		case isDigit(c):
			if n == len(buf) {
				return Code{}, errAt(SchemeCNDrug, off+i, KindBadLength, "more than 20 digits: want 7-digit product code, 9-digit serial, 4 check digits")
			}
			buf[n] = c
			n++
		case c == ' ' || c == '-':
		default:
			return Code{}, errAt(SchemeCNDrug, off+i, KindBadChar, "a drug trace code holds only digits (spaces and hyphens are ignored)")
		}
	}
	if n != len(buf) {
		return Code{}, errAt(SchemeCNDrug, -1, KindBadLength, "got "+itoa(n)+" digits, want 20: 7-digit product code, 9-digit serial, 4 check digits")
	}
	key := string(buf[:])
	return Code{Scheme: SchemeCNDrug, Key: key, DI: key[:7], Serial: key[7:16]}, nil
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b [20]byte
	i := len(b)
	for ; n > 0; n /= 10 {
		i--
		b[i] = byte('0' + n%10)
	}
	return string(b[i:])
}
