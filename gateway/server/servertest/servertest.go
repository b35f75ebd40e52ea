// Package servertest starts, for tests, a gateway on a loopback port over a fresh embedded
// ledger with the demo story's five organisations, as `udi serve` runs one.
package servertest

import (
	"testing"

	"github.com/udiledger/udiledger/chaincode/orgs"
	"github.com/udiledger/udiledger/cli/demo"
	"github.com/udiledger/udiledger/gateway/httpledger"
	"github.com/udiledger/udiledger/gateway/ledger"
	"github.com/udiledger/udiledger/gateway/ledger/devledger"
	"github.com/udiledger/udiledger/gateway/server"
)

// Gateway is a loopback gateway over its own embedded ledger.
type Gateway struct {
	Ledger *devledger.Ledger
	Actors demo.Actors // the organisations' identities, each with an API key
	Server *server.Loopback
	Client *httpledger.Client // goes through the gateway with each actor's key
}

// Start opens a ledger in a temporary directory with opts (NoSync is set) and serves it; both
// close with the test.
func Start(t testing.TB, opts devledger.Options) *Gateway {
	t.Helper()
	opts.NoSync = true
	led, err := devledger.Open(t.TempDir(), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = led.Close() })
	actors, err := demo.ActorsOf(func(o orgs.Org) (*ledger.Identity, error) { return led.Admin(o.MSPID) })
	if err != nil {
		t.Fatal(err)
	}
	gw, err := server.StartLoopback(led, actors.Regulator, actors.Manufacturer, actors.Distributor, actors.Platform, actors.Hospital)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = gw.Close() })
	client, err := httpledger.New(gw.URL, gw.Keys, nil)
	if err != nil {
		t.Fatal(err)
	}
	return &Gateway{Ledger: led, Actors: actors, Server: gw, Client: client}
}
