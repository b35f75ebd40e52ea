package api

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/udiledger/udiledger/chaincode/epcis"
	"github.com/udiledger/udiledger/chaincode/model"
	"github.com/udiledger/udiledger/chaincode/ops"
	"github.com/udiledger/udiledger/gateway/epcis/schema"
	"github.com/udiledger/udiledger/gateway/epcis/simplequery"
	"github.com/udiledger/udiledger/gateway/ledger"
	"github.com/udiledger/udiledger/gateway/problem"
)

// EPCIS 2.0 capture and query over the ledger (package gateway/epcis does the translation).

// Limits of one EPCIS request.
const (
	epcisDefaultPerPage = 100
	epcisMaxPerPage     = 1000
	epcisScanLimit      = 10000 // ledger events one query request reads at most
)

// CaptureEventResult is what became of one event of a captured document.
type CaptureEventResult struct {
	Index     int                `json:"index"`
	EventID   string             `json:"eventID,omitempty"`
	Operation string             `json:"operation,omitempty"` // the ledger operation, "unit:Ship"
	Status    int                `json:"status"`
	Result    *model.EPCISResult `json:"result,omitempty"`
	Queued    string             `json:"queued,omitempty"` // status URL of a write kept in the outbox (202)
	Notes     []string           `json:"notes,omitempty"`
	Problem   *problem.Problem   `json:"problem,omitempty"`
}

// CaptureResult answers POST /epcis/capture: one result per event, in document order.
type CaptureResult struct {
	Succeeded int                  `json:"succeeded"`
	Failed    int                  `json:"failed"`
	Results   []CaptureEventResult `json:"results"`
}

// directory maps parties to their GLNs, and lists their company prefixes, from the ledger's
// party records (rendering; the chaincode resolves GLNs of captured events itself).
type directory struct {
	glnOf    map[string]string
	prefixes []string // the parties' GS1 company prefixes
}

// directory reads the parties' GLNs from the ledger. While the ledger is unreachable it
// answers the last directory this gateway read (an empty one before any), so that a capture
// can still be queued; events that name an unknown party are then refused one by one.
func (s *server) directory(ctx context.Context, id *ledger.Identity) (*directory, error) {
	d, err := s.readDirectory(ctx, id)
	s.dirMu.Lock()
	defer s.dirMu.Unlock()
	switch {
	case err == nil:
		s.dirLast = d
	case s.caller.IsUnreachable(err) && s.dirLast != nil:
		return s.dirLast, nil
	case s.caller.IsUnreachable(err):
		return &directory{glnOf: map[string]string{}}, nil
	}
	return d, err
}

func (s *server) readDirectory(ctx context.Context, id *ledger.Identity) (*directory, error) {
	d := &directory{glnOf: map[string]string{}}
	bookmark := ""
	for {
		page, err := evaluateAs(ctx, s, id, ops.ListParties, model.PageQuery{PageSize: model.MaxPageSize, Bookmark: bookmark})
		if err != nil {
			return nil, err
		}
		for _, p := range page.Parties {
			d.prefixes = append(d.prefixes, p.CompanyPrefixes...)
			if len(p.Locations) > 0 {
				d.glnOf[p.MSPID] = p.Locations[0].GLN
			}
		}
		if page.Bookmark == "" || len(page.Parties) == 0 {
			return d, nil
		}
		bookmark = page.Bookmark
	}
}

func (d *directory) partyGLN(msp string) (string, bool) { g, ok := d.glnOf[msp]; return g, ok }

// captureRequest starts a capture: the EPCIS headers and capture limits, the Accept check,
// the caller's identity and the body. ok is false when the answer is already written.
func (s *server) captureRequest(c *gin.Context) (*ledger.Identity, []byte, bool) {
	epcisHeaders(c)
	s.captureLimitHeaders(c)
	if !epcisCaptureAccept(c) {
		return nil, nil, false
	}
	_, id, ok := identity(c)
	if !ok {
		return nil, nil, false
	}
	body, ok := s.readCaptureBody(c)
	if !ok {
		return nil, nil, false
	}
	body, ok = xmlCaptureBody(c, body)
	return id, body, ok
}

