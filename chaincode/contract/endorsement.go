package contract

import (
	"fmt"

	"github.com/hyperledger/fabric-chaincode-go/v2/pkg/statebased"
)

// Key-level (state-based) endorsement. Every unit and container key carries a validation
// parameter naming the peers of the organisation in its record's Owner field, so on Fabric a
// transaction that writes the key is valid only with an endorsement from the owner's peer (on
// such keys the key-level policy replaces the chaincode-level one; the event key every
// transaction also writes keeps the chaincode's MAJORITY). The parameter is written when a key
// is created (commissioning, packing into a new container) and whenever a transaction changes
// the owner (receiving, unpacking, returns); the write that changes it is itself checked
// against the previous owner's policy. See docs/adr/008-key-level-endorsement.md.

// ownerPolicy is the key-level endorsement policy of an item owned by msp: one signature
// from a peer of msp.
func ownerPolicy(msp string) ([]byte, error) {
	ep, err := statebased.NewStateEP(nil)
	if err != nil {
		return nil, fmt.Errorf("new key endorsement policy: %w", err)
	}
	if err := ep.AddOrgs(statebased.RoleTypePeer, msp); err != nil {
		return nil, fmt.Errorf("key endorsement policy of %s: %w", msp, err)
	}
	b, err := ep.Policy()
	if err != nil {
		return nil, fmt.Errorf("key endorsement policy of %s: %w", msp, err)
	}
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
// carries it: a new key, or an owner other than the committed one, gets a new parameter.
func (t *txn) guard(key, owner string) error {
	if prev, ok := t.guards[key]; ok && prev == owner {
		return nil
	}
	ep, err := ownerPolicy(owner)
	if err != nil {
		return err
	}
	if err := t.stub.SetStateValidationParameter(key, ep); err != nil {
		return fmt.Errorf("set key endorsement policy: %w", err)
	}
	t.guards[key] = owner
	return nil
}
