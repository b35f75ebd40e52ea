package fabricnet

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/udiledger/udiledger/gateway/ledger"
	"github.com/udiledger/udiledger/gateway/ledger/fabric"
)

// logFormat is Fabric's log line without terminal colours: the logs go to files.
const logFormat = "FABRIC_LOGGING_FORMAT=%{time:2006-01-02 15:04:05.000 MST} %{level:.4s} [%{module}] %{shortfunc} -> %{message}"

// upper runs the steps of Up over one layout.
type upper struct {
	*layout
	out        io.Writer
	builderDir string
	packageIDs map[string]string // by organisation name
	// referenceIDs are the reference chaincode's package IDs once deployed, else nil.
	referenceIDs map[string]string
}

func (u *upper) bin(name string) string { return filepath.Join(u.cfg.BinDir, name) }

// run executes a Fabric command line tool and returns its combined output.
func (u *upper) run(ctx context.Context, env []string, name string, args ...string) ([]byte, error) {
	// #nosec G204 -- Fabric's own tools with arguments built from the network configuration
	cmd := exec.CommandContext(ctx, u.bin(name), args...)
	cmd.Env = append(baseEnv(), env...)
	cmd.Dir = u.cfg.RunDir
	out, err := cmd.CombinedOutput()
	if err != nil {
		return out, fmt.Errorf("%s %s: %w: %s", name, firstArgs(args), err, bytes.TrimSpace(out))
	}
	return out, nil
}

func firstArgs(args []string) string {
	if len(args) > 3 {
		args = args[:3]
	}
	return strings.Join(args, " ")
}

// peerCLI runs the peer command as the organisation's admin against its own peer.
func (u *upper) peerCLI(ctx context.Context, o orgLayout, args ...string) ([]byte, error) {
	env := []string{
		"FABRIC_CFG_PATH=" + o.peer.ConfigDir,
		"FABRIC_LOGGING_SPEC=warning",
		"CORE_PEER_LOCALMSPID=" + o.MSPID,
		"CORE_PEER_MSPCONFIGPATH=" + o.Admin.MSPDir,
		"CORE_PEER_ADDRESS=" + o.Peer.Endpoint,
		"CORE_PEER_TLS_ENABLED=true",
		"CORE_PEER_TLS_ROOTCERT_FILE=" + o.TLSCACert,
	}
	return u.run(ctx, env, "peer", args...)
}

// ordererArgs are the peer CLI flags that reach the first orderer over TLS.
func (u *upper) ordererArgs() []string {
	return []string{"-o", u.orderers[0].Endpoint, "--tls", "--cafile", u.ordererOrg.TLSCA}
}

