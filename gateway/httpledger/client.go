// Package httpledger is a ledger.Client that reaches the ledger through a UDI Ledger gateway:
// each chaincode function becomes the REST call the gateway serves for it, signed by the
// gateway with the identity its API key maps to. Programs written against ledger.Client (the
// demo, tools) run unchanged against a remote gateway, and through every check the gateway
// makes.
package httpledger

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/udiledger/udiledger/chaincode/model"
	"github.com/udiledger/udiledger/chaincode/ops"
	"github.com/udiledger/udiledger/gateway/ledger"
	"github.com/udiledger/udiledger/gateway/routes"
)

// Client calls a gateway. It is safe for concurrent use.
type Client struct {
	// RetryFor bounds how long a call that may safely be sent again (a read, or a write whose
	// event ID makes a repeat a replay: its own, or one the gateway derives from the
	// Idempotency-Key the client sends, the same on every try) is tried again when the gateway
	// answers 429, 502, 503 or 504 or cannot be reached: with back-off, honouring Retry-After.
	// Any other call is tried again only when the gateway did nothing of it: 429, 503
	// overloaded, or no connection. 0 tries once. Set it before the first call.
	RetryFor time.Duration
	// AwaitQueued is how long a write the gateway queued in its outbox (202) is followed at
	// its status URL for the ledger's answer; 0 (the default) returns ledger.QueuedError at
	// once, for callers that follow it themselves (a batch of scans).
	AwaitQueued time.Duration

	base   *url.URL
	http   *http.Client
	keys   map[string]string // MSP ID -> API key
	events string            // MSP ID whose key reads the event stream
}

// DefaultRetryFor is a new client's RetryFor: longer than a Raft election or a gateway's
// restart.
const DefaultRetryFor = 30 * time.Second

// The back-off between tries, doubling from the first to the last.
const (
	firstRetryDelay = 250 * time.Millisecond
	maxRetryDelay   = 5 * time.Second
)

// New returns a client of the gateway at baseURL. keys maps each organisation's MSP ID to
// its API key: a proposal is sent with the key of its identity's organisation. hc nil means
// http.DefaultClient.
func New(baseURL string, keys map[string]string, hc *http.Client) (*Client, error) {
	u, err := url.Parse(strings.TrimSuffix(baseURL, "/"))
	if err != nil || u.Scheme == "" || u.Host == "" {
		return nil, fmt.Errorf("gateway URL %q: want http(s)://host:port", baseURL)
	}
	if len(keys) == 0 {
		return nil, errors.New("no API keys")
	}
	if hc == nil {
		hc = http.DefaultClient
	}
	msps := make([]string, 0, len(keys))
	for m := range keys {
		msps = append(msps, m)
	}
	sort.Strings(msps)
	return &Client{RetryFor: DefaultRetryFor, base: u, http: hc, keys: keys, events: msps[0]}, nil
}

// NewWithKey returns a client that sends every proposal with one API key, whatever its
// identity (which may be nil): the gateway signs as the identity that key maps to. This is
// how a person at a terminal uses the gateway.
func NewWithKey(baseURL, key string, hc *http.Client) (*Client, error) {
	c, err := New(baseURL, map[string]string{anyIdentity: key}, hc)
	if err != nil {
		return nil, err
	}
	c.events = anyIdentity
	return c, nil
}

// anyIdentity keys the API key of a client made by NewWithKey.
const anyIdentity = "*"

// Invoke runs one operation through the gateway's route for it (package routes).
func (c *Client) Invoke(ctx context.Context, id *ledger.Identity, op ops.Descriptor, req any) (*ledger.Result, error) {
	key, ok := c.keys[anyIdentity]
	if !ok {
		if id == nil {
			return nil, errors.New("a call without identity")
		}
		if key, ok = c.keys[id.MSPID]; !ok {
			return nil, fmt.Errorf("no API key for %s", id.MSPID)
		}
	}
	rt, ok := routes.ForOp(op.Name())
	if !ok {
		return nil, fmt.Errorf("the gateway serves no route for %s", op.Name())
	}
	path, query, body, err := target(rt, req)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op.Name(), err)
	}
	// A read may be sent again; so may a write whose event ID makes a repeat a replay. A
	// write that names no event ID gets one from its Idempotency-Key, the same on every try.
	repeatable := rt.Method == http.MethodGet || rt.Idempotent
	var header http.Header
	if rt.Idempotent {
		header = http.Header{idempotencyKeyHeader: {newIdempotencyKey()}}
	}
	status, header, answer, err := c.doRetrying(ctx, repeatable, rt.Method, path, query, body, key, header)
	if err != nil {
		return nil, err
	}
	if status == http.StatusAccepted {
		return c.awaitQueued(ctx, key, header.Get("Location"))
	}
	var ids struct {
		TxID string `json:"txId"`
	}
	_ = json.Unmarshal(answer, &ids) // master data answers carry no transaction ID
	return &ledger.Result{TxID: ids.TxID, Payload: answer, Replayed: header.Get("Idempotent-Replayed") == "true"}, nil
}

