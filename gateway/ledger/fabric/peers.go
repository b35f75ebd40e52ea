package fabric

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	gwproto "github.com/hyperledger/fabric-protos-go-apiv2/gateway"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/connectivity"
	"google.golang.org/grpc/status"
)

// Which organisation's peer is missing. The peer gateway says it in three ways: the
// organisations it has no endorser for ("failed to find any endorsing peers for org(s): X"),
// the endorsers that failed (an ErrorDetail per peer, with its address and MSP ID), and the
// endorsement policy it cannot plan for ("no combination of peers can be derived…", naming
// no one, or "…unavailability of peers: [addresses]"). The client's own connection failing
// means its own organisation's peer is missing. When nothing is named, the client asks each
// configured peer whether it accepts a connection.

// reachTimeout bounds the check that a peer accepts a connection.
const reachTimeout = 2 * time.Second

var (
	missingOrgsPattern = regexp.MustCompile(`failed to find any endorsing peers for org\(s\): ([^;]+)`)
	addressPattern     = regexp.MustCompile(`[A-Za-z0-9.\-]+:[0-9]{2,5}`)
)

// missing is what an unavailable error knows of the parts it could not reach.
type missing struct {
	peers     []string // MSP IDs whose peer could not be reached
	chaincode []string // MSP IDs whose peer answered but could not run the chaincode
}

func (m missing) empty() bool { return len(m.peers) == 0 && len(m.chaincode) == 0 }

func (m missing) String() string {
	var parts []string
	for _, org := range m.peers {
		parts = append(parts, "the peer of "+org+" cannot be reached")
	}
	for _, org := range m.chaincode {
		parts = append(parts, "the chaincode of "+org+" does not answer")
	}
	return strings.Join(parts, "; ")
}

// explain adds to an unavailable error which organisations' peers or chaincode servers are
// missing; own is the organisation whose peer the call went through.
func (c *Client) explain(ctx context.Context, err error, own string) error {
	var u *unavailableError
	if !errors.As(err, &u) || u.permanent {
		return err
	}
	m := c.missingFrom(u.err, own)
	if m.empty() && noPlan(u.err) {
		m.peers = c.unreachable(ctx)
	}
	if !m.empty() {
		u.missing = m
		u.retryable = true
	}
	return err
}

// missingFrom reads from a peer gateway's error which organisations it could not use.
func (c *Client) missingFrom(err error, own string) missing {
	var m missing
	st, ok := status.FromError(err)
	if !ok {
		return m
	}
	if ownConnectionFailed(st) {
		m.peers = []string{own}
		return m
	}
	if sub := missingOrgsPattern.FindStringSubmatch(st.Message()); sub != nil {
		for _, org := range strings.Split(sub[1], ",") {
			m.peers = appendOnce(m.peers, strings.TrimSpace(org))
		}
	}
	for _, d := range st.Details() {
		detail, ok := d.(*gwproto.ErrorDetail)
		if !ok {
			continue
		}
		org := detail.GetMspId()
		if org == "" {
			org = c.orgOf(detail.GetAddress())
		}
		if _, ok := c.cfg.Peers[org]; !ok {
			continue // an orderer's detail: ordering.go waits for those
		}
		switch {
		case chaincodeUnreachable(detail.GetMessage()):
			m.chaincode = appendOnce(m.chaincode, org)
		case connectionFailed(detail.GetMessage()):
			m.peers = appendOnce(m.peers, org)
		}
	}
	if strings.Contains(st.Message(), "unavailability of peers") {
		for _, addr := range addressPattern.FindAllString(st.Message(), -1) {
			if org := c.orgOf(addr); org != "" {
				m.peers = appendOnce(m.peers, org)
			}
		}
	}
	slices.Sort(m.peers)
	slices.Sort(m.chaincode)
	return m
}

// ownConnectionFailed reports an error of the client's own connection to its peer, not one
// the peer's gateway sent back.
func ownConnectionFailed(st *status.Status) bool {
	return st.Code() == codes.Unavailable && len(st.Details()) == 0 && connectionFailed(st.Message()) &&
		!strings.Contains(st.Message(), "endorsing peers")
}

// connectionFailed reports a gRPC message of a peer that could not be reached.
func connectionFailed(msg string) bool {
	for _, s := range []string{"connection refused", "connection error", "Error while dialing", "transport is closing",
		"connection reset", "no route to host", "i/o timeout", "error reading from server", "code = Unavailable"} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}

// chaincodeUnreachable reports a peer's own failure to run the chaincode, as opposed to the
// chaincode's answer ("chaincode response 500, …"): it could not launch it or reach its
// server ("could not launch chaincode …: connection to … failed"), lost it in the middle
// ("failed to execute transaction …"), or the stream to it ended.
func chaincodeUnreachable(msg string) bool {
	if strings.Contains(msg, chaincodeResponse) {
		return false
	}
	for _, s := range []string{"could not launch chaincode", "failed to execute transaction", "chaincode stream terminated",
		"chaincode registration failed", "error starting container"} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}

// noPlan reports the peer gateway's failure to plan endorsements, naming no organisation.
func noPlan(err error) bool {
	msg := status.Convert(err).Message()
	return strings.Contains(msg, "no combination of peers can be derived") || strings.Contains(msg, "unavailability of peers")
}

// orgOf is the MSP ID whose configured peer listens on address, or "".
func (c *Client) orgOf(address string) string {
	for org, p := range c.cfg.Peers {
		if p.Address == address {
			return org
		}
	}
	return ""
}

// unreachable lists the organisations whose peer does not accept a connection within
// reachTimeout, all asked at once.
func (c *Client) unreachable(ctx context.Context) []string {
	ctx, cancel := context.WithTimeout(ctx, reachTimeout)
	defer cancel()
	var (
		mu  sync.Mutex
		out []string
		wg  sync.WaitGroup
	)
	for _, org := range c.orgs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if c.reach(ctx, org) != nil {
				mu.Lock()
				out = append(out, org)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	slices.Sort(out)
	return out
}

// reach waits until the client's connection to org's peer is ready (TLS handshake done).
func (c *Client) reach(ctx context.Context, org string) error {
	c.mu.Lock()
	conn, err := c.connLocked(org)
	c.mu.Unlock()
	if err != nil {
		return err
	}
	conn.Connect()
	for {
		s := conn.GetState()
		if s == connectivity.Ready {
			return nil
		}
		if !conn.WaitForStateChange(ctx, s) {
			return fmt.Errorf("peer of %s (%s): %s", org, c.cfg.Peers[org].Address, s)
		}
	}
}

func appendOnce(s []string, v string) []string {
	if v == "" || slices.Contains(s, v) {
		return s
	}
	return append(s, v)
}
