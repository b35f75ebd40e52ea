package api

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/udiledger/udiledger/gateway/problem"
)

// maxCodeParam bounds a code given as a query parameter.
const maxCodeParam = 512

// trace answers the provenance of one code: every event in order, containers' included.
func (s *server) trace(c *gin.Context) {
	code, ok := queryRequired(c, "code", maxCodeParam)
	if !ok {
		return
	}
	if out, ok := s.ledger.evaluate(c, "query:Provenance", code); ok {
		raw(c, http.StatusOK, out)
	}
}

// verify answers whether a code may be sold or dispensed; an unreadable code is answered
// (not genuine, with the reason), not refused.
func (s *server) verify(c *gin.Context) {
	code, ok := queryRequired(c, "code", maxCodeParam)
	if !ok {
		return
	}
	if out, ok := s.ledger.evaluate(c, "query:Verify", code); ok {
		raw(c, http.StatusOK, out)
	}
}

func (s *server) unit(c *gin.Context) {
	code, ok := queryRequired(c, "code", maxCodeParam)
	if !ok {
		return
	}
	if out, ok := s.ledger.evaluate(c, "query:Unit", code); ok {
		raw(c, http.StatusOK, out)
	}
}

func (s *server) holderUnits(c *gin.Context) {
	s.page(c, "query:UnitsByHolder", c.Param("msp"))
}

func (s *server) alerts(c *gin.Context) {
	s.page(c, "query:Alerts")
}

func (s *server) expiringLicences(c *gin.Context) {
	days, ok := queryInt(c, "days", 30, 0, 3650)
	if !ok {
		return
	}
	if out, ok := s.ledger.evaluate(c, "party:ExpiringLicences", strconv.Itoa(days)); ok {
		raw(c, http.StatusOK, out)
	}
}

// timeWindow reads ?from= and ?to= (RFC 3339); from defaults to 2000-01-01, to to a day
// from now.
func timeWindow(c *gin.Context) (from, to string, ok bool) {
	from, to = "2000-01-01T00:00:00Z", time.Now().UTC().Add(24*time.Hour).Format(time.RFC3339)
	var bad []problem.FieldError
	for _, f := range []struct {
		name string
		dst  *string
	}{{"from", &from}, {"to", &to}} {
		v := c.Query(f.name)
		if v == "" {
			continue
		}
		if _, err := time.Parse(time.RFC3339Nano, v); err != nil {
			bad = append(bad, problem.FieldError{Field: f.name, Reason: "must be a time in RFC 3339 form"})
			continue
		}
		*f.dst = v
	}
	if len(bad) > 0 {
		problem.Write(c, validationProblem(bad))
		return "", "", false
	}
	return from, to, true
}

func (s *server) eventsByTime(c *gin.Context) {
	from, to, ok := timeWindow(c)
	if !ok {
		return
	}
	s.page(c, "query:EventsByTime", from, to)
}

// linkNext adds a Link rel="next" header when a page's bookmark says there is more.
func linkNext(c *gin.Context, payload []byte) {
	var p struct {
		Bookmark string `json:"bookmark"`
		Count    int    `json:"count"`
	}
	if json.Unmarshal(payload, &p) != nil || p.Bookmark == "" || p.Count == 0 {
		return
	}
	q := c.Request.URL.Query()
	q.Set("bookmark", p.Bookmark)
	u := url.URL{Path: c.Request.URL.Path, RawQuery: q.Encode()}
	c.Header("Link", "<"+u.String()+`>; rel="next"`)
}

// listRecalls lists the recalls, a page at a time in recall ID order.
func (s *server) listRecalls(c *gin.Context) { s.page(c, "recall:List") }
