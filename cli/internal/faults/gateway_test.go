package faults

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/udiledger/udiledger/chaincode/gs1"
	"github.com/udiledger/udiledger/chaincode/orgs"
	"github.com/udiledger/udiledger/cli/soak"
)

// udiBin is the udi binary TestMain builds once for the whole run.
var udiBin string

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	dir, err := os.MkdirTemp("", "udi-faults-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	if udiBin, err = soak.BuildUdi(context.Background(), dir); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return m.Run()
}

// The demo organisations' numbers (chaincode/orgs), and a device product under the
// manufacturer's company prefix.
var (
	mfr      = orgs.Manufacturer
	reg      = orgs.Regulator
	mfrGLN   = mustOrg(mfr).GLN
	deviceDI = checkDigit("0" + mustOrg(mfr).CompanyPrefixes[0] + "00001")
)

func mustOrg(msp string) orgs.Org {
	o, ok := orgs.Find(msp)
	if !ok {
		panic("no organisation " + msp)
	}
	return o
}

func checkDigit(base string) string {
	d, err := gs1.CheckDigit(base)
	if err != nil {
		panic(err)
	}
	return base + string(d)
}

func unitCode(n int) string { return fmt.Sprintf("(01)%s(21)F%07d", deviceDI, n) }
func unitURI(n int) string  { return fmt.Sprintf("https://id.gs1.org/01/%s/21/F%07d", deviceDI, n) }

// gateway is one run of `udi serve` in development mode on a data directory.
type gateway struct {
	t       *testing.T
	dir     string
	cmd     *exec.Cmd
	base    string
	keys    map[string]string
	mu      sync.Mutex
	stderr  *bytes.Buffer // what it wrote to stderr (its log), under mu
	exited  chan struct{}
	started time.Time // when the process was started
	ready   time.Time // when it first answered /readyz
	http    *http.Client
}

// startGateway runs `udi serve` on dir; wrap, when set, runs it under another command (a
// shell that sets a limit). It returns once the gateway answers /readyz.
func startGateway(t *testing.T, dir string, wrap ...string) *gateway {
	t.Helper()
	g, err := launch(t, dir, wrap...)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// launch starts the gateway; the error is the gateway's own when it exits before it listens.
func launch(t *testing.T, dir string, wrap ...string) (*gateway, error) {
	t.Helper()
	args := append(append([]string{}, wrap...), udiBin, "serve", "--data-dir", dir, "--addr", "127.0.0.1:0")
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Stdout = io.Discard
	pr, pw := io.Pipe()
	cmd.Stderr = pw
	g := &gateway{t: t, dir: dir, cmd: cmd, stderr: &bytes.Buffer{}, exited: make(chan struct{}),
		http: &http.Client{Timeout: 60 * time.Second}}
	g.started = time.Now()
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	listening := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			line := sc.Text()
			g.mu.Lock()
			g.stderr.WriteString(line + "\n")
			g.mu.Unlock()
			if _, addr, ok := strings.Cut(line, "gateway listening on http://"); ok {
				addr, _, _ = strings.Cut(addr, " ")
				listening <- addr
			}
		}
	}()
	go func() {
		_ = cmd.Wait()
		_ = pw.Close()
		close(g.exited)
	}()
	t.Cleanup(func() { g.kill() })
	select {
	case addr := <-listening:
		g.base = "http://" + addr
	case <-g.exited:
		time.Sleep(100 * time.Millisecond) // the last lines of stderr
		return nil, &exitError{code: cmd.ProcessState.ExitCode(), stderr: g.log()}
	case <-time.After(5 * time.Minute):
		g.kill()
		return nil, fmt.Errorf("the gateway did not listen within 5 minutes")
	}
	raw, err := os.ReadFile(filepath.Join(dir, "dev-api-keys.json"))
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(raw, &g.keys); err != nil {
		return nil, err
	}
	for {
		res, err := g.http.Get(g.base + "/readyz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				g.ready = time.Now()
				return g, nil
			}
		}
		select {
		case <-g.exited:
			return nil, fmt.Errorf("the gateway exited before it was ready")
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// exitError is a gateway that exited before it served.
type exitError struct {
	code   int
	stderr string
}

func (e *exitError) Error() string { return fmt.Sprintf("udi serve exited %d: %s", e.code, e.stderr) }

// log is what the gateway wrote to stderr so far.
func (g *gateway) log() string {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.stderr.String()
}

// waitLog waits until the gateway's stderr holds every one of parts on one line.
func (g *gateway) waitLog(timeout time.Duration, parts ...string) bool {
	for end := time.Now().Add(timeout); time.Now().Before(end); time.Sleep(20 * time.Millisecond) {
		for _, line := range strings.Split(g.log(), "\n") {
			all := true
			for _, p := range parts {
				all = all && strings.Contains(line, p)
			}
			if all {
				return true
			}
		}
	}
	return false
}

// kill sends SIGKILL and waits for the process to be gone.
func (g *gateway) kill() {
	if g.cmd.Process == nil {
		return
	}
	select {
	case <-g.exited:
		return
	default:
	}
	_ = g.cmd.Process.Signal(syscall.SIGKILL)
	<-g.exited
}

// stop shuts the gateway down gracefully (SIGTERM) and waits for it to exit.
func (g *gateway) stop() {
	g.t.Helper()
	_ = g.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-g.exited:
	case <-time.After(2 * time.Minute):
		g.kill()
		g.t.Fatal("the gateway did not stop within 2 minutes of SIGTERM")
	}
}

