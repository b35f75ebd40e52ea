// Package clitest gives command tests a real gateway over a development ledger on which the
// demo story has been played, and runs commands as a user would.
package clitest

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/spf13/cobra"

	"github.com/udiledger/udiledger/chaincode/gs1"
	"github.com/udiledger/udiledger/chaincode/model"
	"github.com/udiledger/udiledger/chaincode/ops"
	"github.com/udiledger/udiledger/chaincode/orgs"
	"github.com/udiledger/udiledger/cli/demo"
	"github.com/udiledger/udiledger/cli/internal/cmdutil"
	"github.com/udiledger/udiledger/gateway/api"
	"github.com/udiledger/udiledger/gateway/auth"
	"github.com/udiledger/udiledger/gateway/capturejobs"
	"github.com/udiledger/udiledger/gateway/httpledger"
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
func StoryGateway(t testing.TB) *Gateway {
	t.Helper()
	return StoryGatewayWith(t, Options{})
}

// Options change the gateway StoryGatewayWith starts.
type Options struct {
	// Wrap, when set, wraps the gateway's ledger client: a test makes the ledger fail or
	// watches what reaches it. The story itself is played on the ledger directly.
	Wrap func(ledger.Client) ledger.Client
	// Sync commits with fsync, as udi serve does (tests skip it for speed).
	Sync bool
	// CaptureJobs gives the gateway a capture job store, as udi serve has: POST /epcis/capture
	// answers 202 and a job (the loopback gateway answers per event).
	CaptureJobs bool
}

// StoryGatewayWith is StoryGateway with options.
func StoryGatewayWith(t testing.TB, opts Options) *Gateway {
	t.Helper()
	led, err := devledger.Open(t.TempDir(), devledger.Options{NoSync: !opts.Sync})
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
	var client ledger.Client = led
	if opts.Wrap != nil {
		client = opts.Wrap(led)
	}
	ids := []*ledger.Identity{a.Regulator, a.Manufacturer, a.Distributor, a.Platform, a.Hospital}
	if opts.CaptureJobs {
		return withCaptureJobs(t, client, ids)
	}
	gw, err := server.StartLoopback(client, ids...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = gw.Close() })
	return &Gateway{URL: gw.URL, Keys: gw.Keys}
}

// withCaptureJobs serves client through the gateway's API with a capture job store in a
// temporary directory and one API key per identity.
func withCaptureJobs(t testing.TB, client ledger.Client, ids []*ledger.Identity) *Gateway {
	t.Helper()
	ring, keys := auth.NewKeyring(), map[string]string{}
	for _, id := range ids {
		key, hash, err := auth.NewKey()
		if err != nil {
			t.Fatal(err)
		}
		if err := ring.Add(hash, &auth.Principal{Name: id.MSPID + " test", Identity: id}); err != nil {
			t.Fatal(err)
		}
		keys[id.MSPID] = key
	}
	jobs, err := capturejobs.Open(filepath.Join(t.TempDir(), "capture-jobs.db"))
	if err != nil {
		t.Fatal(err)
	}
	gin.SetMode(gin.ReleaseMode) // no route dump in the test log, as udi serve
	closing := make(chan struct{})
	srv := httptest.NewServer(api.New(api.Options{Ledger: client, Keyring: ring, CaptureJobs: jobs, Closing: closing}))
	t.Cleanup(func() {
		close(closing)
		srv.Close()
		_ = jobs.Close()
	})
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
func Run(t testing.TB, env func(string) string, newCmd func(*cmdutil.Factory) *cobra.Command, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	return RunWith(context.Background(), Input{Env: env}, newCmd, args...)
}

// Input is what a command run is given besides its arguments.
type Input struct {
	Env   func(string) string // nil: an empty environment
	Stdin string
	// ErrTerminal makes the command take its stderr for a terminal (progress bars).
	ErrTerminal bool
}

// RunWith runs a command with ctx (which a test may cancel, as an interrupt does) and in.
func RunWith(ctx context.Context, in Input, newCmd func(*cmdutil.Factory) *cobra.Command, args ...string) (stdout, stderr string, code int) {
	env := in.Env
	if env == nil {
		env = func(string) string { return "" }
	}
	var out, errOut bytes.Buffer
	f := &cmdutil.Factory{IO: cmdutil.IOStreams{In: strings.NewReader(in.Stdin), Out: &out, ErrOut: &errOut, ErrTerminal: in.ErrTerminal}, Getenv: env}
	cmd := newCmd(f)
	cmd.SetArgs(args)
	cmd.SetOut(&out)
	cmd.SetErr(&errOut)
	cmd.SilenceUsage, cmd.SilenceErrors = true, true
	err := cmd.ExecuteContext(ctx)
	var ee *cmdutil.ExitError
	if err != nil && !(errors.As(err, &ee) && ee.Silent) {
		errOut.WriteString(err.Error()) // as udi's main prints it
	}
	return out.String(), errOut.String(), cmdutil.ExitCode(err)
}

// NewLot registers, as the story's manufacturer, a device product whose DI is base with its
// check digit and a lot of it, and returns the DI.
func (g *Gateway) NewLot(t testing.TB, base, lot string) string {
	t.Helper()
	d, err := gs1.CheckDigit(base)
	if err != nil {
		t.Fatal(err)
	}
	di := base + string(d)
	ctx := context.Background()
	c := g.Client(t, orgs.Manufacturer)
	if _, err := ledger.Do(ctx, c, nil, ops.RegisterProduct, model.Product{DI: di, Name: "Infusion set", Kind: model.KindDevice}); err != nil {
		t.Fatal(err)
	}
	if _, err := ledger.Do(ctx, c, nil, ops.RegisterLot, model.Lot{DI: di, Lot: lot, Expiry: time.Now().AddDate(2, 0, 0).Format("2006-01-02")}); err != nil {
		t.Fatal(err)
	}
	return di
}

// Client is a ledger client of the gateway signing as msp's story identity.
func (g *Gateway) Client(t testing.TB, msp string) *httpledger.Client {
	t.Helper()
	c, err := httpledger.NewWithKey(g.URL, g.Keys[msp], &http.Client{Timeout: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// Verify asks the gateway, as the regulator, what it knows of code.
func (g *Gateway) Verify(t testing.TB, code string) model.Verification {
	t.Helper()
	r, err := ledger.Do(context.Background(), g.Client(t, orgs.Regulator), nil, ops.Verify, model.CodeQuery{Code: code})
	if err != nil {
		t.Fatal(err)
	}
	return *r.Value
}
