package stub

import (
	"errors"
	"fmt"
	"unicode/utf8"

	"github.com/hyperledger/fabric-chaincode-go/v2/shim"
	"github.com/hyperledger/fabric-protos-go-apiv2/ledger/queryresult"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"

	"github.com/udiledger/udiledger/gateway/ledger/embedded/blocklog"
)

// emptyKeySubstitute replaces an empty start key, so that a plain range scan begins after the
// composite key namespace (U+0000), as the shim does.
const emptyKeySubstitute = "\x01"

// ErrRichQuery is returned by every rich (JSON) query.
var ErrRichQuery = errors.New("rich queries are not supported on LevelDB")

// GetStateByRange scans committed keys in [startKey, endKey) in byte order.
func (s *Stub) GetStateByRange(startKey, endKey string) (shim.StateQueryIteratorInterface, error) {
	if startKey == "" {
		startKey = emptyKeySubstitute
	}
	if err := checkSimpleKeys(startKey, endKey); err != nil {
		return nil, err
	}
	return s.scan(startKey, endKey), nil
}

// GetStateByPartialCompositeKey scans the composite keys that begin with objectType and keys.
func (s *Stub) GetStateByPartialCompositeKey(objectType string, keys []string) (shim.StateQueryIteratorInterface, error) {
	start, end, err := partialRange(objectType, keys)
	if err != nil {
		return nil, err
	}
	return s.scan(start, end), nil
}

func (s *Stub) scan(start, end string) *rangeIter {
	var info *blocklog.RangeQuery // an evaluate call is never committed: nothing to check
	if !s.p.ReadOnly {
		info = &blocklog.RangeQuery{StartKey: start, EndKey: end}
		s.sim.RangeQueries = append(s.sim.RangeQueries, info)
	}
	it := &rangeIter{cur: s.p.View.Range(start, end), remaining: s.p.QueryLimit, info: info, ns: s.p.ChaincodeName, end: end}
	it.fill() // the peer answers a range query with its first batch
	return it
}

// GetStateByRangeWithPagination returns one page of a range; evaluate calls only.
func (s *Stub) GetStateByRangeWithPagination(startKey, endKey string, pageSize int32, bookmark string) (shim.StateQueryIteratorInterface, *peer.QueryResponseMetadata, error) {
	if startKey == "" {
		startKey = emptyKeySubstitute
	}
	if err := checkSimpleKeys(startKey, endKey); err != nil {
		return nil, nil, err
	}
	return s.page(startKey, endKey, pageSize, bookmark)
}

// GetStateByPartialCompositeKeyWithPagination returns one page of a composite key scan;
// evaluate calls only.
func (s *Stub) GetStateByPartialCompositeKeyWithPagination(objectType string, keys []string, pageSize int32, bookmark string) (shim.StateQueryIteratorInterface, *peer.QueryResponseMetadata, error) {
	start, end, err := partialRange(objectType, keys)
	if err != nil {
		return nil, nil, err
	}
	return s.page(start, end, pageSize, bookmark)
}

// page reads up to pageSize keys from bookmark (or start); the next bookmark is the key after
// the page, empty at the end, as on LevelDB.
func (s *Stub) page(start, end string, pageSize int32, bookmark string) (shim.StateQueryIteratorInterface, *peer.QueryResponseMetadata, error) {
	if pageSize <= 0 && bookmark == "" {
		// Not paginated in Fabric's sense: a plain scan.
		return s.scan(start, end), &peer.QueryResponseMetadata{}, nil
	}
	if err := s.beforePaginatedQuery(); err != nil {
		return nil, nil, err
	}
	if bookmark != "" {
		if err := checkKey(bookmark); err != nil {
			return nil, nil, err
		}
		start = bookmark
	}
	limit := s.p.QueryLimit
	if pageSize > 0 && int(pageSize) < limit {
		limit = int(pageSize)
	}
	cur := s.p.View.Range(start, end)
	var kvs []*queryresult.KV
	next := ""
	for {
		key, rec, ok, err := cur.Next()
		if err != nil {
			return nil, nil, fmt.Errorf("paginated range query: %w", err)
		}
		if !ok {
			break
		}
		if len(kvs) == limit {
			next = key
			break
		}
		kvs = append(kvs, &queryresult.KV{Namespace: s.p.ChaincodeName, Key: key, Value: rec.Value})
	}
	return &listIter{kvs: kvs}, &peer.QueryResponseMetadata{FetchedRecordsCount: int32(len(kvs)), Bookmark: next}, nil // #nosec G115 -- a page is at most the page size asked (int32)
}

func partialRange(objectType string, keys []string) (string, string, error) {
	prefix, err := shim.CreateCompositeKey(objectType, keys)
	if err != nil {
		return "", "", err
	}
	return prefix, prefix + string(utf8.MaxRune), nil
}

// GetHistoryForKey returns every committed write of key, newest first. History reads are not
// checked again at commit.
func (s *Stub) GetHistoryForKey(key string) (shim.HistoryQueryIteratorInterface, error) {
	if err := checkKey(key); err != nil {
		return nil, err
	}
	entries, err := s.p.View.History(key, s.p.QueryLimit)
	if err != nil {
		return nil, fmt.Errorf("history of %q: %w", key, err)
	}
	return &historyIter{entries: entries}, nil
}

// GetQueryResult is refused: there are no rich queries on LevelDB.
func (s *Stub) GetQueryResult(string) (shim.StateQueryIteratorInterface, error) {
	return nil, ErrRichQuery
}

// GetQueryResultWithPagination is refused: there are no rich queries on LevelDB.
func (s *Stub) GetQueryResultWithPagination(string, int32, string) (shim.StateQueryIteratorInterface, *peer.QueryResponseMetadata, error) {
	return nil, nil, ErrRichQuery
}

// GetPrivateDataQueryResult is refused: there are no rich queries on LevelDB.
func (s *Stub) GetPrivateDataQueryResult(string, string) (shim.StateQueryIteratorInterface, error) {
	return nil, ErrRichQuery
}
