package api

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/udiledger/udiledger/gateway/problem"
	"github.com/udiledger/udiledger/gateway/routes"
)

// The EPCIS 2.0 REST binding's capture limits: the events of one document and the bytes of
// its body (Options.CaptureLimit, Options.CaptureFileSizeLimit), announced on OPTIONS and on
// every capture answer; a capture over either is a 413.
const (
	captureLimitHeader         = "GS1-EPCIS-Capture-Limit"
	captureFileSizeLimitHeader = "GS1-EPCIS-Capture-File-Size-Limit"
)

// captureGinPaths are the capture routes, which bound their bodies by the capture's file size
// limit instead of the gateway's body limit.
func captureGinPaths() []string {
	var out []string
	for _, rt := range routes.Table {
		if rt.Own == routes.EPCISCapture || rt.Own == routes.EPCISCaptureEvent {
			out = append(out, rt.GinPath())
		}
	}
	return out
}

// captureLimitHeaders announces both limits.
func (s *server) captureLimitHeaders(c *gin.Context) {
	c.Header(captureLimitHeader, strconv.Itoa(s.opts.CaptureLimit))
	c.Header(captureFileSizeLimitHeader, strconv.FormatInt(s.opts.CaptureFileSizeLimit, 10))
}

// captureTooLarge is the binding's 413: the capture exceeds one of the limits.
func captureTooLarge(detail string) *problem.Problem {
	return problem.New(http.StatusRequestEntityTooLarge, "epcis-capture-limit", "Capture payload too large", detail)
}

// readCaptureBody reads a capture's body, at most the file size limit; on false the 413 (or
// another problem) has been written.
func (s *server) readCaptureBody(c *gin.Context) ([]byte, bool) {
	limit := s.opts.CaptureFileSizeLimit
	tooLarge := func() {
		problem.Write(c, captureTooLarge(fmt.Sprintf("the body may be at most %d bytes (%s); nothing was captured", limit, captureFileSizeLimitHeader)))
	}
	if c.Request.ContentLength > limit {
		tooLarge()
		return nil, false
	}
	body, err := io.ReadAll(http.MaxBytesReader(c.Writer, c.Request.Body, limit))
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &mbe):
		tooLarge()
		return nil, false
	case err != nil:
		writeError(c, err)
		return nil, false
	}
	return body, true
}
