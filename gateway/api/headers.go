package api

import (
	"crypto/sha256"
	"encoding/base64"

	"github.com/gin-gonic/gin"
)

// apiCSP is the policy of every answer that is not a page: nothing to load, no framing. A
// browser that opens a JSON answer or a problem directly runs nothing from it.
const apiCSP = "default-src 'none'; frame-ancestors 'none'"

// securityHeaders marks every answer: its type is the one declared (nosniff), it loads
// nothing, may not be framed, and following a link from it sends no referrer. Pages widen the
// policy to what they need (pagePolicy).
func securityHeaders() gin.HandlerFunc {
	return func(c *gin.Context) {
		h := c.Writer.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Content-Security-Policy", apiCSP)
		h.Set("Referrer-Policy", "no-referrer")
		c.Next()
	}
}

// pagePolicy is the policy of an HTML page whose only resource is the inline style sheet
// style, allowed by its hash: no scripts, images, forms or frames.
func pagePolicy(style string) string {
	sum := sha256.Sum256([]byte(style))
	return "default-src 'none'; style-src 'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'; " +
		"base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
}
