package proc

import (
	"context"
	"errors"
	"os/exec"
	"strings"
	"testing"
	"time"
)

func TestDaemonLifecycle(t *testing.T) {
	sleep, err := exec.LookPath("sleep")
	if err != nil {
		t.Fatalf("no sleep binary: %v", err)
	}
	d := Dir{Root: t.TempDir(), StopWithProcess: true, StartTimeout: 2 * time.Second}
	started, err := d.Start(Spec{Name: "napper", Bin: sleep, Args: []string{"30"}})
	if err != nil || !started {
		t.Fatalf("start: %v %v", started, err)
	}
	pid, ok := d.PID("napper")
	if !ok || RSSKiB(pid) == 0 {
		t.Fatalf("pid %d running %v", pid, ok)
	}
	if again, err := d.Start(Spec{Name: "napper", Bin: sleep, Args: []string{"30"}}); err != nil || again {
		t.Fatalf("a second start of a running daemon: started %v, %v", again, err)
	}
	if err := d.WaitReady(context.Background(), "napper", func(context.Context) error { return nil }); err != nil {
		t.Fatal(err)
	}
	if err := d.Stop("napper", time.Second); err != nil {
		t.Fatal(err)
	}
	if _, ok := d.PID("napper"); ok {
		t.Fatal("still running after stop")
	}
	if err := d.Stop("napper", time.Second); err != nil {
		t.Fatalf("stopping a stopped daemon: %v", err)
	}

	if _, err := d.Start(Spec{Name: "quitter", Bin: sleep, Args: []string{"0"}}); err != nil {
		t.Fatal(err)
	}
	err = d.WaitReady(context.Background(), "quitter", func(context.Context) error { return errors.New("not yet") })
	if err == nil || !strings.Contains(err.Error(), "quitter exited") {
		t.Fatalf("waiting on a daemon that exits: %v", err)
	}
}

func TestEnvironDropsPrefixes(t *testing.T) {
	t.Setenv("CORE_PEER_ID", "x")
	t.Setenv("UDI_KEEP", "y")
	env := strings.Join(Environ("CORE_"), "\n")
	if strings.Contains(env, "CORE_PEER_ID=") || !strings.Contains(env, "UDI_KEEP=y") {
		t.Fatalf("environment %q", env)
	}
}
