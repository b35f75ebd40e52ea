package model

import (
	"crypto/sha256"
	"encoding/hex"
)

// SaltedHash is what the public state keeps of a patient or prescription reference: the
// hex SHA-256 of the salt, a 0x00 separator and the reference.
func SaltedHash(salt, ref string) string {
	h := sha256.New()
	h.Write([]byte(salt))
	h.Write([]byte{0})
	h.Write([]byte(ref))
	return hex.EncodeToString(h.Sum(nil))
}
