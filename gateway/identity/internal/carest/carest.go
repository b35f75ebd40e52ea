// Package carest is a client of the Fabric CA server's REST API (v1), limited to what
// package identity needs: enrol, register, list identities and read the CA's chain.
//
// Every answer is the server's JSON envelope {"success", "result", "errors", "messages"};
// an answer with success false or with errors becomes an *Error carrying the server's codes
// and messages. Enrolment authenticates with HTTP basic auth (enrolment ID and secret), the
// other calls with a token signed by an enrolled identity (see Token).
package carest

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// maxAnswer bounds the size of an answer read from the server.
const maxAnswer = 16 << 20

// Client calls one CA of a Fabric CA server.
type Client struct {
	base   *url.URL
	caName string
	http   *http.Client
}

// New returns a client of the CA named caName (empty: the server's default CA) at baseURL
// (https://host:port), trusting the TLS CA certificates in tlsCAPEM.
func New(baseURL, caName string, tlsCAPEM []byte) (*Client, error) {
	u, err := url.Parse(baseURL)
	if err != nil {
		return nil, fmt.Errorf("ca url: %w", err)
	}
	if u.Scheme != "https" || u.Host == "" {
		return nil, fmt.Errorf("ca url %q: want https://host:port", baseURL)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(tlsCAPEM) {
		return nil, errors.New("tls ca certificate: no PEM certificate")
	}
	tr := &http.Transport{
		TLSClientConfig:     &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12},
		TLSHandshakeTimeout: 10 * time.Second,
		MaxIdleConnsPerHost: 4,
	}
	return &Client{base: u, caName: caName, http: &http.Client{Transport: tr, Timeout: time.Minute}}, nil
}

// Close drops idle connections.
func (c *Client) Close() { c.http.CloseIdleConnections() }

// Signer is an enrolled identity that signs the token of a request.
type Signer struct {
	Cert []byte // PEM
	Key  *ecdsa.PrivateKey
}

// Error is a refusal by the server: its HTTP status and the errors of its envelope.
type Error struct {
	Status int
	Code   int // the first error's code, 0 when the server gave none
	// Message joins every error message of the answer.
	Message string
}

func (e *Error) Error() string {
	return fmt.Sprintf("fabric ca error %d (http %d): %s", e.Code, e.Status, e.Message)
}

// envelope is the server's answer around every result.
type envelope struct {
	Success  bool            `json:"success"`
	Result   json.RawMessage `json:"result"`
	Errors   []message       `json:"errors"`
	Messages []message       `json:"messages"`
}

type message struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
}

// Info is what /cainfo and an enrolment tell of the CA.
type Info struct {
	CAName  string `json:"CAName"`
	CAChain string `json:"CAChain"` // base64 of the PEM chain
	Version string `json:"Version"`
}

// Chain returns the CA's PEM certificate chain.
func (i Info) Chain() ([]byte, error) {
	b, err := base64.StdEncoding.DecodeString(i.CAChain)
	if err != nil {
		return nil, fmt.Errorf("ca chain: %w", err)
	}
	return b, nil
}

// CAInfo asks the CA for its name, chain and version.
func (c *Client) CAInfo(ctx context.Context) (Info, error) {
	var info Info
	err := c.do(ctx, http.MethodGet, "cainfo", nil, nil, nil, &info)
	return info, err
}

// Enrollment is the answer to an enrolment.
type Enrollment struct {
	Cert       []byte // PEM
	ServerInfo Info
}

// Enroll asks the CA to sign csrPEM for the identity name, authenticated by its secret.
func (c *Client) Enroll(ctx context.Context, name, secret string, csrPEM []byte) (Enrollment, error) {
	body, err := json.Marshal(struct {
		CSR    string `json:"certificate_request"`
		CAName string `json:"caname,omitempty"`
	}{string(csrPEM), c.caName})
	if err != nil {
		return Enrollment{}, err
	}
	var res struct {
		Cert       string `json:"Cert"`
		ServerInfo Info   `json:"ServerInfo"`
	}
	auth := func(r *http.Request) error { r.SetBasicAuth(name, secret); return nil }
	if err := c.do(ctx, http.MethodPost, "enroll", nil, body, auth, &res); err != nil {
		return Enrollment{}, err
	}
	cert, err := base64.StdEncoding.DecodeString(res.Cert)
	if err != nil || len(cert) == 0 {
		return Enrollment{}, fmt.Errorf("enroll answer: no base64 certificate (%v)", err)
	}
	return Enrollment{Cert: cert, ServerInfo: res.ServerInfo}, nil
}

