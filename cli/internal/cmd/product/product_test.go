package product

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/udiledger/udiledger/chaincode/gs1"
	"github.com/udiledger/udiledger/chaincode/model"
	"github.com/udiledger/udiledger/chaincode/orgs"
	"github.com/udiledger/udiledger/cli/internal/clitest"
	"github.com/udiledger/udiledger/cli/internal/cmdutil"
)

func gtin(base string) string {
	d, err := gs1.CheckDigit(base)
	if err != nil {
		panic(err)
	}
	return base + string(d)
}

func TestProductCommands(t *testing.T) {
	g := clitest.StoryGateway(t)
	mfr, hsp := g.Env(orgs.Manufacturer), g.Env(orgs.Hospital)
	set, stent := gtin("0690123400002"), gtin("0690123400003")
	file := filepath.Join(t.TempDir(), "stent.yaml")
	if err := os.WriteFile(file, []byte("di: \""+stent+"\"\nname: Drug-eluting stent\nkind: device\nprescription: true\nstorage: {min: 0, max: 25}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	if err := os.WriteFile(bad, []byte("di: \""+stent+"\"\nname: X\nkind: device\ncolour: blue\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		env  func(string) string
		args []string
		code int
		want string // in stdout, or stderr when the exit is not 0
	}{
		{"register from flags", mfr, []string{"register", "--di", set, "--name", "Infusion set", "--kind", "device", "--storage", "0:30"}, 0, "product " + set + " (Infusion set) registered by " + orgs.Manufacturer},
		{"the same again changes nothing", mfr, []string{"register", "--di", set, "--name", "Infusion set", "--kind", "device", "--storage", "0:30"}, 0, "registered"},
		{"another record for it is refused", mfr, []string{"register", "--di", set, "--name", "Other", "--kind", "device"}, 3, "CONFLICT"},
		{"register from a YAML file, a flag overriding a field", mfr, []string{"register", "-f", file, "--model", "DES-3.0x18"}, 0, "Drug-eluting stent"},
		{"an unknown field names its line", mfr, []string{"register", "-f", bad}, 2, "bad.yaml: [4:1] unknown field \"colour\""},
		{"a bad kind is refused before sending", mfr, []string{"register", "--di", set, "--name", "X", "--kind", "toy"}, 2, "kind must be drug or device"},
		{"a bad storage range", mfr, []string{"register", "--di", set, "--name", "X", "--kind", "device", "--storage", "cold"}, 2, "--storage"},
		{"a hospital may not register products", hsp, []string{"register", "--di", gtin("0690123400004"), "--name", "X", "--kind", "device"}, 3, "FORBIDDEN"},
		{"show", hsp, []string{"show", stent}, 0, "DES-3.0x18"},
		{"show of an unknown DI is exit 3", hsp, []string{"show", gtin("0690123400009")}, 3, "NOT_FOUND"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, errOut, code := clitest.Run(t, tt.env, NewCmdProduct, tt.args...)
			got := out
			if tt.code != 0 {
				got = errOut
			}
			if code != tt.code || !strings.Contains(got, tt.want) {
				t.Fatalf("exit %d (want %d), want %q in:\n%s%s", code, tt.code, tt.want, out, errOut)
			}
		})
	}
	t.Run("list -o json has the story's products and the new ones", func(t *testing.T) {
		out, _, code := clitest.Run(t, hsp, NewCmdProduct, "list", "-o", "json")
		var ps []model.Product
		if code != cmdutil.ExitOK || json.Unmarshal([]byte(out), &ps) != nil || len(ps) != 4 {
			t.Fatalf("exit %d: %s", code, out)
		}
	})
}
