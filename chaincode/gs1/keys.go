package gs1

// ValidateGTIN checks a GTIN-8, -12, -13 or -14 and its check digit.
func ValidateGTIN(s string) error {
	switch len(s) {
	case 8, 12, 13, 14:
		return validateKey(s, len(s), "GTIN")
	}
	return errAt(0, KindBadLength, "01", "a GTIN has 8, 12, 13 or 14 digits, got "+itoa(len(s)))
}

// ValidateSSCC checks an 18-digit SSCC and its check digit.
func ValidateSSCC(s string) error { return validateKey(s, 18, "SSCC") }

// ValidateGLN checks a 13-digit GLN and its check digit.
func ValidateGLN(s string) error { return validateKey(s, 13, "GLN") }

func validateKey(s string, n int, name string) error {
	if len(s) != n {
		return errAt(0, KindBadLength, "", "a "+name+" has "+itoa(n)+" digits, got "+itoa(len(s)))
	}
	if i := badChar('N', s); i >= 0 {
		return errAt(i, KindBadChar, "", charMsg('N', s[i]))
	}
	if e := LintCsum.check(s); e != nil {
		e.Msg = name + " " + e.Msg
		return e
	}
	return nil
}
