package fabricnet

import (
	"cmp"
	"context"
	"errors"
	"fmt"

	"github.com/udiledger/udiledger/gateway/ledger"
	"github.com/udiledger/udiledger/gateway/ledger/fabric"
)

// maxPeerLag is how many blocks a peer may trail the channel's height (the highest any peer
// or orderer reports) and still be healthy.
const maxPeerLag = fabric.MaxPeerLag

// peerLedger is a peer's account of the channel: its ledger height.
type peerLedger struct {
	Height uint64
	Err    error
}

// askOrgs asks each organisation's peer, as that organisation's admin and all at once, for
// its height of the channel (qscc GetChainInfo), and has the chaincode answer info:Version
// through it: the Fabric backend's Health. Both are by organisation, in n.Orgs' order.
func askOrgs(ctx context.Context, n *Network) (ledgers []peerLedger, answers []error) {
	ledgers, answers = make([]peerLedger, len(n.Orgs)), make([]error, len(n.Orgs))
	fail := func(err error) ([]peerLedger, []error) {
		for i := range n.Orgs {
			ledgers[i], answers[i] = peerLedger{Err: err}, err
		}
		return ledgers, answers
	}
	cfg, err := n.ClientConfig()
	if err != nil {
		return fail(err)
	}
	cfg.HealthIdentities = map[string]*ledger.Identity{}
	for _, o := range n.Orgs {
		if cfg.HealthIdentities[o.MSPID], err = n.AdminIdentity(o.MSPID); err != nil {
			return fail(err)
		}
	}
	c, err := fabric.New(cfg)
	if err != nil {
		return fail(err)
	}
	defer c.Close()
	parts := map[string]ledger.PartHealth{}
	for _, p := range c.Health(ctx) {
		parts[p.Name] = p
	}
	for i, o := range n.Orgs {
		peer, cc := parts["peer of "+o.MSPID], parts["chaincode of "+o.MSPID]
		if peer.State == ledger.Down || peer.Name == "" {
			ledgers[i].Err = errors.New(cmp.Or(peer.Detail, "not asked"))
		} else {
			ledgers[i].Height = peer.Height
		}
		if cc.State != ledger.Healthy {
			answers[i] = errors.New(cmp.Or(cc.Detail, "not asked"))
		}
	}
	return ledgers, answers
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
