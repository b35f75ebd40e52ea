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

	"github.com/udiledger/udiledger/chaincode/epcis"
	"github.com/udiledger/udiledger/chaincode/gs1"
	"github.com/udiledger/udiledger/gateway/auth"
	"github.com/udiledger/udiledger/gateway/capturejobs"
	"github.com/udiledger/udiledger/gateway/ledger"
	"github.com/udiledger/udiledger/gateway/notify"
	"github.com/udiledger/udiledger/gateway/outbox"
	"github.com/udiledger/udiledger/gateway/problem"
	"github.com/udiledger/udiledger/gateway/routes"
	"github.com/udiledger/udiledger/gateway/subscriptions"
)

// DefaultMaxBodyBytes bounds a request body: a 10,000-code commission fits with room to spare.
const DefaultMaxBodyBytes = 8 << 20

// Options are the gateway's dependencies.
type Options struct {
	Ledger  ledger.Client
	Keyring *auth.Keyring
	Logger  *slog.Logger
	// Ready reports whether the ledger backend is reachable. Nil means the gateway asks the
	// ledger: a read of the chaincode's version as ReadyIdentity (ResolverIdentity when that
	// is nil); without either identity or without a ledger, always ready.
	Ready func(context.Context) error
	// ReadyIdentity signs the readiness check's read.
	ReadyIdentity *ledger.Identity
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
	// ResolverRoot is the resolver's public root (https://id.example.org), the start of the
	// anchors and links it answers; empty takes the scheme and host each request came to.
	ResolverRoot string
	// StreamHeartbeat is the pause between keep-alive comments of the event stream;
	// 0 means 15 s.
	StreamHeartbeat time.Duration
	// Closing, when closed, ends the open event streams (graceful shutdown); nil never does.
	Closing <-chan struct{}

	// PrivateMetrics makes /metrics need an API key (any key the keyring knows, an operator's
	// included); by default it is public.
	PrivateMetrics bool
	// PrivateDocs makes /openapi.json need an API key; by default it is public.
	PrivateDocs bool
	// Limits bound each API key's requests; the zero value bounds nothing.
	Limits Limits
	// Admission bounds the requests that reach the ledger, gateway-wide; the zero value takes
	// the defaults (DefaultMaxInFlight, DefaultMaxQueued, DefaultMaxQueueWait).
	Admission Admission
	// WriteTimeout bounds the writing of an answer from the moment it is routed; 0 means
	// DefaultWriteTimeout. Event streams have none.
	WriteTimeout time.Duration
	// CaptureJobs, when set, makes POST /epcis/capture the EPCIS 2.0 REST binding's: 202 with
	// the Location of a capture job kept in this store, run by a worker New starts (it stops
	// when the store is closed or Closing closes). Without it a capture is answered at once,
	// per event (200).
	CaptureJobs *capturejobs.Store
	// CaptureWriteTimeout is the write deadline of an EPCIS capture's answer; 0 means
	// DefaultCaptureWriteTimeout.
	CaptureWriteTimeout time.Duration
	// Subscriptions, when set, keeps the EPCIS named queries and query subscriptions
	// (/epcis/queries); New starts their deliveries, which stop when the store is closed or
	// Closing closes. Without it those routes answer 404.
	Subscriptions *subscriptions.Store
	// SubscriptionOptions tune the deliveries (private destinations, retries, bounds, the
	// schedules' clock); their Store and Source are the gateway's.
	SubscriptionOptions subscriptions.Options
	// Notifications, when set, keeps the organisations' webhooks and the notifications sent
	// to them (package notify); New starts the notifier, which stops when the store is closed
	// or Closing closes. Without it /v1/notifications answers 404.
	Notifications *notify.Store
	// NotifyOptions tune the notifier (sweep interval, retries, private destinations, clock);
	// its Store, Ledger, Reader and Identity are the gateway's.
	NotifyOptions notify.Options
	// CompanyPrefixes, when set, is the GS1 Company Prefix list codes entering through the
	// gateway must be within (the dictionary's gcppos1 and gcppos2 linters).
	CompanyPrefixes *gs1.Prefixes
	// CaptureLimit bounds the events of one EPCIS capture (GS1-EPCIS-Capture-Limit, 413 above
	// it); 0 means epcis.DefaultMaxEvents.
	CaptureLimit int
	// CaptureFileSizeLimit bounds the body of an EPCIS capture in bytes, in place of
	// MaxBodyBytes (GS1-EPCIS-Capture-File-Size-Limit, 413 above it); 0 means MaxBodyBytes.
	CaptureFileSizeLimit int64
}

