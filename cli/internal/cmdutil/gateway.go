package cmdutil

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/spf13/cobra"

	"github.com/udiledger/udiledger/gateway/httpledger"
	"github.com/udiledger/udiledger/gateway/ledger"
)

// DefaultGateway is where `udi serve` listens unless told otherwise.
const DefaultGateway = "http://127.0.0.1:8080"

// Gateway is how a command reaches a UDI Ledger gateway: its URL and the caller's API key.
type Gateway struct {
	URL    string
	APIKey string
}

// AddGatewayFlags adds --gateway and --api-key, defaulting to UDI_GATEWAY and UDI_API_KEY.
func AddGatewayFlags(cmd *cobra.Command, f *Factory, g *Gateway) {
	url := f.Getenv("UDI_GATEWAY")
	if url == "" {
		url = DefaultGateway
	}
	cmd.Flags().StringVar(&g.URL, "gateway", url, "gateway URL (env UDI_GATEWAY)")
	cmd.Flags().StringVar(&g.APIKey, "api-key", f.Getenv("UDI_API_KEY"), "API key (env UDI_API_KEY; prefer the variable: flags show in the process list)")
}

// Client returns a ledger client that goes through the gateway with the API key.
func (g Gateway) Client() (*httpledger.Client, error) {
	if g.APIKey == "" {
		return nil, InvalidInput(errors.New("no API key: set UDI_API_KEY or --api-key (udi serve prints one per organisation in development mode)"))
	}
	c, err := httpledger.NewWithKey(g.URL, g.APIKey, &http.Client{Timeout: time.Minute})
	if err != nil {
		return nil, InvalidInput(err)
	}
	return c, nil
}

// Evaluate runs a read through the gateway and decodes its answer into out.
func (g Gateway) Evaluate(ctx context.Context, out any, fn string, args ...string) error {
	c, err := g.Client()
	if err != nil {
		return err
	}
	b, err := c.Evaluate(ctx, ledger.Proposal{Function: fn, Args: args})
	if err != nil {
		return LedgerError(err)
	}
	return json.Unmarshal(b, out)
}

// Submit runs a state change through the gateway with one JSON argument and decodes its
// answer into out.
func (g Gateway) Submit(ctx context.Context, out any, fn string, arg any) error {
	c, err := g.Client()
	if err != nil {
		return err
	}
	b, err := json.Marshal(arg)
	if err != nil {
		return err
	}
	res, err := c.Submit(ctx, ledger.Proposal{Function: fn, Args: []string{string(b)}})
	if err != nil {
		return LedgerError(err)
	}
	return json.Unmarshal(res.Payload, out)
}

// LedgerError gives an error of a gateway call its exit code: a refusal by the ledger or of
// the request by the gateway is ExitRejected or ExitInvalid, anything else a failure.
func LedgerError(err error) error {
	var ce *ledger.ChaincodeError
	var ge *httpledger.GatewayError
	switch {
	case errors.As(err, &ce):
		return &ExitError{Code: ExitRejected, Err: errors.New(ce.Message)}
	case errors.As(err, &ge) && (ge.Status == http.StatusBadRequest || ge.Status == http.StatusUnprocessableEntity):
		return &ExitError{Code: ExitInvalid, Err: fmt.Errorf("the gateway refused the request: %s", ge.Detail)}
	case errors.As(err, &ge) && ge.Status < 500:
		return &ExitError{Code: ExitRejected, Err: fmt.Errorf("the gateway refused the request (%d): %s", ge.Status, ge.Detail)}
	}
	return err
}
