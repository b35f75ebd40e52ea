package fabricnet

import (
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
)

func testUpper(t *testing.T, cfg Config) *upper {
	t.Helper()
	cfg.ModuleRoot, cfg.BinDir = "/m", "/b"
	if cfg.RunDir == "" {
		cfg.RunDir = "/r"
	}
	c, err := cfg.withDefaults()
	if err != nil {
		t.Fatal(err)
	}
	return &upper{layout: newLayout(c)}
}

func TestTheReferenceHasOurEndorsementPolicyAndNoCollections(t *testing.T) {
	for _, policy := range []string{"", "AND('ManufacturerOrgMSP.peer','RegulatorOrgMSP.peer')"} {
		u := testUpper(t, Config{EndorsementPolicy: policy})
		ours, ref := u.definitionArgs(u.udiChaincode()), u.definitionArgs(u.referenceChaincode())
		flag := func(args []string, name string) (string, bool) {
			i := slices.Index(args, name)
			if i < 0 {
				return "", false
			}
			return args[i+1], true
		}
		if n, _ := flag(ref, "--name"); n != ReferenceChaincode {
			t.Errorf("reference definition names %q", n)
		}
		if _, ok := flag(ref, "--collections-config"); ok {
			t.Errorf("the reference definition has collections: %v", ref)
		}
		if _, ok := flag(ours, "--collections-config"); !ok {
			t.Errorf("our definition lost its collections: %v", ours)
		}
		op, oursHas := flag(ours, "--signature-policy")
		rp, refHas := flag(ref, "--signature-policy")
		if op != rp || oursHas != refHas || oursHas != (policy != "") {
			t.Errorf("policy %q: ours %q (%t), reference %q (%t)", policy, op, oursHas, rp, refHas)
		}
	}
}

func TestTheReferenceServersHaveTheirOwnNamesAndAddresses(t *testing.T) {
	u := testUpper(t, Config{})
	ours, ref := u.udiChaincode(), u.referenceChaincode()
	for _, o := range u.orgs {
		if ours.daemon(o) == ref.daemon(o) || ours.server(o) == ref.server(o) || ours.profile(o) == ref.profile(o) {
			t.Errorf("%s: the reference shares a daemon name or address with ours", o.Name)
		}
		// Down stops chaincode servers (names starting "chaincode-") before the peers.
		if !strings.HasPrefix(ref.daemon(o), "chaincode-") {
			t.Errorf("reference daemon %q is not stopped with the chaincode servers", ref.daemon(o))
		}
	}
	if ref.main != "./chaincode/cmd/udi-reference" || ref.binary != "" {
		t.Errorf("reference built from %q (binary %q)", ref.main, ref.binary)
	}
}

func TestPortsLeftUnsetTakeTheirDefaults(t *testing.T) {
	got := PortMap{Peer: 8051}.withDefaults()
	want := DefaultPorts
	want.Peer = 8051
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v, want %+v", got, want)
	}
	v := reflect.ValueOf(DefaultPorts)
	seen := map[int64]string{}
	for i := range v.NumField() {
		p, name := v.Field(i).Int(), v.Type().Field(i).Name
		if other, ok := seen[p]; ok {
			t.Errorf("default ports of %s and %s are both %d", name, other, p)
		}
		seen[p] = name
	}
}

func TestProcessesListsRunningDaemonsByKind(t *testing.T) {
	u := testUpper(t, Config{RunDir: t.TempDir()})
	n := u.network()
	if ps, err := n.Processes(); err != nil || len(ps) != 0 {
		t.Fatalf("a network without pid files has processes %+v (%v)", ps, err)
	}
	// This test's own process stands for the manufacturer's reference chaincode server.
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	o := u.orgs[0]
	pidFile := filepath.Join(n.RunDir, "pids", referenceDaemon(o)+".pid")
	if err := writeFile(pidFile, []byte(strconv.Itoa(os.Getpid())+"\n"+self+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	ps, err := n.Processes()
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) != 1 {
		t.Fatalf("processes %+v, want the one reference server", ps)
	}
	p := ps[0]
	if p.Kind != KindReference || p.Org != o.MSPID || p.PID != os.Getpid() || p.RSSKiB <= 0 || p.Profile != o.ReferenceProfile {
		t.Errorf("process %+v", p)
	}
}

func TestReferenceClientConfigNeedsTheReference(t *testing.T) {
	n := &Network{Channel: "udi", Chaincode: "udi"}
	if _, err := n.ReferenceClientConfig(); err == nil {
		t.Fatal("a client configuration for a reference never deployed")
	}
	n.Reference = ReferenceChaincode
	cfg, err := n.ReferenceClientConfig()
	if err != nil || cfg.ChaincodeName != ReferenceChaincode || cfg.ChannelID != "udi" {
		t.Fatalf("config %+v, %v", cfg, err)
	}
}
