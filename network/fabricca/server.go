package fabricca

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/goccy/go-yaml"
)

// serverConfig is the part of fabric-ca-server-config.yaml this package sets; the server
// fills in its defaults for the rest.
type serverConfig struct {
	Version      string            `yaml:"version"`
	Port         int               `yaml:"port"`
	Address      string            `yaml:"address"`
	Debug        bool              `yaml:"debug"`
	LogLevel     string            `yaml:"loglevel"`
	TLS          serverTLS         `yaml:"tls"`
	CA           serverCA          `yaml:"ca"`
	Registry     registry          `yaml:"registry"`
	DB           database          `yaml:"db"`
	Affiliations map[string]any    `yaml:"affiliations"`
	Signing      signing           `yaml:"signing"`
	CSR          csr               `yaml:"csr"`
	BCCSP        map[string]any    `yaml:"bccsp"`
	Cfg          map[string]any    `yaml:"cfg"`
	Operations   map[string]any    `yaml:"operations"`
	Metrics      map[string]string `yaml:"metrics"`
}

type serverTLS struct {
	Enabled    bool              `yaml:"enabled"`
	CertFile   string            `yaml:"certfile"`
	KeyFile    string            `yaml:"keyfile"`
	ClientAuth map[string]string `yaml:"clientauth"`
}

type serverCA struct {
	Name     string `yaml:"name"`
	CertFile string `yaml:"certfile"`
	KeyFile  string `yaml:"keyfile"`
}

type registry struct {
	MaxEnrollments int             `yaml:"maxenrollments"`
	Identities     []registryEntry `yaml:"identities"`
}

type registryEntry struct {
	Name        string            `yaml:"name"`
	Pass        string            `yaml:"pass"`
	Type        string            `yaml:"type"`
	Affiliation string            `yaml:"affiliation"`
	Attrs       map[string]string `yaml:"attrs"`
}

type database struct {
	Type       string `yaml:"type"`
	DataSource string `yaml:"datasource"`
}

type signing struct {
	Default signingProfile `yaml:"default"`
}

type signingProfile struct {
	Usage  []string `yaml:"usage"`
	Expiry string   `yaml:"expiry"`
}

type csr struct {
	CN    string   `yaml:"cn"`
	Hosts []string `yaml:"hosts"`
}

// serverVersion is the fabric-ca-server version the configuration is written for.
const serverVersion = "1.5.15"

// runner starts, stops and inspects the servers of one configuration.
type runner struct{ cfg Config }

func (r runner) home(o Org) string { return filepath.Join(r.cfg.RunDir, "ca", o.Name) }

func (r runner) ca(o Org, secret string) CA {
	return CA{
		Org: o.Name, MSPID: o.MSPID, Name: caName(o),
		URL:        caURL(o.Host, r.cfg.Ports.CA),
		Operations: net.JoinHostPort(o.Host, strconv.Itoa(r.cfg.Ports.Operations)),
		TLSCACert:  o.TLSCACert, CACert: o.CACert,
		Registrar: Registrar{Name: RegistrarName, Secret: secret},
		Home:      r.home(o),
	}
}

// caName is the name of an organisation's CA inside its server.
func caName(o Org) string { return "ca-" + strings.ToLower(o.Name) }

// startOne prepares the home of an organisation's server, starts the server unless it runs
// and waits until it answers /cainfo.
func (r runner) startOne(ctx context.Context, bin string, o Org) (bool, CA, error) {
	home := r.home(o)
	secret, err := registrarSecret(filepath.Join(home, "registrar.secret"))
	if err != nil {
		return false, CA{}, err
	}
	ca := r.ca(o, secret)
	name := daemonName(o)
	if _, running := r.pid(name); !running {
		if err := r.writeHome(o, home, secret); err != nil {
			return false, ca, err
		}
	}
	started, err := r.start(daemon{
		Name: name, Bin: bin, Dir: home,
		Args: []string{"start", "--home", home},
		// gateway/identity and fabric-ca-client v1.5.15 send the current token format; the v1.3
		// format stays refused.
		Env: []string{"FABRIC_CA_SERVER_COMPATIBILITY_MODE_V1_3=false"},
	})
	if err != nil {
		return false, ca, err
	}
	err = r.waitReady(ctx, name, func(ctx context.Context) error {
		_, err := CAInfo(ctx, ca.URL, o.TLSCACert)
		return err
	})
	return started, ca, err
}

