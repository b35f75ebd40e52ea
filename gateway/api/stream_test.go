package api

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/udiledger/udiledger/chaincode/model"
)

type sse struct {
	id, event, data string
}

// readEvents opens the event stream with lastID and reads n events (heartbeats skipped).
func (w *world) readEvents(t *testing.T, lastID string, n int) []sse {
	return w.readEventsAs(t, reg, lastID, n)
}

// readEventsAs reads n events of the stream as the organisation msp sees it.
func (w *world) readEventsAs(t *testing.T, msp, lastID string, n int) []sse {
	t.Helper()
	out, err := w.streamEventsAs(msp, lastID, n)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func (w *world) streamEvents(lastID string, n int) ([]sse, error) {
	return w.streamEventsAs(reg, lastID, n)
}

func (w *world) streamEventsAs(msp, lastID string, n int) ([]sse, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", w.srv.URL+"/v1/events/stream", nil)
	req.Header.Set("Authorization", "Bearer "+w.keys[msp])
	if lastID != "" {
		req.Header.Set("Last-Event-ID", lastID)
	}
	res, err := w.srv.Client().Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/event-stream") {
		return nil, fmt.Errorf("stream answered %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	sc := bufio.NewScanner(res.Body)
	var out []sse
	var cur sse
	for len(out) < n && sc.Scan() {
		line := sc.Text()
		switch {
		case line == "":
			if cur.id != "" {
				out = append(out, cur)
			}
			cur = sse{}
		case strings.HasPrefix(line, ":"): // heartbeat
		case strings.HasPrefix(line, "id: "):
			cur.id = line[4:]
		case strings.HasPrefix(line, "event: "):
			cur.event = line[7:]
		case strings.HasPrefix(line, "data: "):
			cur.data = line[6:]
		}
	}
	if len(out) < n {
		return nil, fmt.Errorf("read %d events before the stream ended (%v), want %d", len(out), sc.Err(), n)
	}
	return out, nil
}

func TestEventStream(t *testing.T) {
	w := newWorld(t)
	w.seed() // 9 transactions, each with one chaincode event

	first := w.readEvents(t, "", 4)
	t.Run("events carry <block>.<txid> IDs and the chaincode's notification", func(t *testing.T) {
		var n model.Notification
		if err := json.Unmarshal([]byte(first[0].data), &n); err != nil || n.Kind != "party" || n.ID != reg || first[0].event != model.ChaincodeEventName {
			t.Fatalf("first event %+v, want the regulator's party notification", first[0])
		}
		if !strings.Contains(first[0].id, "."+n.TxID) {
			t.Fatalf("event ID %q does not end with the transaction %s", first[0].id, n.TxID)
		}
	})
	t.Run("a client that reconnects with Last-Event-ID resumes right after it", func(t *testing.T) {
		resumed := w.readEvents(t, first[1].id, 2)
		if resumed[0].id != first[2].id || resumed[1].id != first[3].id {
			t.Fatalf("resumed at %q, %q; want %q, %q", resumed[0].id, resumed[1].id, first[2].id, first[3].id)
		}
	})
	t.Run("new events reach a client that is already listening", func(t *testing.T) {
		all := w.readEvents(t, "", 9)
		type answer struct {
			evs []sse
			err error
		}
		done := make(chan answer, 1)
		go func() {
			evs, err := w.streamEvents(all[8].id, 1)
			done <- answer{evs, err}
		}()
		time.Sleep(100 * time.Millisecond) // the stream waits at the head, through a heartbeat
		var r model.EventResult
		w.must(201, &r, mfr, "POST", "/v1/events/commission", map[string]any{"eventId": "urn:uuid:live", "di": deviceDI, "lot": "L1", "codes": []string{deviceCode(1)}})
		a := <-done
		if a.err != nil {
			t.Fatal(a.err)
		}
		got := a.evs
		if !strings.HasSuffix(got[0].id, "."+r.TxID) || !strings.Contains(got[0].data, "urn:uuid:live") {
			t.Fatalf("live event %+v, want the commission of tx %s", got[0], r.TxID)
		}
	})
	t.Run("a party's stream carries only what it took part in, and the public notices", func(t *testing.T) {
		w.must(201, nil, mfr, "POST", "/v1/events/ship", map[string]any{"eventId": "urn:uuid:to-hsp", "to": hsp, "codes": []string{deviceCode(1)}})
		evs := w.readEventsAs(t, hsp, "", 10) // 9 master data notices, then the shipment to it
		last := evs[9]
		if !strings.Contains(last.data, "urn:uuid:to-hsp") {
			t.Fatalf("the hospital's tenth event %+v, want the shipment to it", last)
		}
		for _, ev := range evs {
			if strings.Contains(ev.data, "urn:uuid:live") {
				t.Fatalf("the hospital sees the manufacturer's commissioning: %+v", ev)
			}
		}
	})
	t.Run("a manufacturer's stream carries every event about its products", func(t *testing.T) {
		w.must(201, nil, hsp, "POST", "/v1/events/receive", map[string]any{"eventId": "urn:uuid:hsp-recv", "codes": []string{deviceCode(1)}})
		evs := w.readEventsAs(t, mfr, "", 12) // 9 notices, its commissioning and shipment, the hospital's receipt
		if !strings.Contains(evs[11].data, "urn:uuid:hsp-recv") {
			t.Fatalf("the manufacturer's twelfth event %+v, want the hospital's receipt of its product", evs[11])
		}
	})
}
