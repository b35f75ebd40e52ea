// Package fabric is the ledger.Client for a real Hyperledger Fabric network, built on
// fabric-gateway: one shared gRPC connection per organisation's peer, one Gateway per identity.
package fabric

import (
	"context"
	"crypto/sha256"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hyperledger/fabric-gateway/pkg/client"
	"github.com/hyperledger/fabric-gateway/pkg/hash"
	"github.com/hyperledger/fabric-gateway/pkg/identity"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"google.golang.org/grpc"
	"google.golang.org/grpc/backoff"
	"google.golang.org/grpc/credentials"

	"github.com/udiledger/udiledger/gateway/ledger"
)

// Peer is the gateway peer of one organisation.
type Peer struct {
	Address   string // host:port of the peer's gRPC listener
	TLSCACert []byte // PEM of the CA that signed the peer's TLS certificate
	// ServerName overrides the TLS host name; empty means the host part of Address.
	ServerName string
}

// Config says how to reach the network. Identities connect through the peer of their own
// organisation (Peers keyed by MSP ID).
type Config struct {
	ChannelID     string
	ChaincodeName string
	Peers         map[string]Peer
	// EventsIdentity signs chaincode event requests.
	EventsIdentity *ledger.Identity
	// HealthIdentities, by MSP ID, are the identities Health asks each organisation's peer
	// with; where none is given, the last identity of that organisation this client used,
	// else EventsIdentity (whose peer forwards the question).
	HealthIdentities map[string]*ledger.Identity
	// PrivateEndorsers are the MSP IDs asked to endorse, with the submitter's own
	// organisation, a proposal that carries transient (private) data and names no
	// EndorsingOrgs: the members every private data collection has besides its owner (the
	// regulator), so that a dispenser's private inputs reach the members of its own
	// collection only. Empty leaves the choice to the gateway peer, which refuses such a
	// proposal whenever its plan would include a non-member ("retry specifying trusted
	// endorsing organizations").
	PrivateEndorsers []string

	// EvaluateTimeout and EndorseTimeout bound one evaluate and one endorsement: the peer's
	// own limit (peer.gateway.endorsementTimeout and chaincode.executetimeout, 60 s for a
	// 10,000-code commission, ADR 035) and 5 s more, so the peer's answer, which names the
	// endorser, comes first. Default 65 s each. A hung peer is found out sooner: HungAfter.
	EvaluateTimeout time.Duration
	EndorseTimeout  time.Duration
	// SubmitTimeout bounds one hand-over to the ordering service; the peer gateway tries
	// each orderer for peer.gateway.broadcastTimeout (fabricnet: 3 s) within it. Default 10 s.
	SubmitTimeout time.Duration
	// CommitTimeout bounds the wait for a commit status, resubmits included (ordering.go).
	// Default 60 s.
	CommitTimeout time.Duration
	// HungAfter is how long an attempt waits for its answer before it asks the peers it
	// needs their height; a peer that does not answer that within HungAfter either is hung,
	// and the attempt ends naming it (deadlines.go). Default 2 s.
	HungAfter time.Duration
	// CatchUpWait is how long a call waits for the peers it goes to to commit this
	// client's last write (catchup.go). Default 10 s.
	CatchUpWait time.Duration
	// OrderingWait is how long a transaction is sent again, unchanged, while the ordering
	// service cannot take it or its commit does not come (a Raft leader election takes about
	// ElectionTick × TickInterval, 5 s); default 15 s.
	OrderingWait time.Duration
	// ResubmitAfter is how long a commit is awaited before the transaction is sent again
	// within OrderingWait: the leader that took it may have died before ordering it.
	// Default 8 s.
	ResubmitAfter time.Duration
	// Retries is how many more times a retryable failure is tried; default 4.
	Retries int
	// RetryBackoff is the first pause between tries, doubled each time up to 2 s; default
	// 100 ms.
	RetryBackoff time.Duration
	// PeerWait is how long a call is tried again, beyond Retries, while an organisation's
	// peer or chaincode server it needs cannot be reached (a peer restarting); the error
	// then names them. Default 10 s.
	PeerWait time.Duration
}