// eachOrg runs fn for every organisation at once and joins the errors.
func (u *upper) eachOrg(fn func(o orgLayout) error) error {
	errs := make([]error, len(u.orgs))
	var wg sync.WaitGroup
	for i, o := range u.orgs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := fn(o); err != nil {
				errs[i] = fmt.Errorf("%s: %w", o.Name, err)
			}
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// retry calls fn until it succeeds or d has passed: Raft elects its leader and gossip learns
// the other organisations in the first seconds of a network's life.
func retry(ctx context.Context, d time.Duration, fn func() error) error {
	deadline := time.Now().Add(d)
	for {
		err := fn()
		if err == nil || time.Now().After(deadline) {
			return err
		}
		select {
		case <-ctx.Done():
			return errors.Join(err, ctx.Err())
		case <-time.After(250 * time.Millisecond):
		}
	}
}

func (u *upper) crypto(ctx context.Context) error {
	done := u.path("crypto", ".complete")
	if _, err := os.Stat(done); err == nil {
		return nil
	}
	if err := os.RemoveAll(u.path("crypto")); err != nil {
		return err
	}
	cc := u.path("config", "crypto-config.yaml")
	data := map[string]any{
		"OrdererOrg": u.ordererOrg,
		"Orderers":   u.orderers,
		"Orgs":       u.orgs,
	}
	if err := render("crypto-config.yaml.tmpl", cc, data); err != nil {
		return err
	}
	if _, err := u.run(ctx, nil, "cryptogen", "generate", "--config", cc, "--output", u.path("crypto")); err != nil {
		return err
	}
	// Each chaincode server gets a TLS pair from its organisation's TLS CA; the peer dials it
	// with a client pair of its own, carried in connection.json.
	for _, o := range u.orgs {
		caKey := filepath.Join(filepath.Dir(o.TLSCACert), "priv_sk")
		if err := issueTLSPair(o.TLSCACert, caKey, "chaincode."+o.Domain, o.Host, filepath.Join(o.ccDir, "server")); err != nil {
			return fmt.Errorf("chaincode server tls of %s: %w", o.Name, err)
		}
		if err := issueTLSPair(o.TLSCACert, caKey, "peer0-chaincode-client."+o.Domain, o.Host, filepath.Join(o.ccDir, "client")); err != nil {
			return fmt.Errorf("chaincode client tls of %s: %w", o.Name, err)
		}
	}
	return writeFile(done, nil, 0o600)
}

func (u *upper) configure(context.Context) error {
	var err error
	if u.builderDir, err = u.writeBuilder(); err != nil {
		return err
	}
	data := map[string]any{
		"OrdererOrg":      u.ordererOrg,
		"Orderers":        u.orderers,
		"Orgs":            u.orgs,
		"Profile":         profileName,
		"BatchTimeout":    u.cfg.BatchTimeout.String(),
		"MaxMessageCount": u.cfg.MaxMessageCount,
	}
	if err := render("configtx.yaml.tmpl", u.path("config", "configtx.yaml"), data); err != nil {
		return err
	}
	for _, o := range u.orderers {
		data := map[string]any{"Orderer": o, "Org": u.ordererOrg, "OrdererTLSCA": u.ordererOrg.TLSCA}
		if err := render("orderer.yaml.tmpl", filepath.Join(o.ConfigDir, "orderer.yaml"), data); err != nil {
			return err
		}
	}
	for _, o := range u.orgs {
		data := map[string]any{"Peer": o.peer, "Org": o, "NetworkID": "udi", "BuilderDir": u.builderDir}
		if err := render("core.yaml.tmpl", filepath.Join(o.peer.ConfigDir, "core.yaml"), data); err != nil {
			return err
		}
	}
	cols, err := collectionsJSON(u.cfg.Collections)
	if err != nil {
		return err
	}
	return writeFile(u.path("config", "collections.json"), cols, 0o600)
}

func (u *upper) blockFile() string { return u.path("channel", u.cfg.Channel+".block") }

func (u *upper) genesis(ctx context.Context) error {
	if _, err := os.Stat(u.blockFile()); err == nil {
		return nil
	}
	tmp := u.blockFile() + ".tmp"
	if err := os.MkdirAll(filepath.Dir(tmp), 0o750); err != nil {
		return err
	}
	if _, err := u.run(ctx, []string{"FABRIC_LOGGING_SPEC=warning"}, "configtxgen",
		"-configPath", u.path("config"), "-profile", profileName,
		"-channelID", u.cfg.Channel, "-outputBlock", tmp); err != nil {
		return err
	}
	return os.Rename(tmp, u.blockFile())
}

// startAll starts the daemons and waits, in parallel, until every one is ready.
func (u *upper) startAll(ctx context.Context, ds []daemon, ready []func(context.Context) error) error {
	for _, d := range ds {
		started, err := u.start(d)
		if err != nil {
			return err
		}
		if started {
			fmt.Fprintf(u.out, "  started %s\n", d.Name)
		}
	}
	var wg sync.WaitGroup
	errs := make([]error, len(ds))
	for i := range ds {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			errs[i] = u.waitReady(ctx, ds[i].Name, ready[i])
		}(i)
	}
	wg.Wait()
	return errors.Join(errs...)
}

func (u *upper) startOrderers(ctx context.Context) error {
	var ds []daemon
	var ready []func(context.Context) error
	for _, o := range u.orderers {
		ds = append(ds, daemon{Name: o.Name, Bin: u.bin("orderer"), Env: []string{
			"FABRIC_CFG_PATH=" + o.ConfigDir, "FABRIC_LOGGING_SPEC=" + u.cfg.LogSpec, logFormat,
		}})
		dial := dialCheck(o.Admin)
		ready = append(ready, func(ctx context.Context) error {
			if err := healthz(ctx, o.Operations, u.ordererOrg.TLSCA); err != nil {
				return err
			}
			return dial(ctx)
		})
	}
	return u.startAll(ctx, ds, ready)
}

