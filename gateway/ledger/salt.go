package ledger

import (
	"crypto/rand"
	"encoding/base64"

	"github.com/udiledger/udiledger/chaincode/model"
)

// DispenseSalt draws the salt of a dispense's patient and prescription hashes. The submitting
// side chooses it, never the client: a client-chosen salt makes hashes linkable across
// dispenses and patient references (a resident ID) guessable. It is random and new on every
// submission, so the private record of the dispense is the only place it exists: purging the
// record (unit:EraseDispense) leaves the public hashes linkable to no one, the dispenser
// included (crypto-shredding). A retry of a recorded event is compared by the chaincode under
// the salt recorded with it.
func DispenseSalt() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // never fails (crypto/rand)
	return base64.RawURLEncoding.EncodeToString(b)
}

// salted gives a dispense without a salt its salt; other requests pass unchanged.
func salted(req any) any {
	switch in := req.(type) {
	case *model.DispenseInput:
		if in.Salt == "" {
			c := *in
			c.Salt = DispenseSalt()
			return &c
		}
	case model.DispenseInput:
		if in.Salt == "" {
			in.Salt = DispenseSalt()
			return in
		}
	}
	return req
}