// DefaultLedgerTimeout bounds a ledger call when Options.LedgerTimeout is 0.
const DefaultLedgerTimeout = 30 * time.Second

// server holds what every handler shares.
type server struct {
	caller   *ledger.Caller
	limits   *limiter
	admit    *admission
	outbox   *outboxQueue           // nil: writes are answered only once committed
	jobs     *jobRunner             // nil: captures are answered synchronously
	subs     *subscriptions.Manager // nil: no named queries
	subsStop context.Context        // ends the subscriptions' deliveries and WebSockets
	notifier *notify.Notifier       // nil: no notifications
	validate *validator.Validate
	codes    codeReader // reads codes within Options.CompanyPrefixes
	opts     Options
	registry *prometheus.Registry

	dirMu   sync.Mutex
	dirLast *directory // the parties' GLNs as last read, for captures while the ledger is down

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
	if o.WriteTimeout == 0 {
		o.WriteTimeout = DefaultWriteTimeout
	}
	if o.CaptureWriteTimeout == 0 {
		o.CaptureWriteTimeout = DefaultCaptureWriteTimeout
	}
	if o.CaptureLimit == 0 {
		o.CaptureLimit = epcis.DefaultMaxEvents
	}
	if o.CaptureFileSizeLimit == 0 {
		o.CaptureFileSizeLimit = o.MaxBodyBytes
	}
	m := newMetrics(o.Registry)

	r := gin.New()
	r.HandleMethodNotAllowed = true
	// Route on the raw path so that a percent-encoded Digital Link (slashes as %2F) stays one
	// path parameter; parameters are unescaped for the handlers.
	r.UseRawPath = true
	r.UnescapePathValues = true
	r.ContextWithFallback = true
	r.Use(requestID(), writeDeadlines(o), securityHeaders(), accessLog(o.Logger, m), recovery(o.Logger), limitBody(o.MaxBodyBytes, captureGinPaths()...))
	r.NoRoute(func(c *gin.Context) {
		problem.Write(c, problem.NotFound("no route for "+c.Request.Method+" "+c.Request.URL.Path))
	})
	r.NoMethod(func(c *gin.Context) {
		problem.Write(c, problem.New(http.StatusMethodNotAllowed, "method-not-allowed", "Method not allowed",
			c.Request.Method+" is not allowed on "+c.Request.URL.Path))
	})

	s := &server{
		caller:   &ledger.Caller{Client: o.Ledger, Timeout: o.LedgerTimeout, Unreachable: o.Unavailable},
		validate: newValidator(codeReader{o.CompanyPrefixes}),
		codes:    codeReader{o.CompanyPrefixes},
		limits:   newLimiter(o.Limits),
		admit:    newAdmission(o.Admission, o.Registry),
		opts:     o,
		registry: o.Registry,
	}
	if o.Outbox != nil {
		s.outbox = &outboxQueue{box: o.Outbox}
		s.caller.Queue = s.outbox
	}
	if o.CaptureJobs != nil && o.Ledger != nil {
		s.jobs = &jobRunner{store: o.CaptureJobs, wake: make(chan struct{}, 1), retry: jobRetry}
		go s.runJobs()
	}
	if o.Subscriptions != nil && o.Ledger != nil {
		s.startSubscriptions()
	}
	if o.Notifications != nil && o.Ledger != nil {
		s.startNotifier()
	}
	s.routes(r)
	return r
}

// routes registers every route of the table (package routes): the ledger operations through
// one handler, the gateway's own routes through theirs. Without a ledger only the public
// operational routes are served. A request is checked in this order: its API key, its key's
// limits (429), then, when it may reach the ledger, the gateway's admission (503).
func (s *server) routes(r *gin.Engine) {
	authed := auth.Required(s.opts.Keyring)
	own := s.ownHandlers()
	var epcisServed []routes.Route // for OPTIONS
	for _, rt := range routes.Table {
		var h gin.HandlerFunc
		switch {
		case rt.Op != nil:
			h = s.opHandler(rt)
		default:
			h = own[rt.Own]
		}
		if h == nil || (s.opts.Ledger == nil && !rt.Public) || (rt.Tag == "resolver" && s.opts.ResolverIdentity == nil) {
			continue
		}
		var chain []gin.HandlerFunc
		if !s.public(rt) {
			chain = append(chain, authed, s.limit(rt))
		}
		switch {
		case rt.Own == routes.EPCISQueryEvents:
			chain = append(chain, s.admit.admitUnlessWebSocket)
		case admitted(rt):
			chain = append(chain, s.admit.admit)
		}
		r.Handle(rt.Method, rt.GinPath(), append(chain, h)...)
		if isEPCISPath(rt.Path) {
			epcisServed = append(epcisServed, rt)
		}
	}
	s.epcisOptionsRoutes(r, epcisServed, authed, s.limits.perKey(false))
}

