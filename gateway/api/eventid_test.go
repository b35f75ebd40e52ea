package api

import (
	"net/url"
	"strings"
	"testing"

	"github.com/udiledger/udiledger/chaincode/model"
)

// Event IDs are per submitter (ADR 015): two organisations may use one event ID, each
// Location finds its submitter's event, and ?by= picks one of several.
func TestEventIDsPerSubmitter(t *testing.T) {
	w := newWorld(t)
	w.seed()
	w.commission("urn:uuid:gw-commission", 1, 1)
	const id = "urn:uuid:shared"
	ship := w.must(201, nil, mfr, "POST", "/v1/events/ship", map[string]any{"eventId": id, "to": dst, "codes": []string{deviceCode(1)}})
	recv := w.must(201, nil, dst, "POST", "/v1/events/receive", map[string]any{"eventId": id, "codes": []string{deviceCode(1)}})

	t.Run("each Location finds its submitter's event", func(t *testing.T) {
		for _, c := range []struct {
			msp string
			r   resp
		}{{mfr, ship}, {dst, recv}} {
			loc := c.r.header.Get("Location")
			if loc != "/v1/events/"+url.PathEscape(id) {
				t.Fatalf("Location %q", loc)
			}
			var ev model.Event
			w.must(200, &ev, c.msp, "GET", loc, nil)
			if ev.Actor != c.msp {
				t.Fatalf("%s followed its Location to %s's event", c.msp, ev.Actor)
			}
		}
	})
	t.Run("several visible events are a conflict naming their submitters", func(t *testing.T) {
		p := problemOf(t, w.must(409, nil, reg, "GET", "/v1/events/"+url.PathEscape(id), nil))
		if p.Code != "CONFLICT" || !strings.Contains(p.Detail, mfr) || !strings.Contains(p.Detail, dst) {
			t.Fatalf("problem %+v", p)
		}
	})
	t.Run("by picks one", func(t *testing.T) {
		var ev model.Event
		w.must(200, &ev, reg, "GET", "/v1/events/"+url.PathEscape(id)+"?by="+dst, nil)
		if ev.Actor != dst || ev.BizStep != model.BizStepReceiving {
			t.Fatalf("event %+v", ev)
		}
	})
	t.Run("an event the caller may not see is not found", func(t *testing.T) {
		w.must(404, nil, plt, "GET", "/v1/events/"+url.PathEscape(id)+"?by="+mfr, nil)
	})
	t.Run("by is an MSP ID", func(t *testing.T) {
		p := problemOf(t, w.must(422, nil, reg, "GET", "/v1/events/"+url.PathEscape(id)+"?by="+strings.Repeat("M", 129), nil))
		if len(p.Errors) != 1 || p.Errors[0].Field != "by" {
			t.Fatalf("problem %+v, want by named", p)
		}
	})
}
