package contract

import (
	"encoding/json"
	"unicode/utf8"

	"github.com/udiledger/udiledger/chaincode/model"
)

// decodeUnitState reads the unitState fields of a unit record into u, as json.Unmarshal
// into a unitState would. Unit records are written by json.Marshal, so a flat scan over their
// keys reads them several times faster than reflection; anything it does not expect (an
// escaped or invalid UTF-8 string, a null, a key of another spelling) goes to json.Unmarshal,
// which keeps the answer the same. names, if not nil, shares the strings that repeat from
// unit to unit.
func decodeUnitState(b []byte, u *model.Unit, names map[string]string) error {
	if fastUnitState(b, u, names) {
		return nil
	}
	var st unitState
	if err := json.Unmarshal(b, &st); err != nil {
		return err
	}
	*u = model.Unit{DI: st.DI, Lot: st.Lot, Expiry: st.Expiry, Status: st.Status, Quarantined: st.Quarantined,
		Owner: st.Owner, Location: st.Location, Parent: st.Parent, ShipTo: st.ShipTo, RecallIDs: st.RecallIDs,
		ReworkedFor: st.ReworkedFor, Dispense: st.Dispense,
		LastEventID: st.LastEventID, LastEventBy: st.LastEventBy, UpdatedAt: st.UpdatedAt}
	return nil
}

// maxNames bounds the strings decodeUnitState shares in one scan.
const maxNames = 4096

// unitKeysSkipped are the keys of model.Unit that unitState does not read.
var unitKeysSkipped = map[string]bool{"key": true, "scheme": true, "serial": true, "custodian": true,
	"shipFrom": true, "returning": true, "returnRecall": true, "packState": true,
	"cloneSuspected": true, "lineage": true}

// fastUnitState is decodeUnitState's scan; false means "decode it the slow way".
func fastUnitState(b []byte, u *model.Unit, names map[string]string) bool {
	s := jsonScan{b: b, names: names}
	if !s.byte('{') {
		return false
	}
	if s.peek() == '}' {
		s.i++
		return s.end()
	}
	for {
		key, ok := s.raw()
		if !ok || !s.byte(':') {
			return false
		}
		s.space()
		var field *string
		switch string(key) {
		case "di":
			field = &u.DI
		case "lot":
			field = &u.Lot
		case "expiry":
			field = &u.Expiry
		case "owner":
			field = &u.Owner
		case "location":
			field = &u.Location
		case "parent":
			field = &u.Parent
		case "shipTo":
			field = &u.ShipTo
		case "lastEventId":
			field = &u.LastEventID
		case "lastEventBy":
			field = &u.LastEventBy
		case "updatedAt":
			field = &u.UpdatedAt
		case "status":
			v, ok := s.str()
			if !ok {
				return false
			}
			u.Status = model.Status(v)
		case "quarantined":
			v, ok := s.boolean()
			if !ok {
				return false
			}
			u.Quarantined = v
		case "recallIds", "reworkedFor":
			v, ok := s.strings()
			if !ok {
				return false
			}
			if string(key) == "recallIds" {
				u.RecallIDs = v
			} else {
				u.ReworkedFor = v
			}
		case "dispense":
			raw, ok := s.skip()
			if !ok || raw[0] != '{' {
				return false
			}
			var d model.DispenseInfo
			if json.Unmarshal(raw, &d) != nil {
				return false
			}
			u.Dispense = &d
		default:
			if !unitKeysSkipped[string(key)] {
				return false
			}
			if _, ok := s.skip(); !ok {
				return false
			}
		}
		if field != nil {
			v, ok := s.str()
			if !ok {
				return false
			}
			*field = v
		}
		s.space()
		switch s.next() {
		case ',':
			s.space()
		case '}':
			return s.end()
		default:
			return false
		}
	}
}

// jsonScan walks a JSON text written by json.Marshal.
type jsonScan struct {
	b     []byte
	i     int
	names map[string]string
}

func (s *jsonScan) space() {
	for s.i < len(s.b) && (s.b[s.i] == ' ' || s.b[s.i] == '\t' || s.b[s.i] == '\n' || s.b[s.i] == '\r') {
		s.i++
	}
}

func (s *jsonScan) peek() byte {
	s.space()
	if s.i >= len(s.b) {
		return 0
	}
	return s.b[s.i]
}

func (s *jsonScan) next() byte {
	if s.i >= len(s.b) {
		return 0
	}
	s.i++
	return s.b[s.i-1]
}

// byte consumes c after optional space.
func (s *jsonScan) byte(c byte) bool {
	if s.peek() != c {
		return false
	}
	s.i++
	return true
}

// end reports whether only space is left.
func (s *jsonScan) end() bool {
	s.space()
	return s.i == len(s.b)
}

// str reads a string without escapes or control characters, valid UTF-8.
func (s *jsonScan) str() (string, bool) {
	v, ok := s.raw()
	if !ok || s.names == nil {
		return string(v), ok
	}
	if n, found := s.names[string(v)]; found {
		return n, true
	}
	n := string(v)
	if len(s.names) < maxNames {
		s.names[n] = n
	}
	return n, true
}

// raw is str's text, not copied.
func (s *jsonScan) raw() ([]byte, bool) {
	if !s.byte('"') {
		return nil, false
	}
	start, ascii := s.i, true
	for ; s.i < len(s.b); s.i++ {
		switch c := s.b[s.i]; {
		case c == '"':
			v := s.b[start:s.i]
			s.i++
			if !ascii && !utf8.Valid(v) {
				return nil, false
			}
			return v, true
		case c == '\\' || c < 0x20:
			return nil, false
		case c >= 0x80:
			ascii = false
		}
	}
	return nil, false
}

func (s *jsonScan) boolean() (bool, bool) {
	switch {
	case len(s.b)-s.i >= 4 && string(s.b[s.i:s.i+4]) == "true":
		s.i += 4
		return true, true
	case len(s.b)-s.i >= 5 && string(s.b[s.i:s.i+5]) == "false":
		s.i += 5
		return false, true
	}
	return false, false
}

// strings reads an array of strings.
func (s *jsonScan) strings() ([]string, bool) {
	if !s.byte('[') {
		return nil, false
	}
	out := []string{}
	if s.byte(']') {
		return out, true
	}
	for {
		v, ok := s.str()
		if !ok {
			return nil, false
		}
		out = append(out, v)
		switch s.space(); s.next() {
		case ',':
		case ']':
			return out, true
		default:
			return nil, false
		}
	}
}

// skip passes over one value and returns its text; it checks that strings end and brackets
// pair, which is all a record written by json.Marshal needs.
func (s *jsonScan) skip() ([]byte, bool) {
	s.space()
	start, depth := s.i, 0
	for s.i < len(s.b) {
		c := s.b[s.i]
		switch {
		case c == '"':
			s.i++
			for s.i < len(s.b) && s.b[s.i] != '"' {
				if s.b[s.i] == '\\' {
					s.i++
				}
				s.i++
			}
			if s.i >= len(s.b) {
				return nil, false
			}
			s.i++
		case c == '{' || c == '[':
			depth++
			s.i++
		case c == '}' || c == ']':
			if depth == 0 {
				return s.b[start:s.i], s.i > start
			}
			depth--
			s.i++
		case c == ',' && depth == 0:
			return s.b[start:s.i], s.i > start
		default:
			s.i++
		}
		if depth == 0 && (c == '"' || c == '}' || c == ']') {
			return s.b[start:s.i], true
		}
	}
	return nil, false
}
