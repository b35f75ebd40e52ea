package contract

import (
	"bytes"
	"context"
	"encoding/base64"
	"reflect"
	"slices"
	"sync"
	"testing"

	"github.com/hyperledger/fabric-chaincode-go/v2/pkg/statebased"
	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"
	"github.com/hyperledger/fabric-protos-go-apiv2/common"
	"github.com/hyperledger/fabric-protos-go-apiv2/msp"
	"google.golang.org/protobuf/proto"

	"github.com/udiledger/udiledger/chaincode/orgs"

	"github.com/udiledger/udiledger/chaincode/model"
	"github.com/udiledger/udiledger/gateway/ledger"
)

// probeContract is a test-only contract that reads what the real contracts never return: the
// committed key-level endorsement policy of a unit or container key, and a collection's
// private dispense record as the caller's own peer would read it.
type probeContract struct {
	contractapi.Contract
}

func (p *probeContract) GetEvaluateTransactions() []string {
	return []string{"KeyPolicy", "PrivateRecord"}
}

// PrivateRecord reads the dispense record of an event of by straight from a collection, past
// the contract's own checks: what the collection's membership alone allows.
func (p *probeContract) PrivateRecord(ctx contractapi.TransactionContextInterface, collection, eventID, by string) (string, error) {
	k, err := ctx.GetStub().CreateCompositeKey(otDispense, []string{eventID, by})
	if err != nil {
		return "", err
	}
	b, err := ctx.GetStub().GetPrivateData(collection, k)
	return string(b), err
}

// KeyPolicy returns, base64-encoded, the committed validation parameter of the unit or
// container (objectType otUnit or otContainer) that raw names.
func (p *probeContract) KeyPolicy(ctx contractapi.TransactionContextInterface, objectType, raw string) (string, error) {
	c, err := parseCode(raw)
	if err != nil {
		return "", err
	}
	k, err := ctx.GetStub().CreateCompositeKey(objectType, []string{c.Key})
	if err != nil {
		return "", err
	}
	vp, err := ctx.GetStub().GetStateValidationParameter(k)
	if err != nil {
		return "", err
	}
	return base64.StdEncoding.EncodeToString(vp), nil
}

// probeChaincode is the test chaincode with the probe contract added.
var probeChaincode = sync.OnceValues(func() (*contractapi.ContractChaincode, error) {
	probe := &probeContract{}
	probe.Name = "probe"
	cc, err := contractapi.NewChaincode(append(contracts(Config{DispenseCollection: model.DispenseCollection}), probe)...)
	if err != nil {
		return nil, err
	}
	cc.TransactionSerializer = serializer{}
	return cc, nil
})

// keyPolicy returns the decoded key-level endorsement policy of a unit or container key, or
// nil when the key has none.
func (e *env) keyPolicy(t testing.TB, objectType, code string) *common.SignaturePolicyEnvelope {
	t.Helper()
	b, err := e.eng.Evaluate(context.Background(), ledger.Proposal{Identity: e.identity(reg), Function: "probe:KeyPolicy", Args: []string{objectType, code}})
	if err != nil {
		t.Fatalf("key policy of %s %s: %v", objectType, code, err)
	}
	vp, err := base64.StdEncoding.DecodeString(string(b))
	if err != nil {
		t.Fatalf("decode key policy %q: %v", b, err)
	}
	if len(vp) == 0 {
		return nil
	}
	var env common.SignaturePolicyEnvelope
	if err := proto.Unmarshal(vp, &env); err != nil {
		t.Fatalf("parse key policy of %s: %v", code, err)
	}
	return &env
}

// policyShape is a key policy read back: the owner's MSP ID, the others' in policy order, and
// how many of the others must endorse with the owner.
type policyShape struct {
	Owner  string
	Others []string
	K      int
}

