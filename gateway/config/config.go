// Package config reads a gateway's configuration file (YAML): which backend, which
// identities it signs with, which API keys map to them, and how it guards itself (limits per
// key, private operational routes, TLS).
package config

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/go-playground/validator/v10"
	"github.com/goccy/go-yaml"

	"github.com/udiledger/udiledger/chaincode/model"
	"github.com/udiledger/udiledger/gateway/auth"
)

// Backend names.
const (
	BackendEmbedded = "embedded"
	BackendFabric   = "fabric"
)

// Config is the whole file.
type Config struct {
	Listen   string   `yaml:"listen" validate:"required,hostname_port"`
	Backend  string   `yaml:"backend" validate:"required,oneof=embedded fabric"`
	Embedded Embedded `yaml:"embedded"`
	Fabric   Fabric   `yaml:"fabric"`
	// Outbox is the file of the durable outbox of accepted writes.
	Outbox string `yaml:"outbox" validate:"required"`
	// CaptureJobs is the file of the durable EPCIS capture jobs (POST /epcis/capture answers
	// 202 and a worker records the events); empty means capture-jobs.db beside the outbox.
	CaptureJobs string `yaml:"capture_jobs"`
	// Subscriptions configures the EPCIS named queries and query subscriptions.
	Subscriptions Subscriptions `yaml:"subscriptions"`
	// NotifyFile keeps the organisations' notification webhooks and what was sent to them
	// (package notify); empty means notifications.db beside the outbox.
	NotifyFile string `yaml:"notify_file"`
	// NotifyInterval is the pause between the notifier's sweeps (recall reminders, licence
	// expiry, overdue cases); 0 means 15 min.
	NotifyInterval time.Duration `yaml:"notify_interval" validate:"gte=0"`
	// NotifyMaxAttempts bounds the posts of one notification before it fails; 0 means 8.
	NotifyMaxAttempts int `yaml:"notify_max_attempts" validate:"gte=0"`
	// NotifyRetryBase is the pause after a first failed post, doubled after each (with
	// jitter) up to NotifyRetryMax; 0 means 30 s and 1 h.
	NotifyRetryBase time.Duration `yaml:"notify_retry_base" validate:"gte=0"`
	NotifyRetryMax  time.Duration `yaml:"notify_retry_max" validate:"gte=0"`
	// NotifyAllowPrivate lets notification webhooks reach private addresses, over plain http
	// too; by default https to public addresses, or loopback.
	NotifyAllowPrivate bool `yaml:"notify_allow_private"`
	// GS1CompanyPrefixes is a file of GS1 Company Prefixes, one per line (blank lines and
	// lines starting with # are skipped): the codes that enter through the gateway must be
	// within it (docs/identifiers.md, gcppos1 and gcppos2). Empty: no list, no such check.
	GS1CompanyPrefixes string `yaml:"gs1_company_prefixes"`
	// CaptureLimit bounds the events of one EPCIS capture (GS1-EPCIS-Capture-Limit; more is a
	// 413); 0 means 1,000.
	CaptureLimit int `yaml:"capture_limit" validate:"gte=0"`
	// CaptureFileSizeLimit bounds the body of an EPCIS capture in bytes, in place of
	// max_body_bytes (GS1-EPCIS-Capture-File-Size-Limit; more is a 413); 0 means max_body_bytes.
	CaptureFileSizeLimit int64 `yaml:"capture_file_size_limit" validate:"gte=0"`
	// OutboxMaxPending bounds the writes the outbox keeps; 0 means 100,000.
	OutboxMaxPending int `yaml:"outbox_max_pending" validate:"gte=0"`
	// OutboxMaxWait bounds how long a write waits for an unreachable ledger before it ends
	// rejected; 0 means 24 h.
	OutboxMaxWait time.Duration `yaml:"outbox_max_wait" validate:"gte=0"`
	Identities    []Identity    `yaml:"identities" validate:"required,min=1,unique=Name,dive"`
	APIKeys       []APIKey      `yaml:"api_keys" validate:"required,min=1,unique=Hash,dive"`
	// MaxBodyBytes bounds request bodies; 0 means the gateway's default.
	MaxBodyBytes int64 `yaml:"max_body_bytes" validate:"gte=0"`
	// ShutdownTimeout bounds graceful shutdown; default 15 s.
	ShutdownTimeout time.Duration `yaml:"shutdown_timeout" validate:"gte=0"`
	// WriteTimeout bounds writing an answer; 0 means the gateway's default (2 min). Event
	// streams have none.
	WriteTimeout time.Duration `yaml:"write_timeout" validate:"gte=0"`
	// CaptureWriteTimeout bounds the answer of an EPCIS capture, which records one
	// transaction per event; 0 means the gateway's default (10 min).
	CaptureWriteTimeout time.Duration `yaml:"capture_write_timeout" validate:"gte=0"`

	// Metrics says who reads /metrics: unless public, an API key is needed.
	Metrics Access `yaml:"metrics"`
	// Docs says who reads /openapi.json: public unless public: false.
	Docs Access `yaml:"docs"`
	// Limits bound what each API key may ask of the gateway.
	Limits Limits `yaml:"limits"`
	// TLS, when set, makes the gateway serve HTTPS only.
	TLS *TLS `yaml:"tls"`
	// ConsoleSecret signs the web console's session cookies (at least 32 characters, e.g.
	// 64 hex digits). Empty: a random secret per start, so sessions end when the gateway
	// restarts.
	ConsoleSecret string `yaml:"console_secret" validate:"omitempty,min=32"`
	// ResolverRoot is the public root of the Digital Link resolver (https://id.example.org),
	// where its anchors and links start; empty takes the scheme and host of each request.
	ResolverRoot string `yaml:"resolver_root" validate:"omitempty,url,startswith=https://,max=200"`
}

