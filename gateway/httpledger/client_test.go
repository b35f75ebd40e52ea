package httpledger_test

import (
	"context"
	"errors"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/udiledger/udiledger/chaincode/model"
	"github.com/udiledger/udiledger/chaincode/ops"
	"github.com/udiledger/udiledger/gateway/api"
	"github.com/udiledger/udiledger/gateway/auth"
	"github.com/udiledger/udiledger/gateway/httpledger"
	"github.com/udiledger/udiledger/gateway/ledger"
	"github.com/udiledger/udiledger/gateway/ledger/devledger"
)

var msps = []string{devledger.Regulator, devledger.Manufacturer, devledger.Distributor, devledger.Platform, devledger.Hospital}

// world is a development ledger behind a real HTTP gateway, one API key per organisation.
type world struct {
	led    *devledger.Ledger
	client *httpledger.Client
	ids    map[string]*ledger.Identity // by MSP ID
	url    string                      // the gateway's
	keys   map[string]string           // API keys by MSP ID
}

func newWorld(t *testing.T) *world {
	t.Helper()
	led, err := devledger.Open(t.TempDir(), devledger.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = led.Close() })
	ring, keys, ids := auth.NewKeyring(), map[string]string{}, map[string]*ledger.Identity{}
	for _, m := range msps {
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
	srv := httptest.NewServer(api.New(api.Options{Ledger: led, Keyring: ring}))
	t.Cleanup(srv.Close)
	c, err := httpledger.New(srv.URL, keys, srv.Client())
	if err != nil {
		t.Fatal(err)
	}
	return &world{led: led, client: c, ids: ids, url: srv.URL, keys: keys}
}

func TestErrorsComeBackAsTheLedgerGivesThem(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	_, err := ledger.Do(ctx, w.client, w.ids[devledger.Hospital], ops.GetParty, model.PartyQuery{MSPID: "NobodyMSP"})
	var ce *ledger.ChaincodeError
	if !errors.As(err, &ce) || model.ParseCode(ce.Message) != model.CodeNotFound {
		t.Fatalf("unknown party: %v, want a NOT_FOUND chaincode error", err)
	}
	_, err = ledger.Do(ctx, w.client, w.ids[devledger.Hospital], ops.Ship, model.ShipRequest{EventHeader: model.EventHeader{EventID: "x"}, Codes: []string{"nonsense"}})
	var ge *httpledger.GatewayError
	if !errors.As(err, &ge) || ge.Status != 422 {
		t.Fatalf("a malformed ship: %v, want the gateway's 422", err)
	}
	_, err = ledger.Do(ctx, w.client, &ledger.Identity{MSPID: "StrangerMSP"}, ops.Ship, model.ShipRequest{})
	if err == nil {
		t.Fatal("an organisation without a key: want an error")
	}
}

func TestEventsStreamThroughTheGateway(t *testing.T) {
	w := newWorld(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	events, err := w.client.Events(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	p := model.Party{MSPID: devledger.Regulator, Name: "Regulator", Roles: []model.Role{model.RoleRegulator}}
	res, err := ledger.Do(ctx, w.client, w.ids[devledger.Regulator], ops.InitLedger, p)
	if err != nil {
		t.Fatal(err)
	}
	select {
	case ev := <-events:
		if ev.Name == "" || len(ev.Payload) == 0 || ev.TxID == "" {
			t.Fatalf("event %+v", ev)
		}
		_ = res
	case <-ctx.Done():
		t.Fatal("no event arrived")
	}
}
