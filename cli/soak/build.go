package soak

import (
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
)

// BuildUdi builds this module's udi binary into dir and returns its path: the command
// Options.Udi names when the soak runs inside another program (a test) rather than udi.
func BuildUdi(ctx context.Context, dir string) (string, error) {
	bin := filepath.Join(dir, "udi")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, "github.com/udiledger/udiledger/cli/cmd/udi") // #nosec G204 -- the go tool building this module's own command
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build udi: %w\n%s", err, out)
	}
	return bin, nil
}
