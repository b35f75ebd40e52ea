package integration

import (
	"bytes"
	"reflect"
	"testing"
	"time"

	"github.com/udiledger/udiledger/chaincode/orgs"
	"github.com/udiledger/udiledger/cli/demo"
	"github.com/udiledger/udiledger/gateway/httpledger"
	"github.com/udiledger/udiledger/gateway/ledger"
	"github.com/udiledger/udiledger/gateway/ledger/devledger"
	"github.com/udiledger/udiledger/gateway/server"
)

// gatewayOnFabric serves the Fabric backend through the REST gateway, each organisation's API
// key mapped to its person enrolled at the organisation's CA, and returns a client that goes
// through it.
func (s *suite) gatewayOnFabric(t *testing.T) ledger.Invoker {
	t.Helper()
	var ids []*ledger.Identity
	for _, id := range s.ids {
		ids = append(ids, id)
	}
	gw, err := server.StartLoopback(s.client, ids...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = gw.Close() })
	c, err := httpledger.New(gw.URL, gw.Keys, nil)
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
	actors, err := demo.ActorsOf(func(o orgs.Org) (*ledger.Identity, error) { return l.Admin(o.MSPID) })
	if err != nil {
		t.Fatal(err)
	}
	var embeddedStory bytes.Buffer
	embedded, err := demo.Run(s.ctx, &ledger.Caller{Client: l}, actors, opts(&embeddedStory))
	if err != nil {
		t.Fatalf("demo on the embedded ledger: %v\n%s", err, embeddedStory.String())
	}
	if !reflect.DeepEqual(onFabric, embedded) {
		t.Fatalf("outcomes differ\n fabric   %+v\n embedded %+v", onFabric, embedded)
	}
}
