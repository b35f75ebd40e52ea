package api

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/udiledger/udiledger/chaincode/model"
	"github.com/udiledger/udiledger/gateway/ledger"
	"github.com/udiledger/udiledger/gateway/ledger/embedded"
)

func TestErrorMapping(t *testing.T) {
	w := newWorld(t)
	w.seed()
	w.commission("urn:uuid:err-commission", 1, 3)
	w.must(201, nil, mfr, "POST", "/v1/events/ship", map[string]any{"to": dst, "codes": []string{deviceCode(1)}})

	tests := []struct {
		name       string
		msp        string
		method     string
		path       string
		body       any
		headers    []string
		wantStatus int
		wantType   string
		wantCode   string
		wantField  string
		wantDetail string
	}{
		{name: "an unknown product is a 404 with the chaincode's code", msp: hsp, method: "GET", path: "/v1/products/" + checkDigit("0690123499999"),
			wantStatus: 404, wantType: "not-found", wantCode: "NOT_FOUND"},
		{name: "a party registered again with other content is a 409", msp: reg, method: "POST", path: "/v1/parties", body: map[string]any{"mspId": dst, "name": "Renamed", "roles": []string{"distributor"}},
			wantStatus: 409, wantType: "conflict", wantCode: "CONFLICT"},
		{name: "an event ID reused with other content is a 409", msp: mfr, method: "POST", path: "/v1/events/commission",
			body: map[string]any{"eventId": "urn:uuid:err-commission", "di": deviceDI, "lot": "L1", "codes": []string{deviceCode(50)}}, wantStatus: 409, wantCode: "CONFLICT"},
		{name: "a distributor registering a party is a 403", msp: dst, method: "POST", path: "/v1/parties", body: map[string]any{"mspId": "XMSP", "name": "X", "roles": []string{"pharmacy"}},
			wantStatus: 403, wantType: "forbidden", wantCode: "FORBIDDEN"},
		{name: "shipping a unit in transit is a 422 naming its status", msp: mfr, method: "POST", path: "/v1/events/ship", body: map[string]any{"to": hsp, "codes": []string{deviceCode(1)}},
			wantStatus: 422, wantType: "rejected", wantCode: "INVALID", wantDetail: "in_transit"},
		{name: "a body that is not JSON is a 400", msp: mfr, method: "POST", path: "/v1/events/ship", body: `{"to":`,
			wantStatus: 400, wantType: "invalid-request"},
		{name: "a field of the wrong type is a 400 naming it", msp: mfr, method: "POST", path: "/v1/events/ship", body: `{"to": 7, "codes": ["x"]}`,
			wantStatus: 400, wantType: "invalid-request", wantField: "to"},
		{name: "an unknown field is a 400 naming it", msp: mfr, method: "POST", path: "/v1/events/ship", body: `{"to": "X", "codes": [], "price": 3}`,
			wantStatus: 400, wantType: "invalid-request", wantField: "price"},
		{name: "two JSON values are a 400", msp: mfr, method: "POST", path: "/v1/lots", body: `{"di":"1"} {"di":"2"}`,
			wantStatus: 400, wantType: "invalid-request"},
		{name: "a code that does not parse is a 422 naming the element and the reason", msp: mfr, method: "POST", path: "/v1/events/ship",
			body: map[string]any{"to": dst, "codes": []string{deviceCode(2), "(01)12345678901234(21)X"}}, wantStatus: 422, wantType: "validation-failed", wantField: "codes[1]", wantDetail: ""},
		{name: "a missing required field is a 422", msp: mfr, method: "POST", path: "/v1/events/ship", body: map[string]any{"codes": []string{deviceCode(2)}},
			wantStatus: 422, wantType: "validation-failed", wantField: "to"},
		{name: "a GLN with a bad check digit is a 422", msp: mfr, method: "POST", path: "/v1/events/ship", body: map[string]any{"to": dst, "codes": []string{deviceCode(2)}, "location": "6901234000010"},
			wantStatus: 422, wantType: "validation-failed", wantField: "location"},
		{name: "more than 10,000 codes are a 422", msp: mfr, method: "POST", path: "/v1/events/commission", body: map[string]any{"di": deviceDI, "lot": "L1", "codes": make([]string, 10001)},
			wantStatus: 422, wantType: "validation-failed", wantField: "codes"},
		{name: "a bad page size is a 422", msp: mfr, method: "GET", path: "/v1/products?pageSize=5000", wantStatus: 422, wantField: "pageSize"},
		{name: "a trace without a code is a 422", msp: mfr, method: "GET", path: "/v1/trace", wantStatus: 422, wantField: "code"},
		{name: "a trace of an unreadable code is the chaincode's 422", msp: mfr, method: "GET", path: "/v1/trace?code=" + url.QueryEscape("(01)123"), wantStatus: 422, wantCode: "INVALID"},
		{name: "a bad Last-Event-ID is a 400", msp: mfr, method: "GET", path: "/v1/events/stream", headers: []string{"Last-Event-ID: yesterday"}, wantStatus: 400, wantField: "Last-Event-ID"},
		{name: "a bad time window is a 422", msp: mfr, method: "GET", path: "/v1/events?from=monday", wantStatus: 422, wantField: "from"},
		{name: "no API key is a 401", method: "GET", path: "/v1/products", wantStatus: 401, wantType: "unauthorized"},
		{name: "an unknown API key is a 401", method: "GET", path: "/v1/products", headers: []string{"Authorization: Bearer udi_nope"}, wantStatus: 401, wantType: "unauthorized"},
		{name: "an anonymous write is a 401 and reaches no ledger", method: "POST", path: "/v1/events/commission", body: map[string]any{"di": deviceDI, "lot": "L1", "codes": []string{deviceCode(60)}},
			wantStatus: 401, wantType: "unauthorized"},
		{name: "a bad Idempotency-Key is a 400", msp: mfr, method: "POST", path: "/v1/events/commission", headers: []string{"Idempotency-Key: é"},
			body: map[string]any{"di": deviceDI, "lot": "L1", "codes": []string{deviceCode(61)}}, wantStatus: 400, wantField: "Idempotency-Key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := w.call(tt.msp, tt.method, tt.path, tt.body, tt.headers...)
			if r.status != tt.wantStatus {
				t.Fatalf("%s %s = %s, want %d", tt.method, tt.path, r, tt.wantStatus)
			}
			p := problemOf(t, r)
			if p.Status != tt.wantStatus || tt.wantType != "" && !strings.HasSuffix(p.Type, "/"+tt.wantType) || p.Code != tt.wantCode {
				t.Fatalf("problem %+v, want type %q and code %q", p, tt.wantType, tt.wantCode)
			}
			if tt.wantDetail != "" && !strings.Contains(p.Detail, tt.wantDetail) {
				t.Fatalf("detail %q does not mention %q", p.Detail, tt.wantDetail)
			}
			if tt.wantField != "" {
				found := false
				for _, e := range p.Errors {
					found = found || e.Field == tt.wantField && e.Reason != ""
				}
				if !found {
					t.Fatalf("problem errors %+v do not name %q with a reason", p.Errors, tt.wantField)
				}
			}
		})
	}
	t.Run("a bad code's reason says where and why", func(t *testing.T) {
		p := problemOf(t, w.call(mfr, "POST", "/v1/events/ship", map[string]any{"to": dst, "codes": []string{"(01)12345678901234(21)X"}}))
		if !strings.Contains(p.Errors[0].Reason, "check digit") {
			t.Fatalf("reason %q does not explain the bad check digit", p.Errors[0].Reason)
		}
	})
	t.Run("no write reached the ledger for an anonymous or malformed request", func(t *testing.T) {
		for _, p := range w.rec.proposals("unit:Commission") {
			if strings.Contains(p.Args[0], deviceCode(60)) || strings.Contains(p.Args[0], deviceCode(61)) {
				t.Fatalf("a refused request was submitted: %s", p.Args[0])
			}
		}
	})
}

