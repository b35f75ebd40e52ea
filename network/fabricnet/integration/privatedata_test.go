package integration

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/hyperledger/fabric-gateway/pkg/client"
	"github.com/hyperledger/fabric-protos-go-apiv2/msp"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer/lifecycle"
	"google.golang.org/protobuf/proto"

	"github.com/udiledger/udiledger/chaincode/model"
	"github.com/udiledger/udiledger/chaincode/orgs"
	"github.com/udiledger/udiledger/gateway/ledger"
)

// privateData checks the per-dispenser collections on the real network: who endorses a
// dispense, which peers hold its details, the committed collection configuration, and the
// erasure of the details by purge.
func (s *suite) privateData(t *testing.T) {
	code := s.commission(t, "pd-commission", 3)[0]
	s.must(t, mfr, "unit:Ship", model.ShipRequest{EventHeader: model.EventHeader{EventID: "pd-ship"}, To: hsp, Codes: []string{code}})
	s.must(t, hsp, "unit:Receive", model.ReceiveRequest{EventHeader: model.EventHeader{EventID: "pd-recv"}, Codes: []string{code}})
	const patient = "MRN-IT-0007"
	priv, err := json.Marshal(model.DispensePrivate{PatientRef: patient, PrescriptionRef: "RX-IT-1", Salt: "0123456789abcdef0123"})
	if err != nil {
		t.Fatal(err)
	}
	// A dispense is two transactions (ADR 014), as ops.Dispense makes them. The private half:
	// no endorsers named, the backend asks the hospital and its co-endorsers (PrivateEndorsers).
	req := model.DispenseRequest{EventHeader: model.EventHeader{EventID: "pd-dispense", Location: hspGLN}, Codes: []string{code}}
	prep, err := s.client.Submit(s.ctx, ledger.Proposal{
		Identity: s.ids[hsp], Function: "unit:PrepareDispense", Args: jsonArgs(req),
		Transient: map[string][]byte{model.TransientDispense: priv},
	})
	if err != nil {
		t.Fatalf("prepare the dispense: %v", err)
	}
	pub := model.DispensePublic{DispenseRequest: req}
	if err := json.Unmarshal(prep.Payload, &pub.Prepared); err != nil {
		t.Fatal(err)
	}
	// The public half: no private input, the peer's gateway plans its endorsers.
	res, err := s.submit(hsp, "unit:Dispense", pub)
	if err != nil {
		t.Fatalf("dispense: %v", err)
	}
	col := orgs.DispenseCollection(hsp)

	t.Run("only the members of the hospital's collection endorsed the private half", func(t *testing.T) {
		endorsers := s.endorsers(t, hsp, prep.TxID)
		if !slices.Equal(endorsers, []string{hsp, reg}) {
			t.Fatalf("private half endorsed by %v, want the members of %s %v", endorsers, col.Name, col.Members)
		}
	})
	t.Run("the public half was endorsed as any write of the units: the holder and a majority of the others", func(t *testing.T) {
		endorsers := s.endorsers(t, hsp, res.TxID)
		if !slices.Contains(endorsers, hsp) || len(endorsers) < 4 {
			t.Fatalf("public half endorsed by %v, want the hospital and three others", endorsers)
		}
		if strings.Contains(string(res.Payload), patient) {
			t.Fatalf("the public answer holds the patient reference: %s", res.Payload)
		}
	})
	t.Run("a public half without its prepared record is refused", func(t *testing.T) {
		forged := pub
		forged.EventID, forged.Prepared.EventID = "pd-forged", "pd-forged"
		_, err := s.submit(hsp, "unit:Dispense", forged)
		wantChaincodeError(t, err, model.CodeInvalid)
	})
	t.Run("the committed definition has one collection per dispenser, with blockToLive", func(t *testing.T) {
		got := s.committedCollections(t)
		for _, c := range orgs.Collections() {
			g, ok := got[c.Name]
			if !ok {
				t.Fatalf("no collection %s in %v", c.Name, got)
			}
			if g.blockToLive != c.BlockToLive || !slices.Equal(g.members, slices.Sorted(slices.Values(c.Members))) || !g.memberOnlyRead || !g.memberOnlyWrite {
				t.Errorf("%s committed as %+v, want members %v and blockToLive %d", c.Name, g, c.Members, c.BlockToLive)
			}
			if !slices.Equal(g.writers, []string{c.Writer}) {
				t.Errorf("%s is written through the peers of %v, want %s's alone", c.Name, g.writers, c.Writer)
			}
		}
		t.Logf("committed collections: %+v", got)
	})
	for _, m := range []string{hsp, reg} {
		t.Run(m+" reads the dispense details", func(t *testing.T) {
			var rec model.DispenseRecord
			if err := s.evaluate(m, "unit:DispenseDetails", &rec, "pd-dispense", hsp); err != nil {
				t.Fatal(err)
			}
			if rec.PatientRef != patient {
				t.Fatalf("patient reference %q, want %q", rec.PatientRef, patient)
			}
		})
	}
	t.Run("the platform, another dispenser, is not told of the details", func(t *testing.T) {
		wantChaincodeError(t, s.evaluate(plt, "unit:DispenseDetails", nil, "pd-dispense", hsp), model.CodeNotFound)
	})
	for _, other := range []string{plt, dst} {
		t.Run("the "+other+" peer does not hold the details", func(t *testing.T) {
			// The hospital, a member, asks the other organisation's peer: it has nothing to give.
			b, err := s.client.Evaluate(s.ctx, ledger.Proposal{Identity: s.ids[hsp], Function: "unit:DispenseDetails",
				Args: []string{"pd-dispense", hsp}, EndorsingOrgs: []string{other}})
			if err == nil {
				t.Fatalf("the %s peer answered %s", other, b)
			}
			if strings.Contains(err.Error(), patient) {
				t.Fatalf("the error carries the patient reference: %v", err)
			}
			t.Logf("the hospital asking the %s peer: %v", other, err)
		})
	}
	t.Run("the distributor is not told of the hospital's dispense (ADR 012)", func(t *testing.T) {
		wantChaincodeError(t, s.evaluate(dst, "query:Event", nil, "pd-dispense", ""), model.CodeNotFound)
	})
	t.Run("the public event carries no patient reference", func(t *testing.T) {
		b, err := s.client.Evaluate(s.ctx, ledger.Proposal{Identity: s.ids[reg], Function: "query:Event", Args: []string{"pd-dispense", hsp}})
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(b), patient) {
			t.Fatalf("public event holds the patient reference: %s", b)
		}
	})

	erase := func(msp, id string) (*ledger.Result, error) {
		return s.submit(msp, "unit:EraseDispense", model.EraseDispenseRequest{EventHeader: model.EventHeader{EventID: id}, Dispense: "pd-dispense"})
	}
	t.Run("the regulator may not erase the hospital's dispense", func(t *testing.T) {
		_, err := erase(reg, "pd-erase-reg")
		wantChaincodeError(t, err, model.CodeForbidden)
	})
	t.Run("the platform has no such dispense of its own to erase", func(t *testing.T) {
		_, err := erase(plt, "pd-erase-plt")
		wantChaincodeError(t, err, model.CodeNotFound)
	})
	t.Run("the hospital erases the details: purged from its peer and the regulator's", func(t *testing.T) {
		r, err := erase(hsp, "pd-erase")
		if err != nil {
			t.Fatalf("erase: %v", err)
		}
		t.Logf("erasure endorsed by %v in block %d", s.endorsers(t, hsp, r.TxID), r.BlockNumber)
		for _, m := range []string{hsp, reg} {
			_, err := s.client.Evaluate(s.ctx, ledger.Proposal{Identity: s.ids[m], Function: "unit:DispenseDetails",
				Args: []string{"pd-dispense", hsp}, EndorsingOrgs: []string{m}})
			wantChaincodeError(t, err, model.CodeNotFound)
		}
	})
	t.Run("a second erasure is a conflict", func(t *testing.T) {
		_, err := erase(hsp, "pd-erase-2")
		wantChaincodeError(t, err, model.CodeConflict)
	})
}

