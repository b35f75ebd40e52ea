package fabric

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/hyperledger/fabric-gateway/pkg/client"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/udiledger/udiledger/chaincode/ops"
	"github.com/udiledger/udiledger/gateway/ledger"
)

// healthTimeout bounds each question Health asks a peer.
const healthTimeout = 3 * time.Second

// MaxPeerLag is how many blocks a peer may trail the highest peer and still be healthy: the
// peers are asked one after the other while blocks are cut.
const MaxPeerLag = 2

var _ ledger.HealthReporter = (*Client)(nil)

// Health reports each organisation's peer (down when it does not tell its height within a
// few seconds, degraded when more than MaxPeerLag blocks behind the highest peer) and the
// chaincode through that peer (down when info:Version does not answer). Every peer is asked
// at once, with the identity HealthIdentities names or one of its organisation this client
// used, else through the events identity's peer. The parts are in the order of the
// organisations' MSP IDs, each peer followed by its chaincode.
func (c *Client) Health(ctx context.Context) []ledger.PartHealth {
	type answer struct {
		peer, chaincode ledger.PartHealth
	}
	answers := make([]answer, len(c.orgs))
	var wg sync.WaitGroup
	for i, org := range c.orgs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			answers[i].peer, answers[i].chaincode = c.orgHealth(ctx, org)
		}()
	}
	wg.Wait()
	peers := make([]ledger.PartHealth, len(answers))
	for i, a := range answers {
		peers[i] = a.peer
	}
	judgePeers(peers)
	out := make([]ledger.PartHealth, 0, 2*len(answers))
	for i, a := range answers {
		out = append(out, peers[i], a.chaincode)
	}
	return out
}

// judgePeers marks degraded the answering peers more than MaxPeerLag blocks behind the
// highest.
func judgePeers(peers []ledger.PartHealth) {
	var top uint64
	for _, p := range peers {
		top = max(top, p.Height)
	}
	for i := range peers {
		p := &peers[i]
		if p.State != ledger.Healthy {
			continue
		}
		if top-p.Height > MaxPeerLag {
			p.State, p.Detail = ledger.Degraded, fmt.Sprintf("%d blocks behind (height %d of %d)", top-p.Height, p.Height, top)
		}
	}
}

func (c *Client) orgHealth(ctx context.Context, org string) (peer, chaincode ledger.PartHealth) {
	peer = ledger.PartHealth{Name: "peer of " + org, Kind: "peer", State: ledger.Down}
	chaincode = ledger.PartHealth{Name: "chaincode of " + org, Kind: "chaincode", State: ledger.Down}
	id := c.healthIdentity(org)
	if id == nil {
		peer.Detail, chaincode.Detail = "no identity to ask it with", "no identity to ask it with"
		return peer, chaincode
	}
	gw, err := c.gateway(id)
	if err != nil {
		peer.Detail, chaincode.Detail = "no connection to it", "no connection to its peer"
		return peer, chaincode
	}
	hctx, cancel := context.WithTimeout(ctx, healthTimeout)
	h, err := c.chainHeight(hctx, gw, org, id.MSPID)
	cancel()
	if err != nil {
		peer.Detail = "does not tell its height (" + grpcCode(err) + ")"
		chaincode.Detail = "its peer is down"
		return peer, chaincode
	}
	c.setHeight(org, h)
	peer.State, peer.Height, peer.Detail = ledger.Healthy, h, fmt.Sprintf("height %d", h)

	var opts []client.ProposalOption
	if org != id.MSPID {
		opts = append(opts, client.WithEndorsingOrganizations(org))
	}
	hctx, cancel = context.WithTimeout(ctx, healthTimeout)
	defer cancel()
	start := time.Now()
	v, err := gw.GetNetwork(c.cfg.ChannelID).GetContract(c.cfg.ChaincodeName).EvaluateWithContext(hctx, ops.Version.Name(), opts...)
	if err != nil {
		chaincode.Detail = "info:Version does not answer (" + grpcCode(err) + ")"
		return peer, chaincode
	}
	chaincode.State = ledger.Healthy
	chaincode.Detail = fmt.Sprintf("version %s in %s", v, time.Since(start).Round(time.Millisecond))
	return peer, chaincode
}

// healthIdentity is the identity to ask org's peer with: one of org's own, else the events
// identity (whose peer forwards the question).
func (c *Client) healthIdentity(org string) *ledger.Identity {
	if id, ok := c.cfg.HealthIdentities[org]; ok {
		return id
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if id, ok := c.ids[org]; ok {
		return id
	}
	return c.cfg.EventsIdentity
}

// grpcCode names err's gRPC status code: a part's detail is shown on the public /readyz, so
// it carries no address or message of the peer's.
func grpcCode(err error) string {
	if errors.Is(err, context.DeadlineExceeded) {
		return codes.DeadlineExceeded.String()
	}
	return status.Code(err).String()
}
