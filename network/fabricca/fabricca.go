// Package fabricca runs one Fabric CA server (fabric-ca-server v1.5.15) per peer organisation
// as a native process: the certificate authority that issues people's identities, with their
// role as a certificate attribute.
//
// Each server signs with its organisation's own CA key pair, the one cryptogen made and the
// channel configuration lists in the organisation's MSP (cacerts), so the peers accept every
// certificate it issues without a channel update. It listens with TLS (a certificate from the
// organisation's TLS CA) on the organisation's loopback address, port Ports.CA (7054). Logs
// go to <RunDir>/logs/ca-<Org>.log and pid files to <RunDir>/pids/ca-<Org>.pid, in the format
// fabricnet uses, so that fabricnet.Down stops the servers with the rest of the network. The
// servers' homes (configuration, SQLite registry, keystore) are <RunDir>/ca/<Org>, and
// <RunDir>/ca/cas.json describes them for clients (Load).
//
// Start, Stop and Status are idempotent. Start waits on each server's /cainfo endpoint.
package fabricca

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"time"
)

// Ports are the listeners of every CA server. Each organisation has its own loopback address,
// so the servers share port numbers. Neither collides with fabricnet.DefaultPorts (7050-7053,
// 8443, 9443, 9999).
type Ports struct {
	CA         int // the Fabric CA REST API (cainfo, enroll, register, identities), TLS
	Operations int // fabric-ca-server's operations listener (/healthz), plain HTTP
}

// DefaultPorts: 7054 is Fabric CA's customary port; 9444 sits next to the peers' operations
// port 9443, which it would otherwise take (fabric-ca-server's default is 127.0.0.1:9443).
var DefaultPorts = Ports{CA: 7054, Operations: 9444}

// Org is one organisation whose CA to run.
type Org struct {
	Name  string // e.g. HospitalOrg
	MSPID string // e.g. HospitalOrgMSP
	Host  string // the organisation's loopback address, e.g. 127.0.0.5
	// CACert and CAKey are the signing CA the server issues with (PEM certificate, PEM
	// PKCS#8 key): the CA in the organisation's channel MSP.
	CACert, CAKey string
	// TLSCACert and TLSCAKey are the organisation's TLS CA, which issues the server's TLS
	// certificate; clients verify the server with TLSCACert.
	TLSCACert, TLSCAKey string
}

// CryptogenOrg describes the CA of an organisation whose crypto material cryptogen wrote to
// orgDir (…/peerOrganizations/<domain>): the signing CA in ca/, the TLS CA in tlsca/.
func CryptogenOrg(name, mspID, host, orgDir string) Org {
	domain := filepath.Base(orgDir)
	return Org{
		Name: name, MSPID: mspID, Host: host,
		CACert:    filepath.Join(orgDir, "ca", "ca."+domain+"-cert.pem"),
		CAKey:     filepath.Join(orgDir, "ca", "priv_sk"),
		TLSCACert: filepath.Join(orgDir, "tlsca", "tlsca."+domain+"-cert.pem"),
		TLSCAKey:  filepath.Join(orgDir, "tlsca", "priv_sk"),
	}
}

// Config describes the CA servers to run. Zero values mean defaults.
type Config struct {
	// RunDir holds logs, pid files and the servers' homes (under ca/); the network's run
	// directory when started by fabricnet.
	RunDir string
	// BinDir holds fabric-ca-server (fabricnet.Binaries.FabricCA).
	BinDir string
	Ports  Ports
	Orgs   []Org
	// StopWithProcess kills the servers when the process that started them exits (tests).
	StopWithProcess bool
	// StartTimeout bounds the wait for one server's /cainfo; default 30s.
	StartTimeout time.Duration
	// LogLevel is fabric-ca-server's log level; default "warning".
	LogLevel string
}

// RegistrarName is the bootstrap identity of every CA server: it registers people.
const RegistrarName = "registrar"

