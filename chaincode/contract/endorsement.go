package contract

import (
	"fmt"
	"slices"

	"github.com/hyperledger/fabric-protos-go-apiv2/common"
	"github.com/hyperledger/fabric-protos-go-apiv2/msp"
	"google.golang.org/protobuf/proto"
)

// Key-level (state-based) endorsement. Every unit and container key carries a validation
// parameter: a peer of the organisation in its record's Owner field AND peers of enough other
// registered parties that, with the owner, they are a majority of all parties. On Fabric a
// key-level policy replaces the chaincode-level one for that key, so neither the owner alone
// nor a majority without the owner can write it. The parameter is written when a key is
// created (commissioning, packing into a new container) and whenever a transaction changes the
// owner (receiving, unpacking, returns), with the parties registered at that time; the write
// that changes it is itself checked against the previous policy. See
// docs/adr/008-key-level-endorsement.md.

// keyPolicies caches, for one transaction, the registered parties and the policies built
// from them.
type keyPolicies struct {
	parties []string          // sorted MSP IDs of the registered parties; nil until read
	built   map[string][]byte // policy by owner
}

// maxPolicyParties bounds the parties a key policy names (a channel has a few organisations).
const maxPolicyParties = 1000

// othersNeeded is how many of n other parties must endorse with the owner: a majority of them
// (0 on a single-party ledger).
func othersNeeded(n int) int {
	if n == 0 {
		return 0
	}
	return n/2 + 1
}

// ownerPolicy is the key-level endorsement policy of an item owned by owner on a ledger whose
// registered parties are parties: AND(owner.peer, OutOf(k, other.peer…)) with k from
// othersNeeded, as a SignaturePolicyEnvelope. Identity 0 is the owner and the others follow in
// MSP ID order, so every endorser builds the same bytes whatever order parties come in. With
// no other party it is the owner's peer alone.
func ownerPolicy(owner string, parties []string) ([]byte, error) {
	others := slices.DeleteFunc(slices.Clone(parties), func(p string) bool { return p == owner })
	slices.Sort(others)
	others = slices.Compact(others)
	if len(others) >= maxPolicyParties {
		return nil, fmt.Errorf("key endorsement policy over %d parties: at most %d", len(others)+1, maxPolicyParties)
	}
	ids := make([]*msp.MSPPrincipal, 0, 1+len(others))
	for _, m := range append([]string{owner}, others...) {
		role, err := proto.Marshal(&msp.MSPRole{MspIdentifier: m, Role: msp.MSPRole_PEER})
		if err != nil {
			return nil, fmt.Errorf("key endorsement policy principal %s: %w", m, err)
		}
		ids = append(ids, &msp.MSPPrincipal{PrincipalClassification: msp.MSPPrincipal_ROLE, Principal: role})
	}
	rule := nOutOf(1, signedBy(0))
	if k := othersNeeded(len(others)); k > 0 {
		rest := make([]*common.SignaturePolicy, len(others))
		for i := range others {
			rest[i] = signedBy(i + 1)
		}
		rule = nOutOf(2, signedBy(0), nOutOf(k, rest...))
	}
	b, err := proto.MarshalOptions{Deterministic: true}.Marshal(&common.SignaturePolicyEnvelope{Version: 0, Rule: rule, Identities: ids})
	if err != nil {
		return nil, fmt.Errorf("key endorsement policy of %s: %w", owner, err)
	}
	return b, nil
}

func signedBy(i int) *common.SignaturePolicy {
	return &common.SignaturePolicy{Type: &common.SignaturePolicy_SignedBy{SignedBy: int32(i)}} // #nosec G115 -- below maxPolicyParties
}

func nOutOf(n int, rules ...*common.SignaturePolicy) *common.SignaturePolicy {
	return &common.SignaturePolicy{Type: &common.SignaturePolicy_NOutOf_{NOutOf: &common.SignaturePolicy_NOutOf{N: int32(n), Rules: rules}}} // #nosec G115 -- below maxPolicyParties
}

// keyPolicy returns owner's policy over the registered parties, reading the party records once
// per transaction (a range read over a few keys; on Fabric it is re-checked at commit, so a
// party registered or updated meanwhile invalidates the transaction).
func (t *txn) keyPolicy(owner string) ([]byte, error) {
	kp := &t.policies
	if b, ok := kp.built[owner]; ok {
		return b, nil
	}
	if kp.parties == nil {
		kp.parties = []string{}
		err := t.scanAll(otParty, nil, func(key string, _ []byte) error {
			_, attrs, err := t.stub.SplitCompositeKey(key)
			if err != nil || len(attrs) != 1 {
				return fmt.Errorf("party key %q: %v", key, err)
			}
			kp.parties = append(kp.parties, attrs[0])
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	b, err := ownerPolicy(owner, kp.parties)
	if err != nil {
		return nil, err
	}
	if kp.built == nil {
		kp.built = map[string][]byte{}
	}
	kp.built[owner] = b
	return b, nil
}

// committedOwner remembers the owner a key had when the transaction read it: the
// organisation its committed validation parameter names.
func (t *txn) committedOwner(key, owner string) {
	if _, ok := t.guards[key]; !ok {
		t.guards[key] = owner
	}
}

// guard sets the validation parameter of key to owner's policy unless the key already
// carries it: a new key, or an owner other than the committed one, gets a new parameter. A key
// whose owner stays keeps the policy it got, even if parties were registered since.
func (t *txn) guard(key, owner string) error {
	if prev, ok := t.guards[key]; ok && prev == owner {
		return nil
	}
	ep, err := t.keyPolicy(owner)
	if err != nil {
		return err
	}
	if err := t.stub.SetStateValidationParameter(key, ep); err != nil {
		return fmt.Errorf("set key endorsement policy: %w", err)
	}
	t.guards[key] = owner
	return nil
}