// committedCollection is what the committed chaincode definition says of a collection.
type committedCollection struct {
	members                         []string
	writers                         []string // the organisations of the collection's endorsement policy
	blockToLive                     uint64
	memberOnlyRead, memberOnlyWrite bool
}

// committedCollections reads the chaincode definition's collections from the regulator's peer
// through the _lifecycle system chaincode.
func (s *suite) committedCollections(t *testing.T) map[string]committedCollection {
	t.Helper()
	o, _ := s.net.Org(reg)
	gw, closeGW := rawGateway(t, s.net, o)
	defer closeGW()
	arg, err := proto.Marshal(&lifecycle.QueryChaincodeDefinitionArgs{Name: s.net.Chaincode})
	if err != nil {
		t.Fatal(err)
	}
	b, err := gw.GetNetwork(s.net.Channel).GetContract("_lifecycle").EvaluateWithContext(s.ctx, "QueryChaincodeDefinition",
		client.WithBytesArguments(arg))
	if err != nil {
		t.Fatalf("_lifecycle QueryChaincodeDefinition: %v", err)
	}
	var def lifecycle.QueryChaincodeDefinitionResult
	if err := proto.Unmarshal(b, &def); err != nil {
		t.Fatal(err)
	}
	out := map[string]committedCollection{}
	for _, c := range def.GetCollections().GetConfig() {
		sc := c.GetStaticCollectionConfig()
		cc := committedCollection{blockToLive: sc.GetBlockToLive(), memberOnlyRead: sc.GetMemberOnlyRead(), memberOnlyWrite: sc.GetMemberOnlyWrite()}
		for _, id := range sc.GetMemberOrgsPolicy().GetSignaturePolicy().GetIdentities() {
			var role msp.MSPRole
			if err := proto.Unmarshal(id.GetPrincipal(), &role); err != nil {
				t.Fatal(err)
			}
			cc.members = append(cc.members, role.GetMspIdentifier())
		}
		slices.Sort(cc.members)
		for _, id := range sc.GetEndorsementPolicy().GetSignaturePolicy().GetIdentities() {
			var role msp.MSPRole
			if err := proto.Unmarshal(id.GetPrincipal(), &role); err != nil {
				t.Fatal(err)
			}
			cc.writers = append(cc.writers, role.GetMspIdentifier())
		}
		out[sc.GetName()] = cc
	}
	return out
}