// MaxMessageBytes bounds every gRPC message to and from a peer, as the peer's own
// maxRecvMsgSize and maxSendMsgSize do (Fabric's default, 100 MiB). gRPC's 4 MiB default
// receive limit would refuse the prepared transaction of a 10,000-code commission (about
// 7 MiB, ADR 035), which the gateway peer sends back to be signed.
const MaxMessageBytes = 100 << 20

// Client implements ledger.Client on fabric-gateway.
type Client struct {
	cfg Config

	mu       sync.Mutex
	conns    map[string]*grpc.ClientConn // by MSP ID
	gateways map[[32]byte]*client.Gateway
	ids      map[string]*ledger.Identity // the last identity of each organisation, for Health
	heights  map[string]uint64           // last known ledger height of each organisation's peer
	polls    map[string]*sync.Mutex      // one height poll per organisation at a time
	silent   map[string]time.Time        // until when a peer that did not tell its height is not waited for
	orgs     []string                    // every organisation with a configured peer, sorted

	lastBlock atomic.Uint64 // the last block holding a transaction this client committed
}

var _ ledger.Client = (*Client)(nil)

// New returns a Client; connections are dialled on first use and then shared.
func New(cfg Config) (*Client, error) {
	if cfg.ChannelID == "" || cfg.ChaincodeName == "" {
		return nil, errors.New("fabric: channel and chaincode name are required")
	}
	if len(cfg.Peers) == 0 {
		return nil, errors.New("fabric: no peers configured")
	}
	setDefault(&cfg.EvaluateTimeout, 65*time.Second)
	setDefault(&cfg.EndorseTimeout, 65*time.Second)
	setDefault(&cfg.HungAfter, 2*time.Second)
	setDefault(&cfg.CatchUpWait, 10*time.Second)
	setDefault(&cfg.SubmitTimeout, 10*time.Second)
	setDefault(&cfg.CommitTimeout, 60*time.Second)
	setDefault(&cfg.OrderingWait, 15*time.Second)
	setDefault(&cfg.ResubmitAfter, 8*time.Second)
	setDefault(&cfg.RetryBackoff, 100*time.Millisecond)
	setDefault(&cfg.PeerWait, 10*time.Second)
	if cfg.Retries == 0 {
		cfg.Retries = 4
	}
	return &Client{
		cfg:      cfg,
		conns:    map[string]*grpc.ClientConn{},
		gateways: map[[32]byte]*client.Gateway{},
		ids:      map[string]*ledger.Identity{},
		heights:  map[string]uint64{},
		polls:    map[string]*sync.Mutex{},
		silent:   map[string]time.Time{},
		orgs:     slices.Sorted(maps.Keys(cfg.Peers)),
	}, nil
}

func setDefault(d *time.Duration, v time.Duration) {
	if *d == 0 {
		*d = v
	}
}

// Submit endorses, orders and waits for the commit of one transaction. Read conflicts and
// unreachable peers are retried with a new transaction ID and the same arguments, so a
// chaincode that deduplicates by event ID never writes twice.
func (c *Client) Submit(ctx context.Context, p ledger.Proposal) (*ledger.Result, error) {
	var res *ledger.Result
	err := c.retry(ctx, true, func() error {
		// A write that goes ahead of a peer still behind fails a read check at most: retried.
		_ = c.catchUp(ctx, p.Identity, c.submitters(p))
		var err error
		res, err = c.submitOnce(ctx, p)
		return err
	})
	return res, err
}

