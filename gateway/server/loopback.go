package server

import (
	"context"
	"fmt"
	"net"
	"sync"
	"time"

	"github.com/udiledger/udiledger/gateway/api"
	"github.com/udiledger/udiledger/gateway/auth"
	"github.com/udiledger/udiledger/gateway/ledger"
)

// Loopback is a gateway on a free loopback port in front of a ledger the caller opened (and
// closes), with a fresh API key for each of a few identities: what `udi demo` plays its story
// through, and what tests run commands against.
type Loopback struct {
	URL  string            // http://127.0.0.1:port
	Keys map[string]string // API key by MSP ID

	close func() error
}

// StartLoopback serves client through a gateway with one API key per identity (one identity
// per organisation). Close stops it; the ledger stays open.
func StartLoopback(client ledger.Client, ids ...*ledger.Identity) (*Loopback, error) {
	ring, keys := auth.NewKeyring(), map[string]string{}
	for _, id := range ids {
		if _, dup := keys[id.MSPID]; dup {
			return nil, fmt.Errorf("loopback gateway: two identities of %s", id.MSPID)
		}
		key, hash, err := auth.NewKey()
		if err != nil {
			return nil, err
		}
		if err := ring.Add(hash, &auth.Principal{Name: id.MSPID + " loopback", Identity: id}); err != nil {
			return nil, err
		}
		keys[id.MSPID] = key
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	g := &Gateway{api: api.Options{Ledger: client, Keyring: ring, Unavailable: unreachable}, shutdown: 5 * time.Second}
	if len(ids) > 0 {
		g.api.ReadyIdentity = ids[0] // /readyz reads the chaincode's version as the first
	}
	g.cfg.Logger = discard()
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- g.Serve(ctx, ln) }()
	return &Loopback{URL: "http://" + ln.Addr().String(), Keys: keys, close: sync.OnceValue(func() error {
		stop()
		return <-done
	})}, nil
}

// Close shuts the gateway down gracefully; closing again returns the same.
func (l *Loopback) Close() error { return l.close() }
