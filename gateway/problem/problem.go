// Package problem writes errors as RFC 9457 problem details (application/problem+json), the
// one error shape of the gateway.
package problem

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"
)

// ContentType is the media type of a problem document.
const ContentType = "application/problem+json"

// typeBase prefixes the type URI of each problem kind; the page documents them all.
const typeBase = "https://udiledger.github.io/problems/"

// FieldError names one invalid field of a request and says what is wrong with it.
type FieldError struct {
	Field  string `json:"field"`
	Reason string `json:"reason"`
}

// Problem is an RFC 9457 problem document with the gateway's extensions.
type Problem struct {
	Type     string       `json:"type"`
	Title    string       `json:"title"`
	Status   int          `json:"status"`
	Detail   string       `json:"detail,omitempty"`
	Instance string       `json:"instance,omitempty"`
	Code     string       `json:"code,omitempty"` // the chaincode's error code, when it refused
	Errors   []FieldError `json:"errors,omitempty"`
	// RequestID lets an operator find the request in the gateway's log.
	RequestID string `json:"requestId,omitempty"`
}

func (p *Problem) Error() string {
	if p.Detail != "" {
		return p.Title + ": " + p.Detail
	}
	return p.Title
}

// New returns a problem of the given kind (a short slug such as "invalid-request").
func New(status int, kind, title, detail string) *Problem {
	return &Problem{Type: typeBase + kind, Title: title, Status: status, Detail: detail}
}

// Invalid is a 400 for a request whose shape is wrong; fields say where.
func Invalid(detail string, fields ...FieldError) *Problem {
	p := New(http.StatusBadRequest, "invalid-request", "Invalid request", detail)
	p.Errors = fields
	return p
}

// Unauthorized is a 401 for a missing or unknown API key.
func Unauthorized(detail string) *Problem {
	return New(http.StatusUnauthorized, "unauthorized", "Unauthorized", detail)
}

// NotFound is a 404 for a route or resource that does not exist.
func NotFound(detail string) *Problem {
	return New(http.StatusNotFound, "not-found", "Not found", detail)
}

// Write sends p as the response and stops the handler chain.
func Write(c *gin.Context, p *Problem) {
	if p.Instance == "" {
		p.Instance = c.Request.URL.Path
	}
	if p.RequestID == "" {
		p.RequestID = c.GetString(RequestIDKey)
	}
	c.Abort()
	c.Header("Content-Type", ContentType)
	// PureJSON keeps "<" and ">" readable; gin sets its own content type only when none is set.
	c.PureJSON(p.Status, p)
}

// RequestIDKey is the gin context key under which the request ID is stored.
const RequestIDKey = "request_id"

// From returns the problem in err's chain, or a 500 problem that hides err's text.
func From(err error) *Problem {
	var p *Problem
	if errors.As(err, &p) {
		return p
	}
	return New(http.StatusInternalServerError, "internal", "Internal error", "the gateway failed to handle the request; see its log")
}
