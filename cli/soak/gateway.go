package soak

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/udiledger/udiledger/chaincode/orgs"
	"github.com/udiledger/udiledger/gateway/auth"
	"github.com/udiledger/udiledger/gateway/ledger"
	"github.com/udiledger/udiledger/gateway/server"
	"github.com/udiledger/udiledger/network/fabricca"
	"github.com/udiledger/udiledger/network/fabricca/caclient"
	"github.com/udiledger/udiledger/network/fabricnet"
)

// gatewayStart bounds a start of the gateway until /readyz answers.
const gatewayStart = 90 * time.Second

// gateway is `udi serve` run as a child process on a fixed loopback port, so that it can be
// killed and started again at the same address.
type gateway struct {
	args []string // the command, without the port
	log  string   // its stdout and stderr, appended across starts
	url  string
	keys map[string]string // API key by MSP ID

	mu  sync.Mutex
	cmd *exec.Cmd
	// exited is closed when the running process has been reaped.
	exited chan struct{}
}

func identityOfOrg(o orgs.Org) (*ledger.Identity, error) {
	return &ledger.Identity{MSPID: o.MSPID, Name: o.MSPID}, nil
}

// newGateway prepares the gateway's command: on Fabric a configuration file naming one person
// per organisation, enrolled at its CA ("soak-<role>"), and an API key each; embedded, the
// development mode on a ledger in the work directory, whose keys it keeps there.
func newGateway(ctx context.Context, o Options) (*gateway, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	g := &gateway{url: "http://" + addr, log: filepath.Join(o.WorkDir, "gateway.log")}
	switch o.Backend {
	case Fabric:
		path, keys, err := writeFabricConfig(ctx, o, addr)
		if err != nil {
			return nil, err
		}
		g.args, g.keys = append(o.Udi[1:len(o.Udi):len(o.Udi)], "serve", "--config", path), keys
	default:
		dir := filepath.Join(o.WorkDir, "ledger")
		g.args = append(o.Udi[1:len(o.Udi):len(o.Udi)], "serve", "--data-dir", dir, "--addr", addr)
	}
	g.args = append([]string{o.Udi[0]}, g.args...)
	return g, nil
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// start runs the gateway and waits until /readyz answers 200.
func (g *gateway) start(ctx context.Context) error {
	out, err := os.OpenFile(g.log, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600) // #nosec G304 -- the work directory's own file
	if err != nil {
		return err
	}
	cmd := exec.Command(g.args[0], g.args[1:]...) // #nosec G204 -- the udi binary the caller named
	cmd.Stdout, cmd.Stderr = out, out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} // a terminal's ^C reaches the soak, which stops it
	if err := cmd.Start(); err != nil {
		_ = out.Close()
		return fmt.Errorf("soak: start the gateway: %w", err)
	}
	exited := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		_ = out.Close()
		close(exited)
	}()
	g.mu.Lock()
	g.cmd, g.exited = cmd, exited
	g.mu.Unlock()
	if g.keys == nil {
		if err := g.readDevKeys(ctx, exited); err != nil {
			return err
		}
	}
	deadline := time.Now().Add(gatewayStart)
	for {
		select {
		case <-exited:
			return fmt.Errorf("soak: the gateway exited while starting; see %s", g.log)
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
		if g.ready(ctx) {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("soak: the gateway was not ready within %s; see %s", gatewayStart, g.log)
		}
	}
}

// readDevKeys reads development mode's API keys once the gateway has written them.
func (g *gateway) readDevKeys(ctx context.Context, exited <-chan struct{}) error {
	i := slices.Index(g.args, "--data-dir")
	path := filepath.Join(g.args[i+1], server.DevKeysFile)
	for {
		if b, err := os.ReadFile(path); err == nil { // #nosec G304 -- the work directory's own file
			keys := map[string]string{}
			if err := json.Unmarshal(b, &keys); err == nil && len(keys) == len(orgs.All()) {
				g.keys = keys
				return nil
			}
		}
		select {
		case <-exited:
			return fmt.Errorf("soak: the gateway exited while starting; see %s", g.log)
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// ready reports whether /readyz answers 200 (ready or degraded).
func (g *gateway) ready(ctx context.Context) bool {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, g.url+"/readyz", nil)
	if err != nil {
		return false
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return false
	}
	_ = res.Body.Close()
	return res.StatusCode == http.StatusOK
}

func (g *gateway) pid() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.cmd == nil || g.cmd.Process == nil {
		return 0
	}
	return g.cmd.Process.Pid
}

// kill ends the gateway with sig and waits until it has exited.
func (g *gateway) kill(sig syscall.Signal) {
	g.mu.Lock()
	cmd, exited := g.cmd, g.exited
	g.mu.Unlock()
	if cmd == nil {
		return
	}
	_ = cmd.Process.Signal(sig)
	<-exited
}

// running reports whether the gateway process is alive.
func (g *gateway) running() bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.exited == nil {
		return false
	}
	select {
	case <-g.exited:
		return false
	default:
		return true
	}
}

