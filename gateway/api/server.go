// Package api is the gateway's HTTP interface: a gin engine in front of one ledger.Client.
// Handlers check the shape of requests; the chaincode decides what is allowed.
package api

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/udiledger/udiledger/gateway/auth"
	"github.com/udiledger/udiledger/gateway/ledger"
	"github.com/udiledger/udiledger/gateway/problem"
)

// DefaultMaxBodyBytes bounds a request body: a 10,000-code commission fits with room to spare.
const DefaultMaxBodyBytes = 8 << 20

// Options are the gateway's dependencies.
type Options struct {
	Ledger  ledger.Client
	Keyring *auth.Keyring
	Logger  *slog.Logger
	// Ready reports whether the ledger backend is reachable; nil means always ready.
	Ready func(context.Context) error
	// MaxBodyBytes bounds request bodies; 0 means DefaultMaxBodyBytes.
	MaxBodyBytes int64
	// Registry receives the gateway's metrics; nil means a new registry.
	Registry *prometheus.Registry
}

// New returns the gateway's HTTP handler.
func New(o Options) *gin.Engine {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.MaxBodyBytes == 0 {
		o.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if o.Registry == nil {
		o.Registry = prometheus.NewRegistry()
	}
	m := newMetrics(o.Registry)

	r := gin.New()
	r.HandleMethodNotAllowed = true
	r.ContextWithFallback = true
	r.Use(requestID(), accessLog(o.Logger, m), recovery(o.Logger), limitBody(o.MaxBodyBytes))
	r.NoRoute(func(c *gin.Context) {
		problem.Write(c, problem.NotFound("no route for "+c.Request.Method+" "+c.Request.URL.Path))
	})
	r.NoMethod(func(c *gin.Context) {
		problem.Write(c, problem.New(http.StatusMethodNotAllowed, "method-not-allowed", "Method not allowed",
			c.Request.Method+" is not allowed on "+c.Request.URL.Path))
	})

	r.GET("/healthz", func(c *gin.Context) { c.JSON(http.StatusOK, gin.H{"status": "ok"}) })
	r.GET("/readyz", readiness(o.Ready))
	r.GET("/metrics", gin.WrapH(promhttp.HandlerFor(o.Registry, promhttp.HandlerOpts{})))
	return r
}

func readiness(ready func(context.Context) error) gin.HandlerFunc {
	return func(c *gin.Context) {
		if ready != nil {
			ctx, cancel := context.WithTimeout(c.Request.Context(), 3*time.Second)
			defer cancel()
			if err := ready(ctx); err != nil {
				problem.Write(c, problem.New(http.StatusServiceUnavailable, "not-ready", "Ledger backend unreachable", err.Error()))
				return
			}
		}
		c.JSON(http.StatusOK, gin.H{"status": "ready"})
	}
}
