package server

import (
	"bufio"
	"fmt"
	"os"
	"strings"

	"github.com/udiledger/udiledger/chaincode/gs1"
	"github.com/udiledger/udiledger/gateway/api"
	"github.com/udiledger/udiledger/gateway/auth"
	"github.com/udiledger/udiledger/gateway/capturejobs"
	"github.com/udiledger/udiledger/gateway/config"
	"github.com/udiledger/udiledger/gateway/ledger"
	"github.com/udiledger/udiledger/gateway/ledger/devledger"
	"github.com/udiledger/udiledger/gateway/ledger/fabric"
	"github.com/udiledger/udiledger/gateway/notify"
	"github.com/udiledger/udiledger/gateway/outbox"
	"github.com/udiledger/udiledger/gateway/subscriptions"
)

// fromFile builds the gateway a configuration file describes: identities, then the keyring,
// then the ledger backend, then the outbox in front of it.
func (g *Gateway) fromFile(path string) error {
	cfg, err := config.Load(path)
	if err != nil {
		return &ConfigError{Err: err}
	}
	if g.addr == "" {
		g.addr = cfg.Listen
	}
	if g.shutdown == 0 {
		g.shutdown = cfg.ShutdownTimeout
	}
	if cfg.TLS != nil {
		if g.tls, err = serverTLS(cfg.TLS); err != nil {
			return &ConfigError{Err: err}
		}
	}
	ids, err := identities(cfg)
	if err != nil {
		return err
	}
	kr, err := keyring(cfg, ids)
	if err != nil {
		return err
	}
	client, unavailable, err := backend(cfg, ids)
	if err != nil {
		return err
	}
	g.closers = append(g.closers, client.Close)
	box, err := outbox.Open(cfg.Outbox, api.OutboxSubmitter(client, ids), outbox.Options{Unavailable: unavailable,
		MaxPending: cfg.OutboxMaxPending, MaxWait: cfg.OutboxMaxWait})
	if err != nil {
		return err
	}
	g.closers = append(g.closers, box.Close)
	g.workers = append(g.workers, box.Run)
	jobs, err := capturejobs.Open(cfg.CaptureJobs)
	if err != nil {
		return err
	}
	g.closers = append(g.closers, jobs.Close)
	subs, err := subscriptions.Open(cfg.Subscriptions.File)
	if err != nil {
		return err
	}
	g.closers = append(g.closers, subs.Close)
	notes, err := notify.Open(cfg.NotifyFile)
	if err != nil {
		return err
	}
	g.closers = append(g.closers, notes.Close)
	gcps, err := readCompanyPrefixes(cfg.GS1CompanyPrefixes)
	if err != nil {
		return err
	}
	if cfg.ConsoleSecret != "" {
		g.consoleSecret = []byte(cfg.ConsoleSecret)
	}
	g.api = api.Options{Subscriptions: subs, CompanyPrefixes: gcps, SubscriptionOptions: subscriptions.Options{AllowPrivate: cfg.Subscriptions.AllowPrivateDestinations,
		MaxPerOrg: cfg.Subscriptions.MaxPerOrg, MaxAttempts: cfg.Subscriptions.MaxAttempts, RetryBase: cfg.Subscriptions.RetryBase,
		RetryMax: cfg.Subscriptions.RetryMax},
		Notifications: notes, NotifyOptions: notify.Options{Interval: cfg.NotifyInterval, MaxAttempts: cfg.NotifyMaxAttempts,
			RetryBase: cfg.NotifyRetryBase, RetryMax: cfg.NotifyRetryMax, AllowPrivate: cfg.NotifyAllowPrivate},
		Ledger: client, Keyring: kr, Unavailable: unavailable, Outbox: box, CaptureJobs: jobs, MaxBodyBytes: cfg.MaxBodyBytes,
		ResolverIdentity: resolverIdentity(cfg, ids), ResolverRoot: cfg.ResolverRoot,
		// A configured gateway shows its metrics only to API keys; its document to anyone.
		PrivateMetrics: !cfg.Metrics.IsPublic(false), PrivateDocs: !cfg.Docs.IsPublic(true),
		Limits: limits(cfg.Limits), Admission: admission(cfg.Limits), WriteTimeout: cfg.WriteTimeout, CaptureWriteTimeout: cfg.CaptureWriteTimeout,
		CaptureLimit: cfg.CaptureLimit, CaptureFileSizeLimit: cfg.CaptureFileSizeLimit}
	return nil
}

// DefaultLimits bound each API key of a configured gateway where its file names no limit:
// room for a busy integration, not for a runaway loop.
var DefaultLimits = api.Limits{Rate: 100, Burst: 200, Concurrent: 32, Streams: 4}