// shapeOf checks that env is "a peer of identity 0 AND k of the peers of the other
// identities" (or identity 0 alone) and returns it.
func shapeOf(t testing.TB, env *common.SignaturePolicyEnvelope) policyShape {
	t.Helper()
	var ids []string
	for i, p := range env.GetIdentities() {
		var r msp.MSPRole
		if p.GetPrincipalClassification() != msp.MSPPrincipal_ROLE || proto.Unmarshal(p.GetPrincipal(), &r) != nil || r.GetRole() != msp.MSPRole_PEER {
			t.Fatalf("identity %d of the key policy is not a peer role: %v", i, p)
		}
		ids = append(ids, r.GetMspIdentifier())
	}
	top := env.GetRule().GetNOutOf()
	if len(ids) == 0 || top == nil {
		t.Fatalf("key policy %v is not an n-out-of rule over identities", env)
	}
	owner := top.GetRules()[0]
	if owner.GetSignedBy() != 0 || owner.GetNOutOf() != nil {
		t.Fatalf("the key policy's first rule %v is not the owner's signature", owner)
	}
	if len(top.GetRules()) == 1 {
		if top.GetN() != 1 || len(ids) != 1 {
			t.Fatalf("owner-only key policy %v", env)
		}
		return policyShape{Owner: ids[0], K: 0}
	}
	rest := top.GetRules()[1].GetNOutOf()
	if top.GetN() != 2 || len(top.GetRules()) != 2 || rest == nil || len(rest.GetRules()) != len(ids)-1 {
		t.Fatalf("key policy %v is not AND(owner, n-out-of others)", env)
	}
	for i, r := range rest.GetRules() {
		if r.GetNOutOf() != nil || int(r.GetSignedBy()) != i+1 {
			t.Fatalf("rule %d over the others signs by %v, want identity %d", i, r, i+1)
		}
	}
	return policyShape{Owner: ids[0], Others: ids[1:], K: int(rest.GetN())}
}

// keyOwner returns the organisation that owns a unit or container by its key-level policy, or
// "" when the key has none. It fails the test unless the policy is the owner AND two of the
// four other organisations (all five are registered).
func (e *env) keyOwner(t testing.TB, objectType, code string) string {
	t.Helper()
	env := e.keyPolicy(t, objectType, code)
	if env == nil {
		return ""
	}
	sh := shapeOf(t, env)
	var others []string
	for _, m := range orgs.MSPIDs() {
		if m != sh.Owner {
			others = append(others, m)
		}
	}
	slices.Sort(others)
	if want := (policyShape{Owner: sh.Owner, Others: others, K: 3}); !reflect.DeepEqual(sh, want) {
		t.Fatalf("key policy of %s is %+v, want %+v", code, sh, want)
	}
	return sh.Owner
}

// TestKeyPolicyFollowsTheOwner checks the key-level endorsement policy of unit and container
// keys through a life: commissioned, shipped (still the sender's while in transit), received,
// packed and moved in a container, unpacked and returned.
func TestKeyPolicyFollowsTheOwner(t *testing.T) {
	cc, err := probeChaincode()
	if err != nil {
		t.Fatal(err)
	}
	e := newEnvWith(t, cc)
	e.seed()
	unit, packed, box := deviceCode(1), deviceCode(2), caseCode(1)
	e.commission("c1", 1, 2)

	steps := []struct {
		name   string
		do     func()
		object string
		code   string
		want   string
	}{
		{
			name:   "a commissioned unit names its manufacturer",
			object: otUnit, code: unit, want: mfr,
		},
		{
			name: "a unit in transit still names its sender",
			do: func() {
				e.must(nil, mfr, "unit:Ship", model.ShipRequest{EventHeader: model.EventHeader{EventID: "s1"}, To: dst, Codes: []string{unit}})
			},
			object: otUnit, code: unit, want: mfr,
		},
		{
			name: "a received unit names its receiver",
			do: func() {
				e.must(nil, dst, "unit:Receive", model.ReceiveRequest{EventHeader: model.EventHeader{EventID: "r1"}, Codes: []string{unit}})
			},
			object: otUnit, code: unit, want: dst,
		},
		{
			name: "a returned unit names the party that accepted it back",
			do: func() {
				e.must(nil, dst, "unit:Return", model.ReturnRequest{EventHeader: model.EventHeader{EventID: "ret1"}, Codes: []string{unit}, Reason: "damaged"})
				e.must(nil, mfr, "unit:Receive", model.ReceiveRequest{EventHeader: model.EventHeader{EventID: "ret1-accept"}, Codes: []string{unit}})
			},
			object: otUnit, code: unit, want: mfr,
		},
		{
			name: "a new container names its packer",
			do: func() {
				e.must(nil, mfr, "unit:Pack", model.PackRequest{EventHeader: model.EventHeader{EventID: "p1", Location: mfrGLN}, Parent: box, Children: []string{packed}})
			},
			object: otContainer, code: box, want: mfr,
		},
		{
			name: "a received container names its receiver",
			do: func() {
				e.shipAndReceive("box", mfr, hsp, box)
			},
			object: otContainer, code: box, want: hsp,
		},
		{
			name:   "a unit inside a container that changed hands keeps the packer's policy",
			object: otUnit, code: packed, want: mfr,
		},
		{
			name: "an unpacked unit names the container's holder",
			do: func() {
				e.must(nil, hsp, "unit:Unpack", model.UnpackRequest{EventHeader: model.EventHeader{EventID: "u1"}, Parent: box})
			},
			object: otUnit, code: packed, want: hsp,
		},
	}
	for _, tt := range steps {
		if tt.do != nil {
			tt.do()
		}
		t.Run(tt.name, func(t *testing.T) {
			if got := e.keyOwner(t, tt.object, tt.code); got != tt.want {
				t.Fatalf("key policy names %q, want %q", got, tt.want)
			}
		})
	}
}

