// Package serve implements `udi serve`: the REST gateway, on a configured backend or, with no
// configuration, on a development ledger with the five demo organisations and one API key
// each, printed at start the way Hardhat prints its accounts.
package serve

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/spf13/cobra"

	"github.com/udiledger/udiledger/cli/internal/cmdutil"
	"github.com/udiledger/udiledger/gateway/api"
	"github.com/udiledger/udiledger/gateway/auth"
	"github.com/udiledger/udiledger/gateway/config"
	"github.com/udiledger/udiledger/gateway/ledger"
	"github.com/udiledger/udiledger/gateway/ledger/devledger"
	"github.com/udiledger/udiledger/gateway/ledger/embedded"
	"github.com/udiledger/udiledger/gateway/ledger/fabric"
	"github.com/udiledger/udiledger/gateway/outbox"
)

// DefaultAddr is where the gateway listens unless told otherwise.
const DefaultAddr = "127.0.0.1:8080"

// ServeOptions are the inputs of `udi serve`.
type ServeOptions struct {
	IO         cmdutil.IOStreams
	Addr       string
	AddrSet    bool // --addr was given (it then wins over the configuration's listen)
	ConfigFile string
	DataDir    string
	NoSeed     bool
	// ShutdownTimeout bounds the graceful shutdown; 0 means 15 s (or the configuration's).
	ShutdownTimeout time.Duration
	// Listening, when set, is told the address the gateway listens on (tests use port 0).
	Listening func(addr string)
}

// NewCmdServe returns the serve command. runF replaces the run step in tests.
func NewCmdServe(f *cmdutil.Factory, runF func(*ServeOptions) error) *cobra.Command {
	opts := &ServeOptions{IO: f.IO}
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run the REST gateway",
		Long: `Serve runs the REST gateway (docs/api.md; the OpenAPI document is at /openapi.json).

With --config it runs as configured (gateway/config: backend, identities, hashed API keys,
outbox). Without, it runs in development mode: an embedded ledger under --data-dir with the
five demo organisations registered, and one API key per organisation, printed at start and
kept in <data-dir>/dev-api-keys.json so they stay the same from one start to the next.

SIGINT or SIGTERM stops it gracefully: requests in flight are finished, event streams closed.`,
		Example: `  udi serve
  curl -H "Authorization: Bearer <key>" http://127.0.0.1:8080/v1/parties
  udi serve --config /etc/udi/gateway.yaml`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.AddrSet = cmd.Flags().Changed("addr")
			if runF != nil {
				return runF(opts)
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			return Run(ctx, opts)
		},
	}
	cmd.Flags().StringVar(&opts.Addr, "addr", DefaultAddr, "listen address")
	cmd.Flags().StringVar(&opts.ConfigFile, "config", "", "gateway configuration file (production); none means development mode")
	cmd.Flags().StringVar(&opts.DataDir, "data-dir", defaultDataDir(), "development ledger directory (without --config)")
	cmd.Flags().BoolVar(&opts.NoSeed, "no-seed", false, "development mode: do not register the demo organisations on a new ledger")
	return cmd
}

func defaultDataDir() string {
	if d, err := os.UserCacheDir(); err == nil {
		return filepath.Join(d, "udiledger", "dev")
	}
	return ".udi-dev"
}

// gatewaySetup is what either mode prepares: the gateway's options and what to close.
type gatewaySetup struct {
	api      api.Options
	addr     string
	shutdown time.Duration
	run      []func(context.Context) error // background workers (the outbox)
	closers  []func() error
}

func (g *gatewaySetup) close() {
	for i := len(g.closers) - 1; i >= 0; i-- {
		_ = g.closers[i]()
	}
}