func (c *Client) submitOnce(ctx context.Context, p ledger.Proposal) (*ledger.Result, error) {
	gw, err := c.gateway(p.Identity)
	if err != nil {
		return nil, err
	}
	tx, skipped, err := c.endorse(ctx, gw, p)
	if err != nil {
		return nil, err
	}
	own := []string{p.Identity.MSPID}
	var commit *client.Commit
	status, err := c.orderAndAwait(ctx,
		func(ctx context.Context) error {
			return c.bounded(ctx, gw, "hand-over to the ordering service", c.cfg.SubmitTimeout, own[0], nil, nil,
				func(ctx context.Context) (err error) {
					commit, err = tx.SubmitWithContext(ctx)
					return err
				})
		},
		func(ctx context.Context) (st *client.Status, err error) {
			err = c.bounded(ctx, gw, "commit status", c.cfg.CommitTimeout, own[0], nil, nil,
				func(ctx context.Context) (err error) {
					st, err = commit.StatusWithContext(ctx)
					return err
				})
			return st, err
		})
	if err != nil {
		// OrderingWait is spent: a retry with a new transaction ID would only wait again.
		return nil, once(c.explain(ctx, translate(err), p.Identity.MSPID))
	}
	if !status.Successful && len(skipped) > 0 && status.Code == peer.TxValidationCode_ENDORSEMENT_POLICY_FAILURE {
		// The policy (a key's owner) needed a silent peer: the transaction changed nothing.
		// Tried again only if they all answer now (no longer silent, the gateway plans).
		return nil, &unavailableError{missing: missing{peers: skipped}, retryable: c.answerNow(ctx, gw, skipped, p.Identity.MSPID),
			err: fmt.Errorf("transaction %s invalid in block %d: %s: endorsed without the silent peers", status.TransactionID, status.BlockNumber, status.Code)}
	}
	if !status.Successful {
		return nil, &ledger.CommitError{
			TxID:           status.TransactionID,
			BlockNumber:    status.BlockNumber,
			ValidationCode: status.Code.String(),
		}
	}
	c.committed(status.BlockNumber)
	c.setHeight(p.Identity.MSPID, status.BlockNumber+1) // the status came from this organisation's peer
	return &ledger.Result{TxID: status.TransactionID, BlockNumber: status.BlockNumber, Payload: tx.Result()}, nil
}

// endorse has p endorsed by the organisations c.endorsers names. A proposal with private
// inputs whose co-endorsers' peers cannot be reached is endorsed again by the others alone
// (the submitter's organisation at least): the collection's endorsement policy is its
// writer's peer, and a member whose peer was down gets the data by reconciliation.
//
// A proposal the gateway would plan is endorsed, while other organisations' peers are silent
// (hung, deadlines.go), by every organisation but those, which it returns as skipped.
func (c *Client) endorse(ctx context.Context, gw *client.Gateway, p ledger.Proposal) (tx *client.Transaction, skipped []string, err error) {
	endorsers := c.endorsers(p)
	if len(endorsers) == 0 && len(p.Transient) == 0 {
		endorsers, skipped = c.withoutSilent(p.Identity.MSPID)
	}
	tx, err = c.endorseBy(ctx, gw, p, endorsers)
	if err == nil || len(p.EndorsingOrgs) > 0 || len(p.Transient) == 0 {
		return tx, skipped, err
	}
	rest, ok := withoutUnreachable(endorsers, p.Identity.MSPID, err)
	if !ok {
		return nil, nil, err
	}
	slog.Warn("fabric: private inputs endorsed without an unreachable co-endorser; it gets them by reconciliation",
		"function", p.Function, "error", err.Error(), "endorsers", rest)
	tx, err = c.endorseBy(ctx, gw, p, rest)
	return tx, nil, err
}

// withoutUnreachable is endorsers less the co-endorsers whose peer err names as unreachable;
// false when err names none of them (the submitter's own peer is never left out).
func withoutUnreachable(endorsers []string, submitter string, err error) ([]string, bool) {
	down, _ := Missing(err)
	rest := slices.DeleteFunc(slices.Clone(endorsers), func(org string) bool {
		return org != submitter && slices.Contains(down, org)
	})
	return rest, len(rest) < len(endorsers)
}

