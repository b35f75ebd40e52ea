package notifications

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/udiledger/udiledger/chaincode/model"
	"github.com/udiledger/udiledger/chaincode/ops"
	"github.com/udiledger/udiledger/chaincode/orgs"
	"github.com/udiledger/udiledger/cli/internal/clitest"
	"github.com/udiledger/udiledger/cli/internal/cmdutil"
	"github.com/udiledger/udiledger/gateway/api"
	"github.com/udiledger/udiledger/gateway/auth"
	"github.com/udiledger/udiledger/gateway/ledger"
	"github.com/udiledger/udiledger/gateway/ledger/devledger"
	"github.com/udiledger/udiledger/gateway/notify"
)

// gateway serves a development ledger where the hospital's licence ends in five days, with
// notifications swept every 50 ms, and one API key per organisation registered.
func gateway(t *testing.T) *clitest.Gateway {
	t.Helper()
	dir := t.TempDir()
	led, err := devledger.Open(filepath.Join(dir, "ledger"), devledger.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = led.Close() })
	caller, ctx := &ledger.Caller{Client: led}, context.Background()
	ids := map[string]*ledger.Identity{}
	for _, msp := range []string{orgs.Regulator, orgs.Hospital} {
		if ids[msp], err = led.Admin(msp); err != nil {
			t.Fatal(err)
		}
	}
	today := time.Now().UTC()
	if _, err := ledger.Do(ctx, caller, ids[orgs.Regulator], ops.InitLedger, model.Party{MSPID: orgs.Regulator, Name: "Regulator",
		Roles: []model.Role{model.RoleRegulator}}); err != nil {
		t.Fatal(err)
	}
	if _, err := ledger.Do(ctx, caller, ids[orgs.Regulator], ops.RegisterParty, model.Party{MSPID: orgs.Hospital, Name: "Hospital",
		Roles: []model.Role{model.RoleHospital}, Licences: []model.Licence{{Type: "medical institution", Number: "MI-1",
			ValidFrom: model.DateOf(today.AddDate(-1, 0, 0)), ValidTo: model.DateOf(today.AddDate(0, 0, 5))}}}); err != nil {
		t.Fatal(err)
	}
	ring, keys := auth.NewKeyring(), map[string]string{}
	for msp, id := range ids {
		key, hash, err := auth.NewKey()
		if err != nil {
			t.Fatal(err)
		}
		if err := ring.Add(hash, &auth.Principal{Name: msp + " test", Identity: id}); err != nil {
			t.Fatal(err)
		}
		keys[msp] = key
	}
	st, err := notify.Open(filepath.Join(dir, "notifications.db"))
	if err != nil {
		t.Fatal(err)
	}
	gin.SetMode(gin.ReleaseMode)
	closing := make(chan struct{})
	srv := httptest.NewServer(api.New(api.Options{Ledger: led, Keyring: ring, Closing: closing, Notifications: st,
		NotifyOptions: notify.Options{Interval: 50 * time.Millisecond}}))
	t.Cleanup(func() {
		close(closing)
		srv.Close()
		_ = st.Close()
	})
	return &clitest.Gateway{URL: srv.URL, Keys: keys}
}

func TestTheWebhookFromTheTerminal(t *testing.T) {
	g := gateway(t)
	var posts atomic.Int32
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		posts.Add(1)
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(hook.Close)
	env := g.Env(orgs.Hospital)
	run := func(stdin string, args ...string) (string, string, int) {
		return clitest.RunWith(context.Background(), clitest.Input{Env: env, Stdin: stdin}, NewCmdNotifications, args...)
	}

	for _, tt := range []struct {
		name, stdin string
		args        []string
		exit        int
		want        string
	}{
		{"a secret only from standard input", "", []string{"webhook", "set", "--url", hook.URL}, cmdutil.ExitInvalid, ""},
		{"a short secret is refused", "short\n", []string{"webhook", "set", "--url", hook.URL, "--secret-stdin"}, cmdutil.ExitInvalid, ""},
		{"no webhook yet", "", []string{"webhook", "show"}, cmdutil.ExitRejected, ""},
		{"set", "a-secret-of-enough-length\n", []string{"webhook", "set", "--url", hook.URL, "--secret-stdin"}, cmdutil.ExitOK, "webhook of " + orgs.Hospital + ": " + hook.URL},
		{"show", "", []string{"webhook", "show"}, cmdutil.ExitOK, hook.URL},
	} {
		t.Run(tt.name, func(t *testing.T) {
			out, errOut, code := run(tt.stdin, tt.args...)
			if code != tt.exit || !strings.Contains(out, tt.want) {
				t.Fatalf("udi notifications %s: exit %d, want %d:\n%s%s", strings.Join(tt.args, " "), code, tt.exit, out, errOut)
			}
		})
	}

	t.Run("the licence warning is listed as delivered", func(t *testing.T) {
		var list []api.Notification
		for end := time.Now().Add(20 * time.Second); ; time.Sleep(50 * time.Millisecond) {
			out, errOut, code := run("", "list", "-o", "json")
			if code != cmdutil.ExitOK || json.Unmarshal([]byte(out), &list) != nil {
				t.Fatalf("exit %d: %s%s", code, out, errOut)
			}
			if len(list) == 1 && list[0].State == notify.Delivered {
				break
			}
			if time.Now().After(end) {
				t.Fatalf("list %+v", list)
			}
		}
		if list[0].Kind != notify.KindLicenceExpiring || list[0].Subject != "MI-1" || posts.Load() != 1 {
			t.Fatalf("list %+v, %d posts", list, posts.Load())
		}
		out, _, _ := run("", "list")
		if !strings.Contains(out, "licence.expiring") || !strings.Contains(out, "delivered") {
			t.Fatalf("table:\n%s", out)
		}
	})

	t.Run("delete", func(t *testing.T) {
		if _, errOut, code := run("", "webhook", "delete"); code != cmdutil.ExitOK || !strings.Contains(errOut, "deleted") {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		if _, _, code := run("", "webhook", "show"); code != cmdutil.ExitRejected {
			t.Fatalf("shown after delete: exit %d", code)
		}
	})
}
