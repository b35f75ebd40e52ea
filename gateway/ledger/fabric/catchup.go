package fabric

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/hyperledger/fabric-gateway/pkg/client"
	"github.com/hyperledger/fabric-protos-go-apiv2/common"
	"google.golang.org/protobuf/proto"

	"github.com/udiledger/udiledger/gateway/ledger"
)

// Read your writes across organisations. Submit returns once the transaction is committed on
// the submitting identity's own peer; another organisation's peer may commit that block a
// moment later. A client that then reads or writes as that organisation would see the state
// before its own transaction, which the embedded ledger (one store) never shows. So before a
// call, the client waits, briefly and boundedly, until the peers that will run the call have
// committed the last block holding one of its own transactions. It asks a peer its height
// with qscc GetChainInfo only while that peer is not known to be far enough.

// catchUpPoll is the pause between two height checks of a peer that is behind.
const catchUpPoll = 10 * time.Millisecond

// committed records that one of the client's transactions committed in block.
func (c *Client) committed(block uint64) {
	for {
		cur := c.lastBlock.Load()
		if block <= cur || c.lastBlock.CompareAndSwap(cur, block) {
			return
		}
	}
}

// catchUp waits until the peers of orgs have committed the client's last block, at most
// CatchUpWait in all. It never fails the call: the call goes ahead and may see older
// state, and catchUp says which peer it gave up waiting for (nil when none). A peer that
// cannot be asked, or does not answer within HungAfter, is skipped (and a silent one is
// skipped by the next calls for a while, deadlines.go): the call through it fails and names
// it, and a call that does not need it is not held up. One poll per
// organisation runs at a time; callers waiting for the same peer share its answer.
func (c *Client) catchUp(ctx context.Context, id *ledger.Identity, orgs []string) error {
	want := c.lastBlock.Load()
	if want == 0 || id == nil {
		return nil
	}
	var gw *client.Gateway
	deadline := time.Now().Add(c.cfg.CatchUpWait)
	var behind []error
	for _, org := range orgs {
		if c.height(org) > want || c.isSilent(org) {
			continue
		}
		if gw == nil {
			var err error
			if gw, err = c.gateway(id); err != nil {
				return nil
			}
		}
		if err := c.waitPeer(ctx, gw, org, id.MSPID, want, deadline); err != nil {
			behind = append(behind, err)
		}
	}
	return errors.Join(behind...)
}

// waitPeer polls the height of org's peer until it passes want. It gives up at deadline,
// saying how far behind the peer is, or when the peer cannot be asked (nil: the call itself
// will say so).
func (c *Client) waitPeer(ctx context.Context, gw *client.Gateway, org, own string, want uint64, deadline time.Time) error {
	lock := c.pollLock(org)
	lock.Lock()
	defer lock.Unlock()
	start := time.Now()
	for c.height(org) <= want && !c.isSilent(org) {
		if _, err := c.askHeight(ctx, gw, org, own); err != nil {
			return nil
		}
		h := c.height(org)
		if h > want {
			break
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			return fmt.Errorf("the peer of %s is at height %d, behind this client's last write in block %d: gave up waiting after %s",
				org, h, want, time.Since(start).Round(time.Millisecond))
		}
		select {
		case <-ctx.Done():
		case <-time.After(catchUpPoll):
		}
	}
	return nil
}

// submitters are the organisations whose peers may take part in endorsing p: those the
// client names, or any organisation, as the gateway peer chooses.
func (c *Client) submitters(p ledger.Proposal) []string {
	if e := c.endorsers(p); len(e) > 0 {
		return e
	}
	return c.orgs
}

// endorsers are the organisations a submit of p names: those p names; for private inputs the
// submitter's organisation and the PrivateEndorsers; none otherwise (the gateway plans).
func (c *Client) endorsers(p ledger.Proposal) []string {
	if len(p.EndorsingOrgs) > 0 {
		return p.EndorsingOrgs
	}
	if len(p.Transient) == 0 || len(c.cfg.PrivateEndorsers) == 0 {
		return nil
	}
	out := slices.Clone(c.cfg.PrivateEndorsers)
	if p.Identity != nil && !slices.Contains(out, p.Identity.MSPID) {
		out = append(out, p.Identity.MSPID)
	}
	slices.Sort(out)
	return out
}

// readers are the organisations whose peer answers an evaluate of p.
func readers(p ledger.Proposal) []string {
	if len(p.EndorsingOrgs) > 0 {
		return p.EndorsingOrgs
	}
	if p.Identity == nil {
		return nil
	}
	return []string{p.Identity.MSPID}
}

// chainHeight asks a peer of org for its ledger height (the number of blocks it committed).
func (c *Client) chainHeight(ctx context.Context, gw *client.Gateway, org, own string) (uint64, error) {
	var opts []client.ProposalOption
	opts = append(opts, client.WithArguments(c.cfg.ChannelID))
	if org != own {
		opts = append(opts, client.WithEndorsingOrganizations(org))
	}
	b, err := gw.GetNetwork(c.cfg.ChannelID).GetContract("qscc").EvaluateWithContext(ctx, "GetChainInfo", opts...)
	if err != nil {
		return 0, err
	}
	var info common.BlockchainInfo
	if err := proto.Unmarshal(b, &info); err != nil {
		return 0, err
	}
	return info.GetHeight(), nil
}

func (c *Client) pollLock(org string) *sync.Mutex {
	c.mu.Lock()
	defer c.mu.Unlock()
	l, ok := c.polls[org]
	if !ok {
		l = &sync.Mutex{}
		c.polls[org] = l
	}
	return l
}

func (c *Client) height(org string) uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.heights[org]
}

func (c *Client) setHeight(org string, h uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if h > c.heights[org] {
		c.heights[org] = h
	}
}
