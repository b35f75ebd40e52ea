package identity

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"

	"github.com/udiledger/udiledger/chaincode/model"
	"github.com/udiledger/udiledger/gateway/ledger"
)

// Person returns the identity of name from the wallet; a person not yet in the wallet is
// registered with role and a fresh random secret, and enrolled. A name registered before but
// missing from this wallet is ErrAlreadyRegistered: enrol it with its secret instead.
func (c *Client) Person(ctx context.Context, name string, role model.Role) (*ledger.Identity, error) {
	id, err := c.Wallet().Get(c.CA().MSPID, name)
	if err == nil {
		return id, nil
	}
	if !errors.Is(err, ErrNotEnrolled) {
		return nil, err
	}
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return nil, err
	}
	secret, err := c.Register(ctx, Registration{Name: name, Role: role, Secret: hex.EncodeToString(b)})
	if err != nil {
		return nil, err
	}
	return c.Enroll(ctx, name, secret)
}
