package httpledger_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http/httptest"
	"reflect"
	"testing"
	"time"

	"github.com/udiledger/udiledger/chaincode/model"
	"github.com/udiledger/udiledger/gateway/api"
	"github.com/udiledger/udiledger/gateway/auth"
	"github.com/udiledger/udiledger/gateway/demo"
	"github.com/udiledger/udiledger/gateway/httpledger"
	"github.com/udiledger/udiledger/gateway/ledger"
	"github.com/udiledger/udiledger/gateway/ledger/devledger"
)

var msps = []string{devledger.Regulator, devledger.Manufacturer, devledger.Distributor, devledger.Platform, devledger.Hospital}

// world is a development ledger behind a real HTTP gateway, one API key per organisation.
type world struct {
	led    *devledger.Ledger
	client *httpledger.Client
	actors demo.Actors
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
	return &world{led: led, client: c, actors: demo.Actors{
		Regulator: ids[devledger.Regulator], Manufacturer: ids[devledger.Manufacturer], Distributor: ids[devledger.Distributor],
		Platform: ids[devledger.Platform], Hospital: ids[devledger.Hospital],
	}}
}

func TestTheDemoThroughTheGatewayEndsAsOnTheLedgerItself(t *testing.T) {
	now := time.Now().UTC()
	w := newWorld(t)
	viaGateway, err := demo.Run(context.Background(), w.client, w.actors, demo.Options{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatalf("demo through the gateway: %v", err)
	}
	direct := newWorld(t)
	onLedger, err := demo.Run(context.Background(), direct.led, direct.actors, demo.Options{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(viaGateway, onLedger) {
		t.Fatalf("outcomes differ\n gateway %+v\n ledger  %+v", viaGateway, onLedger)
	}
}

func TestErrorsComeBackAsTheLedgerGivesThem(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	_, err := w.client.Evaluate(ctx, ledger.Proposal{Identity: w.actors.Hospital, Function: "party:Get", Args: []string{"NobodyMSP"}})
	var ce *ledger.ChaincodeError
	if !errors.As(err, &ce) || model.ParseCode(ce.Message) != model.CodeNotFound {
		t.Fatalf("unknown party: %v, want a NOT_FOUND chaincode error", err)
	}
	_, err = w.client.Submit(ctx, ledger.Proposal{Identity: w.actors.Hospital, Function: "unit:Ship", Args: []string{`{"eventId":"x","to":"","codes":["nonsense"]}`}})
	var ge *httpledger.GatewayError
	if !errors.As(err, &ge) || ge.Status != 422 {
		t.Fatalf("a malformed ship: %v, want the gateway's 422", err)
	}
	_, err = w.client.Submit(ctx, ledger.Proposal{Identity: &ledger.Identity{MSPID: "StrangerMSP"}, Function: "unit:Ship"})
	if err == nil {
		t.Fatal("an organisation without a key: want an error")
	}
	_, err = w.client.Submit(ctx, ledger.Proposal{Identity: w.actors.Hospital, Function: "unit:Teleport"})
	if err == nil {
		t.Fatal("a function the gateway does not serve: want an error")
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
	res, err := w.client.Submit(ctx, ledger.Proposal{Identity: w.actors.Regulator, Function: "party:Init", Args: []string{mustJSON(t, p)}})
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

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