// Run serves until ctx ends, then shuts down gracefully.
func Run(ctx context.Context, opts *ServeOptions) error {
	log := slog.New(slog.NewJSONHandler(opts.IO.ErrOut, nil))
	var (
		g   *gatewaySetup
		err error
	)
	if opts.ConfigFile != "" {
		g, err = fromConfig(opts)
	} else {
		g, err = devMode(ctx, opts)
	}
	if err != nil {
		return err
	}
	defer g.close()
	if opts.ShutdownTimeout > 0 {
		g.shutdown = opts.ShutdownTimeout
	}

	if os.Getenv(gin.EnvGinMode) == "" {
		gin.SetMode(gin.ReleaseMode) // the access log is slog's; no route dump on stdout
	}
	closing := make(chan struct{})
	g.api.Logger, g.api.Closing = log, closing
	srv := &http.Server{
		Handler:           api.New(g.api),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       2 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		// No WriteTimeout: event streams stay open; every ledger call has its own timeout.
		ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	ln, err := net.Listen("tcp", g.addr)
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	addr := ln.Addr().String()
	fmt.Fprintf(opts.IO.ErrOut, "udi: gateway listening on http://%s (OpenAPI at /openapi.json)\n", addr)
	if opts.Listening != nil {
		opts.Listening(addr)
	}

	workers, stopWorkers := context.WithCancel(context.Background())
	defer stopWorkers()
	workerDone := make(chan error, len(g.run))
	for _, run := range g.run {
		go func() { workerDone <- run(workers) }()
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()

	select {
	case err := <-served:
		return fmt.Errorf("serve: %w", err)
	case err := <-workerDone:
		_ = srv.Close()
		return fmt.Errorf("serve: outbox: %w", err)
	case <-ctx.Done():
	}
	fmt.Fprintln(opts.IO.ErrOut, "udi: shutting down")
	close(closing)
	sctx, cancel := context.WithTimeout(context.Background(), g.shutdown)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		_ = srv.Close()
		return fmt.Errorf("serve: shutdown: %w", err)
	}
	stopWorkers()
	for range g.run {
		<-workerDone
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	return nil
}

// fromConfig prepares the gateway from a configuration file.
func fromConfig(opts *ServeOptions) (*gatewaySetup, error) {
	cfg, err := config.Load(opts.ConfigFile)
	if err != nil {
		return nil, cmdutil.InvalidInput(err)
	}
	g := &gatewaySetup{addr: cfg.Listen, shutdown: cfg.ShutdownTimeout}
	if opts.AddrSet {
		g.addr = opts.Addr
	}
	if g.shutdown == 0 {
		g.shutdown = 15 * time.Second
	}
	ids := map[string]*ledger.Identity{}
	for _, c := range cfg.Identities {
		cert, err := os.ReadFile(c.Cert)
		if err != nil {
			return nil, fmt.Errorf("identity %s: %w", c.Name, err)
		}
		key, err := os.ReadFile(c.Key)
		if err != nil {
			return nil, fmt.Errorf("identity %s: %w", c.Name, err)
		}
		ids[c.Name] = &ledger.Identity{Name: c.Name, MSPID: c.MSPID, Certificate: cert, PrivateKey: key}
	}
	kr := auth.NewKeyring()
	for _, k := range cfg.APIKeys {
		if err := kr.Add(k.Hash, &auth.Principal{Name: k.Name, Role: k.Role, Identity: ids[k.Identity]}); err != nil {
			return nil, cmdutil.InvalidInput(err)
		}
	}
	var client ledger.Client
	var unavailable func(error) bool
	switch cfg.Backend {
	case config.BackendEmbedded:
		led, err := devledger.Open(cfg.Embedded.DataDir, devledger.Options{})
		if err != nil {
			return nil, err
		}
		client, unavailable = led, closedLedger
	case config.BackendFabric:
		fc := fabric.Config{ChannelID: cfg.Fabric.Channel, ChaincodeName: cfg.Fabric.Chaincode, Peers: map[string]fabric.Peer{},
			EventsIdentity: ids[cfg.Fabric.EventsIdentity], PrivateEndorsers: cfg.Fabric.PrivateEndorsers}
		for msp, p := range cfg.Fabric.Peers {
			ca, err := os.ReadFile(p.TLSCACert)
			if err != nil {
				return nil, fmt.Errorf("peer of %s: %w", msp, err)
			}
			fc.Peers[msp] = fabric.Peer{Address: p.Address, TLSCACert: ca, ServerName: p.ServerName}
		}
		fcl, err := fabric.New(fc)
		if err != nil {
			return nil, err
		}
		client, unavailable = fcl, fabric.Unavailable
	}
	g.closers = append(g.closers, client.Close)
	box, err := outbox.Open(cfg.Outbox, api.OutboxSubmitter(client, ids), outbox.Options{Unavailable: unavailable})
	if err != nil {
		g.close()
		return nil, err
	}
	g.closers = append(g.closers, box.Close)
	g.run = append(g.run, box.Run)
	g.api = api.Options{Ledger: client, Keyring: kr, Unavailable: unavailable, Outbox: box, MaxBodyBytes: cfg.MaxBodyBytes,
		ResolverIdentity: resolverIdentity(cfg, ids)}
	return g, nil
}

// resolverIdentity is the identity of the public Digital Link resolver: the events identity
// when there is one, else the first identity of the file.
func resolverIdentity(cfg *config.Config, ids map[string]*ledger.Identity) *ledger.Identity {
	if id := ids[cfg.Fabric.EventsIdentity]; id != nil {
		return id
	}
	return ids[cfg.Identities[0].Name]
}

func closedLedger(err error) bool { return errors.Is(err, embedded.ErrClosed) }

// printAccounts writes the development API keys, one per organisation.
func printAccounts(w io.Writer, dataDir string, accounts []account) {
	fmt.Fprintf(w, "Development gateway on the embedded ledger in %s\n\n", dataDir)
	fmt.Fprintln(w, "API keys (send as \"Authorization: Bearer <key>\"):")
	fmt.Fprintln(w)
	for _, a := range accounts {
		fmt.Fprintf(w, "  %-20s %-13s %s\n", a.MSPID, a.Role, a.Key)
		if a.Note != "" {
			fmt.Fprintf(w, "  %-20s %-13s %s\n", "", "", a.Note)
		}
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "These keys are for development only: anyone with them acts as that organisation.")
}