// failing is a ledger that answers every call with err.
type failing struct {
	ledger.Client
	err error
}

func (f failing) Submit(context.Context, ledger.Proposal) (*ledger.Result, error) { return nil, f.err }
func (f failing) Evaluate(context.Context, ledger.Proposal) ([]byte, error)       { return nil, f.err }

func TestBackendFailures(t *testing.T) {
	down := errors.New("peer0.hospital: connection refused")
	tests := []struct {
		name        string
		err         error
		unavailable func(error) bool
		wantStatus  int
		wantCode    string
	}{
		{name: "a read conflict at commit is a 409 to retry", err: &ledger.CommitError{TxID: "tx1", ValidationCode: ledger.MVCCReadConflict}, wantStatus: 409, wantCode: "MVCC_READ_CONFLICT"},
		{name: "an unreachable backend is a 503", err: down, unavailable: func(err error) bool { return errors.Is(err, down) }, wantStatus: 503},
		{name: "a call past its deadline is a 503", err: context.DeadlineExceeded, wantStatus: 503},
		{name: "a closed embedded ledger is a 503", err: embedded.ErrClosed, unavailable: func(err error) bool { return errors.Is(err, embedded.ErrClosed) }, wantStatus: 503},
		{name: "a ledger whose storage cannot be written is a 507", err: &ledger.StorageError{Err: errors.New("write ledger.db: no space left on device")},
			wantStatus: 507},
		{name: "a chaincode error without a code is a 500", err: &ledger.ChaincodeError{Message: "wrong number of arguments"}, wantStatus: 500},
		{name: "any other failure is a 500 that hides its text", err: down, wantStatus: 500},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t, worldOptions{tweak: func(o *Options) {
				o.Ledger, o.Unavailable = failing{Client: o.Ledger, err: tt.err}, tt.unavailable
			}})
			for _, r := range []resp{
				w.call(mfr, "POST", "/v1/events/commission", map[string]any{"di": deviceDI, "lot": "L1", "codes": []string{deviceCode(1)}}),
				w.call(mfr, "GET", "/v1/verify?code=x", nil),
			} {
				p := problemOf(t, r)
				if r.status != tt.wantStatus || p.Code != tt.wantCode || strings.Contains(p.Detail, "connection refused") {
					t.Fatalf("answer %s, want %d with code %q and no internal detail", r, tt.wantStatus, tt.wantCode)
				}
				if tt.wantStatus == 503 && r.header.Get("Retry-After") == "" {
					t.Fatal("a 503 without Retry-After")
				}
			}
		})
	}
}

