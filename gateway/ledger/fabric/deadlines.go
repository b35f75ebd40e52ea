package fabric

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/hyperledger/fabric-gateway/pkg/client"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// Hung peers. A stopped peer process (SIGSTOP, a frozen VM) still has its connections and its
// kernel still accepts new ones, but it never answers: a call through it waits for its own
// deadline. The deadline of a call cannot be short, as a 10,000-code commission or the scope
// of a 100,000-unit recall runs for tens of seconds in a live peer (ADR 035). So an attempt
// that has not answered after HungAfter asks the peers it needs their height (qscc, answered
// by the peer itself, whatever the chaincode is doing); a peer that does not answer that
// within HungAfter either is hung, and the attempt ends as unavailable, naming it.

// hungError is an attempt abandoned because the peers of orgs did not answer it.
type hungError struct {
	what  string   // "evaluate", "endorsement", …
	orgs  []string // MSP IDs whose peer did not answer
	after time.Duration
	why   string // how it was found out
}

func (e *hungError) Error() string {
	return fmt.Sprintf("%s: no answer from the peer of %s after %s (%s)",
		e.what, strings.Join(e.orgs, ", "), e.after.Round(time.Millisecond), e.why)
}

// bounded runs call under ctx and the attempt's own deadline timeout, as the organisation
// own's identity (whose gateway is gw). While call has not answered it asks, every
// HungAfter, the peers of own and of orgs whether they answer at all; when one does not, call
// is cancelled and a *hungError names it. When the attempt reaches its own deadline (not the
// caller's) and blame is not empty, a *hungError names blame; otherwise call's error is
// returned as it is.
func (c *Client) bounded(ctx context.Context, gw *client.Gateway, what string, timeout time.Duration,
	own string, orgs, blame []string, call func(context.Context) error,
) error {
	start := time.Now()
	actx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- call(actx) }()
	tick := time.NewTimer(c.cfg.HungAfter)
	defer tick.Stop()
	for {
		select {
		case err := <-done:
			if err != nil && len(blame) > 0 && ctx.Err() == nil && actx.Err() != nil {
				return &hungError{what: what, orgs: blame, after: time.Since(start), why: "its deadline of " + timeout.String()}
			}
			return err
		case <-tick.C:
			silent := c.silentPeers(ctx, gw, own, orgs)
			select {
			case err := <-done: // it answered while the peers were asked
				return err
			default:
			}
			if len(silent) > 0 {
				cancel()
				<-done
				return &hungError{what: what, orgs: silent, after: time.Since(start),
					why: "nor its height within " + c.cfg.HungAfter.String()}
			}
			tick.Reset(c.cfg.HungAfter)
		}
	}
}

// silentPeers asks the peers of own (directly) and of orgs (through own's peer) their height,
// all at once, each within HungAfter, and returns those that gave no answer in that time: own
// alone when its own peer gave none (the others cannot be asked then). A refusal is an
// answer: a dead peer fails the call at once, or the gateway plans around it.
func (c *Client) silentPeers(ctx context.Context, gw *client.Gateway, own string, orgs []string) []string {
	ask := append([]string{own}, slices.DeleteFunc(slices.Clone(orgs), func(o string) bool { return o == own })...)
	answered := make([]bool, len(ask))
	var wg sync.WaitGroup
	for i, org := range ask {
		wg.Add(1)
		go func() {
			defer wg.Done()
			silent, _ := c.askHeight(ctx, gw, org, own)
			answered[i] = !silent
		}()
	}
	wg.Wait()
	if ctx.Err() != nil {
		return nil
	}
	if !answered[0] {
		return []string{own}
	}
	var out []string
	for i, org := range ask {
		if !answered[i] {
			out = append(out, org)
		}
	}
	slices.Sort(out)
	return out
}

// askHeight asks org's peer its height within HungAfter and records the answer; a peer that
// gives none in that time is silent, and remembered so for silentFor.
func (c *Client) askHeight(ctx context.Context, gw *client.Gateway, org, own string) (silent bool, err error) {
	pctx, cancel := context.WithTimeout(ctx, c.cfg.HungAfter)
	defer cancel()
	h, err := c.chainHeight(pctx, gw, org, own)
	if err != nil {
		// No answer in time: the client's deadline passed, or the server's copy of it did
		// first (gRPC hands the deadline on; a peer gateway forwarding to a hung peer answers
		// DeadlineExceeded when it runs out).
		silent = ctx.Err() == nil && (pctx.Err() != nil || status.Code(err) == codes.DeadlineExceeded)
		if silent {
			c.setSilent(org)
		}
		return silent, err
	}
	c.setHeight(org, h)
	c.mu.Lock()
	delete(c.silent, org)
	c.mu.Unlock()
	return false, nil
}

// answerNow asks the peers of orgs their height again and reports whether all answered (and
// so are no longer silent).
func (c *Client) answerNow(ctx context.Context, gw *client.Gateway, orgs []string, own string) bool {
	ok := true
	for _, org := range orgs {
		if _, err := c.askHeight(ctx, gw, org, own); err != nil {
			ok = false
		}
	}
	return ok
}

// silentFor is how long a peer that did not tell its height is not waited for by catchUp nor
// planned with: a hung peer costs a call HungAfter about once in that time, not every call.
const silentFor = 10 * time.Second

// withoutSilent is, while another organisation's peer is silent, every organisation but the
// silent ones (own always kept), to endorse a write the gateway peer would otherwise plan,
// and the silent ones: the peer gateway keeps a hung peer in its plans until gossip declares
// it dead (about 25 s) and waits for it up to its endorsementTimeout. Nil, nil when none is
// silent: the gateway plans.
func (c *Client) withoutSilent(own string) (endorsers, silent []string) {
	for _, org := range c.orgs {
		if org != own && c.isSilent(org) {
			silent = append(silent, org)
			continue
		}
		endorsers = append(endorsers, org)
	}
	if len(silent) == 0 {
		return nil, nil
	}
	return endorsers, silent
}

func (c *Client) setSilent(org string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.silent[org] = time.Now().Add(silentFor)
}

func (c *Client) isSilent(org string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Before(c.silent[org])
}
