package api

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/udiledger/udiledger/gateway/ledger"
	"github.com/udiledger/udiledger/gateway/problem"
	"github.com/udiledger/udiledger/gateway/subscriptions"
)

// EPCIS 2.0 named queries and query subscriptions (the REST binding's /queries resources):
// package subscriptions keeps them and delivers the reports; the gateway reads the events
// (eventSource, through the same scan as GET /epcis/events and ADR 012's read policy) and
// wakes stream subscriptions on every ledger event.

// queryNameKey names, in a request's context, the named query a query answer is for.
const queryNameKey = "epcisQueryName"

// NamedQuery is a named query as the binding shows it: its name and its SimpleEventQuery
// parameters (a list or one value each).
type NamedQuery struct {
	Name  string          `json:"name" validate:"required,max=100"`
	Query json.RawMessage `json:"query" validate:"required"`
}

// subscribeBody is the binding's query subscription request.
type subscribeBody struct {
	Dest              string                  `json:"dest" validate:"required,max=2000"`
	SignatureToken    string                  `json:"signatureToken" validate:"max=512"`
	Stream            bool                    `json:"stream"`
	Schedule          *subscriptions.Schedule `json:"schedule"`
	ReportIfEmpty     bool                    `json:"reportIfEmpty"`
	InitialRecordTime *time.Time              `json:"initialRecordTime"`
}

// QuerySubscription is a webhook subscription as the binding shows it (its signatureToken
// never), with how its deliveries went.
type QuerySubscription struct {
	SubscriptionID    string                  `json:"subscriptionID"`
	Dest              string                  `json:"dest"`
	CreatedAt         time.Time               `json:"createdAt"`
	LastNotifiedAt    time.Time               `json:"lastNotifiedAt,omitzero"`
	InitialRecordTime time.Time               `json:"initialRecordTime"`
	MinRecordTime     time.Time               `json:"minRecordTime"` // the next report holds events recorded after it
	Stream            bool                    `json:"stream,omitempty"`
	Schedule          *subscriptions.Schedule `json:"schedule,omitempty"`
	ReportIfEmpty     bool                    `json:"reportIfEmpty"`
	Signed            bool                    `json:"signed"` // a signatureToken was given
	Delivered         int                     `json:"delivered"`
	Failures          int                     `json:"failures"`     // failed posts, all reports
	DeadLettered      int                     `json:"deadLettered"` // reports never taken
	LastDelivery      *subscriptions.Delivery `json:"lastDelivery,omitempty"`
	// DeadLetters are the latest reports the destination never took (GET of one
	// subscription only).
	DeadLetters []*subscriptions.DeadLetter `json:"deadLetters,omitempty"`
}

func querySubscription(s *subscriptions.Subscription, letters []*subscriptions.DeadLetter) QuerySubscription {
	return QuerySubscription{SubscriptionID: s.ID, Dest: s.Dest, CreatedAt: s.Created, LastNotifiedAt: s.LastNotified,
		InitialRecordTime: s.InitialRecordTime, MinRecordTime: s.Cursor, Stream: s.Stream, Schedule: s.Schedule,
		ReportIfEmpty: s.ReportIfEmpty, Signed: s.SignatureToken != "", Delivered: s.Delivered, Failures: s.Failures,
		LastDelivery: s.LastDelivery, DeadLettered: s.DeadLettered, DeadLetters: letters}
}

func namedQuery(q *subscriptions.Query) NamedQuery { return NamedQuery{Name: q.Name, Query: q.Params} }

// startSubscriptions runs the deliveries of o.Subscriptions until Closing closes or the
// store does, and wakes them on every event the ledger streams.
func (s *server) startSubscriptions() {
	so := s.opts.SubscriptionOptions
	so.Store, so.Source = s.opts.Subscriptions, subscriptionSource{s}
	if so.Logger == nil {
		so.Logger = s.opts.Logger
	}
	s.subs = subscriptions.NewManager(so)
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		defer cancel()
		select {
		case <-s.opts.Closing:
		case <-s.opts.Subscriptions.Done():
		}
	}()
	s.subsStop = ctx
	go s.subs.Run(ctx)
	go s.notifyOnLedgerEvents(ctx)
}

