package fabricnet

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"
)

// OrdererState is what one orderer says of the channel: its channel participation record
// (osnadmin channel list) and its Raft metrics.
type OrdererState struct {
	Name string `json:"name"`
	// ConsensusRelation is "consenter" for a member of the Raft cluster ("follower" for a node
	// that only pulls blocks, "config-tracker" for one evicted).
	ConsensusRelation string `json:"consensusRelation,omitempty"`
	// Status is "active" once the node takes part; "onboarding" while it catches up.
	Status string `json:"status,omitempty"`
	Height uint64 `json:"height"`
	Leader bool   `json:"leader"`
	// ActiveNodes is how many consenters the leader heard from lately, as this node last
	// learnt it; 0 when the node knows no leader.
	ActiveNodes int `json:"activeNodes"`
	ClusterSize int `json:"clusterSize"`
	// Taken counts the transactions this orderer took from clients since it started
	// (broadcasts it answered with SUCCESS), its share of the writes.
	Taken uint64 `json:"taken"`
	Err   error  `json:"-"` // the channel participation API did not answer
	// MetricsErr is set when /metrics did not answer: an orderer started with an
	// orderer.yaml of before ADR 034 serves it to no client; restart it.
	MetricsErr error `json:"-"`
}

// InCluster reports whether the node is an active Raft consenter that knows a leader (when
// its metrics cannot be read, an active consenter).
func (s OrdererState) InCluster() bool {
	return s.Err == nil && s.ConsensusRelation == "consenter" && s.Status == "active" &&
		(s.ActiveNodes > 0 || s.MetricsErr != nil)
}

// OrdererStates asks every orderer of the network for its state of the channel, at once.
func OrdererStates(ctx context.Context, cfg Config) ([]OrdererState, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	l := newLayout(cfg)
	c, err := l.adminHTTP()
	if err != nil {
		return nil, err
	}
	defer c.CloseIdleConnections()
	out := make([]OrdererState, len(l.orderers))
	done := make(chan struct{})
	for i, o := range l.orderers {
		go func() {
			defer func() { done <- struct{}{} }()
			out[i] = l.ordererState(ctx, c, o)
		}()
	}
	for range l.orderers {
		<-done
	}
	return out, nil
}

// adminHTTP is an HTTPS client with the orderer organisation admin's TLS pair: the channel
// participation API requires it, and the operations listener serves /metrics only to a
// client certificate of the orderer organisation's TLS CA.
func (l *layout) adminHTTP() (*http.Client, error) {
	pem, err := os.ReadFile(l.ordererOrg.TLSCA) // #nosec G304 -- the network's own CA
	if err != nil {
		return nil, fmt.Errorf("fabricnet: %w", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("fabricnet: no certificate in %s", l.ordererOrg.TLSCA)
	}
	pair, err := tls.LoadX509KeyPair(l.ordererOrg.Admin.TLSCert, l.ordererOrg.Admin.TLSKey)
	if err != nil {
		return nil, fmt.Errorf("fabricnet: orderer admin TLS pair: %w", err)
	}
	return &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{
		RootCAs: pool, Certificates: []tls.Certificate{pair}, MinVersion: tls.VersionTLS12,
	}}}, nil
}

func (l *layout) ordererState(ctx context.Context, c *http.Client, o ordererLayout) OrdererState {
	s := OrdererState{Name: o.Name}
	var info struct {
		ConsensusRelation string `json:"consensusRelation"`
		Status            string `json:"status"`
		Height            uint64 `json:"height"`
	}
	if err := getJSON(ctx, c, "https://"+o.Admin+"/participation/v1/channels/"+l.cfg.Channel, &info); err != nil {
		s.Err = err
		return s
	}
	s.ConsensusRelation, s.Status, s.Height = info.ConsensusRelation, info.Status, info.Height
	m, err := metrics(ctx, c, "https://"+o.Operations+"/metrics", `channel="`+l.cfg.Channel+`"`)
	if err != nil {
		s.MetricsErr = err
		return s
	}
	s.Leader = m.sum("consensus_etcdraft_is_leader") == 1
	s.ActiveNodes = int(m.sum("consensus_etcdraft_active_nodes"))
	s.ClusterSize = int(m.sum("consensus_etcdraft_cluster_size"))
	s.Taken = uint64(m.sum("broadcast_processed_count", `status="SUCCESS"`, `type="ENDORSER_TRANSACTION"`))
	return s
}

