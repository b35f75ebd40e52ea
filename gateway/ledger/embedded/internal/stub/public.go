package stub

import (
	"fmt"
	"maps"

	"github.com/udiledger/udiledger/gateway/ledger/embedded/blocklog"
)

// GetState returns the committed value of key; the transaction's own writes are not seen.
func (s *Stub) GetState(key string) ([]byte, error) {
	if err := checkKey(key); err != nil {
		return nil, err
	}
	rec, err := s.p.View.Value(key)
	if err != nil {
		return nil, fmt.Errorf("get state %q: %w", key, err)
	}
	if rec == nil {
		s.recordRead(key, nil)
		return nil, nil
	}
	s.recordRead(key, &rec.Version)
	return rec.Value, nil
}

// PutState records a write; an empty value is a delete, as on Fabric.
func (s *Stub) PutState(key string, value []byte) error {
	if err := checkWriteKey(key); err != nil {
		return err
	}
	if err := s.beforeWrite(); err != nil {
		return err
	}
	if len(value) == 0 {
		s.sim.Writes[key] = Write{Delete: true}
		return nil
	}
	s.sim.Writes[key] = Write{Value: append([]byte(nil), value...)}
	return nil
}

// DelState records a deletion.
func (s *Stub) DelState(key string) error {
	if err := checkWriteKey(key); err != nil {
		return err
	}
	if err := s.beforeWrite(); err != nil {
		return err
	}
	s.sim.Writes[key] = Write{Delete: true}
	return nil
}

// SetStateValidationParameter records the key-level endorsement policy of key.
func (s *Stub) SetStateValidationParameter(key string, ep []byte) error {
	if err := checkWriteKey(key); err != nil {
		return err
	}
	if err := s.beforeWrite(); err != nil {
		return err
	}
	s.sim.Metadata[key] = map[string][]byte{validationParameterKey: append([]byte(nil), ep...)}
	return nil
}

// GetStateValidationParameter returns the committed endorsement policy of key, or nil.
func (s *Stub) GetStateValidationParameter(key string) ([]byte, error) {
	if err := checkKey(key); err != nil {
		return nil, err
	}
	rec, err := s.p.View.State(key)
	if err != nil {
		return nil, fmt.Errorf("get state metadata %q: %w", key, err)
	}
	if rec == nil {
		s.recordRead(key, nil)
		return nil, nil
	}
	s.recordRead(key, &rec.Version)
	return maps.Clone(rec.Metadata)[validationParameterKey], nil
}

// recordRead keeps the first version of key read, for the commit's check; an evaluate call is
// never committed, so it keeps none.
func (s *Stub) recordRead(key string, v *blocklog.Version) {
	if !s.p.ReadOnly {
		recordRead(s.sim.Reads, key, v)
	}
}
