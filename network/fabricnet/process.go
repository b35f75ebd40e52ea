package fabricnet

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/udiledger/udiledger/network/internal/proc"
)

// daemon is a long-running process of the network (orderer, peer, chaincode server).
type daemon = proc.Spec

// daemons are the network's processes under its run directory.
func (l *layout) daemons() proc.Dir {
	return proc.Dir{Root: l.cfg.RunDir, StopWithProcess: l.cfg.StopWithProcess, StartTimeout: l.cfg.StartTimeout,
		BaseEnv: baseEnv}
}

func (l *layout) pid(name string) (int, bool)                 { return l.daemons().PID(name) }
func (l *layout) start(d daemon) (bool, error)                { return l.daemons().Start(d) }
func (l *layout) stop(name string, grace time.Duration) error { return l.daemons().Stop(name, grace) }
func (l *layout) waitReady(ctx context.Context, name string, check func(context.Context) error) error {
	return l.daemons().WaitReady(ctx, name, check)
}

// baseEnv is this process's environment without Fabric's own variables, so that a
// CORE_PEER_* or ORDERER_* left in a shell cannot change the network's configuration.
func baseEnv() []string { return proc.Environ("CORE_", "ORDERER_", "FABRIC_") }

// rssKiB returns the resident set size of pid in KiB.
func rssKiB(pid int) int { return proc.RSSKiB(pid) }

// healthz asks an operations listener for /healthz over TLS verified with caFile.
func healthz(ctx context.Context, addr, caFile string) error {
	pem, err := os.ReadFile(caFile) // #nosec G304 -- a TLS CA of this network
	if err != nil {
		return fmt.Errorf("healthz %s: %w", addr, err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return fmt.Errorf("healthz %s: no certificate in %s", addr, caFile)
	}
	client := &http.Client{
		Timeout:   2 * time.Second,
		Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}},
	}
	defer client.CloseIdleConnections()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "https://"+addr+"/healthz", nil)
	if err != nil {
		return fmt.Errorf("healthz %s: %w", addr, err)
	}
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("healthz %s: %w", addr, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("healthz %s: %s: %s", addr, resp.Status, bytes.TrimSpace(body))
	}
	return nil
}

// dialCheck succeeds when addr accepts TCP connections.
func dialCheck(addr string) func(context.Context) error {
	return func(ctx context.Context) error {
		var d net.Dialer
		c, err := d.DialContext(ctx, "tcp", addr)
		if err != nil {
			return err
		}
		return c.Close()
	}
}
