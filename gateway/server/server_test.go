package server_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/udiledger/udiledger/chaincode/model"
	"github.com/udiledger/udiledger/chaincode/orgs"
	"github.com/udiledger/udiledger/gateway/api"
	"github.com/udiledger/udiledger/gateway/auth"
	"github.com/udiledger/udiledger/gateway/ledger/devledger"
	"github.com/udiledger/udiledger/gateway/server"
)

// running is a gateway started by a test.
type running struct {
	g    *server.Gateway
	url  string
	stop func() error
}

// start builds the gateway cfg describes, serves it on a free port and waits until it listens.
func start(t *testing.T, cfg server.Config) *running {
	t.Helper()
	cfg.Addr = "127.0.0.1:0"
	cfg.ShutdownTimeout = 5 * time.Second
	addr := make(chan string, 1)
	cfg.Listening = func(a string) { addr <- a }
	ctx, cancel := context.WithCancel(context.Background())
	g, err := server.New(ctx, cfg)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- g.Run(ctx) }()
	r := &running{g: g, stop: func() error {
		cancel()
		select {
		case err := <-done:
			return errors.Join(err, g.Close())
		case <-time.After(10 * time.Second):
			return fmt.Errorf("the gateway did not stop")
		}
	}}
	select {
	case a := <-addr:
		r.url = "http://" + a
	case err := <-done:
		cancel()
		_ = g.Close()
		t.Fatalf("the gateway ended before listening: %v", err)
	}
	return r
}

func get(t *testing.T, url, key string) (int, []byte) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, b
}

func keysOf(t *testing.T, g *server.Gateway) map[string]string {
	t.Helper()
	keys := map[string]string{}
	for _, a := range g.Accounts() {
		keys[a.MSPID] = a.Key
	}
	if len(keys) != len(orgs.All()) {
		t.Fatalf("%d accounts, want one per organisation: %+v", len(keys), g.Accounts())
	}
	return keys
}

func TestDevelopmentMode(t *testing.T) {
	dir := t.TempDir()
	var keys map[string]string
	t.Run("a first start registers the organisations and gives each a key", func(t *testing.T) {
		r := start(t, server.Config{DataDir: dir})
		keys = keysOf(t, r.g)
		if a := r.g.Accounts()[0]; a.MSPID != orgs.Regulator || a.Role != model.RoleRegulator {
			t.Errorf("first account %+v, want the regulator's", a)
		}
		for _, a := range r.g.Accounts() {
			if a.MSPID == orgs.Manufacturer && !strings.Contains(a.Note, "GS1 company prefix 6901234") {
				t.Errorf("the manufacturer's note %q lacks its company prefix", a.Note)
			}
		}
		if st, body := get(t, r.url+"/healthz", ""); st != 200 {
			t.Fatalf("/healthz = %d %s", st, body)
		}
		st, body := get(t, r.url+"/v1/parties", keys[orgs.Manufacturer])
		var page model.PartyPage
		if st != 200 || json.Unmarshal(body, &page) != nil || page.Count != len(orgs.All()) {
			t.Fatalf("/v1/parties = %d %s, want the %d organisations", st, body, len(orgs.All()))
		}
		if st, _ := get(t, r.url+"/v1/parties", ""); st != 401 {
			t.Fatalf("/v1/parties without a key = %d, want 401", st)
		}
		if st, _ := get(t, r.url+"/metrics", ""); st != 200 {
			t.Fatalf("anonymous /metrics in development mode = %d, want 200", st)
		}
		if st, body := get(t, r.url+"/v1/notifications/webhook", keys[orgs.Hospital]); st != 404 || !strings.Contains(string(body), "no webhook") {
			t.Fatalf("GET /v1/notifications/webhook in development mode = %d %s, want 404: none registered", st, body)
		}
		if err := r.stop(); err != nil {
			t.Fatalf("stop: %v", err)
		}
	})
	t.Run("the keys are kept for the owner only", func(t *testing.T) {
		fi, err := os.Stat(filepath.Join(dir, server.DevKeysFile))
		if err != nil || fi.Mode().Perm() != 0o600 {
			t.Fatalf("keys file: %v, mode %v", err, fi.Mode())
		}
	})
	t.Run("a second start on the same data keeps the keys and the ledger", func(t *testing.T) {
		r := start(t, server.Config{DataDir: dir})
		defer func() {
			if err := r.stop(); err != nil {
				t.Error(err)
			}
		}()
		again := keysOf(t, r.g)
		for msp, k := range keys {
			if again[msp] != k {
				t.Fatalf("key of %s changed across restarts", msp)
			}
		}
		if st, body := get(t, r.url+"/v1/parties/"+orgs.Hospital, keys[orgs.Regulator]); st != 200 {
			t.Fatalf("party after restart = %d %s", st, body)
		}
	})
	t.Run("without seeding a new ledger has no parties", func(t *testing.T) {
		r := start(t, server.Config{DataDir: t.TempDir(), NoSeed: true})
		defer func() {
			if err := r.stop(); err != nil {
				t.Error(err)
			}
		}()
		if st, body := get(t, r.url+"/v1/parties/"+orgs.Hospital, keysOf(t, r.g)[orgs.Regulator]); st != 404 {
			t.Fatalf("party on an unseeded ledger = %d %s, want 404", st, body)
		}
		if st, body := get(t, r.url+"/readyz", ""); st != 200 {
			t.Fatalf("/readyz on an unseeded ledger = %d %s", st, body)
		}
	})
}