// Subscriptions configures the EPCIS named queries and their webhook and WebSocket
// subscriptions (package subscriptions); 0 (or omitted) means the package's default.
type Subscriptions struct {
	// File keeps the queries and subscriptions; empty means subscriptions.db beside the outbox.
	File string `yaml:"file"`
	// AllowPrivateDestinations lets webhooks reach loopback and private addresses, over plain
	// http too (closed networks, tests); by default only https to public addresses.
	AllowPrivateDestinations bool `yaml:"allow_private_destinations"`
	// MaxPerOrg bounds the named queries of one organisation, and its subscriptions (default 100).
	MaxPerOrg int `yaml:"max_per_org" validate:"gte=0"`
	// MaxAttempts bounds the posts of one report before it is dead-lettered (default 6).
	MaxAttempts int `yaml:"max_attempts" validate:"gte=0"`
	// RetryBase is the pause after a first failed post, doubled after each (default 2 s),
	// up to RetryMax (default 5 min).
	RetryBase time.Duration `yaml:"retry_base" validate:"gte=0"`
	RetryMax  time.Duration `yaml:"retry_max" validate:"gte=0"`
}

// Access says whether an operational route needs an API key.
type Access struct {
	Public *bool `yaml:"public"`
}

// IsPublic is the file's choice, or byDefault when it names none.
func (a Access) IsPublic(byDefault bool) bool {
	if a.Public == nil {
		return byDefault
	}
	return *a.Public
}

// Limits bound each API key, and the gateway's requests to the ledger as a whole; 0 (or
// omitted) means the gateway's default.
type Limits struct {
	// Rate is the requests per second a key may send, on average.
	Rate float64 `yaml:"rate" validate:"gte=0"`
	// Burst is how many requests a key may send at once above Rate.
	Burst int `yaml:"burst" validate:"gte=0"`
	// Concurrent is how many of a key's requests may be in flight (event streams apart).
	Concurrent int `yaml:"concurrent" validate:"gte=0"`
	// Streams is how many event streams a key may hold open.
	Streams int `yaml:"streams" validate:"gte=0"`
	// MaxInFlight bounds the requests that reach the ledger at once, all keys together
	// (default 256); -1 bounds nothing.
	MaxInFlight int `yaml:"max_in_flight" validate:"gte=-1,lte=100000"`
	// MaxQueued bounds the requests waiting for one of those places, first come first served
	// (default 1,024); beyond it a request is answered 503 at once.
	MaxQueued int `yaml:"max_queued" validate:"gte=0,lte=1000000"`
	// MaxQueueWait bounds how long a request waits for its place before it is answered 503
	// (default 2 s); at most a minute.
	MaxQueueWait time.Duration `yaml:"max_queue_wait" validate:"gte=0,lte=1m"`
}

// TLS is the gateway's server certificate and, optionally, the CA its clients' certificates
// must chain to.
type TLS struct {
	Cert string `yaml:"cert" validate:"required"` // path to a PEM certificate (chain)
	Key  string `yaml:"key" validate:"required"`  // path to its PEM private key
	// ClientCA, when set, is a PEM file of CA certificates: every client must present a
	// certificate one of them signed (mutual TLS), before any API key is read.
	ClientCA string `yaml:"client_ca"`
}

// Embedded configures the in-process ledger.
type Embedded struct {
	DataDir string `yaml:"data_dir"`
}

// Fabric configures the connection to a Fabric network.
type Fabric struct {
	Channel   string          `yaml:"channel"`
	Chaincode string          `yaml:"chaincode"`
	Peers     map[string]Peer `yaml:"peers" validate:"dive"` // by MSP ID
	// EventsIdentity names the identity that listens to chaincode events.
	EventsIdentity string `yaml:"events_identity"`
	// PrivateEndorsers are the MSP IDs that endorse, with the submitter's organisation, a
	// transaction carrying private data (a dispense): the regulator, the other member of
	// every dispenser's collection.
	PrivateEndorsers []string `yaml:"private_endorsers" validate:"dive,required"`
}

// Peer is one organisation's gateway peer.
type Peer struct {
	Address    string `yaml:"address" validate:"required,hostname_port"`
	TLSCACert  string `yaml:"tls_ca_cert" validate:"required"` // path to a PEM file
	ServerName string `yaml:"server_name"`
}

