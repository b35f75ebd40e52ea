package browsertest

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"io"
	"os"
	"os/exec"
	"sync"
	"testing"
	"time"
)

// Browser is a headless Chromium driven over the DevTools protocol, through the pipe
// Chromium opens with --remote-debugging-pipe (file descriptors 3 and 4, one JSON message
// per NUL-terminated frame): one tab, its cookies kept between pages, as a user's browser.
type Browser struct {
	t       testing.TB
	cmd     *exec.Cmd
	in      io.WriteCloser // Chromium reads commands here
	session string

	mu      sync.Mutex
	nextID  int
	waiting map[int]chan reply
	loads   chan struct{} // one per Page.loadEventFired
	done    chan struct{} // closed when Chromium's pipe ends
}

type reply struct {
	Result json.RawMessage `json:"result"`
	Error  *struct {
		Message string `json:"message"`
	} `json:"error"`
}

type message struct {
	ID        int             `json:"id"`
	Method    string          `json:"method"`
	SessionID string          `json:"sessionId"`
	Result    json.RawMessage `json:"result"`
	Error     *struct {
		Message string `json:"message"`
	} `json:"error"`
}

// CommandTimeout bounds one DevTools command and one wait for a page's load.
const CommandTimeout = 30 * time.Second

// Launch starts headless Chromium (see Chromium) with a window of width×height CSS pixels,
// extra flags (--accept-lang=zh-CN,zh…) and one open tab; it is stopped when the test ends.
func Launch(t testing.TB, browser string, width, height int, flags ...string) *Browser {
	t.Helper()
	toChrome, chromeIn, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	chromeOut, fromChrome, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	args := append([]string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
		"--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--hide-scrollbars", "--remote-debugging-pipe", fmt.Sprintf("--window-size=%d,%d", width, height),
		"--user-data-dir=" + t.TempDir()}, flags...)
	cmd := exec.Command(browser, append(args, "about:blank")...) // #nosec G204 -- a test's own browser
	cmd.ExtraFiles = []*os.File{toChrome, fromChrome}            // fd 3: Chromium reads, fd 4: it writes
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatalf("chromium: %v", err)
	}
	_ = toChrome.Close()
	_ = fromChrome.Close()
	b := &Browser{t: t, cmd: cmd, in: chromeIn, waiting: map[int]chan reply{},
		loads: make(chan struct{}, 16), done: make(chan struct{})}
	go b.read(chromeOut)
	t.Cleanup(func() {
		_ = b.in.Close()
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		_ = chromeOut.Close()
	})

	var target struct {
		TargetID string `json:"targetId"`
	}
	if err := b.call("", "Target.createTarget", map[string]any{"url": "about:blank"}, &target); err != nil {
		t.Fatalf("chromium: %v\n%s", err, stderr.String())
	}
	var attached struct {
		SessionID string `json:"sessionId"`
	}
	if err := b.call("", "Target.attachToTarget", map[string]any{"targetId": target.TargetID, "flatten": true}, &attached); err != nil {
		t.Fatal(err)
	}
	b.session = attached.SessionID
	for _, m := range []string{"Page.enable", "Runtime.enable"} {
		b.must(m, nil, nil)
	}
	b.Resize(width, height)
	return b
}

// Resize makes the tab's window width×height CSS pixels.
func (b *Browser) Resize(width, height int) {
	b.t.Helper()
	b.must("Emulation.setDeviceMetricsOverride", map[string]any{"width": width, "height": height, "deviceScaleFactor": 1, "mobile": false}, nil)
}

// FitPage makes the window as tall as the page (at most maxHeight), so that Capture takes
// the whole page.
func (b *Browser) FitPage(width, maxHeight int) {
	b.t.Helper()
	var h int
	b.Eval("Math.ceil(document.documentElement.scrollHeight)", &h)
	b.Resize(width, min(max(h, 100), maxHeight))
}

// read dispatches Chromium's messages: answers to their callers, load events to loads.
func (b *Browser) read(r io.Reader) {
	defer close(b.done)
	br := bufio.NewReader(r)
	for {
		frame, err := br.ReadBytes(0)
		if err != nil {
			return
		}
		var m message
		if json.Unmarshal(frame[:len(frame)-1], &m) != nil {
			continue
		}
		if m.ID != 0 {
			b.mu.Lock()
			ch := b.waiting[m.ID]
			delete(b.waiting, m.ID)
			b.mu.Unlock()
			if ch != nil {
				ch <- reply{Result: m.Result, Error: m.Error}
			}
			continue
		}
		if m.Method == "Page.loadEventFired" && m.SessionID == b.session {
			select {
			case b.loads <- struct{}{}:
			default:
			}
		}
	}
}

