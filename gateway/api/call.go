package api

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"reflect"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/udiledger/udiledger/chaincode/model"
	"github.com/udiledger/udiledger/chaincode/ops"
	"github.com/udiledger/udiledger/gateway/auth"
	"github.com/udiledger/udiledger/gateway/ledger"
	"github.com/udiledger/udiledger/gateway/problem"
	"github.com/udiledger/udiledger/gateway/routes"
)

// identity returns the identity the request signs with; a principal without one cannot call
// the ledger at all. On false the problem has been written.
func identity(c *gin.Context) (*auth.Principal, *ledger.Identity, bool) {
	p := auth.PrincipalOf(c)
	if p == nil || p.Identity == nil {
		problem.Write(c, problem.New(http.StatusForbidden, "no-identity", "Forbidden",
			"the API key is not mapped to a ledger identity"))
		return nil, nil, false
	}
	return p, p.Identity, true
}

// run runs one operation as the request's identity through the one call path. On false the
// answer (a problem, or 202 for a queued write) has been written.
func (s *server) run(c *gin.Context, op ops.Descriptor, req any) (*ledger.Answer, bool) {
	_, id, ok := identity(c)
	if !ok {
		return nil, false
	}
	a, err := ledger.Run(c.Request.Context(), s.caller, id, op, req)
	if err != nil {
		s.fail(c, err)
		return nil, false
	}
	return a, true
}

// opHandler serves a route of the table that runs a ledger operation: bind and check the
// request, give it its event ID, run it, answer.
func (s *server) opHandler(rt routes.Route) gin.HandlerFunc {
	return func(c *gin.Context) {
		req, ok := s.bindRequest(c, rt)
		if !ok {
			return
		}
		if rt.Idempotent && !s.giveEventID(c, req) {
			return
		}
		a, ok := s.run(c, rt.Op, req)
		if !ok {
			return
		}
		s.answer(c, rt, req, a)
	}
}

// idSetter is a request whose event ID the gateway may give.
type idSetter interface {
	ops.Keyed
	SetEventID(string)
}

func (s *server) giveEventID(c *gin.Context, req any) bool {
	r, ok := req.(idSetter)
	if !ok {
		return true
	}
	id, ok := eventID(c, r.WriteKey(), "")
	if ok {
		r.SetEventID(id)
	}
	return ok
}

// answer writes an operation's answer: 201 with Location for a created record (200 with
// Idempotent-Replayed for a recognised retry), 200 otherwise, with a Link to the next page
// of a list.
func (s *server) answer(c *gin.Context, rt routes.Route, req any, a *ledger.Answer) {
	status := http.StatusOK
	if rt.Created {
		if a.Replayed {
			c.Header("Idempotent-Replayed", "true")
		} else {
			status = http.StatusCreated
		}
		if rt.Location != "" {
			c.Header("Location", fillPath(rt.Location, req))
		}
	}
	result := rt.Op.ResultType()
	if reflect.PointerTo(result).Implements(pager) {
		if v, err := a.Value(); err == nil {
			if next := v.(interface{ NextBookmark() string }).NextBookmark(); next != "" {
				q := c.Request.URL.Query()
				q.Set("bookmark", next)
				u := url.URL{Path: c.Request.URL.Path, RawQuery: q.Encode()}
				c.Header("Link", "<"+u.String()+`>; rel="next"`)
			}
		}
	}
	if result.Kind() == reflect.String || len(a.Payload) == 0 {
		v, err := a.Value()
		if err != nil {
			s.fail(c, err)
			return
		}
		c.JSON(status, v)
		return
	}
	// The chaincode's answer is the JSON of the operation's result type already.
	c.Data(status, "application/json; charset=utf-8", a.Payload)
}

var pager = reflect.TypeFor[interface{ NextBookmark() string }]()

// fillPath fills a path template's parameters from the request's JSON fields.
func fillPath(tmpl string, req any) string {
	fields := jsonFields(req)
	parts := strings.Split(tmpl, "/")
	for i, p := range parts {
		if strings.HasPrefix(p, "{") {
			parts[i] = url.PathEscape(fields[strings.Trim(p, "{}")])
		}
	}
	return strings.Join(parts, "/")
}

