package identity_test

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// TestTheUdiCommandLinksOneFamilyOfFabricProtos: with a CA client of the package's own, the
// udi command (which enrols people and talks to peers through fabric-gateway) links
// fabric-protos-go-apiv2 only. The deprecated fabric-sdk-go, its copy of Fabric's protocol
// buffers (which clashed with apiv2's at start-up) and its 2018–2020 dependencies stay out.
func TestTheUdiCommandLinksOneFamilyOfFabricProtos(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list")
	}
	goCmd, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command")
	}
	out, err := exec.Command(goCmd, "list", "-deps", "-f", "{{with .Module}}{{.Path}}{{end}}",
		"github.com/udiledger/udiledger/cli/cmd/udi").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	modules := strings.Fields(string(out))
	banned := []string{
		"github.com/hyperledger/fabric-sdk-go",
		"github.com/hyperledger/fabric-protos-go",
		"github.com/cloudflare/cfssl",
		"github.com/spf13/viper",
		"github.com/zmap/zlint",
		"github.com/zmap/zcrypto",
	}
	for _, b := range banned {
		if slices.Contains(modules, b) {
			t.Errorf("the udi command links %s", b)
		}
	}
	for _, want := range []string{"github.com/hyperledger/fabric-gateway", "github.com/hyperledger/fabric-protos-go-apiv2"} {
		if !slices.Contains(modules, want) {
			t.Errorf("the udi command does not link %s: the test looks at the wrong program", want)
		}
	}
}