// awaitQueued follows a write the gateway kept in its outbox (202) at its status URL until the
// ledger took it or refused it, for as long as AwaitQueued allows; still pending then, it is a
// ledger.QueuedError for the caller to follow later.
func (c *Client) awaitQueued(ctx context.Context, key, loc string) (*ledger.Result, error) {
	queued := &ledger.QueuedError{ID: loc[strings.LastIndex(loc, "/")+1:], StatusURL: loc}
	if !strings.HasPrefix(loc, "/") {
		return nil, queued
	}
	give := time.Now().Add(c.AwaitQueued)
	for delay := firstRetryDelay; time.Now().Add(delay).Before(give); delay = min(2*delay, maxRetryDelay) {
		if !sleep(ctx, delay) {
			return nil, queued
		}
		_, _, answer, err := c.do(ctx, http.MethodGet, loc, nil, nil, key, nil)
		if err != nil {
			continue // the gateway restarting: its outbox keeps the write
		}
		var q struct {
			State  string          `json:"state"`
			TxID   string          `json:"txId"`
			Result json.RawMessage `json:"result"`
			Error  string          `json:"error"`
		}
		if json.Unmarshal(answer, &q) != nil {
			return nil, queued
		}
		switch q.State {
		case "committed":
			return &ledger.Result{TxID: q.TxID, Payload: q.Result}, nil
		case "rejected":
			switch model.ParseCode(q.Error) {
			case model.CodeNotFound, model.CodeConflict, model.CodeForbidden, model.CodeInvalid:
				return nil, &ledger.ChaincodeError{Message: q.Error}
			}
			return nil, &GatewayError{Status: http.StatusBadGateway, Detail: "the queued write " + queued.ID + " was refused: " + q.Error}
		}
	}
	return nil, queued
}

// target builds a route's request from an operation's request: path parameters from the
// fields they name, then a read's other fields as query parameters, a write's as its body.
func target(rt routes.Route, req any) (path string, query url.Values, body []byte, err error) {
	b, err := json.Marshal(req)
	if err != nil {
		return "", nil, nil, err
	}
	fields := map[string]any{}
	if err := json.Unmarshal(b, &fields); err != nil {
		return "", nil, nil, fmt.Errorf("request is not a JSON object: %w", err)
	}
	parts := strings.Split(rt.Path, "/")
	for i, p := range parts {
		if name, ok := strings.CutPrefix(p, "{"); ok {
			name = strings.TrimSuffix(name, "}")
			v, _ := fields[name].(string)
			if v == "" {
				return "", nil, nil, fmt.Errorf("%s is required", name)
			}
			parts[i] = url.PathEscape(v)
			delete(fields, name)
		}
	}
	path = strings.Join(parts, "/")
	if rt.Method == http.MethodGet {
		query = url.Values{}
		for k, v := range fields {
			if s := fmt.Sprint(v); s != "" && s != "0" && s != "false" && v != nil {
				query.Set(k, s)
			}
		}
		return path, query, nil, nil
	}
	body, err = json.Marshal(fields)
	return path, nil, body, err
}

// doRetrying is do, tried again while the answer says "later" (retryLater) and RetryFor
// allows: when repeatable, or whatever the request when the gateway did not start it
// (notStarted).
func (c *Client) doRetrying(ctx context.Context, repeatable bool, method, path string, query url.Values, body []byte, key string, extra http.Header) (int, http.Header, []byte, error) {
	give := time.Now().Add(c.RetryFor)
	delay := firstRetryDelay
	for {
		status, header, answer, err := c.do(ctx, method, path, query, body, key, extra)
		wait, later := retryLater(status, header, err, delay)
		if !(repeatable || notStarted(status, err)) || !later || ctx.Err() != nil || time.Now().Add(wait).After(give) {
			return status, header, answer, err
		}
		if !sleep(ctx, wait) {
			return status, header, answer, err
		}
		delay = min(2*delay, maxRetryDelay)
	}
}

// sleep waits d, or less when ctx ends first (then it reports false).
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// retryLater reports whether an answer asks to try again, and after how long: the gateway
// unreachable (status 0), 429, 502, 503 or 504, after Retry-After's seconds when given, else
// after delay.
func retryLater(status int, header http.Header, err error, delay time.Duration) (time.Duration, bool) {
	switch {
	case err != nil && status == 0:
		return delay, true
	case status == http.StatusTooManyRequests, status == http.StatusBadGateway,
		status == http.StatusServiceUnavailable, status == http.StatusGatewayTimeout:
		if secs, perr := strconv.Atoi(header.Get("Retry-After")); perr == nil && secs >= 0 {
			return time.Duration(secs) * time.Second, true
		}
		return delay, true
	}
	return 0, false
}

// notStarted reports whether an answer says the gateway did nothing of the request, so that
// any request may be sent again: a key over its limits (429), a gateway shedding load (503
// overloaded), or a connection that could not be opened.
func notStarted(status int, err error) bool {
	var ge *GatewayError
	var op *net.OpError
	switch {
	case status == http.StatusTooManyRequests:
		return true
	case status == http.StatusServiceUnavailable:
		return errors.As(err, &ge) && ge.Problem == ProblemOverloaded
	case status == 0:
		return errors.As(err, &op) && op.Op == "dial"
	}
	return false
}

