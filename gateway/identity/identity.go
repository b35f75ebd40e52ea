// Package identity registers and enrols people's identities at their organisation's Fabric CA,
// through fabric-sdk-go's msp client (pkg/client/msp), and keeps the enrolled identities in a
// wallet on disk.
//
// A person is registered with type client (so the certificate carries the OU "client" that
// the organisation's MSP, with node OUs, requires of a client) and with the attribute
// role=<role> put into the enrolment certificate (the Fabric CA attribute extension,
// OID 1.2.3.4.5.6.7.8.1), which the chaincode reads with cid.GetAttributeValue. Enrol returns
// the identity as a ledger.Identity, ready to sign transactions.
//
// fabric-sdk-go is deprecated in favour of fabric-gateway; the project uses it only here, for
// what fabric-gateway deliberately does not do (see docs/adr/009-fabric-ca-identities.md).
package identity

import (
	"context"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/goccy/go-yaml"
	mspclient "github.com/hyperledger/fabric-sdk-go/pkg/client/msp"
	"github.com/hyperledger/fabric-sdk-go/pkg/common/providers/msp"
	"github.com/hyperledger/fabric-sdk-go/pkg/core/config"
	"github.com/hyperledger/fabric-sdk-go/pkg/fabsdk"

	"github.com/udiledger/udiledger/chaincode/model"
	"github.com/udiledger/udiledger/gateway/ledger"
	// Must be initialised before the protobuf packages both Fabric client libraries register.
	_ "github.com/udiledger/udiledger/gateway/identity/internal/protoconflict"
)

// RoleAttribute is the certificate attribute that carries a person's role (the chaincode's
// contract.RoleAttribute).
const RoleAttribute = "role"

// CA is how a client reaches an organisation's Fabric CA.
type CA struct {
	Org   string // organisation name, e.g. HospitalOrg
	MSPID string // e.g. HospitalOrgMSP
	Name  string // the CA's name inside its server (caname)
	URL   string // https://host:port
	// TLSCACert (PEM) verifies the server's TLS certificate.
	TLSCACert []byte
	Registrar Registrar
}

// Registrar is the identity that registers others at a CA.
type Registrar struct {
	Name   string
	Secret string
}

// Registration asks the CA to register a person.
type Registration struct {
	Name string
	Role model.Role
	// Secret is the enrolment secret; empty lets the CA choose one.
	Secret string
	// MaxEnrollments is how many times the secret may enrol; 0 means the CA's default
	// (unlimited for the servers of network/fabricca).
	MaxEnrollments int
}

// Info is what the CA knows of a registered identity.
type Info struct {
	Name           string      `json:"name"`
	Type           string      `json:"type"`
	Affiliation    string      `json:"affiliation"`
	Role           string      `json:"role,omitempty"`
	MaxEnrollments int         `json:"maxEnrollments"`
	Attributes     []Attribute `json:"attributes"`
}

// Attribute is one attribute of a registered identity; ECert ones go into its certificates.
type Attribute struct {
	Name  string `json:"name"`
	Value string `json:"value"`
	ECert bool   `json:"ecert,omitempty"`
}

// Errors a caller can test with errors.Is.
var (
	// ErrInvalid: the request itself is wrong (an empty or unusable name, an unknown role).
	ErrInvalid = errors.New("invalid identity request")
	// ErrAuthentication: the CA refused the name and secret (Fabric CA error 20).
	ErrAuthentication = errors.New("authentication failure")
	// ErrAlreadyRegistered: the name is registered already (Fabric CA error 74).
	ErrAlreadyRegistered = errors.New("identity already registered")
	// ErrNotEnrolled: the wallet holds no identity of that name.
	ErrNotEnrolled = errors.New("identity not enrolled")
)

// CAError is an error the Fabric CA server answered with.
type CAError struct {
	Op      string // register, enroll, list
	Code    int    // Fabric CA error code
	Message string
}

func (e *CAError) Error() string {
	return fmt.Sprintf("%s: fabric ca error %d: %s", e.Op, e.Code, e.Message)
}

