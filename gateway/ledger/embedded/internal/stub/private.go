package stub

import (
	"errors"
	"fmt"
	"maps"

	"github.com/hyperledger/fabric-chaincode-go/v2/shim"
	"github.com/hyperledger/fabric-protos-go-apiv2/ledger/queryresult"
)

func (s *Stub) collection(name string) (Collection, error) {
	if name == "" {
		return Collection{}, errors.New("collection must not be an empty string")
	}
	c, ok := s.p.Collections[name]
	if !ok {
		return Collection{}, fmt.Errorf("collection %s is not defined in the collection config of chaincode %s", name, s.p.ChaincodeName)
	}
	return c, nil
}

func (s *Stub) canRead(name string) error {
	c, err := s.collection(name)
	if err != nil {
		return err
	}
	if c.MemberOnlyRead && !c.Members[s.p.CreatorMSPID] {
		return fmt.Errorf("tx creator does not have read access permission on privatedata in chaincodeName:%s collectionName: %s", s.p.ChaincodeName, name)
	}
	return nil
}

func (s *Stub) canWrite(name string) error {
	c, err := s.collection(name)
	if err != nil {
		return err
	}
	if c.MemberOnlyWrite && !c.Members[s.p.CreatorMSPID] {
		return fmt.Errorf("tx creator does not have write access permission on privatedata in chaincodeName:%s collectionName: %s", s.p.ChaincodeName, name)
	}
	return nil
}

// GetPrivateData returns the committed private value of key; members only when the
// collection says so.
func (s *Stub) GetPrivateData(collection, key string) ([]byte, error) {
	if err := s.canRead(collection); err != nil {
		return nil, err
	}
	if err := checkKey(key); err != nil {
		return nil, err
	}
	rec, err := s.p.View.Private(collection, key)
	if err != nil {
		return nil, fmt.Errorf("get private data %q: %w", key, err)
	}
	if err := s.recordPrivateRead(collection, key); err != nil {
		return nil, err
	}
	if rec == nil {
		return nil, nil
	}
	return rec.Value, nil
}

// recordPrivateRead records the version of the key's hash, which is what Fabric validates.
func (s *Stub) recordPrivateRead(collection, key string) error {
	h, err := s.p.View.PrivateHash(collection, key)
	if err != nil {
		return fmt.Errorf("get private data hash %q: %w", key, err)
	}
	reads := s.sim.private(collection).Reads
	if h == nil {
		recordRead(reads, key, nil)
		return nil
	}
	v := h.Version
	recordRead(reads, key, &v)
	return nil
}

// GetPrivateDataHash returns sha256 of the committed private value; anyone may read it.
func (s *Stub) GetPrivateDataHash(collection, key string) ([]byte, error) {
	if _, err := s.collection(collection); err != nil {
		return nil, err
	}
	if err := checkKey(key); err != nil {
		return nil, err
	}
	h, err := s.p.View.PrivateHash(collection, key)
	if err != nil {
		return nil, fmt.Errorf("get private data hash %q: %w", key, err)
	}
	if err := s.recordPrivateRead(collection, key); err != nil {
		return nil, err
	}
	if h == nil {
		return nil, nil
	}
	return h.Value, nil
}

// PutPrivateData records a private write; an empty value is a delete.
func (s *Stub) PutPrivateData(collection, key string, value []byte) error {
	w := Write{Delete: true}
	if len(value) > 0 {
		w = Write{Value: append([]byte(nil), value...)}
	}
	return s.writePrivate(collection, key, w)
}

// DelPrivateData records a private deletion.
func (s *Stub) DelPrivateData(collection, key string) error {
	return s.writePrivate(collection, key, Write{Delete: true})
}

// PurgePrivateData records a purge: at commit the value and its hash go, as with
// DelPrivateData, and the engine keeps no earlier private versions that could outlive them
// (blocks hold hashes only). Purging an absent key is no error, as on Fabric.
func (s *Stub) PurgePrivateData(collection, key string) error {
	return s.writePrivate(collection, key, Write{Delete: true, Purge: true})
}

// writePrivate records w as the transaction's write of key in collection, once the caller may
// write the collection and the key is well formed.
func (s *Stub) writePrivate(collection, key string, w Write) error {
	if err := s.canWrite(collection); err != nil {
		return err
	}
	if err := checkWriteKey(key); err != nil {
		return err
	}
	if err := s.beforeWrite(); err != nil {
		return err
	}
	s.sim.private(collection).Writes[key] = w
	return nil
}

// SetPrivateDataValidationParameter records the endorsement policy of a private key.
func (s *Stub) SetPrivateDataValidationParameter(collection, key string, ep []byte) error {
	if err := s.canWrite(collection); err != nil {
		return err
	}
	if err := checkWriteKey(key); err != nil {
		return err
	}
	if err := s.beforeWrite(); err != nil {
		return err
	}
	s.sim.private(collection).Metadata[key] = map[string][]byte{validationParameterKey: append([]byte(nil), ep...)}
	return nil
}

// GetPrivateDataValidationParameter returns the committed endorsement policy of a private key.
func (s *Stub) GetPrivateDataValidationParameter(collection, key string) ([]byte, error) {
	if err := s.canRead(collection); err != nil {
		return nil, err
	}
	if err := checkKey(key); err != nil {
		return nil, err
	}
	h, err := s.p.View.PrivateHash(collection, key)
	if err != nil {
		return nil, fmt.Errorf("get private data metadata %q: %w", key, err)
	}
	if err := s.recordPrivateRead(collection, key); err != nil {
		return nil, err
	}
	if h == nil {
		return nil, nil
	}
	return maps.Clone(h.Metadata)[validationParameterKey], nil
}

// GetPrivateDataByRange scans a collection's keys in [startKey, endKey); like Fabric, only in a
// transaction that writes nothing.
func (s *Stub) GetPrivateDataByRange(collection, startKey, endKey string) (shim.StateQueryIteratorInterface, error) {
	if startKey == "" {
		startKey = emptyKeySubstitute
	}
	if err := checkSimpleKeys(startKey, endKey); err != nil {
		return nil, err
	}
	return s.privateScan(collection, startKey, endKey)
}

// GetPrivateDataByPartialCompositeKey scans a collection's composite keys by prefix.
func (s *Stub) GetPrivateDataByPartialCompositeKey(collection, objectType string, keys []string) (shim.StateQueryIteratorInterface, error) {
	start, end, err := partialRange(objectType, keys)
	if err != nil {
		return nil, err
	}
	return s.privateScan(collection, start, end)
}

func (s *Stub) privateScan(collection, start, end string) (shim.StateQueryIteratorInterface, error) {
	if err := s.canRead(collection); err != nil {
		return nil, err
	}
	if err := s.beforePrivateQuery(); err != nil {
		return nil, err
	}
	cur := s.p.View.PrivateRange(collection, start, end)
	var kvs []*queryresult.KV
	for len(kvs) < s.p.QueryLimit {
		key, rec, ok, err := cur.Next()
		if err != nil {
			return nil, fmt.Errorf("private range query: %w", err)
		}
		if !ok {
			break
		}
		kvs = append(kvs, &queryresult.KV{Namespace: s.p.ChaincodeName, Key: key, Value: rec.Value})
	}
	return &listIter{kvs: kvs}, nil
}