// call sends one command (to the tab when session is set) and decodes its result into out.
func (b *Browser) call(session, method string, params, out any) error {
	b.mu.Lock()
	b.nextID++
	id := b.nextID
	ch := make(chan reply, 1)
	b.waiting[id] = ch
	b.mu.Unlock()
	msg := map[string]any{"id": id, "method": method}
	if params != nil {
		msg["params"] = params
	}
	if session != "" {
		msg["sessionId"] = session
	}
	raw, err := json.Marshal(msg)
	if err != nil {
		return err
	}
	if _, err := b.in.Write(append(raw, 0)); err != nil {
		return fmt.Errorf("%s: %w", method, err)
	}
	select {
	case r := <-ch:
		if r.Error != nil {
			return fmt.Errorf("%s: %s", method, r.Error.Message)
		}
		if out != nil {
			return json.Unmarshal(r.Result, out)
		}
		return nil
	case <-b.done:
		return fmt.Errorf("%s: chromium has gone", method)
	case <-time.After(CommandTimeout):
		return fmt.Errorf("%s: no answer within %s", method, CommandTimeout)
	}
}

func (b *Browser) must(method string, params, out any) {
	b.t.Helper()
	if err := b.call(b.session, method, params, out); err != nil {
		b.t.Fatal(err)
	}
}

// AndWait runs action, which makes the tab load a page (a navigation, a form's submission),
// and returns once that page has loaded.
func (b *Browser) AndWait(action func()) {
	b.t.Helper()
	for len(b.loads) > 0 {
		<-b.loads
	}
	action()
	select {
	case <-b.loads:
	case <-time.After(CommandTimeout):
		b.t.Fatalf("no page loaded within %s", CommandTimeout)
	}
}

// Navigate opens url in the tab and waits for it to load.
func (b *Browser) Navigate(url string) {
	b.t.Helper()
	b.AndWait(func() {
		var r struct {
			ErrorText string `json:"errorText"`
		}
		b.must("Page.navigate", map[string]any{"url": url}, &r)
		if r.ErrorText != "" {
			b.t.Fatalf("navigate to %s: %s", url, r.ErrorText)
		}
	})
}

// Eval evaluates a JavaScript expression in the page and decodes its value (JSON) into out,
// when out is not nil. An exception fails the test.
func (b *Browser) Eval(expression string, out any) {
	b.t.Helper()
	var r struct {
		Result struct {
			Value json.RawMessage `json:"value"`
		} `json:"result"`
		Exception *struct {
			Text      string `json:"text"`
			Exception struct {
				Description string `json:"description"`
			} `json:"exception"`
		} `json:"exceptionDetails"`
	}
	b.must("Runtime.evaluate", map[string]any{"expression": expression, "returnByValue": true, "awaitPromise": true}, &r)
	if r.Exception != nil {
		b.t.Fatalf("%s: %s %s", expression, r.Exception.Text, r.Exception.Exception.Description)
	}
	if out != nil && len(r.Result.Value) > 0 {
		if err := json.Unmarshal(r.Result.Value, out); err != nil {
			b.t.Fatalf("%s: %v", expression, err)
		}
	}
}

// Text is the text of the page's body as rendered (innerText).
func (b *Browser) Text() string {
	b.t.Helper()
	var s string
	b.Eval("document.body.innerText", &s)
	return s
}

// HTML is the page's DOM as serialised now.
func (b *Browser) HTML() string {
	b.t.Helper()
	var s string
	b.Eval("document.documentElement.outerHTML", &s)
	return s
}

// URL is the address of the page in the tab.
func (b *Browser) URL() string {
	b.t.Helper()
	var s string
	b.Eval("location.href", &s)
	return s
}

// Capture returns the window as Chromium draws it.
func (b *Browser) Capture() image.Image {
	b.t.Helper()
	var r struct {
		Data string `json:"data"`
	}
	b.must("Page.captureScreenshot", map[string]any{"format": "png"}, &r)
	raw, err := base64.StdEncoding.DecodeString(r.Data)
	if err != nil {
		b.t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(raw))
	if err != nil {
		b.t.Fatal(err)
	}
	return img
}
