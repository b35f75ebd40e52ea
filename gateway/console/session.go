package console

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// A session is a cookie, nothing on the server: the hash of the API key the user signed in
// with, the principal's name, an expiry and a random nonce, signed with HMAC-SHA256 under the gateway's
// console secret. A session ends when it expires, when its key leaves the keyring, or when
// the secret changes (a gateway without console_secret draws one per start).

// Cookie names.
const (
	sessionCookie = "udi_console"
	loginCookie   = "udi_console_login" // the login form's double-submit token
	langCookie    = "udi_console_lang"
)

// SessionTTL is how long a session lasts.
const SessionTTL = 8 * time.Hour

// loginTTL is how long a login form stays usable.
const loginTTL = 30 * time.Minute

// MinSecretBytes is the shortest console secret accepted.
const MinSecretBytes = 32

type session struct {
	KeyHash string `json:"h"`
	Name    string `json:"n"`
	Expires int64  `json:"e"` // Unix seconds
	Nonce   string `json:"r"` // sets sessions of one key apart, and their CSRF tokens
}

// signer signs and checks sessions and derives the forms' CSRF tokens.
type signer struct{ secret []byte }

func newSigner(secret []byte) (*signer, error) {
	if secret == nil {
		secret = make([]byte, MinSecretBytes)
		if _, err := rand.Read(secret); err != nil {
			return nil, fmt.Errorf("console: draw a secret: %w", err)
		}
	}
	if len(secret) < MinSecretBytes {
		return nil, fmt.Errorf("console: the secret has %d bytes, at least %d are needed", len(secret), MinSecretBytes)
	}
	return &signer{secret: secret}, nil
}

func (s *signer) mac(purpose, value string) []byte {
	m := hmac.New(sha256.New, s.secret)
	m.Write([]byte(purpose + "\x00" + value))
	return m.Sum(nil)
}

// seal is the cookie value of ses: payload.signature, both base64url.
func (s *signer) seal(ses session) string {
	raw, _ := json.Marshal(ses)
	payload := base64.RawURLEncoding.EncodeToString(raw)
	return payload + "." + base64.RawURLEncoding.EncodeToString(s.mac("session", payload))
}

var errBadSession = errors.New("console: the session cookie is not valid")

// open checks a cookie value's signature and expiry and returns its session.
func (s *signer) open(value string, now time.Time) (session, error) {
	payload, sig, ok := strings.Cut(value, ".")
	if !ok {
		return session{}, errBadSession
	}
	got, err := base64.RawURLEncoding.DecodeString(sig)
	if err != nil || !hmac.Equal(got, s.mac("session", payload)) {
		return session{}, errBadSession
	}
	raw, err := base64.RawURLEncoding.DecodeString(payload)
	if err != nil {
		return session{}, errBadSession
	}
	var ses session
	if err := json.Unmarshal(raw, &ses); err != nil || now.Unix() >= ses.Expires {
		return session{}, errBadSession
	}
	return ses, nil
}

// csrf is the token the forms of a session (or of a login form's nonce) carry.
func (s *signer) csrf(purpose, value string) string {
	return base64.RawURLEncoding.EncodeToString(s.mac("csrf-"+purpose, value))
}

// checkCSRF reports whether token is the one derived from value.
func (s *signer) checkCSRF(purpose, value, token string) bool {
	got, err := base64.RawURLEncoding.DecodeString(token)
	return err == nil && value != "" && hmac.Equal(got, s.mac("csrf-"+purpose, value))
}

// nonce is a fresh random token.
func nonce() (string, error) {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("console: draw a nonce: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}