// configured writes the configuration of a gateway on an embedded ledger, signing as the
// hospital's admin for one API key, with extra lines appended; it returns the file and the key.
func configured(t *testing.T, extra string) (path, key string) {
	t.Helper()
	dir := t.TempDir()
	// A development ledger's organisations serve as the embedded backend's identities.
	led, err := devledger.Open(dir, devledger.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := led.Close(); err != nil {
		t.Fatal(err)
	}
	hospital, _ := orgs.Find(orgs.Hospital)
	key, hash, err := auth.NewKey()
	if err != nil {
		t.Fatal(err)
	}
	cfg := fmt.Sprintf(`listen: 127.0.0.1:1
backend: embedded
embedded: {data_dir: %q}
outbox: outbox.db
identities:
  - {name: hospital-admin, msp_id: %s, cert: %q, key: %q}
api_keys:
  - {name: pharmacy-desk, hash: %q, identity: hospital-admin, role: %s}
`, dir, hospital.MSPID, filepath.Join(dir, "msp", hospital.Name, "users/admin/cert.pem"),
		filepath.Join(dir, "msp", hospital.Name, "users/admin/key.pem"), hash, hospital.Role)
	path = filepath.Join(t.TempDir(), "gateway.yaml")
	if err := os.WriteFile(path, []byte(cfg+extra), 0o600); err != nil {
		t.Fatal(err)
	}
	return path, key
}

func TestFromAConfigurationFile(t *testing.T) {
	path, key := configured(t, "")
	r := start(t, server.Config{File: path}) // the test's address wins over listen
	defer func() {
		if err := r.stop(); err != nil {
			t.Error(err)
		}
	}()
	if r.g.Accounts() != nil {
		t.Errorf("a configured gateway has development accounts: %+v", r.g.Accounts())
	}
	st, body := get(t, r.url+"/v1/holders/"+orgs.Hospital+"/units", key)
	if st != 200 || !strings.Contains(string(body), `"holder":"`+orgs.Hospital+`"`) {
		t.Fatalf("holdings as the configured key = %d %s", st, body)
	}
	if st, _ := get(t, r.url+"/v1/holders/"+orgs.Hospital+"/units", "udi_other"); st != 401 {
		t.Fatalf("an unknown key = %d, want 401", st)
	}
	if st, _ := get(t, r.url+"/metrics", ""); st != 401 {
		t.Fatalf("anonymous /metrics on a configured gateway = %d, want 401", st)
	}
	if st, _ := get(t, r.url+"/metrics", key); st != 200 {
		t.Fatalf("/metrics with a key = %d, want 200", st)
	}
	if st, _ := get(t, r.url+"/openapi.json", ""); st != 200 {
		t.Fatalf("anonymous /openapi.json = %d, want 200", st)
	}
	if st, body := get(t, r.url+"/readyz", ""); st != 200 {
		t.Fatalf("/readyz = %d %s", st, body)
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(path), "outbox.db")); err != nil {
		t.Fatalf("the outbox file was not opened beside the configuration: %v", err)
	}
	if st, body := get(t, r.url+"/epcis/capture", key); st != 200 || !strings.Contains(string(body), `"captureJobs":[]`) {
		t.Fatalf("GET /epcis/capture = %d %s", st, body)
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(path), "capture-jobs.db")); err != nil {
		t.Fatalf("the capture job file was not opened beside the outbox: %v", err)
	}
	if st, body := get(t, r.url+"/epcis/queries", key); st != 200 || string(body) != "[]" {
		t.Fatalf("GET /epcis/queries = %d %s", st, body)
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(path), "subscriptions.db")); err != nil {
		t.Fatalf("the subscriptions file was not opened beside the outbox: %v", err)
	}
	if st, body := get(t, r.url+"/v1/notifications", key); st != 200 || !strings.Contains(string(body), `"notifications":[]`) {
		t.Fatalf("GET /v1/notifications = %d %s", st, body)
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(path), "notifications.db")); err != nil {
		t.Fatalf("the notifications file was not opened beside the outbox: %v", err)
	}
}