// epcisCapture records the supported events of an EPCISDocument, in order, each as its own
// transaction signed by the caller, and answers per event.
func (s *server) epcisCapture(c *gin.Context) {
	id, body, ok := s.captureRequest(c)
	if !ok {
		return
	}
	behaviour := captureBehaviour(c)
	if behaviour == "" {
		return
	}
	captured, ok := s.readCapture(c, id, body)
	if !ok {
		return
	}
	if s.jobs != nil {
		s.submitJob(c, id, behaviour, body, len(captured.Outcomes))
		return
	}
	out := CaptureResult{Results: make([]CaptureEventResult, 0, len(captured.Outcomes))}
	for _, o := range captured.Outcomes {
		r := s.captureOne(c.Request.Context(), id, o, func(err error) *problem.Problem { return s.itemProblem(c, err) })
		if r.Status < 300 {
			out.Succeeded++
		} else {
			out.Failed++
		}
		out.Results = append(out.Results, r)
	}
	c.JSON(http.StatusOK, out)
}

// readCapture reads a captured document; on false the problem has been written.
func (s *server) readCapture(c *gin.Context, id *ledger.Identity, body []byte) (*epcis.CaptureResult, bool) {
	captured, err := epcis.Capture(body, epcis.Options{Validate: schema.Check, MaxEvents: s.opts.CaptureLimit})
	var docErr *epcis.DocumentError
	if errors.Is(err, epcis.ErrTooManyEvents) && errors.As(err, &docErr) {
		problem.Write(c, captureTooLarge(docErr.Reason+" ("+captureLimitHeader+"); nothing was captured"))
		return nil, false
	}
	if errors.As(err, &docErr) {
		problem.Write(c, problem.Invalid("the EPCIS document cannot be captured", problem.FieldError{Field: docErr.Field, Reason: docErr.Reason}))
		return nil, false
	}
	var schemaErr *schema.Error
	if errors.As(err, &schemaErr) {
		fields := make([]problem.FieldError, len(schemaErr.Violations))
		for i, v := range schemaErr.Violations {
			fields[i] = problem.FieldError{Field: v.Pointer, Reason: v.Reason}
		}
		problem.Write(c, problem.Invalid("the document does not conform to the EPCIS 2.0 JSON schema: nothing was captured; "+
			"each error names a JSON pointer into the document (\"\" for the document itself)", fields...))
		return nil, false
	}
	if err != nil {
		writeError(c, err)
		return nil, false
	}
	return captured, true
}

// maxCaptureTries bounds the submissions of one captured event that meet read conflicts.
const maxCaptureTries = 3

// captureOne records one event of a captured document; itemProblem makes the problem of a
// ledger error.
func (s *server) captureOne(ctx context.Context, id *ledger.Identity, o epcis.Outcome, itemProblem func(error) *problem.Problem) CaptureEventResult {
	r := CaptureEventResult{Index: o.Index, EventID: o.EventID, Notes: o.Notes}
	if o.Op != nil {
		r.Operation = o.Op.Name()
	}
	fail := func(p *problem.Problem) CaptureEventResult {
		r.Status, r.Problem = p.Status, p
		return r
	}
	if o.Rejection != nil {
		return fail(problem.New(http.StatusUnprocessableEntity, "epcis-event-rejected", "EPCIS event not recorded",
			o.Rejection.Error()))
	}
	a, err := ledger.Run(ctx, s.caller, id, o.Op, o.Request)
	// A read conflict at commit is retried with the same event ID: the ledger answers a
	// retry of an event it did record with its first result.
	for try := 1; try < maxCaptureTries && ledger.Retryable(err); try++ {
		a, err = ledger.Run(ctx, s.caller, id, o.Op, o.Request)
	}
	var queued *ledger.QueuedError
	if errors.As(err, &queued) {
		r.Status, r.Queued = http.StatusAccepted, "/v1/outbox/"+queued.ID
		return r
	}
	if ledger.CodeOf(err) == model.CodeInvalid {
		return fail(problem.New(http.StatusUnprocessableEntity, "epcis-event-rejected", "EPCIS event not recorded",
			fmt.Sprintf("epcis event %d: %s", o.Index, strings.TrimPrefix(model.MessageOf(err.Error()), "epcis event: "))))
	}
	if err != nil {
		return fail(itemProblem(err))
	}
	var er model.EPCISResult
	if err := json.Unmarshal(a.Payload, &er); err != nil {
		return fail(itemProblem(err))
	}
	if er.Operation != "" {
		r.Operation = er.Operation
	}
	r.Notes = er.Notes
	r.Status, r.Result = http.StatusCreated, &er
	if a.Replayed {
		r.Status = http.StatusOK
	}
	return r
}