// writeHome writes the server's configuration and TLS pair. The registry is initialised from
// the configuration on the server's first start only; later starts keep it.
func (r runner) writeHome(o Org, home, secret string) error {
	for _, f := range []string{o.CACert, o.CAKey, o.TLSCACert, o.TLSCAKey} {
		if f == "" {
			return errors.New("the CA and TLS CA certificate and key files are all required")
		}
		if _, err := os.Stat(f); err != nil {
			return err
		}
	}
	tlsDir := filepath.Join(home, "tls")
	if err := issueTLSCert(o, tlsDir); err != nil {
		return err
	}
	cfg := serverConfig{
		Version: serverVersion, Port: r.cfg.Ports.CA, Address: o.Host, LogLevel: r.cfg.LogLevel,
		TLS: serverTLS{
			Enabled:  true,
			CertFile: filepath.Join(tlsDir, "server.crt"), KeyFile: filepath.Join(tlsDir, "server.key"),
			ClientAuth: map[string]string{"type": "noclientcert"},
		},
		CA: serverCA{Name: caName(o), CertFile: o.CACert, KeyFile: o.CAKey},
		Registry: registry{MaxEnrollments: -1, Identities: []registryEntry{{
			Name: RegistrarName, Pass: secret,
			// A client, not an admin: the registrar manages the CA's registry and is no
			// administrator of the organisation's MSP.
			Type: "client", Affiliation: "",
			Attrs: map[string]string{
				"hf.Registrar.Roles":         "client",
				"hf.Registrar.DelegateRoles": "client",
				"hf.Registrar.Attributes":    "*",
				"hf.Revoker":                 "true",
				"hf.GenCRL":                  "true",
				"hf.AffiliationMgr":          "true",
				"hf.IntermediateCA":          "false",
			},
		}}},
		DB: database{Type: "sqlite3", DataSource: filepath.Join(home, "fabric-ca-server.db")},
		// People are registered at the root affiliation: the organisation is their MSP.
		Affiliations: map[string]any{},
		Signing: signing{Default: signingProfile{
			Usage: []string{"digital signature"}, Expiry: "8760h",
		}},
		CSR: csr{CN: caName(o), Hosts: []string{o.Host, "localhost"}},
		BCCSP: map[string]any{"default": "SW", "sw": map[string]any{
			"hash": "SHA2", "security": 256,
			"filekeystore": map[string]string{"keystore": filepath.Join(home, "msp", "keystore")},
		}},
		Cfg: map[string]any{"identities": map[string]any{"passwordattempts": 10}},
		Operations: map[string]any{
			"listenAddress": net.JoinHostPort(o.Host, strconv.Itoa(r.cfg.Ports.Operations)),
			"tls":           map[string]bool{"enabled": false},
		},
		Metrics: map[string]string{"provider": "disabled"},
	}
	b, err := yaml.Marshal(cfg)
	if err != nil {
		return err
	}
	header := "# fabric-ca-server configuration written by network/fabricca; rewritten on every start.\n"
	return writeFile(filepath.Join(home, "fabric-ca-server-config.yaml"), append([]byte(header), b...), 0o600)
}

// registrarSecret reads the registrar's secret from path, or makes one and writes it there.
func registrarSecret(path string) (string, error) {
	b, err := os.ReadFile(path) // #nosec G304 -- a file of this package under the run directory
	if err == nil && len(strings.TrimSpace(string(b))) > 0 {
		return strings.TrimSpace(string(b)), nil
	}
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return "", err
	}
	raw := make([]byte, 16)
	if _, err := rand.Read(raw); err != nil {
		return "", err
	}
	secret := hex.EncodeToString(raw)
	return secret, writeFile(path, []byte(secret+"\n"), 0o600)
}

