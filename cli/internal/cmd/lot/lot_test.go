package lot

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/udiledger/udiledger/chaincode/model"
	"github.com/udiledger/udiledger/chaincode/orgs"
	"github.com/udiledger/udiledger/cli/internal/clitest"
	"github.com/udiledger/udiledger/cli/internal/cmdutil"
)

// The demo's stent, registered by the story.
const stent = "06901234000016"

func TestLotCommands(t *testing.T) {
	g := clitest.StoryGateway(t)
	mfr, dst := g.Env(orgs.Manufacturer), g.Env(orgs.Distributor)
	expiry := time.Now().AddDate(2, 0, 0).Format("2006-01-02")
	file := filepath.Join(t.TempDir(), "lot.json")
	if err := os.WriteFile(file, []byte(`{"di": "`+stent+`", "lot": "V27002", "expiry": "`+expiry+`", "quantity": 500}`), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		env  func(string) string
		args []string
		code int
		want string
	}{
		{"register from flags", mfr, []string{"register", "--di", stent, "--lot", "V27001", "--expiry", expiry, "--quantity", "1000"}, 0, "lot " + stent + "/V27001 registered by " + orgs.Manufacturer},
		{"register from a JSON file", mfr, []string{"register", "-f", file}, 0, "/V27002 registered"},
		{"a bad expiry is refused before sending", mfr, []string{"register", "--di", stent, "--lot", "X", "--expiry", "next year"}, 2, "YYYY-MM-DD"},
		{"a distributor may not register lots", dst, []string{"register", "--di", stent, "--lot", "V27003", "--expiry", expiry}, 3, "FORBIDDEN"},
		{"show", dst, []string{"show", stent + "/V27001"}, 0, "1000"},
		{"show wants DI/LOT", dst, []string{"show", stent}, 2, "want DI/LOT"},
		{"quarantine", mfr, []string{"status", stent + "/V27001", "quarantined", "--reason", "sterility deviation"}, 0, "quarantined"},
		{"release", mfr, []string{"status", stent + "/V27001", "released"}, 0, "released"},
		{"an unknown status", mfr, []string{"status", stent + "/V27001", "recalled"}, 2, "want released or quarantined"},
		{"the distributor may not change it", dst, []string{"status", stent + "/V27001", "quarantined"}, 3, "FORBIDDEN"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, errOut, code := clitest.Run(t, tt.env, NewCmdLot, tt.args...)
			got := out
			if tt.code != 0 {
				got = errOut
			}
			if code != tt.code || !strings.Contains(got, tt.want) {
				t.Fatalf("exit %d (want %d), want %q in:\n%s%s", code, tt.code, tt.want, out, errOut)
			}
		})
	}
	t.Run("list --di gives the product's lots", func(t *testing.T) {
		out, _, code := clitest.Run(t, mfr, NewCmdLot, "list", "--di", stent, "-o", "json")
		var ls []model.Lot
		if code != cmdutil.ExitOK || json.Unmarshal([]byte(out), &ls) != nil || len(ls) != 3 {
			t.Fatalf("exit %d: %s", code, out)
		}
	})
}
