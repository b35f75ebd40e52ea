package stub

import (
	"errors"
	"fmt"
	"unicode/utf8"
)

// validationParameterKey is the metadata entry holding a key's endorsement policy, named as
// Fabric names it (peer.MetaDataKeys_VALIDATION_PARAMETER).
const validationParameterKey = "VALIDATION_PARAMETER"

// checkKey applies Fabric's rules to a key that is read: it must be valid UTF-8, because the
// shim sends it to the peer in a protobuf string field.
func checkKey(key string) error {
	if !utf8.ValidString(key) {
		return fmt.Errorf("invalid key %q: not a valid utf8 string", key)
	}
	return nil
}

// checkWriteKey applies Fabric's rules to a key that is written: also not empty.
func checkWriteKey(key string) error {
	if key == "" {
		return errors.New("key must not be an empty string")
	}
	return checkKey(key)
}

// checkSimpleKeys refuses range bounds in the composite key namespace, as the shim does.
func checkSimpleKeys(keys ...string) error {
	for _, k := range keys {
		if err := checkKey(k); err != nil {
			return err
		}
		if len(k) > 0 && k[0] == 0 {
			return fmt.Errorf("first character of the key [%s] contains a null character which is not allowed", k)
		}
	}
	return nil
}

func (s *Stub) beforeWrite() error {
	if s.paginatedPerformed {
		return fmt.Errorf("txid [%s]: unsuppored transaction. Transaction has already performed a paginated query. Writes are not allowed", s.p.TxID)
	}
	if s.pvtQueryPerformed {
		return fmt.Errorf("txid [%s]: unsuppored transaction. Transaction has already performed queries on pvt data. Writes are not allowed", s.p.TxID)
	}
	s.writePerformed = true
	return nil
}

func (s *Stub) beforePaginatedQuery() error {
	if !s.p.ReadOnly {
		return errors.New("paginated queries are supported only in read-only (evaluate) transactions, not in submit")
	}
	if s.writePerformed {
		return fmt.Errorf("txid [%s]: unsuppored transaction. Paginated queries are supported only in a read-only transaction", s.p.TxID)
	}
	s.paginatedPerformed = true
	return nil
}

func (s *Stub) beforePrivateQuery() error {
	if s.writePerformed {
		return fmt.Errorf("txid [%s]: unsuppored transaction. Queries on pvt data is supported only in a read-only transaction", s.p.TxID)
	}
	s.pvtQueryPerformed = true
	return nil
}