// Is maps the CA's error codes to this package's errors.
func (e *CAError) Is(target error) bool {
	switch target {
	case ErrAuthentication:
		return e.Code == 20
	case ErrAlreadyRegistered:
		return e.Code == 74
	}
	return false
}

// Client talks to one organisation's CA. It is safe for concurrent use.
type Client struct {
	ca     CA
	wallet Wallet
	sdk    *fabsdk.FabricSDK
	msp    *mspclient.Client
	// keystore is where the SDK keeps the private keys it generates.
	keystore string
	mu       sync.Mutex // the SDK's file stores are not safe for concurrent writers
}

// New returns a client of ca. Enrolled identities go to wallet; the SDK's own state (its
// enrolment of the registrar, the keys it generates) stays under <wallet.Dir>/.sdk/<MSP ID>.
func New(ca CA, wallet Wallet) (*Client, error) {
	if ca.Org == "" || ca.MSPID == "" || ca.URL == "" || len(ca.TLSCACert) == 0 {
		return nil, fmt.Errorf("identity: %w: the CA needs an organisation, an MSP ID, a URL and a TLS CA certificate", ErrInvalid)
	}
	if wallet.Dir == "" {
		return nil, fmt.Errorf("identity: %w: no wallet directory", ErrInvalid)
	}
	if err := checkPathElem("MSP ID", ca.MSPID); err != nil {
		return nil, err
	}
	state := filepath.Join(wallet.Dir, ".sdk", ca.MSPID)
	raw, err := sdkConfig(ca, state)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(state, 0o700); err != nil {
		return nil, fmt.Errorf("identity: %w", err)
	}
	sdk, err := fabsdk.New(config.FromRaw(raw, "yaml"))
	if err != nil {
		return nil, fmt.Errorf("identity: fabric sdk: %w", err)
	}
	mc, err := mspclient.New(sdk.Context(), mspclient.WithOrg(sdkOrg(ca)))
	if err != nil {
		sdk.Close()
		return nil, fmt.Errorf("identity: msp client: %w", err)
	}
	return &Client{ca: ca, wallet: wallet, sdk: sdk, msp: mc, keystore: filepath.Join(state, "crypto", "keystore")}, nil
}

// Close releases the SDK.
func (c *Client) Close() error {
	c.sdk.Close()
	return nil
}

// CA returns the CA the client talks to.
func (c *Client) CA() CA { return c.ca }

// Wallet returns the wallet enrolled identities go to.
func (c *Client) Wallet() Wallet { return c.wallet }

// EnrollRegistrar enrols the CA's registrar unless the client holds its enrolment already.
// Register and List call it.
func (c *Client) EnrollRegistrar(ctx context.Context) error {
	return c.call(ctx, "enroll registrar", func() error { return c.enrollRegistrar() })
}

func (c *Client) enrollRegistrar() error {
	r := c.ca.Registrar
	if r.Name == "" || r.Secret == "" {
		return fmt.Errorf("%w: the CA of %s has no registrar", ErrInvalid, c.ca.Org)
	}
	if _, err := c.msp.GetSigningIdentity(r.Name); err == nil {
		return nil
	} else if !errors.Is(err, mspclient.ErrUserNotFound) && !errors.Is(err, msp.ErrUserNotFound) {
		return err
	}
	return c.msp.Enroll(r.Name, mspclient.WithSecret(r.Secret))
}

// Register registers a person with type client and the attribute role=<role> for their
// enrolment certificates, and returns the enrolment secret (the one asked for, or the CA's).
func (c *Client) Register(ctx context.Context, r Registration) (string, error) {
	if err := checkName(r.Name); err != nil {
		return "", fmt.Errorf("register: %w", err)
	}
	if !r.Role.Valid() {
		return "", fmt.Errorf("register: %w: unknown role %q (want one of %s)", ErrInvalid, r.Role, roleList())
	}
	if r.MaxEnrollments < 0 {
		return "", fmt.Errorf("register: %w: negative max enrollments", ErrInvalid)
	}
	var secret string
	err := c.call(ctx, "register "+r.Name, func() error {
		if err := c.enrollRegistrar(); err != nil {
			return err
		}
		var err error
		secret, err = c.msp.Register(&mspclient.RegistrationRequest{
			Name:           r.Name,
			Type:           "client",
			MaxEnrollments: r.MaxEnrollments,
			Secret:         r.Secret,
			CAName:         c.ca.Name,
			Attributes:     []mspclient.Attribute{{Name: RoleAttribute, Value: string(r.Role), ECert: true}},
		})
		return err
	})
	return secret, err
}

