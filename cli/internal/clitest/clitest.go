// Package clitest gives command tests a real gateway over a development ledger on which the
// demo story has been played, and runs commands as a user would.
package clitest

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/udiledger/udiledger/chaincode/orgs"
	"github.com/udiledger/udiledger/cli/demo"
	"github.com/udiledger/udiledger/cli/internal/cmdutil"
	"github.com/udiledger/udiledger/gateway/ledger"
	"github.com/udiledger/udiledger/gateway/ledger/devledger"
	"github.com/udiledger/udiledger/gateway/server"
)

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
	a, err := demo.ActorsOf(func(o orgs.Org) (*ledger.Identity, error) { return led.Admin(o.MSPID) })
	if err != nil {
		t.Fatal(err)
	}
	if _, err := demo.Run(context.Background(), &ledger.Caller{Client: led}, a, demo.Options{}); err != nil {
		t.Fatal(err)
	}
	gw, err := server.StartLoopback(led, a.Regulator, a.Manufacturer, a.Distributor, a.Platform, a.Hospital)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = gw.Close() })
	return &Gateway{URL: gw.URL, Keys: gw.Keys}
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