// endorseBy has p endorsed by endorsers (nil: as the gateway peer plans) within
// EndorseTimeout; a hung endorser is found out by asking each organisation its height
// (whichever the gateway planned with).
func (c *Client) endorseBy(ctx context.Context, gw *client.Gateway, p ledger.Proposal, endorsers []string) (*client.Transaction, error) {
	contract := c.contractOf(gw)
	opts := []client.ProposalOption{client.WithArguments(p.Args...)}
	if len(p.Transient) > 0 {
		opts = append(opts, client.WithTransient(p.Transient))
	}
	if len(endorsers) > 0 {
		opts = append(opts, client.WithEndorsingOrganizations(endorsers...))
	}
	proposal, err := contract.NewProposal(p.Function, opts...)
	if err != nil {
		return nil, fmt.Errorf("fabric: build proposal %s: %w", p.Function, err)
	}
	asked := endorsers
	if len(asked) == 0 {
		asked = c.orgs
	}
	var tx *client.Transaction
	err = c.bounded(ctx, gw, "endorsement", c.cfg.EndorseTimeout, p.Identity.MSPID, asked, []string{p.Identity.MSPID},
		func(ctx context.Context) (err error) {
			tx, err = proposal.EndorseWithContext(ctx)
			return err
		})
	if err != nil {
		return nil, c.explain(ctx, translate(err), p.Identity.MSPID)
	}
	return tx, nil
}

// Evaluate runs a read-only call on the identity's own organisation's peer, or on a peer of
// the organisations p.EndorsingOrgs names, once that peer has committed this client's own
// transactions (see catchup.go).
func (c *Client) Evaluate(ctx context.Context, p ledger.Proposal) ([]byte, error) {
	var out []byte
	err := c.retry(ctx, false, func() error {
		behind := c.catchUp(ctx, p.Identity, readers(p))
		gw, err := c.gateway(p.Identity)
		if err != nil {
			return err
		}
		opts := []client.ProposalOption{client.WithArguments(p.Args...)}
		if len(p.Transient) > 0 {
			opts = append(opts, client.WithTransient(p.Transient))
		}
		if len(p.EndorsingOrgs) > 0 {
			opts = append(opts, client.WithEndorsingOrganizations(p.EndorsingOrgs...))
		}
		err = c.bounded(ctx, gw, "evaluate", c.cfg.EvaluateTimeout, p.Identity.MSPID, readers(p), readers(p),
			func(ctx context.Context) (err error) {
				out, err = c.contractOf(gw).EvaluateWithContext(ctx, p.Function, opts...)
				return err
			})
		err = c.explainRead(ctx, translate(err), p)
		switch {
		case err != nil && behind != nil:
			return fmt.Errorf("%w (%w)", err, behind)
		case behind != nil:
			slog.Warn("fabric: a read may miss this client's own last writes", "function", p.Function, "why", behind.Error())
		}
		return err
	})
	return out, err
}

// explainRead names the peer a failed read needed: the identity's own, or the one p names.
func (c *Client) explainRead(ctx context.Context, err error, p ledger.Proposal) error {
	err = c.explain(ctx, err, p.Identity.MSPID)
	var u *unavailableError
	if len(p.EndorsingOrgs) > 0 && errors.As(err, &u) && u.missing.empty() &&
		strings.Contains(u.err.Error(), "no peers available to evaluate") {
		u.missing.peers = slices.Clone(p.EndorsingOrgs)
	}
	return err
}

// Events streams chaincode events from block fromBlock on; the caller keeps the checkpoint
// (the last block it has handled) and resumes from the next one.
func (c *Client) Events(ctx context.Context, fromBlock uint64) (<-chan ledger.Event, error) {
	if c.cfg.EventsIdentity == nil {
		return nil, errors.New("fabric: no events identity configured")
	}
	gw, err := c.gateway(c.cfg.EventsIdentity)
	if err != nil {
		return nil, err
	}
	in, err := gw.GetNetwork(c.cfg.ChannelID).ChaincodeEvents(ctx, c.cfg.ChaincodeName, client.WithStartBlock(fromBlock))
	if err != nil {
		return nil, translate(err)
	}
	out := make(chan ledger.Event)
	go func() {
		defer close(out)
		for ev := range in {
			select {
			case out <- ledger.Event{BlockNumber: ev.BlockNumber, TxID: ev.TransactionID, Name: ev.EventName, Payload: ev.Payload}:
			case <-ctx.Done():
				return
			}
		}
	}()
	return out, nil
}