// Registrar is a CA's bootstrap identity.
type Registrar struct {
	Name   string `json:"name"`
	Secret string `json:"secret"`
}

// CA describes a running CA server for its clients.
type CA struct {
	Org   string `json:"org"`
	MSPID string `json:"mspId"`
	// Name is the CA's name inside the server (the caname of requests).
	Name string `json:"caName"`
	// URL is the REST API, https://<host>:<port>.
	URL        string `json:"url"`
	Operations string `json:"operations"`
	// TLSCACert (a file) verifies the server's TLS certificate.
	TLSCACert string `json:"tlsCaCert"`
	// CACert (a file) is the certificate the server signs with, the root of every
	// certificate it issues.
	CACert string `json:"caCert"`
	// Registrar can register identities; its secret is only in this file (mode 0600) and in
	// the server's configuration.
	Registrar Registrar `json:"registrar"`
	// Home is the server's home directory (configuration, registry database, keystore).
	Home string `json:"home"`
}

// ProcessStatus is the state of one CA server.
type ProcessStatus struct {
	Name     string `json:"name"`
	Org      string `json:"org"`
	Endpoint string `json:"endpoint"`
	PID      int    `json:"pid,omitempty"`
	Running  bool   `json:"running"`
	Healthy  bool   `json:"healthy"` // /cainfo answered
	RSSKiB   int    `json:"rssKiB,omitempty"`
	Error    string `json:"error,omitempty"`
}

const stateFile = "cas.json"

// ErrNoCAs is returned by Load when no CA servers were started in the run directory.
var ErrNoCAs = errors.New("fabricca: no certificate authorities in the run directory")

func (c Config) withDefaults() (Config, error) {
	if c.RunDir == "" {
		return c, errors.New("fabricca: no run directory")
	}
	if c.Ports == (Ports{}) {
		c.Ports = DefaultPorts
	}
	if c.StartTimeout == 0 {
		c.StartTimeout = 30 * time.Second
	}
	if c.LogLevel == "" {
		c.LogLevel = "warning"
	}
	var err error
	for _, p := range []*string{&c.RunDir, &c.BinDir} {
		if *p != "" {
			if *p, err = filepath.Abs(*p); err != nil {
				return c, fmt.Errorf("fabricca: %w", err)
			}
		}
	}
	seen := map[string]bool{}
	for _, o := range c.Orgs {
		if o.Name == "" || o.MSPID == "" {
			return c, fmt.Errorf("fabricca: organisation %+v needs a name and an MSP ID", o)
		}
		if seen[o.Name] {
			return c, fmt.Errorf("fabricca: organisation %s listed twice", o.Name)
		}
		seen[o.Name] = true
		if ip := net.ParseIP(o.Host); ip == nil || !ip.IsLoopback() {
			return c, fmt.Errorf("fabricca: %s: host %q is not a loopback address", o.Name, o.Host)
		}
	}
	return c, nil
}

