package gs1

import "strconv"

// Kind classifies a syntax error so callers can react without reading the message.
type Kind uint8

// Error kinds. Their String forms are stable and appear in messages and JSON.
const (
	KindUnknownFormat Kind = iota + 1 // not a format this parser reads
	KindUnknownAI                     // an AI the dictionary does not list
	KindBadLength                     // a value too short or too long
	KindBadChar                       // a character outside the AI's character set
	KindBadCheckDigit                 // a check digit or check character pair that does not match
	KindBadDate                       // an impossible date or time
	KindBadValue                      // a value refused by another linter (country, piece of total …)
	KindMissingAI                     // a mandatory association (req=) not met, or no key at all
	KindInvalidPair                   // two AIs that must not appear together (ex=)
	KindDuplicateAI                   // the same AI twice with different values (in a Digital Link, twice at all)
	KindBadDLPath                     // a GS1 Digital Link path or query that breaks the rules
	KindBadURN                        // an EPC URN that breaks the rules
)

var kindNames = [...]string{
	KindUnknownFormat: "unknown format",
	KindUnknownAI:     "unknown AI",
	KindBadLength:     "bad length",
	KindBadChar:       "bad character",
	KindBadCheckDigit: "bad check digit",
	KindBadDate:       "bad date",
	KindBadValue:      "bad value",
	KindMissingAI:     "missing required AI",
	KindInvalidPair:   "invalid AI pair",
	KindDuplicateAI:   "duplicate AI conflict",
	KindBadDLPath:     "bad digital link",
	KindBadURN:        "bad EPC URN",
}

func (k Kind) String() string {
	if int(k) < len(kindNames) && kindNames[k] != "" {
		return kindNames[k]
	}
	return "kind(" + strconv.Itoa(int(k)) + ")"
}

// SyntaxError reports what is wrong with GS1 data and where. Pos is the 0-based byte offset in
// the input that was given to the parser, or -1 when the fault belongs to no single place (a
// missing association, for example).
type SyntaxError struct {
	Pos  int
	Kind Kind
	AI   string // the AI concerned, if any
	Msg  string
}

func (e *SyntaxError) Error() string {
	s := "gs1: " + e.Kind.String()
	if e.AI != "" {
		s += " in (" + e.AI + ")"
	}
	if e.Pos >= 0 {
		s += " at byte " + strconv.Itoa(e.Pos)
	}
	if e.Msg != "" {
		s += ": " + e.Msg
	}
	return s
}

func errAt(pos int, kind Kind, ai, msg string) *SyntaxError {
	return &SyntaxError{Pos: pos, Kind: kind, AI: ai, Msg: msg}
}