// notifyOnLedgerEvents wakes the stream subscriptions on each chaincode event; the stream
// starts at the first block (replays only wake them) and is opened again when it ends.
func (s *server) notifyOnLedgerEvents(ctx context.Context) {
	for ctx.Err() == nil {
		events, err := s.opts.Ledger.Events(ctx, 0)
		if err == nil {
			for range events {
				s.subs.Notify()
			}
		}
		select {
		case <-ctx.Done():
		case <-time.After(5 * time.Second):
		}
	}
}

// eventSource reads a subscription's events as the identity that made it.
type subscriptionSource struct{ s *server }

func (src subscriptionSource) Events(ctx context.Context, by subscriptions.Owner, query url.Values, after time.Time, limit int) ([]json.RawMessage, time.Time, error) {
	s := src.s
	id := s.opts.Keyring.Identity(by.Identity)
	if id == nil || id.MSPID != by.Org {
		return nil, after, fmt.Errorf("subscriptions: identity %s of %s is no longer configured on this gateway", by.Identity, by.Org)
	}
	q, err := parseEPCISQuery(query)
	if err != nil {
		return nil, after, err
	}
	dir, err := s.directory(ctx, id)
	if err != nil {
		return nil, after, err
	}
	events, last, err := s.eventsAfter(ctx, id, q, dir, after, limit)
	if err != nil {
		return nil, after, err
	}
	doc, err := s.queryDocument(ctx, id, events, epcisAnswerFormat{mediaType: mediaJSONLD})
	if err != nil {
		return nil, after, err
	}
	out := make([]json.RawMessage, len(doc.EPCISBody.QueryResults.ResultsBody.EventList))
	for i, e := range doc.EPCISBody.QueryResults.ResultsBody.EventList {
		if out[i], err = json.Marshal(e); err != nil {
			return nil, after, err
		}
	}
	return out, last, nil
}

// queriesCaller is the caller's identity, with the store: on false the problem is written.
func (s *server) queriesCaller(c *gin.Context) (*ledger.Identity, bool) {
	epcisHeaders(c)
	if s.subs == nil {
		problem.Write(c, problem.NotFound("this gateway keeps no named queries"))
		return nil, false
	}
	_, id, ok := identity(c)
	return id, ok
}

// subscriptionsProblem answers an error of package subscriptions.
func (s *server) subscriptionsProblem(c *gin.Context, err error, what string) {
	var pe *subscriptions.ParamError
	switch {
	case errors.As(err, &pe):
		problem.Write(c, problem.Invalid(pe.Error(), problem.FieldError{Field: pe.Param, Reason: pe.Reason}))
	case errors.Is(err, subscriptions.ErrNotFound):
		problem.Write(c, problem.NotFound("no "+what))
	case errors.Is(err, subscriptions.ErrExists):
		problem.Write(c, problem.New(http.StatusConflict, "epcis-query-exists", "Query exists", "the organisation already has a query named "+what))
	case errors.Is(err, subscriptions.ErrDestination):
		problem.Write(c, problem.Invalid(err.Error(), problem.FieldError{Field: "dest", Reason: err.Error()}))
	case errors.Is(err, subscriptions.ErrTooMany):
		problem.Write(c, problem.New(http.StatusConflict, "epcis-too-many-subscriptions", "Too many subscriptions", err.Error()))
	default:
		writeError(c, err)
	}
}

// listPage cuts a list by perPage and nextPageToken (an offset into the list), with a Link
// to the next page when there is one. On false the problem is written.
func listPage[T any](c *gin.Context, all []T) ([]T, bool) {
	perPage, tok, ok := listPaging(c)
	if !ok {
		return nil, false
	}
	from := min(tok.Skip, len(all))
	to := min(from+perPage, len(all))
	if to < len(all) {
		q := c.Request.URL.Query()
		q.Set("nextPageToken", pageToken{Skip: to}.String())
		c.Header("Link", "<"+c.Request.URL.EscapedPath()+"?"+q.Encode()+`>; rel="next"`)
	}
	return all[from:to], true
}