// Enroll enrols a registered person with their secret, stores the certificate and the private
// key (PKCS#8) in the wallet and returns the identity.
func (c *Client) Enroll(ctx context.Context, name, secret string) (*ledger.Identity, error) {
	if err := checkName(name); err != nil {
		return nil, fmt.Errorf("enroll: %w", err)
	}
	if secret == "" {
		return nil, fmt.Errorf("enroll %s: %w: no secret", name, ErrInvalid)
	}
	var id *ledger.Identity
	err := c.call(ctx, "enroll "+name, func() error {
		if err := c.msp.Enroll(name, mspclient.WithSecret(secret)); err != nil {
			return err
		}
		si, err := c.msp.GetSigningIdentity(name)
		if err != nil {
			return err
		}
		key, err := c.privateKey(si.PrivateKey().SKI())
		if err != nil {
			return err
		}
		info, err := c.msp.GetCAInfo()
		if err != nil {
			return err
		}
		id = &ledger.Identity{
			Name: label(c.ca.MSPID, name), MSPID: c.ca.MSPID,
			Certificate: si.EnrollmentCertificate(), PrivateKey: key,
		}
		return c.wallet.put(id, name, info.CAChain)
	})
	if err != nil {
		return nil, err
	}
	return id, nil
}

// List returns every identity registered at the CA, as its registrar sees them.
func (c *Client) List(ctx context.Context) ([]Info, error) {
	var out []Info
	err := c.call(ctx, "list", func() error {
		if err := c.enrollRegistrar(); err != nil {
			return err
		}
		ids, err := c.msp.GetAllIdentities(mspclient.WithCA(c.ca.Name))
		if err != nil {
			return err
		}
		for _, id := range ids {
			info := Info{Name: id.ID, Type: id.Type, Affiliation: id.Affiliation, MaxEnrollments: id.MaxEnrollments}
			for _, a := range id.Attributes {
				info.Attributes = append(info.Attributes, Attribute{Name: a.Name, Value: a.Value, ECert: a.ECert})
				if a.Name == RoleAttribute {
					info.Role = a.Value
				}
			}
			out = append(out, info)
		}
		return nil
	})
	return out, err
}

// call runs an SDK call, which knows no context, and returns early when ctx ends. Errors are
// named after op, and the CA's own errors become *CAError.
func (c *Client) call(ctx context.Context, op string, fn func() error) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	done := make(chan error, 1)
	go func() {
		c.mu.Lock()
		defer c.mu.Unlock()
		done <- fn()
	}()
	select {
	case err := <-done:
		if err == nil {
			return nil
		}
		if errors.Is(err, ErrInvalid) {
			return fmt.Errorf("%s: %w", op, err)
		}
		if ce := caError(op, err); ce != nil {
			return ce
		}
		return fmt.Errorf("%s at %s: %w", op, c.ca.URL, err)
	case <-ctx.Done():
		return fmt.Errorf("%s: %w", op, ctx.Err())
	}
}

// serverError matches the way the SDK's copy of the Fabric CA client reports the server's
// answer; the SDK has no error type for it.
var serverError = regexp.MustCompile(`Response from server: Error Code: (\d+) - ([^\n]*)`)

func caError(op string, err error) *CAError {
	m := serverError.FindStringSubmatch(err.Error())
	if m == nil {
		return nil
	}
	code, _ := strconv.Atoi(m[1])
	return &CAError{Op: op, Code: code, Message: strings.TrimSpace(m[2])}
}

