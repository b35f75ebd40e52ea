package simplequery

import (
	"sort"
	"time"
)

// sort orders events by orderBy; events without the field go last.
func (q *Query) sort(events []map[string]any) {
	keys := make([]any, len(events))
	for i, ev := range events {
		keys[i] = q.orderKey(ev)
	}
	idx := make([]int, len(events))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool {
		ka, kb := keys[idx[a]], keys[idx[b]]
		switch {
		case ka == nil:
			return false
		case kb == nil:
			return true
		}
		c, ok := compareKeys(ka, kb)
		if !ok {
			return false
		}
		if q.Descending {
			return c > 0
		}
		return c < 0
	})
	sorted := make([]map[string]any, len(events))
	for i, j := range idx {
		sorted[i] = events[j]
	}
	copy(events, sorted)
}

// orderKey is the value events are ordered by: a time, a number or text; nil when absent.
func (q *Query) orderKey(ev map[string]any) any {
	var v any
	if q.orderField == nil {
		v = ev[q.OrderBy]
	} else {
		v, _ = q.orderField.get(ev, eventNamespaces(ev))
	}
	if t, ok := timeOf(v); ok {
		return t
	}
	if f, ok := number(v); ok {
		return f
	}
	if s, ok := v.(string); ok {
		return s
	}
	return nil
}

func compareKeys(a, b any) (int, bool) {
	switch a := a.(type) {
	case time.Time:
		bt, ok := b.(time.Time)
		if !ok {
			return 0, false
		}
		return a.Compare(bt), true
	case float64:
		bf, ok := b.(float64)
		if !ok {
			return 0, false
		}
		return cmpFloat(a, bf), true
	case string:
		bs, ok := b.(string)
		if !ok {
			return 0, false
		}
		switch {
		case a < bs:
			return -1, true
		case a > bs:
			return 1, true
		}
		return 0, true
	}
	return 0, false
}
