package fabricnet

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// Binaries are the directories of the Fabric and Fabric CA programs.
type Binaries struct {
	Fabric   string // peer, orderer, configtxgen, cryptogen, osnadmin
	FabricCA string // fabric-ca-server, fabric-ca-client
}

// ErrNotBuilt is returned by CachedBinaries when the binaries of the pinned versions have not
// been built on this machine.
var ErrNotBuilt = errors.New("fabric binaries not built")

// EnsureBinaries builds the Fabric binaries of the pinned versions unless they are cached, by
// running network/scripts/build-fabric.sh under moduleRoot; its progress goes to progress.
func EnsureBinaries(ctx context.Context, moduleRoot string, progress io.Writer) (Binaries, error) {
	return buildScript(ctx, moduleRoot, progress, "--env")
}

// CachedBinaries returns the cached binaries without building anything, or ErrNotBuilt.
func CachedBinaries(ctx context.Context, moduleRoot string) (Binaries, error) {
	return buildScript(ctx, moduleRoot, io.Discard, "--env", "--check")
}

func buildScript(ctx context.Context, moduleRoot string, progress io.Writer, args ...string) (Binaries, error) {
	if progress == nil {
		progress = io.Discard
	}
	script := filepath.Join(moduleRoot, "network", "scripts", "build-fabric.sh")
	// #nosec G204 -- the project's own build script
	cmd := exec.CommandContext(ctx, script, args...)
	cmd.Dir = moduleRoot
	cmd.Stderr = progress
	out, err := cmd.Output()
	var ee *exec.ExitError
	if errors.As(err, &ee) && ee.ExitCode() == 3 {
		return Binaries{}, ErrNotBuilt
	}
	if err != nil {
		return Binaries{}, fmt.Errorf("fabricnet: %s: %w", script, err)
	}
	var b Binaries
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		k, v, _ := strings.Cut(sc.Text(), "=")
		switch k {
		case "FABRIC_BIN":
			b.Fabric = v
		case "FABRIC_CA_BIN":
			b.FabricCA = v
		}
	}
	if b.Fabric == "" {
		return b, fmt.Errorf("fabricnet: %s printed no FABRIC_BIN", script)
	}
	if _, err := os.Stat(filepath.Join(b.Fabric, "peer")); err != nil {
		return b, fmt.Errorf("fabricnet: %w", err)
	}
	return b, nil
}
