// Package identity registers and enrols people's identities at their organisation's Fabric CA,
// through the CA's REST API (internal/carest), and keeps the enrolled identities in a wallet
// on disk.
//
// A person is registered with type client (so the certificate carries the OU "client" that
// the organisation's MSP, with node OUs, requires of a client) and with the attribute
// role=<role> put into the enrolment certificate (the Fabric CA attribute extension,
// OID 1.2.3.4.5.6.7.8.1), which the chaincode reads with cid.GetAttributeValue. Enrol returns
// the identity as a ledger.Identity, ready to sign transactions.
//
// fabric-gateway deliberately does no CA work; see docs/adr/009-fabric-ca-identities.md for
// why the client is this package's own.
package identity

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"sync"

	"github.com/udiledger/udiledger/chaincode/model"
	"github.com/udiledger/udiledger/gateway/identity/internal/carest"
	"github.com/udiledger/udiledger/gateway/ledger"
	"github.com/udiledger/udiledger/gateway/ledger/localmsp"
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
	Message string // the CA's error messages
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
	api    *carest.Client
	// registrars keeps the registrar's own enrolment, beside the people's wallet.
	registrars Wallet
	mu         sync.Mutex // serialises the registrar's enrolment
}

// New returns a client of ca. Enrolled people go to wallet; the registrar's enrolment stays
// under <wallet.Dir>/.registrar, in the same layout.
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
	api, err := carest.New(ca.URL, ca.Name, ca.TLSCACert)
	if err != nil {
		return nil, fmt.Errorf("identity: CA of %s: %w: %w", ca.Org, ErrInvalid, err)
	}
	return &Client{ca: ca, wallet: wallet, api: api, registrars: Wallet{Dir: filepath.Join(wallet.Dir, ".registrar")}}, nil
}

// Close drops the client's idle connections.
func (c *Client) Close() error {
	c.api.Close()
	return nil
}

// CA returns the CA the client talks to.
func (c *Client) CA() CA { return c.ca }

// Wallet returns the wallet enrolled identities go to.
func (c *Client) Wallet() Wallet { return c.wallet }

// EnrollRegistrar enrols the CA's registrar unless the client holds its enrolment already.
// Register and List call it.
func (c *Client) EnrollRegistrar(ctx context.Context) error {
	_, err := c.registrar(ctx, false)
	return err
}

// registrar returns the registrar's enrolment from disk or, if there is none or renew is
// set, enrols it.
func (c *Client) registrar(ctx context.Context, renew bool) (carest.Signer, error) {
	r := c.ca.Registrar
	op := "enroll registrar " + r.Name
	if r.Name == "" || r.Secret == "" {
		return carest.Signer{}, fmt.Errorf("enroll registrar: %w: the CA of %s has no registrar", ErrInvalid, c.ca.Org)
	}
	if err := checkName(r.Name); err != nil {
		return carest.Signer{}, fmt.Errorf("%s: %w", op, err)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	// The stored enrolment is a cache: one missing or unreadable is made again.
	id, err := c.registrars.Get(c.ca.MSPID, r.Name)
	if renew || err != nil {
		id, err = c.enroll(ctx, op, c.registrars, r.Name, r.Secret)
	}
	if err != nil {
		return carest.Signer{}, err
	}
	key, err := localmsp.ParsePrivateKey(id.PrivateKey)
	if err != nil {
		return carest.Signer{}, fmt.Errorf("%s: %w", op, err)
	}
	return carest.Signer{Cert: id.Certificate, Key: key}, nil
}

// asRegistrar runs call with the registrar's enrolment; when the CA no longer accepts that
// enrolment (a new CA, an expired certificate), the registrar enrols again once.
func (c *Client) asRegistrar(ctx context.Context, op string, call func(carest.Signer) error) error {
	s, err := c.registrar(ctx, false)
	if err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	err = call(s)
	var ce *carest.Error
	if errors.As(err, &ce) && staleToken(ce.Code) {
		if s, err = c.registrar(ctx, true); err != nil {
			return fmt.Errorf("%s: %w", op, err)
		}
		err = call(s)
	}
	return c.fail(op, err)
}

// staleToken: the codes with which Fabric CA refuses a token (the server answers 20 to most
// refusals, 25–27 for an invalid token, an untrusted or an expired certificate).
func staleToken(code int) bool { return code == 20 || code == 25 || code == 26 || code == 27 }

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
	err := c.asRegistrar(ctx, "register "+r.Name, func(s carest.Signer) error {
		var err error
		secret, err = c.api.Register(ctx, s, carest.Registration{
			ID: r.Name, Type: "client", Secret: r.Secret, MaxEnrollments: r.MaxEnrollments,
			Attributes: []carest.Attribute{{Name: RoleAttribute, Value: string(r.Role), ECert: true}},
		})
		return err
	})
	if err != nil {
		return "", err
	}
	if secret == "" {
		return "", fmt.Errorf("register %s: the CA answered without a secret", r.Name)
	}
	return secret, nil
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
	return c.enroll(ctx, "enroll "+name, c.wallet, name, secret)
}

// enroll makes a key pair, has the CA certify it and puts the identity in w.
func (c *Client) enroll(ctx context.Context, op string, w Wallet, name, secret string) (*ledger.Identity, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	key, err := carest.NewKey()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	csr, err := carest.CSR(key, name)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	res, err := c.api.Enroll(ctx, name, secret, csr)
	if err != nil {
		return nil, c.fail(op, err)
	}
	cert, err := localmsp.ParseCertificate(res.Cert)
	if err != nil {
		return nil, fmt.Errorf("%s: the CA's certificate: %w", op, err)
	}
	if !key.PublicKey.Equal(cert.PublicKey) {
		return nil, fmt.Errorf("%s: the CA's certificate is not for the key of the request", op)
	}
	chain, err := c.chain(ctx, res.ServerInfo)
	if err != nil {
		return nil, c.fail(op, err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	id := &ledger.Identity{
		Name: label(c.ca.MSPID, name), MSPID: c.ca.MSPID, Certificate: res.Cert,
		PrivateKey: pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}),
	}
	if err := w.put(id, name, chain); err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	return id, nil
}

// chain is the CA chain an enrolment answer carries, or else the one /cainfo gives.
func (c *Client) chain(ctx context.Context, info carest.Info) ([]byte, error) {
	if info.CAChain == "" {
		var err error
		if info, err = c.api.CAInfo(ctx); err != nil {
			return nil, err
		}
	}
	chain, err := info.Chain()
	if err == nil && len(chain) == 0 {
		err = errors.New("the CA gave no certificate chain")
	}
	return chain, err
}

// List returns every identity registered at the CA, as its registrar sees them.
func (c *Client) List(ctx context.Context) ([]Info, error) {
	var out []Info
	err := c.asRegistrar(ctx, "list", func(s carest.Signer) error {
		ids, err := c.api.Identities(ctx, s)
		if err != nil {
			return err
		}
		out = out[:0]
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

// fail names an error after op: the CA's refusals become *CAError, anything else says which
// CA it concerns.
func (c *Client) fail(op string, err error) error {
	var ce *carest.Error
	switch {
	case err == nil:
		return nil
	case errors.As(err, &ce):
		return &CAError{Op: op, Code: ce.Code, Message: ce.Message}
	case errors.Is(err, ErrInvalid), errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return fmt.Errorf("%s: %w", op, err)
	}
	return fmt.Errorf("%s at %s: %w", op, c.ca.URL, err)
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