// epcisQueries answers GET /epcis/queries: the organisation's named queries by name.
func (s *server) epcisQueries(c *gin.Context) {
	id, ok := s.queriesCaller(c)
	if !ok {
		return
	}
	qs, err := s.subs.Store().Queries(id.MSPID)
	if err != nil {
		writeError(c, err)
		return
	}
	qs, ok = listPage(c, qs)
	if !ok {
		return
	}
	out := make([]NamedQuery, len(qs))
	for i, q := range qs {
		out[i] = namedQuery(q)
	}
	c.JSON(http.StatusOK, out)
}

// epcisCreateQuery answers POST /epcis/queries: 201 with the query's Location.
func (s *server) epcisCreateQuery(c *gin.Context) {
	id, ok := s.queriesCaller(c)
	if !ok {
		return
	}
	var body NamedQuery
	if !s.bindJSON(c, &body) {
		return
	}
	if err := subscriptions.CheckName(body.Name); err != nil {
		s.subscriptionsProblem(c, err, "")
		return
	}
	values, err := subscriptions.ParseQuery(body.Query)
	if err != nil {
		s.subscriptionsProblem(c, err, "")
		return
	}
	if _, err := parseEPCISQuery(values); err != nil { // a query the gateway cannot run is refused now, not at each report
		epcisQueryProblem(c, err)
		return
	}
	q := &subscriptions.Query{Org: id.MSPID, Name: body.Name, Params: body.Query, Created: time.Now().UTC()}
	if err := s.subs.CreateQuery(q); err != nil {
		s.subscriptionsProblem(c, err, body.Name)
		return
	}
	c.Header("Location", "/epcis/queries/"+url.PathEscape(q.Name))
	c.JSON(http.StatusCreated, namedQuery(q))
}

// epcisQuery answers GET /epcis/queries/{queryName}.
func (s *server) epcisQuery(c *gin.Context) {
	id, ok := s.queriesCaller(c)
	if !ok {
		return
	}
	q, err := s.subs.Store().Query(id.MSPID, c.Param("queryName"))
	if err != nil {
		s.subscriptionsProblem(c, err, "query "+c.Param("queryName"))
		return
	}
	c.JSON(http.StatusOK, namedQuery(q))
}

// epcisDeleteQuery answers DELETE /epcis/queries/{queryName}: its subscriptions go too.
func (s *server) epcisDeleteQuery(c *gin.Context) {
	id, ok := s.queriesCaller(c)
	if !ok {
		return
	}
	if err := s.subs.DeleteQuery(id.MSPID, c.Param("queryName")); err != nil {
		s.subscriptionsProblem(c, err, "query "+c.Param("queryName"))
		return
	}
	c.Status(http.StatusNoContent)
}

// epcisQueryEvents answers GET /epcis/queries/{queryName}/events: the query's answer, like
// GET /epcis/events with its parameters (perPage and nextPageToken from the request), or a
// WebSocket subscription.
func (s *server) epcisQueryEvents(c *gin.Context) {
	id, ok := s.queriesCaller(c)
	if !ok {
		return
	}
	name := c.Param("queryName")
	q, err := s.subs.Store().Query(id.MSPID, name)
	if err != nil {
		s.subscriptionsProblem(c, err, "query "+name)
		return
	}
	if subscriptions.IsWebSocket(c.Request) {
		sp, err := subscriptions.ParseSpec(c.Request.URL.Query(), s.subs.Now())
		if err != nil {
			s.subscriptionsProblem(c, err, "")
			return
		}
		// The connection outlives the answer's deadlines (deadline.go, the server's
		// ReadTimeout); a writer without deadlines has none to clear.
		rc := http.NewResponseController(c.Writer)
		for _, setDeadline := range []func(time.Time) error{rc.SetWriteDeadline, rc.SetReadDeadline} {
			if err := setDeadline(time.Time{}); err != nil && !errors.Is(err, http.ErrNotSupported) {
				_ = c.Error(err)
			}
		}
		if err := s.subs.ServeWebSocket(s.subsStop, c.Writer, c.Request, subscriptions.Owner{Org: id.MSPID, Identity: id.Name}, name, sp); err != nil {
			_ = c.Error(err) // for the access log
		}
		return
	}
	values := q.Values()
	for _, p := range []string{"perPage", "nextPageToken"} {
		if v, ok := c.GetQuery(p); ok {
			values.Set(p, v)
		}
	}
	c.Set(queryNameKey, name)
	s.epcisQueryAnswer(c, values)
}

