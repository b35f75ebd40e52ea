// Package server is the gateway as a program, its composition root: from the gateway's
// configuration it builds the ledger backend (the embedded engine or a Fabric network), the
// identities the gateway signs with, the keyring of API keys (package auth), the durable
// outbox (package outbox) and the HTTP server around the REST API (package api), runs them,
// and shuts them down gracefully. `udi serve` only parses its flags and calls New and Run;
// `udi demo` and tests start a gateway in front of a ledger they opened with StartLoopback.
//
// Without a configuration file the gateway runs in development mode: an embedded ledger with
// the five organisations of package orgs registered, and one API key per organisation, kept
// in the data directory so they stay the same from one start to the next.
package server

import (
	"cmp"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/udiledger/udiledger/gateway/api"
	"github.com/udiledger/udiledger/gateway/console"
	"github.com/udiledger/udiledger/gateway/ledger"
	"github.com/udiledger/udiledger/gateway/ledger/embedded"
	"github.com/udiledger/udiledger/gateway/ledger/fabric"
)

// DefaultAddr is where the gateway listens unless told otherwise.
const DefaultAddr = "127.0.0.1:8080"

// DefaultShutdownTimeout bounds the graceful shutdown unless told otherwise.
const DefaultShutdownTimeout = 15 * time.Second

// The HTTP server's timeouts. Its write timeout is the api's default write deadline, a
// backstop for what no route answers; the api sets each answer's own (none for event streams,
// longer for EPCIS capture), and every ledger call has its own timeout
// (api.Options.LedgerTimeout).
const (
	ReadHeaderTimeout = 10 * time.Second
	ReadTimeout       = 2 * time.Minute
	IdleTimeout       = 2 * time.Minute
)

// Config is what the gateway is told when it starts.
type Config struct {
	// File is the gateway's configuration file (package config): backend, identities, hashed
	// API keys, outbox. Empty means development mode.
	File string
	// Addr is the address to listen on; set, it wins over the file's listen address. Empty
	// means the file's, or DefaultAddr in development mode.
	Addr string
	// DataDir is development mode's directory: the embedded ledger and its organisations, and
	// the API keys (DevKeysFile).
	DataDir string
	// NoSeed keeps development mode from registering the organisations on a new ledger.
	NoSeed bool
	// ShutdownTimeout bounds the graceful shutdown; 0 means the file's, else
	// DefaultShutdownTimeout.
	ShutdownTimeout time.Duration

	// Logger receives the access log and the server's errors; nil discards them.
	Logger *slog.Logger
	// Listening, when set, is told the address the gateway listens on (port 0 picks one).
	Listening func(addr string)
	// ShuttingDown, when set, is called as the graceful shutdown starts.
	ShuttingDown func()
}

// ConfigError says the configuration is unusable: the file, or something it names. Nothing
// was started.
type ConfigError struct{ Err error }

func (e *ConfigError) Error() string { return e.Err.Error() }
func (e *ConfigError) Unwrap() error { return e.Err }

// Gateway is a gateway built from its configuration and not yet serving, or serving.
type Gateway struct {
	cfg      Config
	api      api.Options
	addr     string
	tls      *tls.Config // nil: plain HTTP
	shutdown time.Duration
	workers  []func(context.Context) error // background workers (the outbox)
	closers  []func() error
	accounts []Account
	// consoleSecret signs the web console's sessions; nil draws one per start.
	consoleSecret []byte
}

// New builds the gateway cfg describes: it opens the ledger backend and the outbox and, in
// development mode, registers the organisations on a new ledger (which ctx bounds). Close
// releases what it opened.
func New(ctx context.Context, cfg Config) (*Gateway, error) {
	if cfg.Logger == nil {
		cfg.Logger = discard()
	}
	g := &Gateway{cfg: cfg, addr: cfg.Addr, shutdown: cfg.ShutdownTimeout}
	var err error
	if cfg.File != "" {
		err = g.fromFile(cfg.File)
	} else {
		err = g.development(ctx)
	}
	if err != nil {
		_ = g.Close()
		return nil, err
	}
	if g.shutdown == 0 {
		g.shutdown = DefaultShutdownTimeout
	}
	return g, nil
}

