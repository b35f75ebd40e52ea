package api

import (
	"errors"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/udiledger/udiledger/gateway/routes"
)

// The write deadlines of answers, unless Options say otherwise.
const (
	DefaultWriteTimeout        = 2 * time.Minute
	DefaultCaptureWriteTimeout = 10 * time.Minute
)

// writeDeadlines gives each answer its write deadline, by route, as it starts: none for
// event streams, which stay open; the capture's for an EPCIS capture, one transaction per
// event; the default for every other route, unmatched ones included. A caller that does not
// read its answer cannot hold the connection longer. The HTTP server's own WriteTimeout (set
// by gateway/server to the default) is a backstop this replaces per request.
func writeDeadlines(o Options) gin.HandlerFunc {
	byRoute := map[string]time.Duration{}
	for _, rt := range routes.Table {
		switch rt.Own {
		case routes.EventStream:
			byRoute[rt.GinPath()] = 0
		case routes.EPCISCapture:
			byRoute[rt.GinPath()] = o.CaptureWriteTimeout
		}
	}
	return func(c *gin.Context) {
		d, ok := byRoute[c.FullPath()]
		if !ok {
			d = o.WriteTimeout
		}
		var at time.Time // zero: no deadline
		if d > 0 {
			at = time.Now().Add(d)
		}
		// A writer without deadlines (a test's recorder) keeps none.
		if err := http.NewResponseController(c.Writer).SetWriteDeadline(at); err != nil && !errors.Is(err, http.ErrNotSupported) {
			_ = c.Error(err)
		}
		c.Next()
	}
}
