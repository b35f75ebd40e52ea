package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/udiledger/udiledger/chaincode/epcis"
	"github.com/udiledger/udiledger/chaincode/identifier"
	"github.com/udiledger/udiledger/chaincode/model"
	"github.com/udiledger/udiledger/chaincode/ops"
	"github.com/udiledger/udiledger/gateway/problem"
)

// The EPCIS 2.0 REST binding's resources besides the SimpleEventQuery (docs/epcis.md,
// "Resources"): one event by its ID, the top-level resources' lists and their events.

// epcisEvent answers GET /epcis/events/{eventID}: the event as query:Event resolves its ID
// (ADR 015), in an EPCISQueryDocument; 404 when the reader sees no event under it.
func (s *server) epcisEvent(c *gin.Context) {
	epcisHeaders(c)
	format, ok := epcisQueryFormat(c)
	if !ok || !onlyParams(c, "by") {
		return
	}
	_, id, ok := identity(c)
	if !ok {
		return
	}
	ev, err := evaluateAs(c.Request.Context(), s, id, ops.Event,
		model.EventIDQuery{EventID: epcis.EventIDOf(c.Param("eventID")), By: c.Query("by")})
	if err != nil {
		s.fail(c, err)
		return
	}
	s.epcisAnswer(c, id, []model.Event{*ev}, "", format)
}

// epcisResourceEvents answers GET /epcis/{resource}/{id}/events: the SimpleEventQuery of
// GET /epcis/events restricted by the path's resource, given to param (EQ_bizStep…).
func (s *server) epcisResourceEvents(field, param string) gin.HandlerFunc {
	return func(c *gin.Context) {
		v := c.Param(field)
		if (field == "readPoint" || field == "bizLocation") && identifier.ValidateGLN(v) == nil {
			v = epcis.LocationURI(v) // a bare GLN, as the ledger's REST API writes places
		}
		s.epcisQueryAnswer(c, c.Request.URL.Query(), param, v, field)
	}
}

// epcisVocabulary answers the list of a vocabulary the gateway knows (GET /epcis/eventTypes,
// /epcis/bizSteps, /epcis/dispositions), paged with perPage and nextPageToken.
func (s *server) epcisVocabulary(list func() []string) gin.HandlerFunc {
	return func(c *gin.Context) {
		epcisHeaders(c)
		if !epcisListAccept(c) || !onlyParams(c, "perPage", "nextPageToken") {
			return
		}
		perPage, tok, ok := listPaging(c)
		if !ok {
			return
		}
		all := list()
		from := min(tok.Skip, len(all))
		to := min(from+perPage, len(all))
		next := ""
		if to < len(all) {
			next = pageToken{Skip: to}.String()
		}
		epcisCollection(c, all[from:to], next)
	}
}

// epcisValues answers the list of a top-level resource drawn from the events the reader may
// see (GET /epcis/epcs, /epcis/bizLocations, /epcis/readPoints): each value once per page,
// in the order the events were recorded. Paging follows the events: a value that occurs on
// both sides of a page boundary is listed on both pages. A page reads at most
// epcisScanLimit events; it may then be short, with a next page.
func (s *server) epcisValues(values func(epcis.RenderOptions, model.Event) []string) gin.HandlerFunc {
	return func(c *gin.Context) {
		epcisHeaders(c)
		format, ok := epcisQueryFormat(c)
		if !ok || !onlyParams(c, "perPage", "nextPageToken") {
			return
		}
		perPage, tok, ok := listPaging(c)
		if !ok {
			return
		}
		_, id, ok := identity(c)
		if !ok {
			return
		}
		dir, err := s.directory(c, id)
		if err != nil {
			s.fail(c, err)
			return
		}
		opt := epcis.RenderOptions{EPCURN: format.urn, CompanyPrefixes: dir.prefixes}
		seen := map[string]bool{}
		var members []string
		next, err := s.scanEvents(c.Request.Context(), id, eventSource{}, time.Time{}, time.Time{}, tok, func(ev model.Event, skip int) (int, bool) {
			vs := values(opt, ev)
			for j := skip; j < len(vs); j++ {
				if len(members) >= perPage {
					return j, true
				}
				if v := vs[j]; v != "" && !seen[v] {
					seen[v] = true
					members = append(members, v)
				}
			}
			return 0, len(members) >= perPage
		})
		if err != nil {
			s.fail(c, err)
			return
		}
		epcisCollection(c, members, next)
	}
}

func epcisEPCs(opt epcis.RenderOptions, ev model.Event) []string { return opt.EPCs(ev) }
func epcisReadPoint(opt epcis.RenderOptions, ev model.Event) []string {
	return []string{opt.Location(ev.ReadPoint)}
}
func epcisBizLocation(opt epcis.RenderOptions, ev model.Event) []string {
	return []string{opt.Location(ev.BizLocation)}
}

// epcisListAccept checks that the caller accepts a list's answer, JSON.
func epcisListAccept(c *gin.Context) bool {
	if negotiate(c.GetHeader("Accept"), mediaJSON, mediaJSONLD) == "" {
		notAcceptable(c, "EPCIS lists are served as "+mediaJSON+" or "+mediaJSONLD)
		return false
	}
	return true
}

// onlyParams refuses (400) a query parameter other than those named.
func onlyParams(c *gin.Context, names ...string) bool {
	for k := range c.Request.URL.Query() {
		known := false
		for _, n := range names {
			known = known || k == n
		}
		if !known {
			problem.Write(c, problem.Invalid("query parameter exception", problem.FieldError{Field: k,
				Reason: "is not a parameter of this resource"}))
			return false
		}
	}
	return true
}

// listPaging reads perPage (default epcisDefaultPerPage, at most epcisMaxPerPage) and
// nextPageToken of a list.
func listPaging(c *gin.Context) (int, pageToken, bool) {
	perPage := epcisDefaultPerPage
	if v, ok := c.GetQuery("perPage"); ok {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > epcisMaxPerPage {
			problem.Write(c, problem.Invalid("query parameter exception", problem.FieldError{Field: "perPage",
				Reason: strconv.Quote(v) + " is not a whole number from 1 to " + strconv.Itoa(epcisMaxPerPage)}))
			return 0, pageToken{}, false
		}
		perPage = n
	}
	tok, err := parsePageToken(c.Query("nextPageToken"))
	if err != nil {
		problem.Write(c, problem.Invalid("query parameter exception", problem.FieldError{Field: "nextPageToken", Reason: err.Error()}))
		return 0, pageToken{}, false
	}
	return perPage, tok, true
}

// epcisCollection answers a list, with a Link to the next page when there is one.
func epcisCollection(c *gin.Context, members []string, next string) {
	nextPageLink(c, next)
	c.JSON(http.StatusOK, epcis.NewCollection(members))
}

// nextPageLink names the next page, the request with nextPageToken next, in a Link header
// rel="next"; nothing when next is "".
func nextPageLink(c *gin.Context, next string) {
	if next == "" {
		return
	}
	q := c.Request.URL.Query()
	q.Set("nextPageToken", next)
	c.Header("Link", "<"+c.Request.URL.EscapedPath()+"?"+q.Encode()+`>; rel="next"`)
}