// stop shuts the gateway down gracefully (SIGTERM), then for good.
func (g *gateway) stop() {
	if !g.running() {
		return
	}
	g.mu.Lock()
	cmd, exited := g.cmd, g.exited
	g.mu.Unlock()
	_ = cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-exited:
	case <-time.After(20 * time.Second):
		g.kill(syscall.SIGKILL)
	}
}

// writeFabricConfig writes the gateway's configuration for the network: its peers, one
// person per organisation enrolled at the organisation's CA, and a new API key for each.
func writeFabricConfig(ctx context.Context, o Options, addr string) (path string, keys map[string]string, err error) {
	n, err := fabricnet.Load(o.Network.RunDir)
	if err != nil {
		return "", nil, fmt.Errorf("soak: no Fabric network in %s (run 'udi network up' first): %w", o.Network.RunDir, err)
	}
	cas, err := fabricca.Load(o.Network.RunDir)
	if err != nil {
		return "", nil, fmt.Errorf("soak: the network in %s has no certificate authorities: %w", o.Network.RunDir, err)
	}
	wallet := filepath.Join(o.Network.RunDir, "wallet")
	var b strings.Builder
	fmt.Fprintf(&b, "listen: %q\nbackend: fabric\noutbox: %q\n", addr, filepath.Join(o.WorkDir, "outbox.db"))
	fmt.Fprintf(&b, "fabric:\n  channel: %s\n  chaincode: %s\n  events_identity: %s\n", n.Channel, n.Chaincode, orgs.Regulator)
	cc, err := n.ClientConfig()
	if err != nil {
		return "", nil, err
	}
	fmt.Fprintf(&b, "  private_endorsers: [%s]\n  peers:\n", strings.Join(cc.PrivateEndorsers, ", "))
	for _, org := range n.Orgs {
		fmt.Fprintf(&b, "    %s: {address: %q, tls_ca_cert: %q}\n", org.MSPID, org.Peer.Endpoint, org.TLSCACert)
	}
	keys = map[string]string{}
	var ids, keyLines strings.Builder
	for _, org := range orgs.All() {
		ca, ok := fabricca.Find(cas, org.MSPID)
		if !ok {
			return "", nil, fmt.Errorf("soak: no CA of %s in %s", org.MSPID, o.Network.RunDir)
		}
		c, err := caclient.New(ca, wallet)
		if err != nil {
			return "", nil, err
		}
		name := "soak-" + string(org.Role)
		_, err = c.Person(ctx, name, org.Role)
		dir := c.Wallet().MSPDir(org.MSPID, name)
		_ = c.Close()
		if err != nil {
			return "", nil, fmt.Errorf("soak: enrol %s at %s's CA: %w", name, org.MSPID, err)
		}
		fmt.Fprintf(&ids, "  - {name: %s, msp_id: %s, cert: %q, key: %q}\n", org.MSPID, org.MSPID,
			filepath.Join(dir, "signcerts", "cert.pem"), filepath.Join(dir, "keystore", "key.pem"))
		key, hash, err := auth.NewKey()
		if err != nil {
			return "", nil, err
		}
		keys[org.MSPID] = key
		fmt.Fprintf(&keyLines, "  - {name: soak-%s, hash: %q, identity: %s, role: %s}\n", org.MSPID, hash, org.MSPID, org.Role)
	}
	b.WriteString("identities:\n" + ids.String() + "api_keys:\n" + keyLines.String())
	path = filepath.Join(o.WorkDir, "gateway.yaml")
	return path, keys, os.WriteFile(path, []byte(b.String()), 0o600)
}
