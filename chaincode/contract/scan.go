package contract

import (
	"encoding/json"
	"fmt"
	"unicode/utf8"

	"github.com/udiledger/udiledger/chaincode/model"
)

func jsonUnmarshal(b []byte, v any) error {
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("decode record: %w", err)
	}
	return nil
}

func pageSizeOf(n int) (int32, error) {
	switch {
	case n == 0:
		return model.DefaultPageSize, nil
	case n < 0 || n > model.MaxPageSize:
		return 0, model.Invalid("page size must be 1 to %d", model.MaxPageSize)
	}
	return int32(n), nil
}

// checkBookmark refuses a bookmark outside the scan's range [start, end): a peer resumes a
// paginated scan at the bookmark whatever it is, so a crafted one would read another
// partition (another holder's index) or keys of another kind.
func checkBookmark(bookmark, start, end string) error {
	if bookmark != "" && (bookmark < start || bookmark >= end) {
		return model.Invalid("the bookmark does not belong to this list: pass the bookmark of its previous page, or none")
	}
	return nil
}

// scanPage visits one page of a partial composite key scan. Paginated scans are allowed
// only in evaluate transactions on Fabric: list queries are evaluate-only.
func (t *txn) scanPage(objectType string, attrs []string, pageSize int, bookmark string, visit func(key string, value []byte) error) (model.Page, error) {
	n, err := pageSizeOf(pageSize)
	if err != nil {
		return model.Page{}, err
	}
	prefix, err := t.stub.CreateCompositeKey(objectType, attrs)
	if err != nil {
		return model.Page{}, model.Invalid("scan %s: %v", objectType, err)
	}
	if err := checkBookmark(bookmark, prefix, prefix+string(utf8.MaxRune)); err != nil {
		return model.Page{}, err
	}
	it, meta, err := t.stub.GetStateByPartialCompositeKeyWithPagination(objectType, attrs, n, bookmark)
	if err != nil {
		return model.Page{}, fmt.Errorf("scan %s: %w", objectType, err)
	}
	defer it.Close()
	count := 0
	for it.HasNext() {
		kv, err := it.Next()
		if err != nil {
			return model.Page{}, fmt.Errorf("scan %s: %w", objectType, err)
		}
		if err := visit(kv.Key, kv.Value); err != nil {
			return model.Page{}, err
		}
		count++
	}
	return model.Page{Bookmark: meta.GetBookmark(), Count: count, Scanned: count}, nil
}

// scanAll visits every key of a partial composite key scan. Used only in evaluate
// transactions, over prefixes that are not written by ordinary updates.
func (t *txn) scanAll(objectType string, attrs []string, visit func(key string, value []byte) error) error {
	it, err := t.stub.GetStateByPartialCompositeKey(objectType, attrs)
	if err != nil {
		return fmt.Errorf("scan %s: %w", objectType, err)
	}
	defer it.Close()
	for it.HasNext() {
		kv, err := it.Next()
		if err != nil {
			return fmt.Errorf("scan %s: %w", objectType, err)
		}
		if err := visit(kv.Key, kv.Value); err != nil {
			return err
		}
	}
	return nil
}

// scanPageSize is the page of scanPages, below the peer's default totalQueryLimit (100,000),
// which would otherwise cut a long scan short without an error.
const scanPageSize = 10000

// scanPages visits every key of a partial composite key scan one page at a time, so scans of
// more keys than the peer's query limit are complete. Paginated scans run only in evaluate
// transactions.
func (t *txn) scanPages(objectType string, attrs []string, visit func(key string, value []byte) error) error {
	bookmark := ""
	for {
		it, meta, err := t.stub.GetStateByPartialCompositeKeyWithPagination(objectType, attrs, scanPageSize, bookmark)
		if err != nil {
			return fmt.Errorf("scan %s: %w", objectType, err)
		}
		n := 0
		for it.HasNext() {
			kv, err := it.Next()
			if err != nil {
				_ = it.Close()
				return fmt.Errorf("scan %s: %w", objectType, err)
			}
			n++
			if err := visit(kv.Key, kv.Value); err != nil {
				_ = it.Close()
				return err
			}
		}
		if err := it.Close(); err != nil {
			return fmt.Errorf("scan %s: %w", objectType, err)
		}
		bookmark = meta.GetBookmark()
		if n < scanPageSize || bookmark == "" {
			return nil
		}
	}
}

// MaxSubmitScan is the most keys a submit transaction reads in one scan: the peer's
// totalQueryLimit (network/fabricnet/templates/core.yaml.tmpl), past which a scan outside an
// evaluate transaction would end early without an error.
const MaxSubmitScan = 100000

// scanAllBounded is scanAll for submit transactions, which cannot page: it refuses a scan that
// reaches MaxSubmitScan keys rather than answer from a part of them.
func (t *txn) scanAllBounded(objectType string, attrs []string, visit func(key string, value []byte) error) error {
	n := 0
	return t.scanAll(objectType, attrs, func(k string, v []byte) error {
		if n++; n >= MaxSubmitScan {
			return model.Invalid("scan %s reaches %d keys, more than one transaction may read: read recall:Scope and decide with override", objectType, MaxSubmitScan)
		}
		return visit(k, v)
	})
}
