package serve

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/udiledger/udiledger/chaincode/model"
	"github.com/udiledger/udiledger/chaincode/orgs"
	"github.com/udiledger/udiledger/cli/internal/cmdutil"
	"github.com/udiledger/udiledger/gateway/auth"
)

// syncBuffer is a buffer the server goroutine writes while the test reads.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// running is a `udi serve` started by a test.
type running struct {
	url    string
	out    *syncBuffer
	errOut *syncBuffer
	stop   func() error
}

// start runs `udi serve args...` on a free port and waits until it listens.
func start(t *testing.T, args ...string) *running {
	t.Helper()
	out, errOut := &syncBuffer{}, &syncBuffer{}
	f := &cmdutil.Factory{IO: cmdutil.IOStreams{In: strings.NewReader(""), Out: out, ErrOut: errOut}, Getenv: func(string) string { return "" }}
	ctx, cancel := context.WithCancel(context.Background())
	addr := make(chan string, 1)
	done := make(chan error, 1)
	cmd := NewCmdServe(f, func(o *ServeOptions) error {
		o.Listening = func(a string) { addr <- a }
		o.ShutdownTimeout = 5 * time.Second
		return Run(ctx, o)
	})
	cmd.SetArgs(append([]string{"--addr", "127.0.0.1:0"}, args...))
	cmd.SetOut(out)
	cmd.SetErr(errOut)
	go func() { done <- cmd.ExecuteContext(ctx) }()
	r := &running{out: out, errOut: errOut, stop: func() error {
		cancel()
		select {
		case err := <-done:
			return err
		case <-time.After(10 * time.Second):
			return fmt.Errorf("serve did not stop")
		}
	}}
	select {
	case a := <-addr:
		r.url = "http://" + a
	case err := <-done:
		cancel()
		t.Fatalf("serve ended before listening: %v\n%s", err, errOut)
	case <-time.After(30 * time.Second):
		cancel()
		t.Fatal("serve did not start listening")
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

var keyLine = regexp.MustCompile(`(?m)^\s+(\S+MSP)\s+(\S+)\s+(udi_\S+)$`)

func printedKeys(t *testing.T, out string) map[string]string {
	t.Helper()
	keys := map[string]string{}
	for _, m := range keyLine.FindAllStringSubmatch(out, -1) {
		keys[m[1]] = m[3]
	}
	if len(keys) != len(orgs.All()) {
		t.Fatalf("printed %d API keys, want %d:\n%s", len(keys), len(orgs.All()), out)
	}
	return keys
}

// The gateway's own wiring (outbox, keys file, loopback) is tested in gateway/server; these
// tests check the command: its flags, what it prints, its exit codes.

func TestServeDevelopmentMode(t *testing.T) {
	dir := t.TempDir()
	var keys map[string]string
	t.Run("a first start registers the demo organisations and prints a key for each", func(t *testing.T) {
		r := start(t, "--data-dir", dir)
		keys = printedKeys(t, r.out.String())
		if st, body := get(t, r.url+"/healthz", ""); st != 200 {
			t.Fatalf("/healthz = %d %s", st, body)
		}
		st, body := get(t, r.url+"/v1/parties", keys[orgs.Manufacturer])
		var page model.PartyPage
		if st != 200 || json.Unmarshal(body, &page) != nil || page.Count != len(orgs.All()) {
			t.Fatalf("/v1/parties = %d %s, want the demo organisations", st, body)
		}
		if st, _ := get(t, r.url+"/v1/parties", ""); st != 401 {
			t.Fatalf("/v1/parties without a key = %d, want 401", st)
		}
		if err := r.stop(); err != nil {
			t.Fatalf("stop: %v", err)
		}
		if !strings.Contains(r.errOut.String(), "shutting down") {
			t.Fatalf("no shutdown message in %s", r.errOut)
		}
	})
	t.Run("a second start on the same data keeps the keys and the ledger", func(t *testing.T) {
		r := start(t, "--data-dir", dir)
		defer func() {
			if err := r.stop(); err != nil {
				t.Error(err)
			}
		}()
		again := printedKeys(t, r.out.String())
		for msp, k := range keys {
			if again[msp] != k {
				t.Fatalf("key of %s changed across restarts", msp)
			}
		}
		if st, body := get(t, r.url+"/v1/parties/"+orgs.Hospital, keys[orgs.Regulator]); st != 200 {
			t.Fatalf("party after restart = %d %s", st, body)
		}
	})
}

func TestServeFromConfig(t *testing.T) {
	dir := t.TempDir()
	// A development ledger's organisations serve as the embedded backend's identities.
	first := start(t, "--data-dir", dir)
	if err := first.stop(); err != nil {
		t.Fatal(err)
	}
	key, hash, err := auth.NewKey()
	if err != nil {
		t.Fatal(err)
	}
	hospital, _ := orgs.Find(orgs.Hospital)
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
	path := filepath.Join(t.TempDir(), "gateway.yaml")
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	r := start(t, "--config", path) // --addr wins over listen
	defer func() {
		if err := r.stop(); err != nil {
			t.Error(err)
		}
	}()
	st, body := get(t, r.url+"/v1/holders/"+orgs.Hospital+"/units", key)
	if st != 200 || !strings.Contains(string(body), `"holder":"`+orgs.Hospital+`"`) {
		t.Fatalf("holdings as the configured key = %d %s", st, body)
	}
}

func TestServeRejectsABadConfig(t *testing.T) {
	path := filepath.Join(t.TempDir(), "gateway.yaml")
	if err := os.WriteFile(path, []byte("listen: nowhere\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	f := &cmdutil.Factory{IO: cmdutil.IOStreams{In: strings.NewReader(""), Out: io.Discard, ErrOut: io.Discard}}
	cmd := NewCmdServe(f, nil)
	cmd.SetArgs([]string{"--config", path})
	cmd.SetOut(io.Discard)
	cmd.SetErr(io.Discard)
	err := cmd.ExecuteContext(context.Background())
	if cmdutil.ExitCode(err) != cmdutil.ExitInvalid {
		t.Fatalf("bad config: %v (exit %d), want exit %d", err, cmdutil.ExitCode(err), cmdutil.ExitInvalid)
	}
}