func (u *upper) joinOrderers(ctx context.Context) error {
	for _, o := range u.orderers {
		tlsArgs := []string{"-o", o.Admin, "--ca-file", u.ordererOrg.TLSCA,
			"--client-cert", u.ordererOrg.Admin.TLSCert, "--client-key", u.ordererOrg.Admin.TLSKey}
		out, err := u.run(ctx, nil, "osnadmin", append([]string{"channel", "list", "--channelID", u.cfg.Channel}, tlsArgs...)...)
		if err == nil && bytes.Contains(out, []byte("Status: 200")) {
			continue
		}
		if _, err := u.run(ctx, nil, "osnadmin", append([]string{"channel", "join", "--channelID", u.cfg.Channel,
			"--config-block", u.blockFile()}, tlsArgs...)...); err != nil {
			return fmt.Errorf("%s: %w", o.Name, err)
		}
	}
	return nil
}

func (u *upper) startPeers(ctx context.Context) error {
	var ds []daemon
	var ready []func(context.Context) error
	for _, o := range u.orgs {
		ds = append(ds, daemon{Name: o.peer.Name, Bin: u.bin("peer"), Args: []string{"node", "start"}, Env: []string{
			"FABRIC_CFG_PATH=" + o.peer.ConfigDir, "FABRIC_LOGGING_SPEC=" + u.cfg.LogSpec, logFormat,
		}})
		// /healthz answers before the gRPC listener accepts: wait for both.
		dial := dialCheck(o.Peer.Endpoint)
		ready = append(ready, func(ctx context.Context) error {
			if err := healthz(ctx, o.Peer.Operations, o.TLSCACert); err != nil {
				return err
			}
			return dial(ctx)
		})
	}
	return u.startAll(ctx, ds, ready)
}

func (u *upper) joinPeers(ctx context.Context) error {
	return u.eachOrg(func(o orgLayout) error {
		out, err := u.peerCLI(ctx, o, "channel", "list")
		if err != nil {
			return err
		}
		if channelListed(out, u.cfg.Channel) {
			return nil
		}
		_, err = u.peerCLI(ctx, o, "channel", "join", "-b", u.blockFile())
		return err
	})
}

// channelListed reads the output of `peer channel list`: one channel name per line after the
// header.
func channelListed(out []byte, channel string) bool {
	for _, line := range strings.Split(string(out), "\n") {
		if strings.TrimSpace(line) == channel {
			return true
		}
	}
	return false
}

// gossip waits until the gateway of every organisation's peer can reach the peer of every
// other organisation for the chaincode: each organisation's admin evaluates info:Version on
// each other organisation's peer through its own gateway. Peers learn of each other through
// gossip a few seconds after joining; until then a gateway answers "failed to find any
// endorsing peers for org(s)" and cannot plan endorsements across organisations.
func (u *upper) gossip(ctx context.Context) error {
	n := u.layout.network()
	cfg, err := n.ClientConfig()
	if err != nil {
		return err
	}
	c, err := fabric.New(cfg)
	if err != nil {
		return err
	}
	defer c.Close()
	return u.eachOrg(func(o orgLayout) error {
		id, err := n.AdminIdentity(o.MSPID)
		if err != nil {
			return err
		}
		for _, other := range u.orgs {
			if other.MSPID == o.MSPID {
				continue
			}
			if err := retry(ctx, 60*time.Second, func() error {
				_, err := c.Evaluate(ctx, ledger.Proposal{Identity: id, Function: "info:Version", EndorsingOrgs: []string{other.MSPID}})
				return err
			}); err != nil {
				return fmt.Errorf("%s cannot reach %s: %w", o.MSPID, other.MSPID, err)
			}
		}
		return nil
	})
}

// raftCluster waits until every orderer is a consenter of the channel that knows the Raft
// leader and has caught up with the highest orderer: /healthz answers long before a
// restarted orderer hears from the leader (after an election, seconds) and catches up.
func (u *upper) raftCluster(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, u.cfg.StartTimeout)
	defer cancel()
	for {
		states, err := OrdererStates(ctx, u.cfg)
		if err != nil {
			return err
		}
		var top uint64
		for _, s := range states {
			top = max(top, s.Height)
		}
		var out []string
		for _, s := range states {
			switch {
			case !s.InCluster():
				out = append(out, fmt.Sprintf("%s is not in the Raft cluster (%s)", s.Name, s.describe()))
			case top-s.Height > maxOrdererLag:
				out = append(out, fmt.Sprintf("%s is at height %d of %d", s.Name, s.Height, top))
			}
		}
		if len(out) == 0 {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%s: %w", strings.Join(out, "; "), ctx.Err())
		case <-time.After(200 * time.Millisecond):
		}
	}
}