// Close closes every gateway and connection.
func (c *Client) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	var errs []error
	for k, gw := range c.gateways {
		errs = append(errs, gw.Close())
		delete(c.gateways, k)
	}
	for k, conn := range c.conns {
		errs = append(errs, conn.Close())
		delete(c.conns, k)
	}
	return errors.Join(errs...)
}

func (c *Client) contractOf(gw *client.Gateway) *client.Contract {
	return gw.GetNetwork(c.cfg.ChannelID).GetContract(c.cfg.ChaincodeName)
}

func (c *Client) gateway(id *ledger.Identity) (*client.Gateway, error) {
	if id == nil {
		return nil, errors.New("fabric: a proposal needs an identity")
	}
	key := sha256.Sum256(append([]byte(id.MSPID+"\x00"), id.Certificate...))
	c.mu.Lock()
	defer c.mu.Unlock()
	c.ids[id.MSPID] = id
	if gw, ok := c.gateways[key]; ok {
		return gw, nil
	}
	conn, err := c.connLocked(id.MSPID)
	if err != nil {
		return nil, err
	}
	cert, err := identity.CertificateFromPEM(id.Certificate)
	if err != nil {
		return nil, fmt.Errorf("fabric: identity %s certificate: %w", id.Name, err)
	}
	x509id, err := identity.NewX509Identity(id.MSPID, cert)
	if err != nil {
		return nil, fmt.Errorf("fabric: identity %s: %w", id.Name, err)
	}
	key0, err := identity.PrivateKeyFromPEM(id.PrivateKey)
	if err != nil {
		return nil, fmt.Errorf("fabric: identity %s private key: %w", id.Name, err)
	}
	sign, err := identity.NewPrivateKeySign(key0)
	if err != nil {
		return nil, fmt.Errorf("fabric: identity %s signer: %w", id.Name, err)
	}
	gw, err := client.Connect(x509id,
		client.WithSign(sign),
		client.WithHash(hash.SHA256),
		client.WithClientConnection(conn),
		client.WithEvaluateTimeout(c.cfg.EvaluateTimeout),
		client.WithEndorseTimeout(c.cfg.EndorseTimeout),
		client.WithSubmitTimeout(c.cfg.SubmitTimeout),
		client.WithCommitStatusTimeout(c.cfg.CommitTimeout),
	)
	if err != nil {
		return nil, fmt.Errorf("fabric: connect as %s: %w", id.Name, err)
	}
	c.gateways[key] = gw
	return gw, nil
}

// reconnect is how often a connection to a peer that went away is tried again: gRPC's
// default back-off grows to two minutes, which would keep a restarted peer unused that long.
var reconnect = grpc.ConnectParams{
	Backoff:           backoff.Config{BaseDelay: 200 * time.Millisecond, Multiplier: 1.6, Jitter: 0.2, MaxDelay: 2 * time.Second},
	MinConnectTimeout: 5 * time.Second,
}

func (c *Client) connLocked(mspID string) (*grpc.ClientConn, error) {
	if conn, ok := c.conns[mspID]; ok {
		return conn, nil
	}
	pr, ok := c.cfg.Peers[mspID]
	if !ok {
		return nil, fmt.Errorf("fabric: no peer configured for organisation %s", mspID)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pr.TLSCACert) {
		return nil, fmt.Errorf("fabric: peer %s: no certificate in TLS CA PEM", pr.Address)
	}
	creds := credentials.NewClientTLSFromCert(pool, pr.ServerName)
	conn, err := grpc.NewClient(pr.Address, grpc.WithTransportCredentials(creds),
		grpc.WithDefaultCallOptions(grpc.MaxCallRecvMsgSize(MaxMessageBytes), grpc.MaxCallSendMsgSize(MaxMessageBytes)),
		grpc.WithConnectParams(reconnect))
	if err != nil {
		return nil, fmt.Errorf("fabric: dial peer %s: %w", pr.Address, err)
	}
	c.conns[mspID] = conn
	return conn, nil
}