func get(ctx context.Context, c *http.Client, url string) (io.ReadCloser, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	resp, err := c.Do(req)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
		_ = resp.Body.Close()
		return nil, fmt.Errorf("GET %s: %s: %s", url, resp.Status, strings.TrimSpace(string(b)))
	}
	return resp.Body, nil
}

func getJSON(ctx context.Context, c *http.Client, url string, out any) error {
	body, err := get(ctx, c, url)
	if err != nil {
		return err
	}
	defer body.Close()
	if err := json.NewDecoder(io.LimitReader(body, 1<<20)).Decode(out); err != nil {
		return fmt.Errorf("GET %s: %w", url, err)
	}
	return nil
}

// metricSample is one line of the Prometheus text format.
type metricSample struct {
	name, labels string
	value        float64
}

type metricSamples []metricSample

// sum adds up the samples of the metric whose labels contain every one of labels.
func (ms metricSamples) sum(name string, labels ...string) float64 {
	var v float64
	for _, m := range ms {
		if m.name != name {
			continue
		}
		match := true
		for _, l := range labels {
			match = match && strings.Contains(m.labels, l)
		}
		if match {
			v += m.value
		}
	}
	return v
}

// metrics reads the Prometheus text at url and keeps the samples whose labels contain label.
func metrics(ctx context.Context, c *http.Client, url, label string) (metricSamples, error) {
	body, err := get(ctx, c, url)
	if err != nil {
		return nil, err
	}
	defer body.Close()
	return parseMetrics(body, label)
}

func parseMetrics(r io.Reader, label string) (metricSamples, error) {
	var out metricSamples
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") {
			continue
		}
		name, rest, ok := strings.Cut(line, "{")
		if !ok {
			continue
		}
		labels, value, ok := strings.Cut(rest, "} ")
		if !ok || !strings.Contains(labels, label) {
			continue
		}
		v, err := strconv.ParseFloat(strings.TrimSpace(value), 64)
		if err != nil {
			return nil, fmt.Errorf("metric %s: %w", name, err)
		}
		out = append(out, metricSample{name: name, labels: labels, value: v})
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, errors.New("no metric of the channel yet")
	}
	return out, nil
}

// judgeOrderers turns the status of running, answering orderers into degraded unless the
// orderer is a Raft consenter that knows a leader and is at the channel's height (the
// highest any orderer reports).
func judgeOrderers(ps []ProcessStatus, rafts []OrdererState) {
	var top uint64
	for _, r := range rafts {
		top = max(top, r.Height)
	}
	for i := range ps {
		p := &ps[i]
		if !p.Running {
			continue
		}
		r := rafts[i]
		p.Raft = &r
		if !p.Healthy {
			continue
		}
		var why string
		switch {
		case r.Err != nil:
			why = "no channel state: " + r.Err.Error()
		case r.ConsensusRelation != "consenter":
			why = "not a Raft consenter of the channel (" + r.ConsensusRelation + ")"
		case r.Status != "active":
			why = "channel " + r.Status
		case r.MetricsErr != nil:
			why = "Raft state unknown (restart it to serve its metrics): " + r.MetricsErr.Error()
		case r.ActiveNodes == 0:
			why = "in no Raft cluster: knows no leader"
		case top-r.Height > maxOrdererLag:
			why = fmt.Sprintf("%d blocks behind (height %d of %d)", top-r.Height, r.Height, top)
		}
		if why != "" {
			p.Healthy, p.State, p.Detail = false, StateDegraded, why
			continue
		}
		role := "raft follower"
		if r.Leader {
			role = "raft leader"
		}
		p.Detail = fmt.Sprintf("%s, %d of %d consenters active, height %d", role, r.ActiveNodes, r.ClusterSize, r.Height)
	}
}

// describe says what the orderer reports, for error messages.
func (s OrdererState) describe() string {
	if s.Err != nil {
		return s.Err.Error()
	}
	return fmt.Sprintf("relation %s, status %s, height %d, %d active consenters known", s.ConsensusRelation, s.Status, s.Height, s.ActiveNodes)
}