// epcisSubscriptions answers GET /epcis/queries/{queryName}/subscriptions.
func (s *server) epcisSubscriptions(c *gin.Context) {
	id, ok := s.queriesCaller(c)
	if !ok {
		return
	}
	name := c.Param("queryName")
	if _, err := s.subs.Store().Query(id.MSPID, name); err != nil {
		s.subscriptionsProblem(c, err, "query "+name)
		return
	}
	subs, err := s.subs.Store().Subscriptions(func(sub *subscriptions.Subscription) bool {
		return sub.Org == id.MSPID && sub.Query == name
	})
	if err != nil {
		writeError(c, err)
		return
	}
	subs, ok = listPage(c, subs)
	if !ok {
		return
	}
	out := make([]QuerySubscription, len(subs))
	for i, sub := range subs {
		out[i] = querySubscription(sub, nil)
	}
	c.JSON(http.StatusOK, out)
}

func newSubscriptionID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// epcisSubscribe answers POST /epcis/queries/{queryName}/subscriptions: 201 with the
// subscription's Location.
func (s *server) epcisSubscribe(c *gin.Context) {
	id, ok := s.queriesCaller(c)
	if !ok {
		return
	}
	var body subscribeBody
	if !s.bindJSON(c, &body) {
		return
	}
	name := c.Param("queryName")
	sub := &subscriptions.Subscription{ID: newSubscriptionID(), Org: id.MSPID, Query: name, Identity: id.Name,
		Spec: subscriptions.Spec{Stream: body.Stream, Schedule: body.Schedule, ReportIfEmpty: body.ReportIfEmpty},
		Dest: body.Dest, SignatureToken: body.SignatureToken, Created: time.Now().UTC()}
	if body.InitialRecordTime != nil {
		sub.InitialRecordTime = body.InitialRecordTime.UTC()
	}
	if err := s.subs.Subscribe(c.Request.Context(), sub); err != nil {
		s.subscriptionsProblem(c, err, "query "+name)
		return
	}
	c.Header("Location", "/epcis/queries/"+url.PathEscape(name)+"/subscriptions/"+sub.ID)
	c.JSON(http.StatusCreated, querySubscription(sub, nil))
}

// epcisSubscription answers GET /epcis/queries/{queryName}/subscriptions/{subscriptionID}.
func (s *server) epcisSubscription(c *gin.Context) {
	id, ok := s.queriesCaller(c)
	if !ok {
		return
	}
	sub, err := s.subs.Store().Subscription(c.Param("subscriptionID"))
	if err == nil && (sub.Org != id.MSPID || sub.Query != c.Param("queryName")) {
		err = subscriptions.ErrNotFound
	}
	var letters []*subscriptions.DeadLetter
	if err == nil {
		letters, err = s.subs.Store().DeadLetters(sub.ID)
	}
	if err != nil {
		s.subscriptionsProblem(c, err, "subscription "+c.Param("subscriptionID"))
		return
	}
	c.JSON(http.StatusOK, querySubscription(sub, letters))
}

// epcisUnsubscribe answers DELETE /epcis/queries/{queryName}/subscriptions/{subscriptionID}.
func (s *server) epcisUnsubscribe(c *gin.Context) {
	id, ok := s.queriesCaller(c)
	if !ok {
		return
	}
	if err := s.subs.Unsubscribe(id.MSPID, c.Param("queryName"), c.Param("subscriptionID")); err != nil {
		s.subscriptionsProblem(c, err, "subscription "+c.Param("subscriptionID"))
		return
	}
	c.Status(http.StatusNoContent)
}
