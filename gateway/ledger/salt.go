package ledger

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"

	"github.com/udiledger/udiledger/chaincode/model"
)

// DispenseSalt is the salt of a dispense's patient hash. The submitting side chooses it,
// never the client: a client-chosen salt makes hashes linkable across dispenses and patient
// references (a resident ID) guessable. It must be secret (the public state keeps
// SaltedHash(salt, patientRef)) and the same on a retry of the same event (the chaincode
// compares the request of a retried event ID), so it is an HMAC of the event ID under a key
// drawn from the signing identity's private key: secret to the organisation, stable across
// restarts, different for every event.
func DispenseSalt(id *Identity, eventID string) string {
	k := sha256.New()
	k.Write([]byte("udiledger dispense salt v1\x00"))
	if id != nil {
		k.Write(id.PrivateKey)
	}
	mac := hmac.New(sha256.New, k.Sum(nil))
	mac.Write([]byte(eventID))
	return base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}

// salted gives a dispense without a salt its salt; other requests pass unchanged.
func salted(id *Identity, req any) any {
	switch in := req.(type) {
	case *model.DispenseInput:
		if in.Salt == "" {
			c := *in
			c.Salt = DispenseSalt(id, in.EventID)
			return &c
		}
	case model.DispenseInput:
		if in.Salt == "" {
			in.Salt = DispenseSalt(id, in.EventID)
			return in
		}
	}
	return req
}