// Start starts the CA server of every organisation that is not running yet, waits until each
// answers /cainfo and records them in <RunDir>/ca/cas.json (beside CAs of other organisations
// started there before). Progress lines go to progress (may be nil). Servers already running
// are left alone; a stopped server restarts with its registry. It returns the CAs of cfg.Orgs.
func Start(ctx context.Context, cfg Config, progress io.Writer) ([]CA, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	if progress == nil {
		progress = io.Discard
	}
	bin := filepath.Join(cfg.BinDir, "fabric-ca-server")
	if _, err := exec.LookPath(bin); err != nil {
		return nil, fmt.Errorf("fabricca: fabric-ca-server not found in %q (run network/scripts/build-fabric.sh): %w", cfg.BinDir, err)
	}
	unlock, err := lock(cfg.RunDir)
	if err != nil {
		return nil, err
	}
	defer unlock()
	r := runner{cfg: cfg}
	cas := make([]CA, len(cfg.Orgs))
	errs := make([]error, len(cfg.Orgs))
	var wg sync.WaitGroup
	for i, o := range cfg.Orgs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			t := time.Now()
			started, ca, err := r.startOne(ctx, bin, o)
			if err != nil {
				errs[i] = fmt.Errorf("fabricca: %s: %w", o.Name, err)
				return
			}
			cas[i] = ca
			if started {
				fmt.Fprintf(progress, "  started %s (%s) in %d ms\n", daemonName(o), ca.URL, time.Since(t).Milliseconds())
			}
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	// The file describes every CA started in the run directory: those of earlier calls with
	// other organisations stay.
	all, err := Load(cfg.RunDir)
	if err != nil && !errors.Is(err, ErrNoCAs) {
		return nil, err
	}
	for _, ca := range cas {
		if i := slices.IndexFunc(all, func(c CA) bool { return c.Org == ca.Org }); i >= 0 {
			all[i] = ca
		} else {
			all = append(all, ca)
		}
	}
	b, err := json.MarshalIndent(all, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("fabricca: %w", err)
	}
	if err := writeFile(filepath.Join(cfg.RunDir, "ca", stateFile), append(b, '\n'), 0o600); err != nil {
		return nil, fmt.Errorf("fabricca: %w", err)
	}
	return cas, nil
}

// Stop stops every CA server of cfg.Orgs that runs; their homes stay, so a later Start
// resumes with the same registry. Stop on servers that are not running does nothing.
func Stop(ctx context.Context, cfg Config) error {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return err
	}
	if _, err := os.Stat(cfg.RunDir); errors.Is(err, os.ErrNotExist) {
		return nil
	}
	unlock, err := lock(cfg.RunDir)
	if err != nil {
		return err
	}
	defer unlock()
	r := runner{cfg: cfg}
	var errs []error
	for _, o := range cfg.Orgs {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := r.stop(daemonName(o), 10*time.Second); err != nil {
			errs = append(errs, fmt.Errorf("fabricca: %w", err))
		}
	}
	return errors.Join(errs...)
}

// Status reports every CA server of cfg.Orgs: running, answering /cainfo, resident memory.
func Status(ctx context.Context, cfg Config) ([]ProcessStatus, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	r := runner{cfg: cfg}
	st := make([]ProcessStatus, 0, len(cfg.Orgs))
	for _, o := range cfg.Orgs {
		url := caURL(o.Host, cfg.Ports.CA)
		ps := ProcessStatus{Name: daemonName(o), Org: o.MSPID, Endpoint: url}
		if pid, ok := r.pid(ps.Name); ok {
			ps.PID, ps.Running, ps.RSSKiB = pid, true, rssKiB(pid)
			cctx, cancel := context.WithTimeout(ctx, 3*time.Second)
			if _, err := CAInfo(cctx, url, o.TLSCACert); err != nil {
				ps.Error = err.Error()
			} else {
				ps.Healthy = true
			}
			cancel()
		}
		st = append(st, ps)
	}
	return st, nil
}

// Load reads the CA descriptions Start wrote into runDir, or returns ErrNoCAs.
func Load(runDir string) ([]CA, error) {
	b, err := os.ReadFile(filepath.Join(runDir, "ca", stateFile)) // #nosec G304 -- the caller names its run directory
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("%w %s", ErrNoCAs, runDir)
	}
	if err != nil {
		return nil, fmt.Errorf("fabricca: load: %w", err)
	}
	var cas []CA
	if err := json.Unmarshal(b, &cas); err != nil {
		return nil, fmt.Errorf("fabricca: load %s: %w", stateFile, err)
	}
	return cas, nil
}

// Find returns the CA of an organisation given by name or MSP ID.
func Find(cas []CA, org string) (CA, bool) {
	for _, ca := range cas {
		if ca.Org == org || ca.MSPID == org {
			return ca, true
		}
	}
	return CA{}, false
}

func daemonName(o Org) string { return "ca-" + o.Name }

func caURL(host string, port int) string {
	return "https://" + net.JoinHostPort(host, strconv.Itoa(port))
}