// Accounts are development mode's API keys, one per organisation; nil for a gateway
// configured by a file (whose keys are stored only as hashes).
func (g *Gateway) Accounts() []Account { return g.accounts }

// Close releases the outbox and the ledger backend. Call it once Run or Serve has returned.
func (g *Gateway) Close() error {
	var errs []error
	for i := len(g.closers) - 1; i >= 0; i-- {
		errs = append(errs, g.closers[i]())
	}
	g.closers = nil
	return errors.Join(errs...)
}

// Run listens on the configured address and serves until ctx ends, then shuts down
// gracefully.
func (g *Gateway) Run(ctx context.Context) error {
	addr := g.addr
	if addr == "" {
		addr = DefaultAddr
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	if g.cfg.Listening != nil {
		g.cfg.Listening(ln.Addr().String())
	}
	return g.Serve(ctx, ln)
}

// TLS reports whether the gateway serves HTTPS (the file's tls section).
func (g *Gateway) TLS() bool { return g.tls != nil }

// Serve serves on ln (HTTPS when configured), and runs the outbox's worker, until ctx ends;
// then it shuts down gracefully: requests in flight are finished within the shutdown timeout
// and event streams closed. It returns early if the server or the worker fails.
func (g *Gateway) Serve(ctx context.Context, ln net.Listener) error {
	log := g.cfg.Logger
	if os.Getenv(gin.EnvGinMode) == "" {
		gin.SetMode(gin.ReleaseMode) // the access log is slog's; no route dump on stdout
	}
	closing := make(chan struct{})
	opts := g.api
	opts.Logger, opts.Closing = log, closing
	if opts.WriteTimeout == 0 {
		opts.WriteTimeout = api.DefaultWriteTimeout
	}
	handler := api.New(opts)
	if opts.Ledger != nil {
		if err := console.Mount(handler, console.Options{Keyring: opts.Keyring, Secret: g.consoleSecret, Secure: g.tls != nil,
			Ledger: &ledger.Caller{Client: opts.Ledger, Timeout: cmp.Or(opts.LedgerTimeout, api.DefaultLedgerTimeout), Unreachable: opts.Unavailable}}); err != nil {
			return fmt.Errorf("serve: %w", err)
		}
	}
	srv := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: ReadHeaderTimeout,
		ReadTimeout:       ReadTimeout,
		WriteTimeout:      opts.WriteTimeout,
		IdleTimeout:       IdleTimeout,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}

	workers, stopWorkers := context.WithCancel(context.Background())
	defer stopWorkers()
	workerDone := make(chan error, len(g.workers))
	for _, run := range g.workers {
		go func() { workerDone <- run(workers) }()
	}
	served := make(chan error, 1)
	go func() {
		if g.tls != nil {
			srv.TLSConfig = g.tls
			served <- srv.ServeTLS(ln, "", "") // the certificate is in TLSConfig
			return
		}
		served <- srv.Serve(ln)
	}()

	select {
	case err := <-served:
		return fmt.Errorf("serve: %w", err)
	case err := <-workerDone:
		_ = srv.Close()
		return fmt.Errorf("serve: outbox: %w", err)
	case <-ctx.Done():
	}
	if g.cfg.ShuttingDown != nil {
		g.cfg.ShuttingDown()
	}
	close(closing)
	sctx, cancel := context.WithTimeout(context.Background(), g.shutdown)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		_ = srv.Close()
		return fmt.Errorf("serve: shutdown: %w", err)
	}
	stopWorkers()
	for range g.workers {
		<-workerDone
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	return nil
}

func discard() *slog.Logger { return slog.New(slog.DiscardHandler) }

// closedLedger tells the embedded ledger's "closed" from other errors: the backend is gone.
func closedLedger(err error) bool { return errors.Is(err, embedded.ErrClosed) }

// unreachable says a ledger error means the backend, embedded or Fabric, could not be reached.
func unreachable(err error) bool { return closedLedger(err) || fabric.Unavailable(err) }
