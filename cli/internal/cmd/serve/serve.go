// Package serve implements `udi serve`: the REST gateway (gateway/server), on a configured
// backend or, with no configuration, on a development ledger with the five demo organisations
// and one API key each, printed at start the way Hardhat prints its accounts. It parses flags
// and prints; the gateway builds and runs itself.
package serve

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/udiledger/udiledger/cli/internal/cmdutil"
	"github.com/udiledger/udiledger/gateway/server"
)

// DefaultAddr is where the gateway listens unless told otherwise.
const DefaultAddr = server.DefaultAddr

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

// Run serves until ctx ends, then shuts down gracefully.
func Run(ctx context.Context, opts *ServeOptions) error {
	scheme := "http" // https once the gateway is built with TLS
	cfg := server.Config{
		File: opts.ConfigFile, DataDir: opts.DataDir, NoSeed: opts.NoSeed, ShutdownTimeout: opts.ShutdownTimeout,
		Logger: slog.New(slog.NewJSONHandler(opts.IO.ErrOut, nil)),
		Listening: func(addr string) {
			fmt.Fprintf(opts.IO.ErrOut, "udi: gateway listening on %s://%s (OpenAPI at /openapi.json, web console at /console)\n", scheme, addr)
			if opts.Listening != nil {
				opts.Listening(addr)
			}
		},
		ShuttingDown: func() { fmt.Fprintln(opts.IO.ErrOut, "udi: shutting down") },
	}
	if opts.AddrSet || opts.ConfigFile == "" {
		cfg.Addr = opts.Addr
	}
	g, err := server.New(ctx, cfg)
	var ce *server.ConfigError
	if errors.As(err, &ce) {
		return cmdutil.InvalidInput(err)
	}
	if err != nil {
		return err
	}
	defer g.Close()
	if g.TLS() {
		scheme = "https"
	}
	if accounts := g.Accounts(); accounts != nil {
		printAccounts(opts.IO.Out, opts.DataDir, accounts)
	}
	return g.Run(ctx)
}

// printAccounts writes the development API keys, one per organisation.
func printAccounts(w io.Writer, dataDir string, accounts []server.Account) {
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