func TestABadConfigurationIsAConfigError(t *testing.T) {
	path := filepath.Join(t.TempDir(), "gateway.yaml")
	if err := os.WriteFile(path, []byte("listen: nowhere\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := server.New(context.Background(), server.Config{File: path})
	var ce *server.ConfigError
	if !errors.As(err, &ce) {
		t.Fatalf("bad file: %v, want a *ConfigError", err)
	}
}

func TestLoopback(t *testing.T) {
	led, err := devledger.Open(t.TempDir(), devledger.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer led.Close()
	reg, err := led.Admin(orgs.Regulator)
	if err != nil {
		t.Fatal(err)
	}
	l, err := server.StartLoopback(led, reg)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(l.URL, "http://127.0.0.1:") || len(l.Keys) != 1 {
		t.Fatalf("loopback %s, keys %v", l.URL, l.Keys)
	}
	if st, body := get(t, l.URL+"/v1/parties", l.Keys[orgs.Regulator]); st != 200 {
		t.Fatalf("/v1/parties = %d %s", st, body)
	}
	if st, body := get(t, l.URL+"/readyz", ""); st != 200 {
		t.Fatalf("/readyz = %d %s", st, body)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	if err := l.Close(); err != nil {
		t.Fatalf("closing again: %v", err)
	}
	if _, err := http.Get(l.URL + "/healthz"); err == nil {
		t.Fatal("the gateway still answers after Close")
	}
}

func TestConfiguredLimits(t *testing.T) {
	path, key := configured(t, "limits: {rate: 0.1, burst: 2}\n")
	r := start(t, server.Config{File: path})
	defer func() {
		if err := r.stop(); err != nil {
			t.Error(err)
		}
	}()
	for i, want := range []int{200, 200, 429} {
		if st, body := get(t, r.url+"/v1/version", key); st != want {
			t.Fatalf("request %d = %d %s, want %d", i, st, body, want)
		}
	}
}

func TestConfiguredAdmission(t *testing.T) {
	path, _ := configured(t, "limits: {max_in_flight: 3, max_queued: 5, max_queue_wait: 1s}\n")
	r := start(t, server.Config{File: path})
	defer func() {
		if err := r.stop(); err != nil {
			t.Error(err)
		}
	}()
	st, body := get(t, r.url+"/readyz", "")
	var ready api.Readiness
	if err := json.Unmarshal(body, &ready); err != nil || st != 200 {
		t.Fatalf("/readyz = %d %s", st, body)
	}
	for _, p := range ready.Parts {
		if p.Admission != nil && p.Admission.MaxInFlight == 3 && p.Admission.MaxQueued == 5 {
			return
		}
	}
	t.Fatalf("/readyz shows no admission of 3 in flight and 5 queued: %s", body)
}

func TestConfiguredCaptureLimits(t *testing.T) {
	path, key := configured(t, "capture_limit: 3\ncapture_file_size_limit: 4096\n")
	r := start(t, server.Config{File: path})
	defer func() {
		if err := r.stop(); err != nil {
			t.Error(err)
		}
	}()
	req, _ := http.NewRequest("OPTIONS", r.url+"/epcis/capture", nil)
	req.Header.Set("Authorization", "Bearer "+key)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = res.Body.Close()
	if res.StatusCode != 204 || res.Header.Get("GS1-EPCIS-Capture-Limit") != "3" || res.Header.Get("GS1-EPCIS-Capture-File-Size-Limit") != "4096" {
		t.Fatalf("OPTIONS /epcis/capture = %d %v", res.StatusCode, res.Header)
	}
}
