package integration

import (
	"bytes"
	"net/http/httptest"
	"reflect"
	"testing"
	"time"

	"github.com/udiledger/udiledger/gateway/api"
	"github.com/udiledger/udiledger/gateway/auth"
	"github.com/udiledger/udiledger/gateway/demo"
	"github.com/udiledger/udiledger/gateway/httpledger"
	"github.com/udiledger/udiledger/gateway/ledger"
	"github.com/udiledger/udiledger/gateway/ledger/devledger"
	"github.com/udiledger/udiledger/gateway/ledger/fabric"
)

// gatewayOnFabric serves the Fabric backend through the REST gateway, each organisation's API
// key mapped to its person enrolled at the organisation's CA, and returns a ledger.Client
// that goes through it.
func (s *suite) gatewayOnFabric(t *testing.T) ledger.Client {
	t.Helper()
	ring, keys := auth.NewKeyring(), map[string]string{}
	for msp, id := range s.ids {
		key, hash, err := auth.NewKey()
		if err != nil {
			t.Fatal(err)
		}
		if err := ring.Add(hash, &auth.Principal{Name: id.Name, Identity: id}); err != nil {
			t.Fatal(err)
		}
		keys[msp] = key
	}
	srv := httptest.NewServer(api.New(api.Options{Ledger: s.client, Keyring: ring, Unavailable: fabric.Unavailable}))
	t.Cleanup(srv.Close)
	c, err := httpledger.New(srv.URL, keys, srv.Client())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// demo plays the demo story on the Fabric network, through the REST gateway, and directly on
// a fresh embedded ledger, with the same date, and requires the same outcome: provenance,
// verify verdicts, recall scope and progress, alerts, refusals and who could read the private
// details.
func (s *suite) demo(t *testing.T) {
	now := time.Now().UTC()
	opts := func(out *bytes.Buffer) demo.Options {
		return demo.Options{Batch: 1, Out: out, Now: func() time.Time { return now }}
	}

	var fabricStory bytes.Buffer
	start := time.Now()
	onFabric, err := demo.Run(s.ctx, s.gatewayOnFabric(t), demo.Actors{
		Regulator: s.ids[reg], Manufacturer: s.ids[mfr], Distributor: s.ids[dst], Platform: s.ids[plt], Hospital: s.ids[hsp],
	}, opts(&fabricStory))
	if err != nil {
		t.Fatalf("demo on Fabric: %v\n%s", err, fabricStory.String())
	}
	t.Logf("demo on Fabric: %s", time.Since(start).Round(time.Millisecond))

	l, err := devledger.Open(t.TempDir(), devledger.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = l.Close() })
	admin := func(msp string) *ledger.Identity {
		id, err := l.Admin(msp)
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	var embeddedStory bytes.Buffer
	embedded, err := demo.Run(s.ctx, l, demo.Actors{
		Regulator: admin(devledger.Regulator), Manufacturer: admin(devledger.Manufacturer),
		Distributor: admin(devledger.Distributor), Platform: admin(devledger.Platform), Hospital: admin(devledger.Hospital),
	}, opts(&embeddedStory))
	if err != nil {
		t.Fatalf("demo on the embedded ledger: %v\n%s", err, embeddedStory.String())
	}
	if !reflect.DeepEqual(onFabric, embedded) {
		t.Fatalf("outcomes differ\n fabric   %+v\n embedded %+v", onFabric, embedded)
	}
}
