package fabricnet

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// A daemon is a long-running process of the network (orderer, peer, chaincode server). It is
// started in its own session so that it outlives the command that started it, with its output
// in logs/<name>.log and its pid in pids/<name>.pid.
type daemon struct {
	name string
	bin  string
	args []string
	env  []string
}

func (l *layout) pidFile(name string) string { return l.path("pids", name+".pid") }
func (l *layout) logFile(name string) string { return l.path("logs", name+".log") }

// pid returns the pid of the named daemon when it is running the expected binary.
func (l *layout) pid(name string) (int, bool) {
	b, err := os.ReadFile(l.pidFile(name))
	if err != nil {
		return 0, false
	}
	pidText, bin, _ := strings.Cut(strings.TrimSpace(string(b)), "\n")
	pid, err := strconv.Atoi(pidText)
	if err != nil || pid <= 0 {
		return 0, false
	}
	return pid, processRuns(pid, bin)
}

// processRuns reports whether pid is a live (not zombie) process executing bin, so that a
// recycled pid is never mistaken for one of ours.
func processRuns(pid int, bin string) bool {
	exe, err := os.Readlink("/proc/" + strconv.Itoa(pid) + "/exe")
	if err != nil || strings.TrimSuffix(exe, " (deleted)") != bin {
		return false
	}
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	// The state follows the parenthesised command name.
	i := bytes.LastIndexByte(stat, ')')
	return i > 0 && i+2 < len(stat) && stat[i+2] != 'Z'
}

// start starts d unless it already runs. It does not wait for the daemon to be ready.
func (l *layout) start(d daemon) (started bool, err error) {
	if _, ok := l.pid(d.name); ok {
		return false, nil
	}
	if err := os.MkdirAll(l.path("logs"), 0o750); err != nil {
		return false, fmt.Errorf("start %s: %w", d.name, err)
	}
	if err := os.MkdirAll(l.path("pids"), 0o750); err != nil {
		return false, fmt.Errorf("start %s: %w", d.name, err)
	}
	logf, err := os.OpenFile(l.logFile(d.name), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return false, fmt.Errorf("start %s: %w", d.name, err)
	}
	defer logf.Close()
	bin, err := filepath.EvalSymlinks(d.bin)
	if err != nil {
		return false, fmt.Errorf("start %s: %w", d.name, err)
	}
	// #nosec G204 -- the binary and its arguments come from the network's own configuration
	cmd := exec.Command(bin, d.args...)
	cmd.Env = append(baseEnv(), d.env...)
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.Dir = l.cfg.RunDir
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if l.cfg.StopWithProcess {
		// Delivered when the starting thread exits; Go keeps its threads, so in practice when
		// this process exits.
		cmd.SysProcAttr.Pdeathsig = syscall.SIGKILL
	}
	if err := cmd.Start(); err != nil {
		return false, fmt.Errorf("start %s: %w", d.name, err)
	}
	// Reap the child if it exits while this process lives (tests), so it does not linger as a
	// zombie that looks alive.
	go func() { _ = cmd.Wait() }()
	content := fmt.Sprintf("%d\n%s\n", cmd.Process.Pid, bin)
	if err := os.WriteFile(l.pidFile(d.name), []byte(content), 0o600); err != nil {
		_ = cmd.Process.Kill()
		return false, fmt.Errorf("start %s: %w", d.name, err)
	}
	return true, nil
}

// stop ends the named daemon: SIGTERM, then SIGKILL after grace.
func (l *layout) stop(name string, grace time.Duration) error {
	pid, ok := l.pid(name)
	if ok {
		p, err := os.FindProcess(pid)
		if err != nil {
			return fmt.Errorf("stop %s: %w", name, err)
		}
		_ = p.Signal(syscall.SIGTERM)
		if !l.waitGone(name, grace) {
			_ = p.Signal(syscall.SIGKILL)
			if !l.waitGone(name, 5*time.Second) {
				return fmt.Errorf("stop %s: pid %d did not exit", name, pid)
			}
		}
	}
	if err := os.Remove(l.pidFile(name)); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("stop %s: %w", name, err)
	}
	return nil
}

func (l *layout) waitGone(name string, d time.Duration) bool {
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		if _, ok := l.pid(name); !ok {
			return true
		}
		time.Sleep(20 * time.Millisecond)
	}
	return false
}

// baseEnv is this process's environment without Fabric's own variables, so that a
// CORE_PEER_* or ORDERER_* left in a shell cannot change the network's configuration.
func baseEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "CORE_") && !strings.HasPrefix(kv, "ORDERER_") && !strings.HasPrefix(kv, "FABRIC_") {
			env = append(env, kv)
		}
	}
	return env
}

// rssKiB returns the resident set size of pid in KiB.
func rssKiB(pid int) int {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			n, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(v), " kB"))
			return n
		}
	}
	return 0
}

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

// waitReady polls check until it succeeds, the daemon exits or the timeout passes.
func (l *layout) waitReady(ctx context.Context, name string, check func(context.Context) error) error {
	ctx, cancel := context.WithTimeout(ctx, l.cfg.StartTimeout)
	defer cancel()
	for {
		err := check(ctx)
		if err == nil {
			return nil
		}
		if _, ok := l.pid(name); !ok {
			return fmt.Errorf("%s exited: %w\n%s", name, err, l.logTail(name, 15))
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%s not ready: %w\n%s", name, err, l.logTail(name, 15))
		case <-time.After(50 * time.Millisecond):
		}
	}
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

// logTail returns the last n lines of a daemon's log, for error messages.
func (l *layout) logTail(name string, n int) string {
	b, err := os.ReadFile(l.logFile(name))
	if err != nil {
		return ""
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return "last lines of " + l.logFile(name) + ":\n" + strings.Join(lines, "\n")
}