// limit bounds the requests of rt per key: an event stream and a WebSocket subscription
// count as open streams, other requests as requests in flight.
func (s *server) limit(rt routes.Route) gin.HandlerFunc {
	stream, request := s.limits.perKey(true), s.limits.perKey(false)
	switch rt.Own {
	case routes.EventStream:
		return stream
	case routes.EPCISQueryEvents:
		return func(c *gin.Context) {
			if subscriptions.IsWebSocket(c.Request) {
				stream(c)
			} else {
				request(c)
			}
		}
	}
	return request
}

// public reports whether rt is served without an API key: the table says which routes may
// be, the options which operational routes are not.
func (s *server) public(rt routes.Route) bool {
	switch rt.Own {
	case routes.Metrics:
		return rt.Public && !s.opts.PrivateMetrics
	case routes.OpenAPI:
		return rt.Public && !s.opts.PrivateDocs
	}
	return rt.Public
}

// ownHandlers are the handlers of the gateway's own routes, by name.
func (s *server) ownHandlers() map[string]gin.HandlerFunc {
	return map[string]gin.HandlerFunc{
		routes.Healthz:           func(c *gin.Context) { c.JSON(http.StatusOK, gin.H{"status": "ok"}) },
		routes.Readyz:            newReadiness(s.opts, s.caller, s.admit).handle,
		routes.Metrics:           gin.WrapH(promhttp.HandlerFor(s.registry, promhttp.HandlerOpts{})),
		routes.OpenAPI:           s.openAPI,
		routes.EventStream:       s.serveEvents(s.opts.Ledger, s.opts.StreamHeartbeat, s.opts.Closing),
		routes.Scans:             s.scans,
		routes.RecallProgress:    s.recallProgress,
		routes.OutboxStatus:      s.outboxStatus,
		routes.EPCISCapture:      s.epcisCapture,
		routes.EPCISEvents:       s.epcisEvents,
		routes.EPCISJobs:         s.captureJobs,
		routes.EPCISJob:          s.captureJobStatus,
		routes.EPCISCaptureEvent: s.epcisCaptureEvent,
		routes.EPCISEPCEvents:    s.epcisEPCEvents,

		routes.EPCISEvent:             s.epcisEvent,
		routes.EPCISEventTypes:        s.epcisVocabulary(epcis.EventTypes),
		routes.EPCISEventTypeEvents:   s.epcisResourceEvents("eventType", "eventType"),
		routes.EPCISEPCs:              s.epcisValues(epcisEPCs),
		routes.EPCISBizSteps:          s.epcisVocabulary(epcis.BizSteps),
		routes.EPCISBizStepEvents:     s.epcisResourceEvents("bizStep", "EQ_bizStep"),
		routes.EPCISBizLocations:      s.epcisValues(epcisBizLocation),
		routes.EPCISBizLocationEvents: s.epcisResourceEvents("bizLocation", "EQ_bizLocation"),
		routes.EPCISReadPoints:        s.epcisValues(epcisReadPoint),
		routes.EPCISReadPointEvents:   s.epcisResourceEvents("readPoint", "EQ_readPoint"),
		routes.EPCISDispositions:      s.epcisVocabulary(epcis.Dispositions),
		routes.EPCISDispositionEvents: s.epcisResourceEvents("disposition", "EQ_disposition"),
		routes.EPCISRoot:              epcisRoot,
		routes.EPCISResource:          epcisResource,
		routes.EPCISReleasePageToken:  epcisReleasePageToken,

		routes.EPCISQueries:       s.epcisQueries,
		routes.EPCISCreateQuery:   s.epcisCreateQuery,
		routes.EPCISQuery:         s.epcisQuery,
		routes.EPCISDeleteQuery:   s.epcisDeleteQuery,
		routes.EPCISQueryEvents:   s.epcisQueryEvents,
		routes.EPCISSubscriptions: s.epcisSubscriptions,
		routes.EPCISSubscribe:     s.epcisSubscribe,
		routes.EPCISSubscription:  s.epcisSubscription,
		routes.EPCISUnsubscribe:   s.epcisUnsubscribe,

		routes.NotifySetWebhook:    s.notifySetWebhook,
		routes.NotifyWebhook:       s.notifyWebhook,
		routes.NotifyDeleteWebhook: s.notifyDeleteWebhook,
		routes.NotifyDeliveries:    s.notifyDeliveries,

		routes.Resolve:      s.resolve,
		routes.ResolverInfo: s.resolverInfo,
	}
}