// answer is what the gateway said.
type answer struct {
	status int
	header http.Header
	body   []byte
}

func (a answer) decode(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(a.body, v); err != nil {
		t.Fatalf("answer %d %s: %v", a.status, a.body, err)
	}
}

// do sends one request as the organisation msp; the error is the transport's (no answer).
func (g *gateway) do(ctx context.Context, msp, method, path string, body any) (answer, error) {
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case []byte:
		rd = bytes.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			return answer{}, err
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequestWithContext(ctx, method, g.base+path, rd)
	if err != nil {
		return answer{}, err
	}
	req.Header.Set("Authorization", "Bearer "+g.keys[msp])
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := g.http.Do(req)
	if err != nil {
		return answer{}, err
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		return answer{}, err
	}
	return answer{status: res.StatusCode, header: res.Header, body: raw}, nil
}

// must sends a request that has to be answered with status want.
func (g *gateway) must(want int, v any, msp, method, path string, body any) answer {
	g.t.Helper()
	a, err := g.do(context.Background(), msp, method, path, body)
	if err != nil {
		g.t.Fatalf("%s %s: %v", method, path, err)
	}
	if a.status != want {
		g.t.Fatalf("%s %s: %d %s, want %d", method, path, a.status, a.body, want)
	}
	if v != nil {
		a.decode(g.t, v)
	}
	return a
}

// seedGoods registers a device product and a lot and commissions units 1..n.
func (g *gateway) seedGoods(n int) {
	g.t.Helper()
	g.must(201, nil, mfr, "POST", "/v1/products", map[string]any{"di": deviceDI, "name": "Infusion set", "model": "IS-20",
		"kind": "device", "storage": map[string]float64{"min": 2, "max": 30}})
	g.must(201, nil, mfr, "POST", "/v1/lots", map[string]any{"di": deviceDI, "lot": "F1",
		"expiry": time.Now().UTC().AddDate(1, 0, 0).Format("2006-01-02"), "quantity": 1000000})
	codes := make([]string, n)
	for i := range codes {
		codes[i] = unitCode(i + 1)
	}
	g.must(201, nil, mfr, "POST", "/v1/events/commission", map[string]any{"eventId": "urn:uuid:faults-commission",
		"di": deviceDI, "lot": "F1", "codes": codes, "location": mfrGLN})
}

// verifyLedger runs `udi ledger verify` on a stopped gateway's data directory.
func verifyLedger(t *testing.T, dir string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := exec.Command(udiBin, "ledger", "verify", "--data-dir", dir)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	if err != nil && cmd.ProcessState == nil {
		t.Fatal(err)
	}
	return out.String(), errOut.String(), cmd.ProcessState.ExitCode()
}