func TestIdempotentRetries(t *testing.T) {
	w := newWorld(t)
	w.seed()

	countEvents := func(code string) int {
		var prov model.Provenance
		w.must(200, &prov, reg, "GET", "/v1/trace?code="+url.QueryEscape(code), nil)
		return len(prov.Events)
	}
	t.Run("a retried commission with the same event ID answers 200 with the first result", func(t *testing.T) {
		body := map[string]any{"eventId": "urn:uuid:idem-1", "di": deviceDI, "lot": "L1", "codes": []string{deviceCode(1)}}
		var first, again model.EventResult
		w.must(201, &first, mfr, "POST", "/v1/events/commission", body)
		r := w.must(200, &again, mfr, "POST", "/v1/events/commission", body)
		if !again.Replayed || again.TxID != first.TxID || again.EventID != first.EventID || r.header.Get("Idempotent-Replayed") != "true" {
			t.Fatalf("retry %+v, want the first result %+v replayed", again, first)
		}
		if n := countEvents(deviceCode(1)); n != 1 {
			t.Fatalf("%d events for the unit, want 1", n)
		}
	})
	t.Run("an Idempotency-Key gives a retried ship the same derived event ID", func(t *testing.T) {
		body := map[string]any{"to": dst, "codes": []string{deviceCode(1)}}
		var first, again model.EventResult
		w.must(201, &first, mfr, "POST", "/v1/events/ship", body, "Idempotency-Key: order-77-ship")
		w.must(200, &again, mfr, "POST", "/v1/events/ship", body, "Idempotency-Key: order-77-ship")
		if !strings.HasPrefix(first.EventID, "urn:uuid:") || again.EventID != first.EventID || !again.Replayed {
			t.Fatalf("first %+v, retry %+v: want one derived urn:uuid event", first, again)
		}
		if n := countEvents(deviceCode(1)); n != 2 {
			t.Fatalf("%d events for the unit, want 2 (commission, ship)", n)
		}
	})
	t.Run("the same key from another organisation is another event", func(t *testing.T) {
		var r model.EventResult
		w.must(201, &r, dst, "POST", "/v1/events/receive", map[string]any{"codes": []string{deviceCode(1)}}, "Idempotency-Key: order-77-ship")
		if r.Replayed {
			t.Fatalf("receive %+v was taken for the manufacturer's ship", r)
		}
	})
	t.Run("without an event ID or key every request is its own event", func(t *testing.T) {
		w.commission("urn:uuid:idem-2", 2, 1)
		var a, b model.EventResult
		w.must(201, &a, mfr, "POST", "/v1/events/inspect", map[string]any{"code": deviceCode(2)})
		w.must(201, &b, mfr, "POST", "/v1/events/inspect", map[string]any{"code": deviceCode(2)})
		if a.EventID == b.EventID {
			t.Fatalf("two inspections share event ID %s", a.EventID)
		}
	})
	t.Run("a retried dispense with a server-made salt is recognised, not a conflict", func(t *testing.T) {
		w.must(201, nil, dst, "POST", "/v1/events/ship", map[string]any{"to": hsp, "codes": []string{deviceCode(1)}})
		w.must(201, nil, hsp, "POST", "/v1/events/receive", map[string]any{"codes": []string{deviceCode(1)}})
		body := map[string]any{"codes": []string{deviceCode(1)}, "patientRef": "P-1"}
		var first, again model.EventResult
		w.must(201, &first, hsp, "POST", "/v1/events/dispense", body, "Idempotency-Key: visit-9")
		w.must(200, &again, hsp, "POST", "/v1/events/dispense", body, "Idempotency-Key: visit-9")
		if !again.Replayed || again.TxID != first.TxID {
			t.Fatalf("retried dispense %+v, want the first %+v", again, first)
		}
		// Every submission draws a new salt (no one can derive it again once the record is
		// erased); the chaincode compares a retry under the salt it recorded.
		props := w.rec.proposals("unit:PrepareDispense")
		if string(props[0].Transient["dispense"]) == string(props[1].Transient["dispense"]) {
			t.Fatal("the retry was sent with the same salt: the salt is derivable")
		}
	})
	t.Run("a client may not choose the salt of a patient hash", func(t *testing.T) {
		p := problemOf(t, w.must(422, nil, hsp, "POST", "/v1/events/dispense",
			map[string]any{"codes": []string{deviceCode(1)}, "patientRef": "P-2", "salt": "0000000000000000"}))
		if len(p.Errors) != 1 || p.Errors[0].Field != "salt" {
			t.Fatalf("problem %+v, want the salt named", p)
		}
	})
	t.Run("a dispense of another patient gets another salt", func(t *testing.T) {
		w.commission("urn:uuid:idem-3", 3, 1)
		w.must(201, nil, mfr, "POST", "/v1/events/ship", map[string]any{"to": hsp, "codes": []string{deviceCode(3)}})
		w.must(201, nil, hsp, "POST", "/v1/events/receive", map[string]any{"codes": []string{deviceCode(3)}})
		w.must(201, nil, hsp, "POST", "/v1/events/dispense", map[string]any{"codes": []string{deviceCode(3)}, "patientRef": "P-1"})
		props := w.rec.proposals("unit:PrepareDispense")
		if string(props[0].Transient["dispense"]) == string(props[len(props)-1].Transient["dispense"]) {
			t.Fatal("two dispense events share a salt")
		}
	})
}
