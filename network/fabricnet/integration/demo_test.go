package integration

import (
	"bytes"
	"reflect"
	"testing"
	"time"

	"github.com/udiledger/udiledger/gateway/demo"
	"github.com/udiledger/udiledger/gateway/ledger"
	"github.com/udiledger/udiledger/gateway/ledger/devledger"
)

// demo plays the demo story on the Fabric network and on a fresh embedded ledger, with the
// same date, and requires the same outcome: provenance, verify verdicts, recall scope and
// progress, alerts, refusals and who could read the private details.
func (s *suite) demo(t *testing.T) {
	now := time.Now().UTC()
	opts := func(out *bytes.Buffer) demo.Options {
		return demo.Options{Batch: 1, Out: out, Now: func() time.Time { return now }}
	}

	var fabricStory bytes.Buffer
	start := time.Now()
	onFabric, err := demo.Run(s.ctx, s.client, demo.Actors{
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
