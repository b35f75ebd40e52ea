package fabricca

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// A daemon is a CA server process. It runs in its own session so that it outlives the command
// that started it; its output goes to <RunDir>/logs/<name>.log and "<pid>\n<binary>\n" to
// <RunDir>/pids/<name>.pid, the pid-file format of fabricnet.
type daemon struct {
	name, bin, dir string
	args, env      []string
}

func (r runner) pidFile(name string) string {
	return filepath.Join(r.cfg.RunDir, "pids", name+".pid")
}

func (r runner) logFile(name string) string {
	return filepath.Join(r.cfg.RunDir, "logs", name+".log")
}

// pid returns the pid of the named daemon when a live process runs the binary it was started
// with, so that a recycled pid is never taken for a CA server.
func (r runner) pid(name string) (int, bool) {
	b, err := os.ReadFile(r.pidFile(name))
	if err != nil {
		return 0, false
	}
	pidText, bin, _ := strings.Cut(strings.TrimSpace(string(b)), "\n")
	pid, err := strconv.Atoi(pidText)
	if err != nil || pid <= 0 {
		return 0, false
	}
	exe, err := os.Readlink("/proc/" + strconv.Itoa(pid) + "/exe")
	if err != nil || strings.TrimSuffix(exe, " (deleted)") != bin {
		return 0, false
	}
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, false
	}
	i := bytes.LastIndexByte(stat, ')') // the state follows the parenthesised command name
	return pid, i > 0 && i+2 < len(stat) && stat[i+2] != 'Z'
}

// start starts d unless it runs already; it does not wait for it to be ready.
func (r runner) start(d daemon) (bool, error) {
	if _, ok := r.pid(d.name); ok {
		return false, nil
	}
	for _, dir := range []string{filepath.Dir(r.pidFile(d.name)), filepath.Dir(r.logFile(d.name))} {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return false, fmt.Errorf("start %s: %w", d.name, err)
		}
	}
	logf, err := os.OpenFile(r.logFile(d.name), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return false, fmt.Errorf("start %s: %w", d.name, err)
	}
	defer logf.Close()
	bin, err := filepath.EvalSymlinks(d.bin)
	if err != nil {
		return false, fmt.Errorf("start %s: %w", d.name, err)
	}
	// #nosec G204 -- fabric-ca-server with arguments built from the configuration
	cmd := exec.Command(bin, d.args...)
	cmd.Env = append(serverEnv(), d.env...)
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.Dir = d.dir
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if r.cfg.StopWithProcess {
		cmd.SysProcAttr.Pdeathsig = syscall.SIGKILL
	}
	if err := cmd.Start(); err != nil {
		return false, fmt.Errorf("start %s: %w", d.name, err)
	}
	go func() { _ = cmd.Wait() }() // reap it if it exits while this process lives
	content := fmt.Sprintf("%d\n%s\n", cmd.Process.Pid, bin)
	if err := os.WriteFile(r.pidFile(d.name), []byte(content), 0o600); err != nil {
		_ = cmd.Process.Kill()
		return false, fmt.Errorf("start %s: %w", d.name, err)
	}
	return true, nil
}

// stop ends the named daemon: SIGTERM, then SIGKILL after grace.
func (r runner) stop(name string, grace time.Duration) error {
	if pid, ok := r.pid(name); ok {
		p, err := os.FindProcess(pid)
		if err != nil {
			return fmt.Errorf("stop %s: %w", name, err)
		}
		_ = p.Signal(syscall.SIGTERM)
		if !r.waitGone(name, grace) {
			_ = p.Signal(syscall.SIGKILL)
			if !r.waitGone(name, 5*time.Second) {
				return fmt.Errorf("stop %s: pid %d did not exit", name, pid)
			}
		}
	}
	if err := os.Remove(r.pidFile(name)); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("stop %s: %w", name, err)
	}
	return nil
}

func (r runner) waitGone(name string, d time.Duration) bool {
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		if _, ok := r.pid(name); !ok {
			return true
		}
		time.Sleep(20 * time.Millisecond)
	}
	return false
}

// waitReady polls check until it succeeds, the daemon exits or StartTimeout passes.
func (r runner) waitReady(ctx context.Context, name string, check func(context.Context) error) error {
	ctx, cancel := context.WithTimeout(ctx, r.cfg.StartTimeout)
	defer cancel()
	for {
		err := check(ctx)
		if err == nil {
			return nil
		}
		if _, ok := r.pid(name); !ok {
			return fmt.Errorf("%s exited: %w\n%s", name, err, r.logTail(name, 15))
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%s not ready: %w\n%s", name, err, r.logTail(name, 15))
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// logTail returns the last n lines of a daemon's log for error messages.
func (r runner) logTail(name string, n int) string {
	b, err := os.ReadFile(r.logFile(name))
	if err != nil {
		return ""
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return "last lines of " + r.logFile(name) + ":\n" + strings.Join(lines, "\n")
}

// serverEnv is this process's environment without the variables that would reconfigure
// fabric-ca-server behind its configuration file (FABRIC_CA_*, and Fabric's own).
func serverEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "FABRIC_") && !strings.HasPrefix(kv, "CORE_") &&
			!strings.HasPrefix(kv, "GOLANG_PROTOBUF_REGISTRATION_CONFLICT=") {
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

// lock takes an exclusive lock on <runDir>/ca/.lock so that two Start or Stop calls do not
// interleave. It is not fabricnet's lock: fabricnet.Up holds that one while it calls Start.
func lock(runDir string) (func(), error) {
	dir := filepath.Join(runDir, "ca")
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("fabricca: lock: %w", err)
	}
	f, err := os.OpenFile(filepath.Join(dir, ".lock"), os.O_CREATE|os.O_RDWR, 0o600) // #nosec G304 -- a lock file of this package
	if err != nil {
		return nil, fmt.Errorf("fabricca: lock: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		_ = f.Close()
		return nil, fmt.Errorf("fabricca: lock: %w", err)
	}
	return func() {
		_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		_ = f.Close()
	}, nil
}

// writeFile writes data to path, creating its directory; an identical file is left alone.
func writeFile(path string, data []byte, perm os.FileMode) error {
	if old, err := os.ReadFile(path); err == nil && bytes.Equal(old, data) { // #nosec G304 -- paths under the run directory
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return err
	}
	return os.WriteFile(path, data, perm)
}