// jsonFields is the request's top-level string fields by JSON name.
func jsonFields(req any) map[string]string {
	b, _ := json.Marshal(req)
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	out := map[string]string{}
	for k, v := range m {
		if s, ok := v.(string); ok {
			out[k] = s
		}
	}
	return out
}

// fail writes the problem for a ledger error; a write kept in the outbox is answered 202.
func (s *server) fail(c *gin.Context, err error) {
	var q *ledger.QueuedError
	if errors.As(err, &q) && s.outbox != nil {
		s.outbox.accepted(c, q.ID)
		return
	}
	p := s.problemOf(err)
	if p.Status == http.StatusServiceUnavailable {
		c.Header("Retry-After", "5")
	}
	if p.Status >= 500 {
		_ = c.Error(err) // for the access log
	}
	problem.Write(c, p)
}

// writeError answers an error of the gateway itself: its problem if it is one, else a 500
// whose cause goes to the access log and never into the answer.
func writeError(c *gin.Context, err error) {
	p := problem.From(err)
	if p.Status >= 500 {
		_ = c.Error(err)
	}
	problem.Write(c, p)
}

// itemProblem is the problem of one item of a batch (a scan, a captured event) answered
// inside a 200: a 5xx carries the request ID, and its cause goes to the access log. Call it
// from the handler's goroutine only.
func (s *server) itemProblem(c *gin.Context, err error) *problem.Problem {
	p := *s.problemOf(err)
	if p.Status >= 500 {
		p.RequestID = c.GetString(problem.RequestIDKey)
		_ = c.Error(err)
	}
	return &p
}

// problemOf maps a ledger error to its problem: the chaincode's code to 404/409/403/422, a
// transaction invalidated at commit to 409, storage that cannot be written to 507, an
// unreachable backend to 503, the rest to 500.
func (s *server) problemOf(err error) *problem.Problem {
	var ce *ledger.ChaincodeError
	if errors.As(err, &ce) {
		return chaincodeProblem(ce.Message)
	}
	var commit *ledger.CommitError
	if errors.As(err, &commit) {
		p := problem.New(http.StatusConflict, "commit-conflict", "Transaction invalidated at commit",
			commit.Error()+"; retry the request with the same event ID")
		p.Code = commit.ValidationCode
		return p
	}
	var storage *ledger.StorageError
	if errors.As(err, &storage) {
		return problem.New(http.StatusInsufficientStorage, "ledger-storage-full", "Ledger storage full",
			"the ledger could not write its files (disk full or not writable): nothing was recorded; "+
				"retry with the same event ID once the operator has freed space")
	}
	if s.caller.IsUnreachable(err) {
		return problem.New(http.StatusServiceUnavailable, "ledger-unavailable", "Ledger unavailable",
			"the ledger backend could not be reached; retry later with the same event ID")
	}
	return problem.From(err)
}

// chaincodeProblem maps a chaincode message "CODE: text" to its problem.
func chaincodeProblem(msg string) *problem.Problem {
	code := model.ParseCode(msg)
	text := model.MessageOf(msg)
	var p *problem.Problem
	switch code {
	case model.CodeNotFound:
		p = problem.New(http.StatusNotFound, "not-found", "Not found", text)
	case model.CodeConflict:
		p = problem.New(http.StatusConflict, "conflict", "Conflict", text)
	case model.CodeForbidden:
		p = problem.New(http.StatusForbidden, "forbidden", "Forbidden", text)
	case model.CodeInvalid:
		p = problem.New(http.StatusUnprocessableEntity, "rejected", "Rejected by the ledger", text)
	default:
		// A message without a code is a failure of the chaincode's plumbing, not a rule; its
		// text (the caller's fail) goes to the log only.
		return problem.New(http.StatusInternalServerError, "chaincode-failure", "Chaincode failure",
			"the chaincode failed to handle the request; see the gateway's log")
	}
	p.Code = string(code)
	return p
}

// evaluateAs runs a read for an identity outside a request's handler flow (EPCIS, resolver).
func evaluateAs[Req, Res any](ctx context.Context, s *server, id *ledger.Identity, op ops.Op[Req, Res], req Req) (*Res, error) {
	r, err := ledger.Do(ctx, s.caller, id, op, req)
	if err != nil {
		return nil, err
	}
	return r.Value, nil
}
