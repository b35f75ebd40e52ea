package model

// EventHeader is what every event request carries: the client-chosen event ID (an EPCIS
// event ID such as "urn:uuid:…"), when the event happened if before it is recorded, and
// where. A retry with the same ID and the same request returns the first result; the same
// ID with another request is a CONFLICT.
type EventHeader struct {
	EventID string `json:"eventId" validate:"omitempty,eventid"`
	// EventTime is when it happened (RFC 3339); empty means the transaction time. EPCIS
	// capture sends the eventTime of events that reach the ledger late (a scanner offline,
	// a batch upload); the ledger keeps its own transaction time as the record time.
	EventTime string `json:"eventTime,omitempty" validate:"omitempty,datetime=2006-01-02T15:04:05Z07:00"`
	Location  string `json:"location,omitempty" validate:"omitempty,gln"` // GLN of the site
}

// Header returns the header; every event request has it through embedding.
func (h EventHeader) Header() EventHeader { return h }

// WriteKey names the write for retries and the gateway's outbox: its event ID.
func (h EventHeader) WriteKey() string { return h.EventID }

// EventRequest is any request that records an EPCIS event.
type EventRequest interface{ Header() EventHeader }

// ReplayedIn reports whether the ledger answered a retry with the first result.
func (r EventResult) ReplayedIn(string) bool { return r.Replayed }

// ReplayedIn reports whether the recall was started by another transaction than txID: a
// retried start returns the recall as first recorded.
func (r Recall) ReplayedIn(txID string) bool { return r.TxID != "" && r.TxID != txID }

// ReplayedIn reports whether the acknowledgement was recorded by another transaction.
func (a Acknowledgement) ReplayedIn(txID string) bool { return a.TxID != "" && a.TxID != txID }

// WriteKey names a recall start by its ID.
func (r RecallRequest) WriteKey() string { return r.ID }

// WriteKey names an acknowledgement by its recall (one per organisation).
func (r AckRequest) WriteKey() string { return "ack:" + r.RecallID }

// WriteKey names a party's registration.
func (p Party) WriteKey() string { return "party:" + p.MSPID }

// WriteKey names a product's registration.
func (p Product) WriteKey() string { return "product:" + p.DI }

// WriteKey names a lot's registration.
func (l Lot) WriteKey() string { return "lot:" + l.DI + "/" + l.Lot }

// SetEventID gives the request its event ID (the gateway derives one from an
// Idempotency-Key when the client sent none).
func (h *EventHeader) SetEventID(id string) { h.EventID = id }

// SetEventID gives the recall its ID, which is also its event ID.
func (r *RecallRequest) SetEventID(id string) { r.ID = id }

// NextBookmark is the bookmark of the next page; empty on the last page.
func (p Page) NextBookmark() string {
	if p.Count == 0 && p.Scanned == 0 {
		return ""
	}
	return p.Bookmark
}
