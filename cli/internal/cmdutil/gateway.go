package cmdutil

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/spf13/cobra"

	"github.com/udiledger/udiledger/chaincode/ops"
	"github.com/udiledger/udiledger/gateway/httpledger"
	"github.com/udiledger/udiledger/gateway/ledger"
	"github.com/udiledger/udiledger/gateway/server"
)

// DefaultGateway is where `udi serve` listens unless told otherwise.
const DefaultGateway = "http://" + server.DefaultAddr

// Gateway is how a command reaches a UDI Ledger gateway. Its fields are the command's flags;
// Resolve fills in the rest from the environment and the configuration file.
type Gateway struct {
	URL     string // --gateway
	APIKey  string // --api-key
	Context string // --context
	Verbose bool   // --verbose: each request's method, URL, status and request ID on stderr
	// RetryFor is --retry-for: how long a call that may be repeated is tried again while the
	// gateway is unreachable or answers "later" (httpledger.Client.RetryFor).
	RetryFor time.Duration

	getenv func(string) string
	errOut io.Writer
}

// Target is a resolved gateway: its URL, the API key and where each came from (for messages;
// never the key itself).
type Target struct {
	URL, APIKey      string
	URLFrom, KeyFrom string // "--gateway", "UDI_GATEWAY", "context plant", "default"…
	Context          string // the context used, if any
}

// AddGatewayFlags adds --gateway, --api-key and --context to cmd.
func AddGatewayFlags(cmd *cobra.Command, f *Factory, g *Gateway) {
	g.getenv, g.errOut = f.Getenv, f.IO.ErrOut
	cmd.Flags().StringVar(&g.URL, "gateway", "", "gateway URL (default: UDI_GATEWAY, else the context's, else "+DefaultGateway+")")
	cmd.Flags().StringVar(&g.APIKey, "api-key", "", "API key (default: UDI_API_KEY, else the context's; prefer those: flags show in the process list)")
	cmd.Flags().StringVar(&g.Context, "context", "", "use this context of `udi context list` instead of the current one")
	cmd.Flags().BoolVarP(&g.Verbose, "verbose", "v", false, "print each request's method, URL, status and the gateway's request ID on stderr")
	cmd.Flags().DurationVar(&g.RetryFor, "retry-for", httpledger.DefaultRetryFor,
		"how long reads and writes with event IDs are tried again while the gateway is unreachable or busy, and a write the gateway queued is followed (0: once)")
}

// Resolve finds the gateway and the API key: the flag (--gateway, --api-key) first; then, when
// --context names a context, that context's; else the environment (UDI_GATEWAY, UDI_API_KEY),
// else the current context of the configuration file. The URL defaults to DefaultGateway. The
// environment and the current context never give one the URL and the other the key
// (sameSource). It is the one place every gateway command learns where
// to go and as whom.
func (g Gateway) Resolve() (Target, error) {
	getenv := g.getenv
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	var ctx *Context
	if g.Context != "" || (g.URL == "" && getenv("UDI_GATEWAY") == "") || (g.APIKey == "" && getenv("UDI_API_KEY") == "") {
		cfg, err := LoadConfig(getenv)
		if err != nil {
			return Target{}, err
		}
		if g.Context != "" {
			c, ok := cfg.Find(g.Context)
			if !ok {
				return Target{}, InvalidInput(fmt.Errorf("no context %q (udi context list shows them)", g.Context))
			}
			ctx = c
		} else if c, ok := cfg.CurrentContext(); ok {
			ctx = c
		}
	}
	var t Target
	pick := func(flag, flagName, env, inCtx string) (string, string) {
		switch {
		case flag != "":
			return flag, flagName
		case g.Context == "" && getenv(env) != "":
			return getenv(env), env
		case ctx != nil && inCtx != "":
			t.Context = ctx.Name
			return inCtx, "context " + ctx.Name
		}
		return "", ""
	}
	var ctxURL, ctxKey string
	if ctx != nil {
		ctxURL, ctxKey = ctx.Gateway, ctx.APIKey
	}
	t.URL, t.URLFrom = pick(g.URL, "--gateway", "UDI_GATEWAY", ctxURL)
	t.APIKey, t.KeyFrom = pick(g.APIKey, "--api-key", "UDI_API_KEY", ctxKey)
	if t.URL == "" {
		t.URL, t.URLFrom = DefaultGateway, "default"
	}
	if err := sameSource(t, ctx); err != nil {
		return Target{}, err
	}
	return t, nil
}