// Attribute is an attribute of a registered identity; ECert ones go into its certificates.
type Attribute struct {
	Name  string `json:"name"`
	Value string `json:"value"`
	ECert bool   `json:"ecert,omitempty"`
}

// Registration asks the CA to register an identity.
type Registration struct {
	ID             string      `json:"id"`
	Type           string      `json:"type"`
	Secret         string      `json:"secret,omitempty"`
	MaxEnrollments int         `json:"max_enrollments,omitempty"`
	Affiliation    string      `json:"affiliation"`
	Attributes     []Attribute `json:"attrs,omitempty"`
	CAName         string      `json:"caname,omitempty"`
}

// Register registers an identity on behalf of the registrar by and returns its enrolment
// secret.
func (c *Client) Register(ctx context.Context, by Signer, r Registration) (string, error) {
	r.CAName = c.caName
	body, err := json.Marshal(r) // #nosec G117 -- the secret is the registration's, sent to the CA over TLS
	if err != nil {
		return "", err
	}
	var res struct {
		Secret string `json:"secret"`
	}
	if err := c.do(ctx, http.MethodPost, "register", nil, body, by.authorize, &res); err != nil {
		return "", err
	}
	return res.Secret, nil
}

// Identity is a registered identity as the CA lists it.
type Identity struct {
	ID             string      `json:"id"`
	Type           string      `json:"type"`
	Affiliation    string      `json:"affiliation"`
	Attributes     []Attribute `json:"attrs"`
	MaxEnrollments int         `json:"max_enrollments"`
}

// Identities lists the identities the signer may see.
func (c *Client) Identities(ctx context.Context, by Signer) ([]Identity, error) {
	query := url.Values{}
	if c.caName != "" {
		query.Set("ca", c.caName)
	}
	var res struct {
		Identities []Identity `json:"identities"`
	}
	if err := c.do(ctx, http.MethodGet, "identities", query, nil, by.authorize, &res); err != nil {
		return nil, err
	}
	return res.Identities, nil
}

// authorize sets the request's token; it reads the body that will be sent.
func (s Signer) authorize(r *http.Request) error {
	var body []byte
	if r.GetBody != nil {
		rc, err := r.GetBody()
		if err != nil {
			return err
		}
		body, err = io.ReadAll(rc)
		if err != nil {
			return err
		}
	}
	tok, err := Token(s.Cert, s.Key, r.Method, r.URL.RequestURI(), body)
	if err != nil {
		return err
	}
	r.Header.Set("Authorization", tok)
	return nil
}

// do sends a request to /api/v1/<endpoint>?<query> and decodes the envelope's result into
// out.
func (c *Client) do(ctx context.Context, method, endpoint string, query url.Values, body []byte, auth func(*http.Request) error, out any) error {
	u := *c.base
	u.Path = strings.TrimSuffix(u.Path, "/") + "/api/v1/" + endpoint
	u.RawPath = ""
	u.RawQuery = query.Encode()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, u.String(), rd)
	if err != nil {
		return err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if auth != nil {
		if err := auth(req); err != nil {
			return fmt.Errorf("authorization: %w", err)
		}
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	if err != nil {
		return fmt.Errorf("read answer (http %d): %w", resp.StatusCode, err)
	}
	var env envelope
	if err := json.Unmarshal(raw, &env); err != nil {
		return fmt.Errorf("answer is not Fabric CA's JSON (http %d): %q", resp.StatusCode, snippet(raw))
	}
	if !env.Success || len(env.Errors) > 0 || resp.StatusCode/100 != 2 {
		return refusal(resp.StatusCode, env)
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(env.Result, out); err != nil {
		return fmt.Errorf("%s answer: %w", endpoint, err)
	}
	return nil
}

func refusal(status int, env envelope) *Error {
	e := &Error{Status: status}
	var msgs []string
	for _, m := range env.Errors {
		if e.Code == 0 {
			e.Code = m.Code
		}
		msgs = append(msgs, m.Message)
	}
	if len(msgs) == 0 {
		msgs = append(msgs, "request refused without an error message")
	}
	e.Message = strings.Join(msgs, "; ")
	return e
}

func snippet(b []byte) string {
	const n = 200
	if len(b) > n {
		return string(b[:n]) + "…(" + strconv.Itoa(len(b)) + " bytes)"
	}
	return string(b)
}