// epcisEvents answers GET /epcis/events: the events the reader may see that match the
// SimpleEventQuery of the URL's parameters, as an EPCISQueryDocument.
func (s *server) epcisEvents(c *gin.Context) {
	s.epcisQueryAnswer(c, c.Request.URL.Query())
}

// epcisEPCEvents answers GET /epcis/epcs/{epc}/events: the query, restricted to events that
// name the EPC anywhere (MATCH_anyEPC).
func (s *server) epcisEPCEvents(c *gin.Context) {
	s.epcisQueryAnswer(c, c.Request.URL.Query(), "MATCH_anyEPC", c.Param("epc"), "epc")
}

// epcisQueryAnswer answers a SimpleEventQuery of params (the URL's), with one parameter
// the resource path adds (param, value and the path parameter's name, which its errors
// name; none when empty), one page of it.
func (s *server) epcisQueryAnswer(c *gin.Context, params url.Values, require ...string) {
	epcisHeaders(c)
	format, ok := epcisQueryFormat(c)
	if !ok {
		return
	}
	q, err := parseEPCISQuery(params)
	if err == nil && len(require) == 3 {
		var pe *simplequery.ParamError
		if err = q.Require(require[0], require[1]); errors.As(err, &pe) {
			pe.Param = require[2]
		}
	}
	if err != nil {
		epcisQueryProblem(c, err)
		return
	}
	perPage := q.PerPage
	if perPage == 0 {
		perPage = epcisDefaultPerPage
	}
	if perPage > epcisMaxPerPage {
		problem.Write(c, problem.Invalid("query parameter exception", problem.FieldError{Field: "perPage", Reason: "at most " + strconv.Itoa(epcisMaxPerPage)}))
		return
	}
	tok, err := parsePageToken(q.NextPageToken)
	if err != nil {
		problem.Write(c, problem.Invalid("query parameter exception", problem.FieldError{Field: "nextPageToken", Reason: err.Error()}))
		return
	}
	_, id, ok := identity(c)
	if !ok {
		return
	}
	dir, err := s.directory(c.Request.Context(), id)
	if err != nil {
		s.fail(c, err)
		return
	}
	events, next, err := s.queryEvents(c.Request.Context(), id, q, dir, tok, perPage)
	var pe *simplequery.ParamError
	var tl *simplequery.TooLargeError
	if errors.As(err, &pe) || errors.As(err, &tl) {
		epcisQueryProblem(c, err)
		return
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	s.epcisAnswer(c, id, events, next, format)
}

// pageToken is where a query resumes: the ledger bookmark of a page and how many of that
// page's events were already read.
type pageToken struct {
	Bookmark string `json:"b"`
	Skip     int    `json:"s"`
	Value    int    `json:"v,omitempty"` // values of the event at Skip already answered (lists of values)
}

func (t pageToken) String() string {
	b, _ := json.Marshal(t)
	return base64.RawURLEncoding.EncodeToString(b)
}

func parsePageToken(s string) (pageToken, error) {
	var t pageToken
	if s == "" {
		return t, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err == nil {
		err = json.Unmarshal(b, &t)
	}
	if err != nil || t.Skip < 0 || t.Value < 0 {
		return t, errors.New("is not a token this server gave")
	}
	return t, nil
}

// scanEvents reads the events the reader may see (the chaincode's queries enforce ADR 012)
// from src (query:EventsByTime, or query:EventsByIndex for one value of an index), recorded
// in [from, to), zero bounds open, in record-time order from tok on, and passes each
// to take with the number of its values already answered (tok.Value, else 0). take answers
// where to resume inside the event when the page filled before the event was used up (0 when
// it was) and whether the page is full. The scan stops when the page is full, after
// epcisScanLimit events or once the chaincode has read epcisScanLimit index entries (at a
// page of the index), and answers the token to resume at, "" at the end.
func (s *server) scanEvents(ctx context.Context, id *ledger.Identity, src eventSource, from, to time.Time, tok pageToken,
	take func(ev model.Event, skip int) (rest int, full bool)) (string, error) {
	if from.IsZero() {
		from = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	if to.IsZero() {
		to = time.Now().UTC().Add(24 * time.Hour)
	}
	read, scanned, full := 0, 0, false
	for {
		pq := model.PageQuery{PageSize: epcisMaxPerPage, Bookmark: tok.Bookmark}
		var page *model.EventPage
		var err error
		if src.index == "" {
			page, err = evaluateAs(ctx, s, id, ops.EventsByTime, model.TimeQuery{From: model.FormatTime(from),
				To: model.FormatTime(to), PageQuery: pq})
		} else {
			page, err = evaluateAs(ctx, s, id, ops.EventsByIndex, model.IndexQuery{Index: src.index, Value: src.value,
				From: model.FormatTime(from), To: model.FormatTime(to), PageQuery: pq})
		}
		if err != nil {
			return "", err
		}
		i, skip := tok.Skip, tok.Value
		for ; i < len(page.Events) && !full && read < epcisScanLimit; i++ {
			read++
			var rest int
			rest, full = take(page.Events[i], skip)
			skip = 0
			if rest > 0 { // the page filled inside this event
				return pageToken{Bookmark: tok.Bookmark, Skip: i, Value: rest}.String(), nil
			}
		}
		if i < len(page.Events) { // stopped inside the page
			return pageToken{Bookmark: tok.Bookmark, Skip: i}.String(), nil
		}
		if page.Bookmark == "" || len(page.Events) == 0 {
			return "", nil
		}
		// The chaincode reads a page of the time index whatever the reader may see of it:
		// count what it read too, so that a reader who sees little cannot walk the ledger.
		scanned += max(page.Scanned, len(page.Events))
		tok = pageToken{Bookmark: page.Bookmark}
		if full || read >= epcisScanLimit || scanned >= epcisScanLimit {
			return tok.String(), nil
		}
	}
}

// recallScopes reads the scope of every recall among events that names no codes (a lot or
// product recall), so that the answer can name the recalled class.
func (s *server) recallScopes(ctx context.Context, id *ledger.Identity, events []model.Event) (map[string]model.RecallScope, error) {
	out := map[string]model.RecallScope{}
	for _, e := range events {
		if e.BizStep != model.BizStepRecalling || len(e.EPCList) > 0 || e.Detail == nil || e.Detail.RecallID == "" {
			continue
		}
		if _, done := out[e.Detail.RecallID]; done {
			continue
		}
		r, err := evaluateAs(ctx, s, id, ops.GetRecall, model.RecallQuery{RecallID: e.Detail.RecallID})
		if err != nil {
			return nil, err
		}
		out[e.Detail.RecallID] = r.Scope
	}
	return out, nil
}

func (s *server) epcisAnswer(c *gin.Context, id *ledger.Identity, events []model.Event, next string, format epcisAnswerFormat) {
	doc, err := s.queryDocument(c.Request.Context(), id, events, format)
	if err != nil {
		s.fail(c, err)
		return
	}
	nextPageLink(c, next)
	if name := c.GetString(queryNameKey); name != "" {
		doc.EPCISBody.QueryResults.QueryName = name
	}
	b, err := json.Marshal(doc)
	if err != nil {
		writeError(c, err)
		return
	}
	writeEPCISAnswer(c, format.mediaType, b)
}

// queryDocument renders events as the query document id reads: parties by their GLN, the
// scope of lot and product recalls.
func (s *server) queryDocument(ctx context.Context, id *ledger.Identity, events []model.Event, format epcisAnswerFormat) (*epcis.QueryDocument, error) {
	dir, err := s.directory(ctx, id)
	if err != nil {
		return nil, err
	}
	recalls, err := s.recallScopes(ctx, id, events)
	if err != nil {
		return nil, err
	}
	return epcis.NewQueryDocument(events, epcis.RenderOptions{PartyGLN: dir.partyGLN, Recall: func(rid string) (model.RecallScope, bool) {
		sc, ok := recalls[rid]
		return sc, ok
	}, EPCURN: format.urn, DigitalLink: format.digitalLink, CompanyPrefixes: dir.prefixes}, time.Now().UTC()), nil
}