// limits are the file's limits, DefaultLimits where it names none. A rate without a burst
// gets the api's (the rate rounded up), not the default's.
func limits(l config.Limits) api.Limits {
	or := func(v, def int) int {
		if v == 0 {
			return def
		}
		return v
	}
	out := api.Limits{Rate: l.Rate, Burst: l.Burst, Concurrent: or(l.Concurrent, DefaultLimits.Concurrent),
		Streams: or(l.Streams, DefaultLimits.Streams)}
	if out.Rate == 0 {
		out.Rate, out.Burst = DefaultLimits.Rate, or(l.Burst, DefaultLimits.Burst)
	}
	return out
}

// admission is the file's bound on the requests that reach the ledger; what it leaves at 0
// takes the api's defaults.
func admission(l config.Limits) api.Admission {
	return api.Admission{MaxInFlight: l.MaxInFlight, MaxQueued: l.MaxQueued, MaxQueueWait: l.MaxQueueWait}
}

// identities reads the certificates and keys the gateway signs with, by the file's names.
func identities(cfg *config.Config) (map[string]*ledger.Identity, error) {
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
	return ids, nil
}

// keyring maps each API key's hash to the identity it names; an operator's key names none.
func keyring(cfg *config.Config, ids map[string]*ledger.Identity) (*auth.Keyring, error) {
	kr := auth.NewKeyring()
	for _, k := range cfg.APIKeys {
		if err := kr.Add(k.Hash, &auth.Principal{Name: k.Name, Role: k.Role, Identity: ids[k.Identity]}); err != nil {
			return nil, &ConfigError{Err: err}
		}
	}
	return kr, nil
}

// backend opens the configured ledger, and says which of its errors mean it is unreachable.
func backend(cfg *config.Config, ids map[string]*ledger.Identity) (ledger.Client, func(error) bool, error) {
	switch cfg.Backend {
	case config.BackendEmbedded:
		led, err := devledger.Open(cfg.Embedded.DataDir, devledger.Options{})
		if err != nil {
			return nil, nil, fmt.Errorf("open embedded ledger in %s: %w%s", cfg.Embedded.DataDir, err, damagedHint(err, cfg.Embedded.DataDir))
		}
		return led, closedLedger, nil
	case config.BackendFabric:
		fc := fabric.Config{ChannelID: cfg.Fabric.Channel, ChaincodeName: cfg.Fabric.Chaincode, Peers: map[string]fabric.Peer{},
			EventsIdentity: ids[cfg.Fabric.EventsIdentity], PrivateEndorsers: cfg.Fabric.PrivateEndorsers}
		for msp, p := range cfg.Fabric.Peers {
			ca, err := os.ReadFile(p.TLSCACert)
			if err != nil {
				return nil, nil, fmt.Errorf("peer of %s: %w", msp, err)
			}
			fc.Peers[msp] = fabric.Peer{Address: p.Address, TLSCACert: ca, ServerName: p.ServerName}
		}
		fcl, err := fabric.New(fc)
		if err != nil {
			return nil, nil, err
		}
		return fcl, fabric.Unavailable, nil
	}
	return nil, nil, &ConfigError{Err: fmt.Errorf("unknown backend %q", cfg.Backend)}
}

// resolverIdentity is the identity of the public Digital Link resolver: the events identity
// when there is one, else the first identity of the file.
func resolverIdentity(cfg *config.Config, ids map[string]*ledger.Identity) *ledger.Identity {
	if id := ids[cfg.Fabric.EventsIdentity]; id != nil {
		return id
	}
	return ids[cfg.Identities[0].Name]
}

// readCompanyPrefixes reads the GS1 Company Prefix list of the configuration: one prefix per
// line, blank lines and # comments skipped; nil when none is configured.
func readCompanyPrefixes(path string) (*gs1.Prefixes, error) {
	if path == "" {
		return nil, nil
	}
	f, err := os.Open(path) // #nosec G304 -- the operator's configuration names it
	if err != nil {
		return nil, fmt.Errorf("gs1_company_prefixes: %w", err)
	}
	defer f.Close()
	var gcps []string
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		t := strings.TrimSpace(sc.Text())
		if t == "" || strings.HasPrefix(t, "#") {
			continue
		}
		if len(t) < 4 || len(t) > 12 || strings.Trim(t, "0123456789") != "" {
			return nil, fmt.Errorf("gs1_company_prefixes: %s line %d: %q is not a GS1 Company Prefix of 4 to 12 digits", path, line, t)
		}
		gcps = append(gcps, t)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("gs1_company_prefixes: %s: %w", path, err)
	}
	p, err := gs1.NewPrefixes(gcps)
	if err != nil {
		return nil, fmt.Errorf("gs1_company_prefixes: %s: %w", path, err)
	}
	return p, nil
}