// Identity is an X.509 identity the gateway signs with.
type Identity struct {
	Name  string `yaml:"name" validate:"required"`
	MSPID string `yaml:"msp_id" validate:"required"`
	Cert  string `yaml:"cert" validate:"required"` // path to a PEM certificate
	Key   string `yaml:"key" validate:"required"`  // path to a PEM PKCS#8 private key
}

// APIKey maps the hash of an API key to an identity and a role. A key of role operator
// (auth.RoleOperator) names no identity: it signs nothing and reads only the operational
// routes.
type APIKey struct {
	Name     string `yaml:"name" validate:"required"`
	Hash     string `yaml:"hash" validate:"required,startswith=sha256:,len=71"`
	Identity string `yaml:"identity" validate:"required_unless=Role operator,excluded_if=Role operator"`
	Role     string `yaml:"role" validate:"required,keyrole"` // one of model.Roles, or operator
}

// Load reads, checks and resolves the file at path; relative paths inside it are taken
// relative to the file's folder.
func Load(path string) (*Config, error) {
	raw, err := os.ReadFile(path) // #nosec G304 -- the operator's configuration file
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	var c Config
	if err := yaml.UnmarshalWithOptions(raw, &c, yaml.Strict()); err != nil {
		return nil, fmt.Errorf("config: %s: %w", path, err)
	}
	if err := c.Validate(); err != nil {
		return nil, fmt.Errorf("config: %s: %w", path, err)
	}
	c.resolvePaths(filepath.Dir(path))
	return &c, nil
}

var validate = func() *validator.Validate {
	v := validator.New(validator.WithRequiredStructEnabled())
	// keyrole: a party role as the chaincode knows them (model.Roles), or operator.
	if err := v.RegisterValidation("keyrole", func(fl validator.FieldLevel) bool {
		r := fl.Field().String()
		return r == auth.RoleOperator || model.Role(r).Valid()
	}); err != nil {
		panic(err)
	}
	return v
}()

// Validate checks the shape of c and the references between its parts.
func (c *Config) Validate() error {
	if err := validate.Struct(c); err != nil {
		var verrs validator.ValidationErrors
		if errors.As(err, &verrs) {
			msgs := make([]string, 0, len(verrs))
			for _, fe := range verrs {
				msgs = append(msgs, fmt.Sprintf("%s: failed %q%s", fe.Namespace(), fe.Tag(), paramSuffix(fe.Param())))
			}
			return errors.New(strings.Join(msgs, "; "))
		}
		return err
	}
	ids := map[string]bool{}
	for _, id := range c.Identities {
		ids[id.Name] = true
	}
	for _, k := range c.APIKeys {
		if k.Role != auth.RoleOperator && !ids[k.Identity] {
			return fmt.Errorf("api key %q names identity %q, which is not in identities", k.Name, k.Identity)
		}
	}
	if c.Backend == BackendFabric {
		if c.Fabric.Channel == "" || c.Fabric.Chaincode == "" || len(c.Fabric.Peers) == 0 {
			return errors.New("backend fabric needs fabric.channel, fabric.chaincode and fabric.peers")
		}
		for _, id := range c.Identities {
			if _, ok := c.Fabric.Peers[id.MSPID]; !ok {
				return fmt.Errorf("identity %q belongs to %s, which has no peer in fabric.peers", id.Name, id.MSPID)
			}
		}
		if c.Fabric.EventsIdentity != "" && !ids[c.Fabric.EventsIdentity] {
			return fmt.Errorf("fabric.events_identity %q is not in identities", c.Fabric.EventsIdentity)
		}
	}
	if c.Backend == BackendEmbedded && c.Embedded.DataDir == "" {
		return errors.New("backend embedded needs embedded.data_dir")
	}
	return nil
}

func paramSuffix(p string) string {
	if p == "" {
		return ""
	}
	return " (" + p + ")"
}

func (c *Config) resolvePaths(dir string) {
	abs := func(p *string) {
		if *p != "" && !filepath.IsAbs(*p) {
			*p = filepath.Join(dir, *p)
		}
	}
	abs(&c.Outbox)
	abs(&c.CaptureJobs)
	if c.CaptureJobs == "" && c.Outbox != "" {
		c.CaptureJobs = filepath.Join(filepath.Dir(c.Outbox), "capture-jobs.db")
	}
	abs(&c.Subscriptions.File)
	if c.Subscriptions.File == "" && c.Outbox != "" {
		c.Subscriptions.File = filepath.Join(filepath.Dir(c.Outbox), "subscriptions.db")
	}
	abs(&c.NotifyFile)
	if c.NotifyFile == "" && c.Outbox != "" {
		c.NotifyFile = filepath.Join(filepath.Dir(c.Outbox), "notifications.db")
	}
	abs(&c.Embedded.DataDir)
	for i := range c.Identities {
		abs(&c.Identities[i].Cert)
		abs(&c.Identities[i].Key)
	}
	if c.TLS != nil {
		abs(&c.TLS.Cert)
		abs(&c.TLS.Key)
		abs(&c.TLS.ClientCA)
	}
	for msp, p := range c.Fabric.Peers {
		abs(&p.TLSCACert)
		c.Fabric.Peers[msp] = p
	}
}
