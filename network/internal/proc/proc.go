// Package proc runs the long-lived processes of the local network (orderers, peers, chaincode
// servers, CA servers) as daemons: each in its own session so that it outlives the command
// that started it, its output in <Root>/logs/<name>.log and "<pid>\n<binary>\n" in
// <Root>/pids/<name>.pid, which is how status and down find it again.
package proc

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

// Spec is one daemon to start.
type Spec struct {
	Name string
	Bin  string
	Args []string
	Env  []string // added to Dir.BaseEnv
	Dir  string   // working directory; default Root
}

// Dir keeps the pid and log files of daemons under Root.
type Dir struct {
	Root string
	// StopWithProcess kills the daemons when the process that started them exits (tests).
	StopWithProcess bool
	// StartTimeout bounds WaitReady.
	StartTimeout time.Duration
	// BaseEnv is the environment every daemon starts from.
	BaseEnv func() []string
}

// PidFile and LogFile are the files of the named daemon.
func (d Dir) PidFile(name string) string { return filepath.Join(d.Root, "pids", name+".pid") }
func (d Dir) LogFile(name string) string { return filepath.Join(d.Root, "logs", name+".log") }

// PID returns the pid of the named daemon when a live process runs the binary it was started
// with, so that a recycled pid is never taken for one of ours.
func (d Dir) PID(name string) (int, bool) {
	b, err := os.ReadFile(d.PidFile(name))
	if err != nil {
		return 0, false
	}
	pidText, bin, _ := strings.Cut(strings.TrimSpace(string(b)), "\n")
	pid, err := strconv.Atoi(pidText)
	if err != nil || pid <= 0 {
		return 0, false
	}
	return pid, runs(pid, bin)
}

// runs reports whether pid is a live (not zombie) process executing bin.
func runs(pid int, bin string) bool {
	exe, err := os.Readlink("/proc/" + strconv.Itoa(pid) + "/exe")
	if err != nil || strings.TrimSuffix(exe, " (deleted)") != bin {
		return false
	}
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	i := bytes.LastIndexByte(stat, ')') // the state follows the parenthesised command name
	return i > 0 && i+2 < len(stat) && stat[i+2] != 'Z'
}

// Start starts s unless it runs already; it does not wait for it to be ready.
func (d Dir) Start(s Spec) (started bool, err error) {
	if _, ok := d.PID(s.Name); ok {
		return false, nil
	}
	for _, dir := range []string{filepath.Dir(d.PidFile(s.Name)), filepath.Dir(d.LogFile(s.Name))} {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return false, fmt.Errorf("start %s: %w", s.Name, err)
		}
	}
	logf, err := os.OpenFile(d.LogFile(s.Name), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return false, fmt.Errorf("start %s: %w", s.Name, err)
	}
	defer logf.Close()
	bin, err := filepath.EvalSymlinks(s.Bin)
	if err != nil {
		return false, fmt.Errorf("start %s: %w", s.Name, err)
	}
	// #nosec G204 -- the binary and its arguments come from the network's own configuration
	cmd := exec.Command(bin, s.Args...)
	if d.BaseEnv != nil {
		cmd.Env = d.BaseEnv()
	}
	cmd.Env = append(cmd.Env, s.Env...)
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.Dir = s.Dir
	if cmd.Dir == "" {
		cmd.Dir = d.Root
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if d.StopWithProcess {
		// Delivered when the starting thread exits; Go keeps its threads, so in practice when
		// this process exits.
		cmd.SysProcAttr.Pdeathsig = syscall.SIGKILL
	}
	if err := cmd.Start(); err != nil {
		return false, fmt.Errorf("start %s: %w", s.Name, err)
	}
	// Reap the child if it exits while this process lives (tests), so it does not linger as a
	// zombie that looks alive.
	go func() { _ = cmd.Wait() }()
	content := fmt.Sprintf("%d\n%s\n", cmd.Process.Pid, bin)
	if err := os.WriteFile(d.PidFile(s.Name), []byte(content), 0o600); err != nil {
		_ = cmd.Process.Kill()
		return false, fmt.Errorf("start %s: %w", s.Name, err)
	}
	return true, nil
}

// Stop ends the named daemon: SIGTERM, then SIGKILL after grace.
func (d Dir) Stop(name string, grace time.Duration) error {
	if pid, ok := d.PID(name); ok {
		p, err := os.FindProcess(pid)
		if err != nil {
			return fmt.Errorf("stop %s: %w", name, err)
		}
		_ = p.Signal(syscall.SIGTERM)
		if !d.waitGone(name, grace) {
			_ = p.Signal(syscall.SIGKILL)
			if !d.waitGone(name, 5*time.Second) {
				return fmt.Errorf("stop %s: pid %d did not exit", name, pid)
			}
		}
	}
	if err := os.Remove(d.PidFile(name)); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("stop %s: %w", name, err)
	}
	return nil
}

func (d Dir) waitGone(name string, wait time.Duration) bool {
	deadline := time.Now().Add(wait)
	for time.Now().Before(deadline) {
		if _, ok := d.PID(name); !ok {
			return true
		}
		time.Sleep(20 * time.Millisecond)
	}
	return false
}

// WaitReady polls check until it succeeds, the daemon exits or StartTimeout passes.
func (d Dir) WaitReady(ctx context.Context, name string, check func(context.Context) error) error {
	ctx, cancel := context.WithTimeout(ctx, d.StartTimeout)
	defer cancel()
	for {
		err := check(ctx)
		if err == nil {
			return nil
		}
		if _, ok := d.PID(name); !ok {
			return fmt.Errorf("%s exited: %w\n%s", name, err, d.LogTail(name, 15))
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%s not ready: %w\n%s", name, err, d.LogTail(name, 15))
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// LogTail returns the last n lines of a daemon's log, for error messages.
func (d Dir) LogTail(name string, n int) string {
	b, err := os.ReadFile(d.LogFile(name))
	if err != nil {
		return ""
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return "last lines of " + d.LogFile(name) + ":\n" + strings.Join(lines, "\n")
}

// RSSKiB returns the resident set size of pid in KiB.
func RSSKiB(pid int) int {
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

// Environ is this process's environment without the variables whose names start with one
// of prefixes, so that a variable left in a shell cannot reconfigure a daemon behind its
// configuration file.
func Environ(prefixes ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		keep := true
		for _, p := range prefixes {
			if strings.HasPrefix(kv, p) {
				keep = false
				break
			}
		}
		if keep {
			env = append(env, kv)
		}
	}
	return env
}

// Lock waits for an exclusive lock on the file at path, creating it and its directory, and
// returns its release. Runs of up, down or tests that share a run directory or addresses
// take turns on one.
func Lock(path string) (func(), error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o600) // #nosec G304 -- a lock file of the network's own
	return hold(f, err, path)
}

// TestLock waits for the machine-wide lock name, for tests that take turns on the machine's
// addresses: a file in the system's temporary directory, shared by every user and clone (two
// checkouts with their own caches still bind the same loopback ports).
func TestLock(name string) (func(), error) {
	path := filepath.Join(os.TempDir(), "udiledger-"+name+".lock")
	// #nosec G302 G304 -- a lock file: others must be able to open it; it holds nothing.
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDONLY, 0o644)
	return hold(f, err, path)
}

// hold waits for an exclusive lock on f, opened from path (openErr: the open's error).
func hold(f *os.File, openErr error, path string) (func(), error) {
	if openErr != nil {
		return nil, fmt.Errorf("lock %s: %w", path, openErr)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		_ = f.Close()
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	return func() {
		_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		_ = f.Close()
	}, nil
}
