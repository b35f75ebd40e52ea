package fabricnet

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net/http"
	"os"
	"time"

	"github.com/udiledger/udiledger/chaincode/ops"
	"github.com/udiledger/udiledger/gateway/ledger"
	"github.com/udiledger/udiledger/gateway/ledger/fabric"
)

// maxPeerLag is how many blocks a peer may trail the channel's height (the highest any peer
// or orderer reports) and still be healthy.
const maxPeerLag = fabric.MaxPeerLag

// peerLedger is a peer's account of the channel: its ledger height, from its metrics.
type peerLedger struct {
	Height uint64
	Err    error
}

// peerLedgers reads ledger_blockchain_height of the channel from every peer's operations
// listener, at once.
func (l *layout) peerLedgers(ctx context.Context) []peerLedger {
	out := make([]peerLedger, len(l.orgs))
	done := make(chan struct{})
	for i, o := range l.orgs {
		go func() {
			defer func() { done <- struct{}{} }()
			out[i] = l.peerLedger(ctx, o)
		}()
	}
	for range l.orgs {
		<-done
	}
	return out
}

func (l *layout) peerLedger(ctx context.Context, o orgLayout) peerLedger {
	c, err := tlsHTTP(o.TLSCACert)
	if err != nil {
		return peerLedger{Err: err}
	}
	defer c.CloseIdleConnections()
	m, err := metrics(ctx, c, "https://"+o.Peer.Operations+"/metrics", `channel="`+l.cfg.Channel+`"`)
	if err != nil {
		return peerLedger{Err: err}
	}
	var h float64
	for _, s := range m {
		if s.name == "ledger_blockchain_height" {
			h = max(h, s.value)
		}
	}
	if h == 0 {
		return peerLedger{Err: fmt.Errorf("no ledger_blockchain_height of channel %s", l.cfg.Channel)}
	}
	return peerLedger{Height: uint64(h)}
}

// tlsHTTP is an HTTPS client that trusts the CA in caFile.
func tlsHTTP(caFile string) (*http.Client, error) {
	pem, err := os.ReadFile(caFile) // #nosec G304 -- a TLS CA of this network
	if err != nil {
		return nil, fmt.Errorf("fabricnet: %w", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("fabricnet: no certificate in %s", caFile)
	}
	return &http.Client{Timeout: 3 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{
		RootCAs: pool, MinVersion: tls.VersionTLS12,
	}}}, nil
}

// judgePeers turns running peers whose /healthz answers into degraded unless they are within
// maxPeerLag blocks of top, the channel's height.
func judgePeers(ps []ProcessStatus, ledgers []peerLedger, top uint64) {
	for _, l := range ledgers {
		top = max(top, l.Height)
	}
	for i := range ps {
		p, l := &ps[i], ledgers[i]
		if !p.Healthy {
			continue
		}
		p.Height = l.Height
		switch {
		case l.Err != nil:
			p.Healthy, p.State, p.Detail = false, StateDegraded, "channel height unknown: "+l.Err.Error()
		case top-l.Height > maxPeerLag:
			p.Healthy, p.State, p.Detail = false, StateDegraded, fmt.Sprintf("%d blocks behind (height %d of %d)", top-l.Height, l.Height, top)
		default:
			p.Detail = fmt.Sprintf("height %d", l.Height)
		}
	}
}

// chaincodeAnswers evaluates info:Version through each organisation's own peer as its admin,
// at once; nil where the chaincode answered.
func chaincodeAnswers(ctx context.Context, n *Network) []error {
	out := make([]error, len(n.Orgs))
	cfg, err := n.ClientConfig()
	if err == nil {
		cfg.Retries, cfg.PeerWait = -1, time.Millisecond // one try: a check, not a call that must go through
		var c *fabric.Client
		if c, err = fabric.New(cfg); err == nil {
			defer c.Close()
			done := make(chan struct{})
			for i, o := range n.Orgs {
				go func() {
					defer func() { done <- struct{}{} }()
					out[i] = chaincodeAnswer(ctx, c, n, o)
				}()
			}
			for range n.Orgs {
				<-done
			}
			return out
		}
	}
	for i := range out {
		out[i] = err
	}
	return out
}

func chaincodeAnswer(ctx context.Context, c *fabric.Client, n *Network, o Org) error {
	id, err := n.AdminIdentity(o.MSPID)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	_, err = c.Evaluate(ctx, ledger.Proposal{Identity: id, Function: ops.Version.Name()})
	return err
}

// judgeChaincodes turns running chaincode servers that accept connections into degraded
// unless the chaincode answered through their organisation's peer; peerHealthy says which
// peers could be asked.
func judgeChaincodes(ps []ProcessStatus, peerHealthy []bool, answers []error) {
	for i := range ps {
		p := &ps[i]
		if !p.Healthy {
			continue
		}
		switch {
		case !peerHealthy[i]:
			p.Healthy, p.State, p.Detail = false, StateDegraded, "not asked: its organisation's peer is not healthy"
		case answers[i] != nil:
			p.Healthy, p.State, p.Detail = false, StateDegraded, "does not answer info:Version through its peer: "+answers[i].Error()
		default:
			p.Detail = "answers info:Version through its peer"
		}
	}
}
