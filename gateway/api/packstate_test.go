package api

import (
	"net/url"
	"strings"
	"testing"

	"github.com/udiledger/udiledger/chaincode/model"
)

// TestPackStatesOverHTTP sets and undoes a pack state, cancels and refuses a shipment and
// relocates goods between two of the manufacturer's sites, through the REST routes.
func TestPackStatesOverHTTP(t *testing.T) {
	w := newWorld(t)
	w.seed()
	w.commission("urn:uuid:ps-commission", 1, 3)
	verify := func(code string) model.Verification {
		var v model.Verification
		w.must(200, &v, mfr, "GET", "/v1/verify?code="+url.QueryEscape(code), nil)
		return v
	}

	t.Run("a locked pack is not sellable, names its state, and is unlocked at the same location", func(t *testing.T) {
		w.must(201, nil, mfr, "POST", "/v1/events/pack-state", map[string]any{"codes": []string{deviceCode(1)}, "state": "locked", "location": mfrGLN, "reason": "audit"})
		if v := verify(deviceCode(1)); v.Sellable || v.Status != model.StatusLocked || !strings.Contains(strings.Join(v.Reasons, ";"), "locked") {
			t.Fatalf("verification %+v", v)
		}
		w.must(422, nil, mfr, "POST", "/v1/events/undo-pack-state", map[string]any{"codes": []string{deviceCode(1)}, "location": dstGLN})
		w.must(201, nil, mfr, "POST", "/v1/events/undo-pack-state", map[string]any{"codes": []string{deviceCode(1)}, "location": mfrGLN})
		if v := verify(deviceCode(1)); !v.Sellable {
			t.Fatalf("verification after the undo %+v", v)
		}
	})
	t.Run("a state the ledger does not know is refused", func(t *testing.T) {
		w.must(422, nil, mfr, "POST", "/v1/events/pack-state", map[string]any{"codes": []string{deviceCode(1)}, "state": "lost", "location": mfrGLN})
	})
	t.Run("a stolen pack cannot be shipped", func(t *testing.T) {
		w.must(201, nil, reg, "POST", "/v1/events/pack-state", map[string]any{"codes": []string{deviceCode(3)}, "state": "stolen"})
		w.must(422, nil, mfr, "POST", "/v1/events/ship", map[string]any{"to": dst, "codes": []string{deviceCode(3)}})
	})
	t.Run("a cancelled shipment is back in stock; a refused one travels back and is received", func(t *testing.T) {
		w.must(201, nil, mfr, "POST", "/v1/events/ship", map[string]any{"to": dst, "codes": []string{deviceCode(1)}, "location": mfrGLN})
		w.must(403, nil, dst, "POST", "/v1/events/cancel-shipment", map[string]any{"codes": []string{deviceCode(1)}})
		w.must(201, nil, mfr, "POST", "/v1/events/cancel-shipment", map[string]any{"codes": []string{deviceCode(1)}, "reason": "wrong order"})
		if v := verify(deviceCode(1)); !v.Sellable || v.Owner != mfr {
			t.Fatalf("after the cancel %+v", v)
		}
		w.must(201, nil, mfr, "POST", "/v1/events/ship", map[string]any{"to": dst, "codes": []string{deviceCode(1)}, "location": mfrGLN})
		w.must(201, nil, dst, "POST", "/v1/events/refuse-shipment", map[string]any{"codes": []string{deviceCode(1)}, "reason": "not ordered"})
		w.must(201, nil, mfr, "POST", "/v1/events/receive", map[string]any{"codes": []string{deviceCode(1)}, "location": mfrGLN})
		if v := verify(deviceCode(1)); !v.Sellable || v.Owner != mfr {
			t.Fatalf("after the refusal %+v", v)
		}
	})
	t.Run("goods move between the manufacturer's own sites, never to another party's", func(t *testing.T) {
		second := checkDigit("690123400002")
		p := w.party(mfr, "manufacturer")
		p["locations"] = []map[string]string{{"gln": mfrGLN, "name": "plant"}, {"gln": second, "name": "warehouse"}}
		w.must(200, nil, reg, "PUT", "/v1/parties/"+mfr, p)
		w.must(422, nil, mfr, "POST", "/v1/events/relocate", map[string]any{"codes": []string{deviceCode(2)}, "location": mfrGLN, "destination": dstGLN})
		w.must(201, nil, mfr, "POST", "/v1/events/relocate", map[string]any{"codes": []string{deviceCode(2)}, "location": mfrGLN, "destination": second})
		var u model.UnitView
		w.must(200, &u, mfr, "GET", "/v1/units?code="+url.QueryEscape(deviceCode(2)), nil)
		if u.Owner != mfr || u.Location != second || u.Status != model.StatusActive {
			t.Fatalf("unit %+v", u)
		}
	})
}