// ProblemOverloaded is the problem type (its last segment) of a gateway shedding load: it did
// nothing of the request.
const ProblemOverloaded = "overloaded"

// idempotencyKeyHeader gives a write without an event ID the same one on every try (the
// gateway's api.IdempotencyKeyHeader).
const idempotencyKeyHeader = "Idempotency-Key"

// newIdempotencyKey is a random key, one per call.
func newIdempotencyKey() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return "httpledger-" + hex.EncodeToString(b)
}

func (c *Client) do(ctx context.Context, method, path string, query url.Values, body []byte, key string, extra http.Header) (int, http.Header, []byte, error) {
	target := c.base.String() + path
	if len(query) > 0 {
		target += "?" + query.Encode()
	}
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, target, rd)
	if err != nil {
		return 0, nil, nil, err
	}
	for k, vs := range extra {
		req.Header[k] = vs
	}
	req.Header.Set("Authorization", "Bearer "+key)
	req.Header.Set("Accept", "application/json")
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := c.http.Do(req)
	if err != nil {
		return 0, nil, nil, fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer res.Body.Close()
	answer, err := io.ReadAll(res.Body)
	if err != nil {
		return 0, nil, nil, err
	}
	if res.StatusCode >= 300 {
		return res.StatusCode, res.Header, nil, problemError(res.StatusCode, answer)
	}
	return res.StatusCode, res.Header, answer, nil
}

// problem is the part of an RFC 9457 problem document the client reads.
type problem struct {
	Type   string `json:"type"`
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail"`
	Code   string `json:"code"`
	Errors []struct {
		Field  string `json:"field"`
		Reason string `json:"reason"`
	} `json:"errors"`
}

// GatewayError is a refusal by the gateway itself (authentication, request shape, backend
// down), as opposed to a rule of the chaincode.
type GatewayError struct {
	Status int
	Detail string
	// Problem is the last segment of the problem's type (overloaded, ledger-unavailable, …).
	Problem string
}

func (e *GatewayError) Error() string {
	return fmt.Sprintf("gateway answered %d: %s", e.Status, e.Detail)
}

// problemError turns a problem answer back into the error a ledger.Client gives: the
// chaincode's coded message, a commit failure, or a GatewayError.
func problemError(status int, body []byte) error {
	var p problem
	if json.Unmarshal(body, &p) != nil {
		return &GatewayError{Status: status, Detail: strings.TrimSpace(string(body))}
	}
	detail := p.Detail
	for _, f := range p.Errors {
		detail += "; " + f.Field + ": " + f.Reason
	}
	switch model.Code(p.Code) {
	case model.CodeNotFound, model.CodeConflict, model.CodeForbidden, model.CodeInvalid:
		return &ledger.ChaincodeError{Message: p.Code + ": " + p.Detail}
	}
	if status == http.StatusConflict && p.Code != "" {
		return &ledger.CommitError{ValidationCode: p.Code}
	}
	return &GatewayError{Status: status, Detail: detail, Problem: p.Type[strings.LastIndex(p.Type, "/")+1:]}
}

// Events streams the gateway's server-sent chaincode events from block fromBlock.
func (c *Client) Events(ctx context.Context, fromBlock uint64) (<-chan ledger.Event, error) {
	target := c.base.String() + "/v1/events/stream?fromBlock=" + strconv.FormatUint(fromBlock, 10)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+c.keys[c.events])
	req.Header.Set("Accept", "text/event-stream")
	res, err := c.http.Do(req)
	if err != nil {
		return nil, err
	}
	if res.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(res.Body)
		_ = res.Body.Close()
		return nil, problemError(res.StatusCode, body)
	}
	out := make(chan ledger.Event)
	go func() {
		defer close(out)
		defer res.Body.Close()
		readEvents(ctx, res.Body, out)
	}()
	return out, nil
}

// readEvents parses a server-sent event stream: "id: <block>.<txid>", "event: <name>",
// "data: <payload>", a blank line ending each event; comments (":") are keep-alives.
func readEvents(ctx context.Context, r io.Reader, out chan<- ledger.Event) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 8<<20)
	var ev ledger.Event
	for sc.Scan() {
		line := sc.Text()
		field, value, _ := strings.Cut(line, ": ")
		switch field {
		case "id":
			block, tx, _ := strings.Cut(value, ".")
			ev.BlockNumber, _ = strconv.ParseUint(block, 10, 64)
			ev.TxID = tx
		case "event":
			ev.Name = value
		case "data":
			ev.Payload = []byte(value)
		case "":
			if line == "" && ev.TxID != "" {
				select {
				case out <- ev:
				case <-ctx.Done():
					return
				}
				ev = ledger.Event{}
			}
		}
	}
}

// Close releases nothing: the client holds no connection of its own.
func (c *Client) Close() error { return nil }
