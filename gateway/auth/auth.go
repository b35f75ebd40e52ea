// Package auth maps API keys to the identities a gateway signs with. Keys are stored only as
// SHA-256 hashes: they are 256-bit random tokens, so a slow password hash adds nothing.
package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/udiledger/udiledger/gateway/ledger"
	"github.com/udiledger/udiledger/gateway/problem"
)

// KeyPrefix starts every API key, so a leaked key is easy to recognise in logs and scanners.
const KeyPrefix = "udi_"

// RoleOperator is the role of a key that maps to no identity: it reads the operational
// routes a gateway keeps private (metrics, the document) and nothing of the ledger.
const RoleOperator = "operator"

// Principal is who a request acts as.
type Principal struct {
	Name     string           // a label for logs, e.g. "hospital-pharmacy-desk"
	Role     string           // the party role, e.g. "hospital"; the chaincode still decides what it may do
	Identity *ledger.Identity // nil for an operator: the key signs nothing
}

// Keyring holds the hashes of the API keys a gateway accepts.
type Keyring struct {
	byHash map[[sha256.Size]byte]*Principal
}

// NewKeyring returns an empty keyring.
func NewKeyring() *Keyring {
	return &Keyring{byHash: map[[sha256.Size]byte]*Principal{}}
}

// Add accepts keys whose hash is hashHex (as written by HashKey) for p.
func (k *Keyring) Add(hashHex string, p *Principal) error {
	raw, err := hex.DecodeString(strings.TrimPrefix(hashHex, "sha256:"))
	if err != nil || len(raw) != sha256.Size {
		return fmt.Errorf("auth: key hash for %s is not a hex SHA-256 digest", p.Name)
	}
	var h [sha256.Size]byte
	copy(h[:], raw)
	if _, dup := k.byHash[h]; dup {
		return fmt.Errorf("auth: key hash for %s is already in use", p.Name)
	}
	k.byHash[h] = p
	return nil
}

// Lookup returns the principal of key. The map is keyed by the key's SHA-256 digest, which a
// caller cannot steer, so the lookup leaks nothing useful through its timing.
func (k *Keyring) Lookup(key string) (*Principal, bool) {
	p, ok := k.byHash[sha256.Sum256([]byte(key))]
	return p, ok
}

// LookupHash returns the principal of the key whose hash is hashHex (as HashKey writes it):
// a session that holds the hash, not the key (the web console's).
func (k *Keyring) LookupHash(hashHex string) (*Principal, bool) {
	raw, err := hex.DecodeString(strings.TrimPrefix(hashHex, "sha256:"))
	if err != nil || len(raw) != sha256.Size {
		return nil, false
	}
	p, ok := k.byHash[[sha256.Size]byte(raw)]
	return p, ok
}

// NewKey returns a fresh random API key and the hash to put in the gateway's configuration.
func NewKey() (key, hashHex string, err error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", "", fmt.Errorf("auth: read random: %w", err)
	}
	key = KeyPrefix + base64.RawURLEncoding.EncodeToString(b)
	return key, HashKey(key), nil
}

// HashKey returns the hash of key as stored in configuration.
func HashKey(key string) string {
	h := sha256.Sum256([]byte(key))
	return "sha256:" + hex.EncodeToString(h[:])
}

// principalKey is the gin context key of the request's principal.
const principalKey = "principal"

// Required rejects requests without a known API key (Authorization: Bearer <key> or
// X-API-Key: <key>) with a 401 problem, and stores the principal for handlers.
func Required(k *Keyring) gin.HandlerFunc {
	return func(c *gin.Context) {
		key, err := keyFrom(c)
		if err != nil {
			c.Header("WWW-Authenticate", `Bearer realm="udiledger"`)
			problem.Write(c, problem.Unauthorized(err.Error()))
			return
		}
		p, ok := k.Lookup(key)
		if !ok {
			c.Header("WWW-Authenticate", `Bearer realm="udiledger", error="invalid_token"`)
			problem.Write(c, problem.Unauthorized("the API key is not known to this gateway"))
			return
		}
		c.Set(principalKey, p)
		c.Next()
	}
}

// PrincipalOf returns the authenticated principal of the request.
func PrincipalOf(c *gin.Context) *Principal {
	p, _ := c.Get(principalKey)
	pr, _ := p.(*Principal)
	return pr
}

func keyFrom(c *gin.Context) (string, error) {
	if h := c.GetHeader("Authorization"); h != "" {
		scheme, token, ok := strings.Cut(h, " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") || token == "" {
			return "", errors.New("the Authorization header must be \"Bearer <api key>\"")
		}
		return strings.TrimSpace(token), nil
	}
	if k := c.GetHeader("X-API-Key"); k != "" {
		return k, nil
	}
	return "", errors.New("an API key is required: send \"Authorization: Bearer <api key>\"")
}

// Identity returns the ledger identity named name (ledger.Identity.Name) that some key of
// the keyring signs with, or nil: a capture job resumed after a restart signs as the
// identity that submitted it.
func (k *Keyring) Identity(name string) *ledger.Identity {
	for _, p := range k.byHash {
		if p.Identity != nil && p.Identity.Name == name {
			return p.Identity
		}
	}
	return nil
}
