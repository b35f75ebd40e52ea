// Package api is the gateway's HTTP interface: a gin engine in front of one ledger.Client.
// Handlers check the shape of requests; the chaincode decides what is allowed.
package api

import (
	"context"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/go-playground/validator/v10"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/udiledger/udiledger/gateway/auth"
	"github.com/udiledger/udiledger/gateway/ledger"
	"github.com/udiledger/udiledger/gateway/outbox"
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

	// Unavailable reports whether a ledger error means the backend could not be reached
	// (503, and a queued write when Outbox is set), e.g. fabric.Unavailable. A call past its
	// deadline always counts as unavailable.
	Unavailable func(error) bool
	// LedgerTimeout bounds every ledger call; 0 means DefaultLedgerTimeout.
	LedgerTimeout time.Duration
	// Outbox, when set, keeps writes the ledger could not take while unavailable and answers
	// 202 with a status URL; its worker (Outbox.Run with OutboxSubmitter) submits them.
	Outbox *outbox.Outbox
	// ResolverIdentity signs the reads of the public GS1 Digital Link resolver (/01/...);
	// nil leaves the resolver out.
	ResolverIdentity *ledger.Identity
	// StreamHeartbeat is the pause between keep-alive comments of the event stream;
	// 0 means 15 s.
	StreamHeartbeat time.Duration
	// Closing, when closed, ends the open event streams (graceful shutdown); nil never does.
	Closing <-chan struct{}
}

// DefaultLedgerTimeout bounds a ledger call when Options.LedgerTimeout is 0.
const DefaultLedgerTimeout = 30 * time.Second

// server holds what every handler shares.
type server struct {
	ledger   *caller
	validate *validator.Validate
	opts     Options

	docOnce sync.Once
	doc     []byte
	docErr  error
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
	if o.Keyring == nil {
		o.Keyring = auth.NewKeyring() // no keys: every /v1 call is refused
	}
	if o.LedgerTimeout == 0 {
		o.LedgerTimeout = DefaultLedgerTimeout
	}
	if o.StreamHeartbeat == 0 {
		o.StreamHeartbeat = 15 * time.Second
	}
	m := newMetrics(o.Registry)

	r := gin.New()
	r.HandleMethodNotAllowed = true
	// Route on the raw path so that a percent-encoded Digital Link (slashes as %2F) stays one
	// path parameter; parameters are unescaped for the handlers.
	r.UseRawPath = true
	r.UnescapePathValues = true
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
	if o.Ledger != nil {
		s := &server{
			ledger:   &caller{client: o.Ledger, unavailable: o.Unavailable, timeout: o.LedgerTimeout},
			validate: newValidator(),
			opts:     o,
		}
		if o.Outbox != nil {
			s.ledger.outbox = &outboxWriter{box: o.Outbox}
		}
		s.routes(r)
	}
	return r
}

// routes registers the API. Keep docs/api.md and openapi.go in step: a test checks that the
// OpenAPI document and the registered routes agree.
func (s *server) routes(r *gin.Engine) {
	authed := auth.Required(s.opts.Keyring)
	r.GET("/openapi.json", s.openAPI)

	v1 := r.Group("/v1", authed)
	m := masterHandlers{s}
	v1.POST("/ledger/init", m.initLedger)
	v1.POST("/parties", m.createParty)
	v1.GET("/parties", m.listParties)
	v1.GET("/parties/:msp", m.getParty)
	v1.PUT("/parties/:msp", m.updateParty)
	v1.POST("/products", m.createProduct)
	v1.GET("/products", m.listProducts)
	v1.GET("/products/:di", m.getProduct)
	v1.POST("/lots", m.createLot)
	v1.GET("/lots", m.listLots)
	v1.GET("/lots/:di/:lot", m.getLot)
	v1.PUT("/lots/:di/:lot/status", m.setLotStatus)

	ev := v1.Group("/events")
	ev.POST("/commission", s.eventRoute("unit:Commission", func() eventBody { return &commissionBody{} }))
	ev.POST("/pack", s.eventRoute("unit:Pack", func() eventBody { return &packBody{} }))
	ev.POST("/unpack", s.eventRoute("unit:Unpack", func() eventBody { return &unpackBody{} }))
	ev.POST("/ship", s.eventRoute("unit:Ship", func() eventBody { return &shipBody{} }))
	ev.POST("/receive", s.eventRoute("unit:Receive", func() eventBody { return &receiveBody{} }))
	ev.POST("/dispense", s.dispense)
	ev.POST("/undo-dispense", s.eventRoute("unit:UndoDispense", func() eventBody { return &undoDispenseBody{} }))
	ev.POST("/return", s.eventRoute("unit:Return", func() eventBody { return &returnBody{} }))
	ev.POST("/destroy", s.eventRoute("unit:Destroy", func() eventBody { return &disposeBody{} }))
	ev.POST("/decommission", s.eventRoute("unit:Decommission", func() eventBody { return &disposeBody{} }))
	ev.POST("/release", s.eventRoute("unit:Release", func() eventBody { return &disposeBody{} }))
	ev.POST("/sensor", s.eventRoute("unit:ReportSensor", func() eventBody { return &sensorBody{} }))
	ev.POST("/inspect", s.eventRoute("unit:Inspect", func() eventBody { return &inspectBody{} }))
	ev.GET("", s.eventsByTime)
	ev.GET("/stream", serveEvents(s.opts.Ledger, s.opts.StreamHeartbeat, s.opts.Closing))
	ev.GET("/:id", s.getEvent)
	v1.GET("/dispenses/:id", s.dispenseDetails)

	v1.POST("/scans", s.scans)
	v1.GET("/trace", s.trace)
	v1.GET("/verify", s.verify)
	v1.GET("/units", s.unit)
	v1.GET("/holders/:msp/units", s.holderUnits)
	v1.GET("/alerts", s.alerts)
	v1.GET("/licences/expiring", s.expiringLicences)

	v1.POST("/recalls", s.startRecall)
	v1.GET("/recalls", s.listRecalls)
	v1.GET("/recalls/:id", s.getRecall)
	v1.POST("/recalls/:id/acknowledge", s.acknowledgeRecall)
	v1.GET("/recalls/:id/scope", s.recallScope)
	v1.GET("/recalls/:id/progress", s.recallProgress)

	v1.GET("/outbox/:id", s.outboxStatus)

	if s.opts.ResolverIdentity != nil {
		r.GET("/01/*path", s.resolve)
	}
	ep := r.Group("/epcis", authed)
	ep.POST("/capture", s.epcisCapture)
	ep.GET("/events", s.epcisEvents)
	ep.GET("/epcs/:epc/events", s.epcisEPCEvents)
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
