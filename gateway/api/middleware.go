package api

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/udiledger/udiledger/gateway/auth"
	"github.com/udiledger/udiledger/gateway/problem"
)

const requestIDHeader = "X-Request-ID"

// requestID takes the caller's X-Request-ID when it is short and printable, else makes one,
// and echoes it on the response so logs on both sides can be joined.
func requestID() gin.HandlerFunc {
	return func(c *gin.Context) {
		id := c.GetHeader(requestIDHeader)
		if !printableID(id) {
			b := make([]byte, 12)
			_, _ = rand.Read(b)
			id = hex.EncodeToString(b)
		}
		c.Set(problem.RequestIDKey, id)
		c.Header(requestIDHeader, id)
		c.Next()
	}
}

func printableID(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] > '~' {
			return false
		}
	}
	return true
}

// accessLog writes one structured line per request and records its metrics.
func accessLog(log *slog.Logger, m *metrics) gin.HandlerFunc {
	return func(c *gin.Context) {
		start := time.Now()
		c.Next()
		route := routeLabel(c)
		elapsed := time.Since(start)
		status := c.Writer.Status()
		m.observe(methodLabel(c.Request.Method), route, status, elapsed)
		level := slog.LevelInfo
		if status >= 500 {
			level = slog.LevelError
		}
		attrs := []slog.Attr{
			slog.String("request_id", c.GetString(problem.RequestIDKey)),
			slog.String("method", clip(c.Request.Method, 16)),
			slog.String("route", route),
			slog.Int("status", status),
			slog.Duration("elapsed", elapsed),
			slog.String("caller", principalName(c)),
		}
		if len(c.Errors) > 0 {
			attrs = append(attrs, slog.String("error", causes(c.Errors)))
		}
		log.LogAttrs(c.Request.Context(), level, "request", attrs...)
	}
}

// causes joins what handlers recorded with c.Error: the causes of 5xx answers, which the
// answers themselves never carry.
func causes(errs []*gin.Error) string {
	parts := make([]string, len(errs))
	for i, e := range errs {
		parts[i] = e.Error()
	}
	return strings.Join(parts, "; ")
}

// recovery turns a handler panic into a 500 problem and logs it with its stack; the process
// keeps serving.
func recovery(log *slog.Logger) gin.HandlerFunc {
	return func(c *gin.Context) {
		defer func() {
			if v := recover(); v != nil {
				if err, ok := v.(error); ok && errors.Is(err, http.ErrAbortHandler) {
					panic(v)
				}
				log.Error("handler panic", "request_id", c.GetString(problem.RequestIDKey), "panic", fmt.Sprint(v),
					"stack", string(debug.Stack()))
				_ = c.Error(fmt.Errorf("handler panic: %v", v))
				problem.Write(c, problem.From(nil))
			}
		}()
		c.Next()
	}
}

// limitBody bounds the body a handler may read; reading past it fails with 413. The routes
// named by their gin paths in own bound their bodies themselves (EPCIS capture).
func limitBody(n int64, own ...string) gin.HandlerFunc {
	return func(c *gin.Context) {
		if slices.Contains(own, c.FullPath()) {
			c.Next()
			return
		}
		if c.Request.ContentLength > n {
			problem.Write(c, problem.New(http.StatusRequestEntityTooLarge, "too-large", "Request body too large",
				"the body may be at most "+strconv.FormatInt(n, 10)+" bytes"))
			return
		}
		c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, n)
		c.Next()
	}
}

func principalName(c *gin.Context) string {
	if p := auth.PrincipalOf(c); p != nil {
		return p.Name
	}
	return ""
}

// clip shortens what a caller chose (a method) before it reaches the log.
func clip(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}
