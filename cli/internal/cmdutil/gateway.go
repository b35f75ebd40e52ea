package cmdutil

import (
	"context"
	"errors"
	"fmt"
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

// Call runs one ledger operation through the gateway, signed as the API key's identity.
func Call[Req, Res any](ctx context.Context, g Gateway, op ops.Op[Req, Res], req Req) (*Res, error) {
	c, err := g.Client()
	if err != nil {
		return nil, err
	}
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