// sameSource refuses a key and a gateway that the current context and the environment give
// one each: a key meant for one gateway would go to another. --gateway, --api-key and
// --context say what the user means and may be combined.
func sameSource(t Target, ctx *Context) error {
	if ctx == nil || t.APIKey == "" {
		return nil
	}
	fromCtx := "context " + ctx.Name
	switch {
	case t.URLFrom == fromCtx && t.KeyFrom == "UDI_API_KEY":
		return InvalidInput(fmt.Errorf("UDI_API_KEY is set but the gateway would be context %s's (%s): set UDI_GATEWAY too, or unset UDI_API_KEY to use the context's key", ctx.Name, ctx.Gateway))
	case t.KeyFrom == fromCtx && t.URLFrom == "UDI_GATEWAY" && t.URL != ctx.Gateway:
		return InvalidInput(fmt.Errorf("UDI_GATEWAY is %s but the key would be context %s's, which is for %s: set UDI_API_KEY too, or unset UDI_GATEWAY", t.URL, ctx.Name, ctx.Gateway))
	}
	return nil
}

// Client returns a ledger client that goes through the gateway with the API key.
func (g Gateway) Client() (*httpledger.Client, error) {
	t, err := g.Resolve()
	if err != nil {
		return nil, err
	}
	if t.APIKey == "" {
		return nil, InvalidInput(errors.New("no API key: set UDI_API_KEY, --api-key or a context (udi context add); udi serve prints one per organisation in development mode"))
	}
	c, err := httpledger.NewWithKey(t.URL, t.APIKey, g.httpClient())
	if err != nil {
		return nil, InvalidInput(err)
	}
	c.RetryFor = g.RetryFor
	return c, nil
}

// Call runs one ledger operation through the gateway, signed as the API key's identity. A
// write the gateway queued in its outbox (202) is followed to the ledger's answer for as long
// as --retry-for allows.
func Call[Req, Res any](ctx context.Context, g Gateway, op ops.Op[Req, Res], req Req) (*Res, error) {
	c, err := g.Client()
	if err != nil {
		return nil, err
	}
	c.AwaitQueued = g.RetryFor
	r, err := ledger.Do(ctx, c, nil, op, req)
	if err != nil {
		return nil, LedgerError(err)
	}
	return r.Value, nil
}

// LedgerError gives an error of a gateway call its exit code: a refusal by the ledger or of
// the request by the gateway is ExitRejected or ExitInvalid, anything else a failure.
func LedgerError(err error) error {
	var ce *ledger.ChaincodeError
	var ge *httpledger.GatewayError
	var qe *ledger.QueuedError
	switch {
	case errors.As(err, &qe):
		return &ExitError{Code: ExitFailure, Err: fmt.Errorf("the ledger has not taken the write yet: the gateway keeps it in its outbox and submits it when the ledger is back; follow it at %s", qe.StatusURL)}
	case errors.As(err, &ce):
		return &ExitError{Code: ExitRejected, Err: errors.New(ce.Message)}
	case errors.As(err, &ge) && (ge.Status == http.StatusBadRequest || ge.Status == http.StatusUnprocessableEntity):
		return &ExitError{Code: ExitInvalid, Err: fmt.Errorf("the gateway refused the request: %s", ge.Detail)}
	case errors.As(err, &ge) && ge.Status < 500:
		return &ExitError{Code: ExitRejected, Err: fmt.Errorf("the gateway refused the request (%d): %s", ge.Status, ge.Detail)}
	}
	return err
}

// httpClient is the HTTP client of every request to the gateway: with --verbose it logs each
// request on stderr.
func (g Gateway) httpClient() *http.Client {
	c := &http.Client{Timeout: 5 * time.Minute}
	if g.Verbose && g.errOut != nil {
		c.Transport = verboseTransport{next: http.DefaultTransport, w: g.errOut}
	}
	return c
}

// verboseTransport writes one line per request: method, URL, status, the gateway's request ID
// (X-Request-ID, which its logs carry too) and the time it took. Headers are never printed:
// the API key travels in one.
type verboseTransport struct {
	next http.RoundTripper
	w    io.Writer
}

// RequestIDHeader is the header the gateway names each request by.
const RequestIDHeader = "X-Request-ID"

func (t verboseTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	start := time.Now()
	res, err := t.next.RoundTrip(req)
	took := time.Since(start).Round(time.Millisecond)
	if err != nil {
		fmt.Fprintf(t.w, "udi: %s %s: %v (%s)\n", req.Method, req.URL.Redacted(), err, took)
		return nil, err
	}
	id := res.Header.Get(RequestIDHeader)
	if id == "" {
		id = "-"
	}
	fmt.Fprintf(t.w, "udi: %s %s %d request-id %s (%s)\n", req.Method, req.URL.Redacted(), res.StatusCode, id, took)
	return res, nil
}
