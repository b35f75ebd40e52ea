package fabricca

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"time"

	"github.com/udiledger/udiledger/network/internal/proc"
)

// daemon is a CA server process, with the pid-file format of fabricnet so that
// fabricnet.Down stops it with the rest of the network.
type daemon = proc.Spec

func (r runner) daemons() proc.Dir {
	return proc.Dir{Root: r.cfg.RunDir, StopWithProcess: r.cfg.StopWithProcess, StartTimeout: r.cfg.StartTimeout,
		BaseEnv: serverEnv}
}

func (r runner) pid(name string) (int, bool)                 { return r.daemons().PID(name) }
func (r runner) start(d daemon) (bool, error)                { return r.daemons().Start(d) }
func (r runner) stop(name string, grace time.Duration) error { return r.daemons().Stop(name, grace) }
func (r runner) waitReady(ctx context.Context, name string, check func(context.Context) error) error {
	return r.daemons().WaitReady(ctx, name, check)
}

// serverEnv is this process's environment without the variables that would reconfigure
// fabric-ca-server behind its configuration file (FABRIC_CA_*, and Fabric's own).
func serverEnv() []string {
	return proc.Environ("FABRIC_", "CORE_")
}

// rssKiB returns the resident set size of pid in KiB.
func rssKiB(pid int) int { return proc.RSSKiB(pid) }

// lock takes an exclusive lock on <runDir>/ca/.lock so that two Start or Stop calls do not
// interleave. It is not fabricnet's lock: fabricnet.Up holds that one while it calls Start.
func lock(runDir string) (func(), error) { return proc.Lock(filepath.Join(runDir, "ca", ".lock")) }

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