// privateKey reads the key the SDK generated for an enrolment (<keystore>/<SKI>_sk) and
// returns it as PEM PKCS#8, whatever form the keystore used.
func (c *Client) privateKey(ski []byte) ([]byte, error) {
	file := filepath.Join(c.keystore, hex.EncodeToString(ski)+"_sk")
	b, err := os.ReadFile(file) // #nosec G304 -- the SDK's keystore under the wallet
	if err != nil {
		return nil, fmt.Errorf("read enrolled private key: %w", err)
	}
	return toPKCS8(b)
}

// toPKCS8 converts a PEM private key (PKCS#8 or SEC 1 "EC PRIVATE KEY") to PEM PKCS#8.
func toPKCS8(b []byte) ([]byte, error) {
	block, _ := pem.Decode(b)
	if block == nil {
		return nil, errors.New("private key: no PEM block")
	}
	var key any
	var err error
	switch block.Type {
	case "PRIVATE KEY":
		key, err = x509.ParsePKCS8PrivateKey(block.Bytes)
	case "EC PRIVATE KEY":
		key, err = x509.ParseECPrivateKey(block.Bytes)
	default:
		return nil, fmt.Errorf("private key: unexpected PEM type %q", block.Type)
	}
	if err != nil {
		return nil, fmt.Errorf("private key: %w", err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, fmt.Errorf("private key: %w", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), nil
}

// sdkOrg is the organisation's key in the SDK configuration, which the SDK lower-cases.
func sdkOrg(ca CA) string { return strings.ToLower(ca.Org) }

// sdkConfig is the SDK configuration of one organisation and its CA: no channel, no peer,
// only what the msp client needs.
func sdkConfig(ca CA, state string) ([]byte, error) {
	caID := ca.Name
	if caID == "" {
		caID = "ca-" + sdkOrg(ca)
	}
	cfg := map[string]any{
		"version": "1.0.0",
		"client": map[string]any{
			"organization": sdkOrg(ca),
			"logging":      map[string]any{"level": "error"},
			"credentialStore": map[string]any{
				"path":        filepath.Join(state, "users"),
				"cryptoStore": map[string]any{"path": filepath.Join(state, "crypto")},
			},
			"BCCSP": map[string]any{"security": map[string]any{
				"enabled": true, "default": map[string]any{"provider": "SW"},
				"hashAlgorithm": "SHA2", "softVerify": true, "level": 256,
			}},
			"tlsCerts": map[string]any{"systemCertPool": false},
		},
		"organizations": map[string]any{
			sdkOrg(ca): map[string]any{
				"mspid": ca.MSPID,
				// Where the SDK would look for users enrolled elsewhere; none are.
				"cryptoPath":             filepath.Join(state, "none", "{username}"),
				"certificateAuthorities": []string{caID},
			},
		},
		"certificateAuthorities": map[string]any{
			caID: map[string]any{
				"url":        ca.URL,
				"caName":     ca.Name,
				"tlsCACerts": map[string]any{"pem": []string{string(ca.TLSCACert)}},
				"registrar":  map[string]any{"enrollId": ca.Registrar.Name, "enrollSecret": ca.Registrar.Secret},
			},
		},
	}
	b, err := yaml.Marshal(cfg)
	if err != nil {
		return nil, fmt.Errorf("identity: sdk config: %w", err)
	}
	return b, nil
}

var namePattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$`)

// checkName accepts enrolment IDs that are also safe directory names in the wallet.
func checkName(name string) error {
	if !namePattern.MatchString(name) {
		return fmt.Errorf("%w: name %q: want 1 to 64 letters, digits, '.', '_', '@' or '-', starting with a letter or digit", ErrInvalid, name)
	}
	return nil
}

func checkPathElem(what, s string) error {
	if !namePattern.MatchString(s) {
		return fmt.Errorf("identity: %w: %s %q", ErrInvalid, what, s)
	}
	return nil
}

func roleList() string {
	names := make([]string, len(model.Roles))
	for i, r := range model.Roles {
		names[i] = string(r)
	}
	return strings.Join(names, ", ")
}

func label(mspID, name string) string { return name + "@" + mspID }
