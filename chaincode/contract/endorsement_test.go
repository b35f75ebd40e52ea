package contract

import (
	"bytes"
	"context"
	"encoding/base64"
	"sync"
	"testing"

	"github.com/hyperledger/fabric-chaincode-go/v2/pkg/statebased"
	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

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

// PrivateRecord reads the dispense record of an event straight from a collection, past the
// contract's own checks: what the collection's membership alone allows.
func (p *probeContract) PrivateRecord(ctx contractapi.TransactionContextInterface, collection, eventID string) (string, error) {
	k, err := ctx.GetStub().CreateCompositeKey(otDispense, []string{eventID})
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

// keyOwner returns the organisation whose peers the key-level endorsement policy of a unit or
// container names, or "" when the key has none. It fails the test unless the policy is
// exactly "a peer of that organisation".
func (e *env) keyOwner(t testing.TB, objectType, code string) string {
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
		return ""
	}
	ep, err := statebased.NewStateEP(vp)
	if err != nil {
		t.Fatalf("parse key policy of %s: %v", code, err)
	}
	orgs := ep.ListOrgs()
	if len(orgs) != 1 {
		t.Fatalf("key policy of %s names %v, want one organisation", code, orgs)
	}
	want, err := ownerPolicy(orgs[0])
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(vp, want) {
		t.Fatalf("key policy of %s is not the peer-role policy of %s", code, orgs[0])
	}
	return orgs[0]
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
