package demo

import (
	"context"
	"net"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/udiledger/udiledger/gateway/api"
	"github.com/udiledger/udiledger/gateway/auth"
	"github.com/udiledger/udiledger/gateway/demo"
	"github.com/udiledger/udiledger/gateway/httpledger"
	"github.com/udiledger/udiledger/gateway/ledger"
)

// gateway is a REST gateway in front of the demo's ledger, on a loopback port for one run.
type gateway struct {
	url    string
	client *httpledger.Client
	srv    *http.Server
	done   chan error
}

// startGateway serves the ledger through the gateway with one API key per actor.
func startGateway(backend ledger.Client, actors demo.Actors) (*gateway, error) {
	ring, keys := auth.NewKeyring(), map[string]string{}
	for _, id := range []*ledger.Identity{actors.Regulator, actors.Manufacturer, actors.Distributor, actors.Platform, actors.Hospital} {
		key, hash, err := auth.NewKey()
		if err != nil {
			return nil, err
		}
		if err := ring.Add(hash, &auth.Principal{Name: id.MSPID + " demo", Identity: id}); err != nil {
			return nil, err
		}
		keys[id.MSPID] = key
	}
	gin.SetMode(gin.ReleaseMode)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	g := &gateway{
		url:  "http://" + ln.Addr().String(),
		srv:  &http.Server{Handler: api.New(api.Options{Ledger: backend, Keyring: ring}), ReadHeaderTimeout: 10 * time.Second},
		done: make(chan error, 1),
	}
	go func() { g.done <- g.srv.Serve(ln) }()
	if g.client, err = httpledger.New(g.url, keys, &http.Client{Timeout: 2 * time.Minute}); err != nil {
		g.close()
		return nil, err
	}
	return g, nil
}

func (g *gateway) close() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = g.srv.Shutdown(ctx) // the run's outcome is already out; a failed shutdown changes nothing
	<-g.done
}
