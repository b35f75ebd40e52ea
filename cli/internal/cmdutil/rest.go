package cmdutil

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// REST reaches the gateway's routes that no ledger operation stands behind (EPCIS capture and
// queries, capture jobs): plain HTTP with the API key, through the same client as Call.
type REST struct {
	base     *url.URL
	key      string
	http     *http.Client
	retryFor time.Duration // Gateway.RetryFor
}

// REST resolves the gateway and key as Client does and returns a REST client.
func (g Gateway) REST() (*REST, error) {
	t, err := g.Resolve()
	if err != nil {
		return nil, err
	}
	if t.APIKey == "" {
		return nil, InvalidInput(errors.New("no API key: set UDI_API_KEY, --api-key or a context (udi context add); udi serve prints one per organisation in development mode"))
	}
	u, err := url.Parse(strings.TrimSuffix(t.URL, "/"))
	if err != nil || u.Scheme == "" || u.Host == "" {
		return nil, InvalidInput(fmt.Errorf("gateway URL %q: want http(s)://host:port", t.URL))
	}
	return &REST{base: u, key: t.APIKey, http: g.httpClient(), retryFor: g.RetryFor}, nil
}

// Request is one request of a REST client.
type Request struct {
	Method      string
	Path        string // with its query, if any
	Query       url.Values
	ContentType string
	Accept      string // default application/json
	Header      http.Header
	Body        []byte
}

// Response is an answer of any status.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// The back-off between tries of a REST request, doubling from the first to the last.
const (
	firstRetryDelay = 250 * time.Millisecond
	maxRetryDelay   = 5 * time.Second
)

// Do sends r. An answer of any status is a Response; err is only a request that got none.
// While --retry-for allows, r is sent again, after Retry-After when the gateway gives one,
// whenever the gateway did nothing of it (429, 503 overloaded, no connection) and, when its
// method is idempotent (GET, HEAD, PUT, DELETE), whenever the gateway answers "later" (502,
// 503, 504) or hangs up.
func (c *REST) Do(ctx context.Context, r Request) (*Response, error) {
	give := time.Now().Add(c.retryFor)
	delay := firstRetryDelay
	for {
		res, err := c.once(ctx, r)
		wait, again := tryAgain(r.Method, res, err, delay)
		if !again || ctx.Err() != nil || time.Now().Add(wait).After(give) {
			return res, err
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return res, err
		case <-t.C:
		}
		delay = min(2*delay, maxRetryDelay)
	}
}

// tryAgain reports whether a request that got res (or err) may be sent again, and after how
// long: Retry-After's seconds when the answer has them, else delay.
func tryAgain(method string, res *Response, err error, delay time.Duration) (time.Duration, bool) {
	idempotent := method == http.MethodGet || method == http.MethodHead || method == http.MethodPut || method == http.MethodDelete
	if err != nil {
		var op *net.OpError
		return delay, idempotent || (errors.As(err, &op) && op.Op == "dial")
	}
	switch res.Status {
	case http.StatusTooManyRequests, http.StatusServiceUnavailable, http.StatusBadGateway, http.StatusGatewayTimeout:
	default:
		return 0, false
	}
	notStarted := res.Status == http.StatusTooManyRequests || (res.Status == http.StatusServiceUnavailable && res.problemType() == "overloaded")
	if !idempotent && !notStarted {
		return 0, false
	}
	if secs, perr := strconv.Atoi(res.Header.Get("Retry-After")); perr == nil && secs >= 0 {
		return time.Duration(secs) * time.Second, true
	}
	return delay, true
}

// problemType is the last segment of the answer's problem type, if it is a problem.
func (r *Response) problemType() string {
	var p struct {
		Type string `json:"type"`
	}
	if json.Unmarshal(r.Body, &p) != nil {
		return ""
	}
	return p.Type[strings.LastIndex(p.Type, "/")+1:]
}

// once sends r once.
func (c *REST) once(ctx context.Context, r Request) (*Response, error) {
	target := c.base.String() + r.Path
	if len(r.Query) > 0 {
		sep := "?"
		if strings.Contains(r.Path, "?") {
			sep = "&"
		}
		target += sep + r.Query.Encode()
	}
	var body io.Reader
	if r.Body != nil {
		body = bytes.NewReader(r.Body)
	}
	req, err := http.NewRequestWithContext(ctx, r.Method, target, body)
	if err != nil {
		return nil, err
	}
	for k, vs := range r.Header {
		req.Header[k] = vs
	}
	req.Header.Set("Authorization", "Bearer "+c.key)
	accept := r.Accept
	if accept == "" {
		accept = "application/json"
	}
	req.Header.Set("Accept", accept)
	if r.ContentType != "" {
		req.Header.Set("Content-Type", r.ContentType)
	}
	res, err := c.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", r.Method, r.Path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", r.Method, r.Path, err)
	}
	return &Response{Status: res.StatusCode, Header: res.Header, Body: b}, nil
}

// GetJSON sends a GET and decodes a 200 answer into v; any other status is its Problem.
func (c *REST) GetJSON(ctx context.Context, path string, query url.Values, v any) (*Response, error) {
	res, err := c.Do(ctx, Request{Method: http.MethodGet, Path: path, Query: query})
	if err != nil {
		return nil, err
	}
	if res.Status != http.StatusOK {
		return res, res.Problem()
	}
	if err := json.Unmarshal(res.Body, v); err != nil {
		return res, fmt.Errorf("GET %s: the answer is not the JSON expected: %w", path, err)
	}
	return res, nil
}

// Problem is an RFC 9457 problem document of the gateway, in the fields the CLI shows.
type Problem struct {
	Status int    `json:"status"`
	Title  string `json:"title"`
	Detail string `json:"detail"`
	Code   string `json:"code,omitempty"`
	Errors []struct {
		Field  string `json:"field"`
		Reason string `json:"reason"`
	} `json:"errors,omitempty"`
}

// Line is the problem as one readable line: the detail (else the title), then each field
// with its reason.
func (p Problem) Line() string {
	s := p.Detail
	if s == "" {
		s = p.Title
	}
	if p.Code != "" && !strings.HasPrefix(s, p.Code) {
		s = p.Code + ": " + s
	}
	for _, f := range p.Errors {
		field := f.Field
		if field == "" {
			field = "(document)"
		}
		s += "; " + field + ": " + f.Reason
	}
	return s
}

// Problem reads the answer's problem document (or its text) as an error with the exit code
// of its status: 400, 413, 415 and 422 are invalid input, 5xx a failure, other 4xx a refusal.
func (r *Response) Problem() error {
	var p Problem
	line := strings.TrimSpace(string(r.Body))
	if json.Unmarshal(r.Body, &p) == nil && (p.Detail != "" || p.Title != "") {
		line = p.Line()
	}
	if line == "" {
		line = http.StatusText(r.Status)
	}
	err := fmt.Errorf("the gateway refused the request (%d): %s", r.Status, line)
	switch {
	case r.Status == http.StatusBadRequest || r.Status == http.StatusRequestEntityTooLarge ||
		r.Status == http.StatusUnsupportedMediaType || r.Status == http.StatusUnprocessableEntity:
		return &ExitError{Code: ExitInvalid, Err: err}
	case r.Status >= 500:
		return &ExitError{Code: ExitFailure, Err: fmt.Errorf("the gateway failed (%d): %s", r.Status, line)}
	}
	return &ExitError{Code: ExitRejected, Err: err}
}
