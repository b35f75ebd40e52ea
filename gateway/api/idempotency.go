package api

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"

	"github.com/gin-gonic/gin"

	"github.com/udiledger/udiledger/gateway/auth"
	"github.com/udiledger/udiledger/gateway/problem"
)

// IdempotencyKeyHeader names the header a client sends when its body carries no event ID.
const IdempotencyKeyHeader = "Idempotency-Key"

// eventIDNamespace separates the gateway's derived IDs from any other name-based UUIDs.
var eventIDNamespace = [16]byte{0x6b, 0x2f, 0x1d, 0x0e, 0x54, 0x1a, 0x4c, 0x57, 0x9a, 0x3e, 0x12, 0x77, 0x0c, 0x5d, 0x88, 0x41}

// eventID returns the event ID of a write: the one in the body when there is one, else one
// derived from the Idempotency-Key header (the same key from the same caller always gives the
// same ID, so the chaincode recognises a retry), else a fresh random one. suffix tells apart
// the several events one request writes (the scans of a batch). On false the problem has
// been written.
func eventID(c *gin.Context, given, suffix string) (string, bool) {
	if given != "" {
		return given, true
	}
	key := c.GetHeader(IdempotencyKeyHeader)
	if key == "" {
		return randomUUID(), true
	}
	if len(key) > 255 || !printableKey(key) {
		problem.Write(c, problem.Invalid("the Idempotency-Key header must be 1 to 255 printable characters",
			problem.FieldError{Field: IdempotencyKeyHeader, Reason: "must be 1 to 255 printable characters"}))
		return "", false
	}
	return derivedID(auth.PrincipalOf(c), key+suffix), true
}

func printableKey(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < ' ' || s[i] > '~' {
			return false
		}
	}
	return true
}

// derivedID is a name-based UUID (version 8, SHA-256, as RFC 9562 allows) of the caller's
// organisation, principal and idempotency key.
func derivedID(p *auth.Principal, key string) string {
	h := sha256.New()
	h.Write(eventIDNamespace[:])
	if p != nil {
		if p.Identity != nil {
			h.Write([]byte(p.Identity.MSPID))
		}
		h.Write([]byte{0})
		h.Write([]byte(p.Name))
	}
	h.Write([]byte{0})
	h.Write([]byte(key))
	var u [16]byte
	copy(u[:], h.Sum(nil))
	u[6] = u[6]&0x0f | 0x80 // version 8
	u[8] = u[8]&0x3f | 0x80 // RFC 9562 variant
	return "urn:uuid:" + formatUUID(u)
}

func randomUUID() string {
	var u [16]byte
	_, _ = rand.Read(u[:])
	u[6] = u[6]&0x0f | 0x40 // version 4
	u[8] = u[8]&0x3f | 0x80
	return "urn:uuid:" + formatUUID(u)
}

func formatUUID(u [16]byte) string {
	var b [36]byte
	hex.Encode(b[0:8], u[0:4])
	b[8] = '-'
	hex.Encode(b[9:13], u[4:6])
	b[13] = '-'
	hex.Encode(b[14:18], u[6:8])
	b[18] = '-'
	hex.Encode(b[19:23], u[8:10])
	b[23] = '-'
	hex.Encode(b[24:], u[10:])
	return string(b[:])
}
