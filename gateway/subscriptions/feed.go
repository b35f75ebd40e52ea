package subscriptions

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/udiledger/udiledger/chaincode/epcis"
)

// errStop ends a feed.
var errStop = errors.New("subscriptions: feed stopped")

// feed is one subscription's reports: a webhook's or a WebSocket's.
type feed struct {
	by     Owner
	query  string // the named query
	subID  string // "" over a WebSocket
	spec   Spec
	cursor time.Time
	// send hands over one report whose events run up to next; an error ends the feed.
	send func(ctx context.Context, doc []byte, events int, next time.Time) error
	// skip moves the cursor past events read that did not match (nil: kept in memory only).
	skip func(next time.Time) error
}

// follow runs f until ctx ends or f.send fails: at once and on each wake for a stream, at
// each time the schedule matches otherwise.
func (m *Manager) follow(ctx context.Context, f *feed) {
	var wake chan struct{}
	if f.spec.Stream {
		wake = m.listen()
		defer m.unlisten(wake)
	}
	for {
		if f.spec.Stream {
			if m.drain(ctx, f, false) != nil {
				return
			}
			select {
			case <-ctx.Done():
				return
			case <-wake:
			case <-time.After(m.o.PollInterval):
			}
			continue
		}
		now := m.o.Clock.Now()
		next := f.spec.Schedule.Next(now)
		if next.IsZero() {
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-m.o.Clock.After(next.Sub(now)):
		}
		if m.drain(ctx, f, f.spec.ReportIfEmpty) != nil {
			return
		}
	}
}

// drain sends the events recorded after f.cursor, in reports of at most BatchSize; an
// empty report too when reportIfEmpty and there is nothing new. It reads until a read
// neither finds events nor moves the cursor (a read stops after a bounded scan).
func (m *Manager) drain(ctx context.Context, f *feed, reportIfEmpty bool) error {
	q, err := m.o.Store.Query(f.by.Org, f.query)
	if errors.Is(err, ErrNotFound) || errors.Is(err, ErrClosed) {
		return errStop
	}
	if err != nil {
		m.o.Logger.Warn("subscriptions: read query", "query", f.query, "err", err)
		return nil
	}
	for first := true; ; first = false {
		events, next, err := m.batch(ctx, f.by, q, f.cursor)
		if err != nil {
			if ctx.Err() != nil {
				return errStop
			}
			m.o.Logger.Warn("subscriptions: read events", "query", f.query, "subscription", f.subID, "err", err)
			return nil
		}
		if len(events) == 0 && !(first && reportIfEmpty) {
			if !next.After(f.cursor) {
				return nil
			}
			if f.skip != nil {
				if err := f.skip(next); err != nil {
					return err
				}
			}
			f.cursor = next
			continue
		}
		doc, err := m.document(q.Name, f.subID, events)
		if err != nil {
			return err
		}
		if err := f.send(ctx, doc, len(events), next); err != nil {
			return err
		}
		if !next.After(f.cursor) { // nothing moved: read again at the next wake or tick
			return nil
		}
		f.cursor = next
	}
}

// batch reads the next report's events after cursor and the cursor after them. A full batch
// keeps back its trailing events of the last one's record time (unless all share it), so
// that the next batch, recorded after the cursor, takes them all.
func (m *Manager) batch(ctx context.Context, by Owner, q *Query, cursor time.Time) ([]json.RawMessage, time.Time, error) {
	events, last, err := m.o.Source.Events(ctx, by, q.Values(), cursor, m.o.BatchSize)
	if err != nil {
		return nil, cursor, err
	}
	if len(events) < m.o.BatchSize {
		if last.After(cursor) {
			cursor = last
		}
		return events, cursor, nil
	}
	times := make([]time.Time, len(events))
	for i, e := range events {
		times[i] = recordTime(e)
	}
	k := len(events)
	for k > 0 && times[k-1].Equal(times[len(events)-1]) {
		k--
	}
	if k > 0 {
		events = events[:k]
	}
	if t := times[len(events)-1]; t.After(cursor) {
		cursor = t
	} else if last.After(cursor) {
		cursor = last
	}
	return events, cursor, nil
}

func recordTime(event json.RawMessage) time.Time {
	var e struct {
		RecordTime time.Time `json:"recordTime"`
	}
	_ = json.Unmarshal(event, &e)
	return e.RecordTime
}

// queryDocument is the EPCISQueryDocument of a report.
type queryDocument struct {
	Context       []any  `json:"@context"`
	Type          string `json:"type"`
	SchemaVersion string `json:"schemaVersion"`
	CreationDate  string `json:"creationDate"`
	EPCISBody     struct {
		QueryResults struct {
			QueryName      string `json:"queryName"`
			SubscriptionID string `json:"subscriptionID,omitempty"`
			ResultsBody    struct {
				EventList []json.RawMessage `json:"eventList"`
			} `json:"resultsBody"`
		} `json:"queryResults"`
	} `json:"epcisBody"`
}

func (m *Manager) document(query, subID string, events []json.RawMessage) ([]byte, error) {
	d := queryDocument{Context: epcis.Context(), Type: "EPCISQueryDocument", SchemaVersion: "2.0",
		CreationDate: m.o.Clock.Now().UTC().Format(time.RFC3339Nano)}
	d.EPCISBody.QueryResults.QueryName, d.EPCISBody.QueryResults.SubscriptionID = query, subID
	d.EPCISBody.QueryResults.ResultsBody.EventList = events
	if events == nil {
		d.EPCISBody.QueryResults.ResultsBody.EventList = []json.RawMessage{}
	}
	return json.Marshal(d)
}