// issueTLSCert writes the server's TLS pair, signed by the organisation's TLS CA and valid for
// its address, 127.0.0.1 and localhost, unless a valid one is there.
func issueTLSCert(o Org, dir string) error {
	certFile, keyFile := filepath.Join(dir, "server.crt"), filepath.Join(dir, "server.key")
	caCert, caKey, err := readCA(o.TLSCACert, o.TLSCAKey)
	if err != nil {
		return fmt.Errorf("tls ca: %w", err)
	}
	if pair, err := tls.LoadX509KeyPair(certFile, keyFile); err == nil {
		if leaf, err := x509.ParseCertificate(pair.Certificate[0]); err == nil &&
			leaf.CheckSignatureFrom(caCert) == nil && leaf.VerifyHostname(o.Host) == nil &&
			time.Now().Add(24*time.Hour).Before(leaf.NotAfter) {
			return nil
		}
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		return err
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: caName(o), Organization: []string{o.Name}},
		NotBefore:    time.Now().Add(-5 * time.Minute),
		NotAfter:     caCert.NotAfter,
		KeyUsage:     x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		DNSNames:     []string{"localhost"},
		IPAddresses:  []net.IP{net.ParseIP(o.Host), net.ParseIP("127.0.0.1")},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, caCert, &key.PublicKey, caKey)
	if err != nil {
		return err
	}
	pk8, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return err
	}
	if err := writeFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: pk8}), 0o600); err != nil {
		return err
	}
	return writeFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
}

// readCA reads a PEM certificate and its PEM PKCS#8 private key (cryptogen's priv_sk).
func readCA(certFile, keyFile string) (*x509.Certificate, any, error) {
	cb, err := os.ReadFile(certFile) // #nosec G304 -- crypto material named by the configuration
	if err != nil {
		return nil, nil, err
	}
	kb, err := os.ReadFile(keyFile) // #nosec G304 -- crypto material named by the configuration
	if err != nil {
		return nil, nil, err
	}
	cp, _ := pem.Decode(cb)
	kp, _ := pem.Decode(kb)
	if cp == nil || kp == nil {
		return nil, nil, fmt.Errorf("no PEM block in %s or %s", certFile, keyFile)
	}
	cert, err := x509.ParseCertificate(cp.Bytes)
	if err != nil {
		return nil, nil, err
	}
	key, err := x509.ParsePKCS8PrivateKey(kp.Bytes)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", keyFile, err)
	}
	return cert, key, nil
}

// Info is what a CA server's /cainfo endpoint tells about it.
type Info struct {
	CAName  string
	Version string
	// CAChain is the PEM chain of the certificates the CA signs with.
	CAChain []byte
}

// CAInfo asks the CA server at url (https://host:port) for /cainfo, verifying its TLS
// certificate with the PEM file tlsCAFile. It is the servers' health check.
func CAInfo(ctx context.Context, url, tlsCAFile string) (*Info, error) {
	caPEM, err := os.ReadFile(tlsCAFile) // #nosec G304 -- a TLS CA file named by the configuration
	if err != nil {
		return nil, fmt.Errorf("cainfo %s: %w", url, err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(caPEM) {
		return nil, fmt.Errorf("cainfo %s: no certificate in %s", url, tlsCAFile)
	}
	client := &http.Client{
		Timeout:   2 * time.Second,
		Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}},
	}
	defer client.CloseIdleConnections()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url+"/cainfo", nil)
	if err != nil {
		return nil, fmt.Errorf("cainfo %s: %w", url, err)
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("cainfo %s: %w", url, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return nil, fmt.Errorf("cainfo %s: %w", url, err)
	}
	var out struct {
		Success bool
		Result  struct {
			CAName  string
			CAChain string
			Version string
		}
		Errors []struct {
			Code    int
			Message string
		}
	}
	if err := json.Unmarshal(body, &out); err != nil {
		return nil, fmt.Errorf("cainfo %s: %s: %w", url, resp.Status, err)
	}
	if resp.StatusCode != http.StatusOK || !out.Success {
		return nil, fmt.Errorf("cainfo %s: %s: %v", url, resp.Status, out.Errors)
	}
	chain, err := base64.StdEncoding.DecodeString(out.Result.CAChain)
	if err != nil {
		return nil, fmt.Errorf("cainfo %s: ca chain: %w", url, err)
	}
	return &Info{CAName: out.Result.CAName, Version: out.Result.Version, CAChain: chain}, nil
}
