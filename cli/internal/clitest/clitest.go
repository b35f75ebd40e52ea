// Package clitest gives command tests a real gateway over a development ledger on which the
// demo story has been played, and runs commands as a user would.
package clitest

import (
	"bytes"
	"context"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"
	"github.com/spf13/cobra"

	"github.com/udiledger/udiledger/cli/internal/cmdutil"
	"github.com/udiledger/udiledger/gateway/api"
	"github.com/udiledger/udiledger/gateway/auth"
	"github.com/udiledger/udiledger/gateway/demo"
	"github.com/udiledger/udiledger/gateway/ledger"
	"github.com/udiledger/udiledger/gateway/ledger/devledger"
)

func init() { gin.SetMode(gin.TestMode) }

// Gateway is a running gateway and an API key per organisation (by MSP ID).
type Gateway struct {
	URL  string
	Keys map[string]string
}

// StoryGateway plays the demo story on a fresh development ledger and serves it.
func StoryGateway(t *testing.T) *Gateway {
	t.Helper()
	led, err := devledger.Open(t.TempDir(), devledger.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = led.Close() })
	ring, keys, ids := auth.NewKeyring(), map[string]string{}, map[string]*ledger.Identity{}
	for _, m := range []string{devledger.Regulator, devledger.Manufacturer, devledger.Distributor, devledger.Platform, devledger.Hospital} {
		id, err := led.Admin(m)
		if err != nil {
			t.Fatal(err)
		}
		key, hash, err := auth.NewKey()
		if err != nil {
			t.Fatal(err)
		}
		if err := ring.Add(hash, &auth.Principal{Name: m, Identity: id}); err != nil {
			t.Fatal(err)
		}
		keys[m], ids[m] = key, id
	}
	if _, err := demo.Run(context.Background(), led, demo.Actors{Regulator: ids[devledger.Regulator], Manufacturer: ids[devledger.Manufacturer],
		Distributor: ids[devledger.Distributor], Platform: ids[devledger.Platform], Hospital: ids[devledger.Hospital]}, demo.Options{}); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(api.New(api.Options{Ledger: led, Keyring: ring}))
	t.Cleanup(srv.Close)
	return &Gateway{URL: srv.URL, Keys: keys}
}

// Env is the environment a user of msp's organisation would have set.
func (g *Gateway) Env(msp string) func(string) string {
	return func(k string) string {
		switch k {
		case "UDI_GATEWAY":
			return g.URL
		case "UDI_API_KEY":
			return g.Keys[msp]
		}
		return ""
	}
}

// Run runs a command built by newCmd with args and the environment (nil: none), and returns
// what it printed and its exit code.
func Run(t *testing.T, env func(string) string, newCmd func(*cmdutil.Factory) *cobra.Command, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	if env == nil {
		env = func(string) string { return "" }
	}
	var out, errOut bytes.Buffer
	f := &cmdutil.Factory{IO: cmdutil.IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut}, Getenv: env}
	cmd := newCmd(f)
	cmd.SetArgs(args)
	cmd.SetOut(&out)
	cmd.SetErr(&errOut)
	cmd.SilenceUsage, cmd.SilenceErrors = true, true
	err := cmd.Execute()
	if err != nil {
		errOut.WriteString(err.Error())
	}
	return out.String(), errOut.String(), cmdutil.ExitCode(err)
}