// TestOwnerPolicy checks the policy built for the five organisations, its bytes whatever the
// order of the parties, and the number of others needed for small and large consortia.
func TestOwnerPolicy(t *testing.T) {
	parties := orgs.MSPIDs()
	b, err := ownerPolicy(hsp, parties)
	if err != nil {
		t.Fatal(err)
	}
	var env common.SignaturePolicyEnvelope
	if err := proto.Unmarshal(b, &env); err != nil {
		t.Fatal(err)
	}
	want := policyShape{Owner: hsp, Others: []string{dst, mfr, plt, reg}, K: 3}
	if got := shapeOf(t, &env); !reflect.DeepEqual(got, want) {
		t.Fatalf("policy %+v, want %+v", got, want)
	}

	t.Run("the same bytes whatever the order of the parties, and with duplicates", func(t *testing.T) {
		reversed := slices.Clone(parties)
		slices.Reverse(reversed)
		for _, ps := range [][]string{reversed, append(slices.Clone(parties), dst, hsp), {reg, plt, mfr, dst}} {
			got, err := ownerPolicy(hsp, ps)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, b) {
				t.Fatalf("parties %v give other bytes", ps)
			}
		}
	})
	t.Run("a single-party ledger needs its owner alone, as statebased writes it", func(t *testing.T) {
		got, err := ownerPolicy(reg, []string{reg})
		if err != nil {
			t.Fatal(err)
		}
		ep, err := statebased.NewStateEP(nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := ep.AddOrgs(statebased.RoleTypePeer, reg); err != nil {
			t.Fatal(err)
		}
		want, err := ep.Policy()
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("single-party policy differs from the statebased one")
		}
	})
	t.Run("the others needed are a majority of the others", func(t *testing.T) {
		for n, want := range []int{0, 1, 2, 2, 3, 3, 4, 4} {
			k := othersNeeded(n)
			if k != want || (n > 0 && 2*k <= n) || (k > 1 && 2*(k-1) > n) {
				t.Fatalf("%d others: %d needed, want %d", n, k, want)
			}
		}
	})
}

// TestKeyPolicyKeepsItsMembership checks what a registration does to existing keys: nothing
// until the owner changes, when the new policy counts every party registered by then.
func TestKeyPolicyKeepsItsMembership(t *testing.T) {
	cc, err := probeChaincode()
	if err != nil {
		t.Fatal(err)
	}
	e := newEnvWith(t, cc)
	e.must(nil, reg, "party:Init", e.partyRecord(reg, model.RoleRegulator))
	e.must(nil, reg, "party:Register", e.partyRecord(mfr, model.RoleManufacturer))
	e.must(nil, reg, "party:Register", e.partyRecord(dst, model.RoleDistributor))
	e.must(nil, mfr, "product:Register", e.deviceProduct())
	e.must(nil, mfr, "lot:Register", model.Lot{DI: deviceDI, Lot: "L1", Expiry: e.day(365), Quantity: 100})
	unit := deviceCode(1)
	e.commission("c1", 1, 1)
	check := func(want policyShape) {
		t.Helper()
		if got := shapeOf(t, e.keyPolicy(t, otUnit, unit)); !reflect.DeepEqual(got, want) {
			t.Fatalf("key policy %+v, want %+v", got, want)
		}
	}
	check(policyShape{Owner: mfr, Others: []string{dst, reg}, K: 2})

	e.must(nil, reg, "party:Register", e.partyRecord(plt, model.RolePlatform))
	e.must(nil, reg, "party:Register", e.partyRecord(hsp, model.RoleHospital))
	e.must(nil, mfr, "unit:Ship", model.ShipRequest{EventHeader: model.EventHeader{EventID: "s1"}, To: dst, Codes: []string{unit}})
	check(policyShape{Owner: mfr, Others: []string{dst, reg}, K: 2})

	e.must(nil, dst, "unit:Receive", model.ReceiveRequest{EventHeader: model.EventHeader{EventID: "r1"}, Codes: []string{unit}})
	check(policyShape{Owner: dst, Others: []string{hsp, mfr, plt, reg}, K: 3})
}
