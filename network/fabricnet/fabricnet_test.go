package fabricnet

import (
	"bytes"
	"encoding/json"
	"net"
	"reflect"
	"testing"

	"github.com/udiledger/udiledger/chaincode/orgs"
)

func TestLayoutGivesEveryListenerItsOwnAddress(t *testing.T) {
	cfg, err := Config{ModuleRoot: "/m", BinDir: "/b"}.withDefaults()
	if err != nil {
		t.Fatal(err)
	}
	l := newLayout(cfg)
	seen := map[string]string{}
	add := func(what, addr string) {
		t.Helper()
		host, _, err := net.SplitHostPort(addr)
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
			t.Errorf("%s listens on %s, not a loopback address", what, addr)
		}
		if other, ok := seen[addr]; ok {
			t.Errorf("%s and %s both listen on %s", what, other, addr)
		}
		seen[addr] = what
	}
	for _, o := range l.orderers {
		add(o.Name, o.Endpoint)
		add(o.Name+" admin", o.Admin)
		add(o.Name+" operations", o.Operations)
		add(o.Name+" profile", o.Profile)
	}
	for _, o := range l.orgs {
		add(o.peer.Name, o.peer.Endpoint)
		add(o.peer.Name+" chaincode", o.peer.ChaincodeListen)
		add(o.peer.Name+" operations", o.peer.Operations)
		add(o.peer.Name+" profile", o.peer.Profile)
		add(o.Name+" chaincode server", o.ChaincodeServer)
		add(o.Name+" chaincode profile", o.ChaincodeProfile)
		add(o.Name+" reference server", o.ReferenceServer)
		add(o.Name+" reference profile", o.ReferenceProfile)
	}
	if got, want := len(seen), 3*4+5*8; got != want {
		t.Errorf("got %d listeners, want %d", got, want)
	}
	if got := l.orgs[4].Host; got != "127.0.0.6" {
		t.Errorf("RegulatorOrg host = %s, want 127.0.0.6", got)
	}
}

func TestConfigRejectsNonLoopbackPrefix(t *testing.T) {
	tests := []struct {
		give    string
		wantErr bool
	}{
		{give: "127.0.0"},
		{give: "127.0.100"},
		{give: "10.0.0", wantErr: true},
		{give: "127.0", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.give, func(t *testing.T) {
			_, err := Config{ModuleRoot: "/m", AddressPrefix: tt.give}.withDefaults()
			if (err != nil) != tt.wantErr {
				t.Errorf("withDefaults(%q) error = %v, want error %t", tt.give, err, tt.wantErr)
			}
		})
	}
}

func TestChaincodePackageIsDeterministic(t *testing.T) {
	conn := connection{Address: "127.0.0.2:9999", DialTimeout: "10s"}
	a, err := chaincodePackage("udi_1.0", conn)
	if err != nil {
		t.Fatal(err)
	}
	b, err := chaincodePackage("udi_1.0", conn)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a, b) {
		t.Error("two packages of the same connection differ: the package ID would change")
	}
}

func TestCollectionsConfig(t *testing.T) {
	b, err := collectionsJSON(DefaultCollections)
	if err != nil {
		t.Fatal(err)
	}
	var got []collectionConfig
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	var want []collectionConfig
	for _, o := range []string{"PlatformOrgMSP", "HospitalOrgMSP"} {
		want = append(want, collectionConfig{
			Name: "dispense-" + o, Policy: "OR('" + o + ".member','RegulatorOrgMSP.member')",
			RequiredPeerCount: 0, MaxPeerCount: 1, BlockToLive: 94867200, MemberOnlyRead: true, MemberOnlyWrite: true,
			EndorsementPolicy: &endorsementPolicy{SignaturePolicy: "OR('" + o + ".peer')"},
		})
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("collections = %+v, want %+v", got, want)
	}
}

func TestDispenseDefaults(t *testing.T) {
	c, err := Config{ModuleRoot: "/m", RunDir: "/r", DispenseBlockToLive: 1000}.withDefaults()
	if err != nil {
		t.Fatal(err)
	}
	for _, col := range c.Collections {
		if col.BlockToLive != 1000 {
			t.Errorf("%s: blockToLive %d, want the configured 1000", col.Name, col.BlockToLive)
		}
	}
	if DefaultCollections[0].BlockToLive != orgs.DispenseBlockToLive {
		t.Error("the configured blockToLive changed the defaults")
	}
	if c.EndorsementPolicy != "" {
		t.Errorf("endorsement policy %s, want the channel's MAJORITY", c.EndorsementPolicy)
	}
}

func TestChannelListed(t *testing.T) {
	out := []byte("Channels peers has joined: \nudi\nother\n")
	if !channelListed(out, "udi") {
		t.Error("udi not found")
	}
	if channelListed(out, "ud") || channelListed([]byte("Channels peers has joined: \n"), "udi") {
		t.Error("found a channel that is not listed")
	}
}
