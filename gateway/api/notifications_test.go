package api

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	wh "github.com/udiledger/udiledger/gateway/internal/webhook"
	"github.com/udiledger/udiledger/gateway/notify"
)

func TestNotificationsWebhookAndList(t *testing.T) {
	st, err := notify.Open(filepath.Join(t.TempDir(), "notifications.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	w := newWorld(t, worldOptions{tweak: func(o *Options) { o.Notifications = st }})
	w.seed()
	w.commission("urn:uuid:nt-commission", 1, 4)
	w.must(201, nil, mfr, "POST", "/v1/events/ship", map[string]any{"to": dst, "codes": []string{deviceCode(1), deviceCode(2)}})
	w.must(201, nil, dst, "POST", "/v1/events/receive", map[string]any{"codes": []string{deviceCode(1), deviceCode(2)}})

	var mu sync.Mutex
	var bodies [][]byte
	var sigs []string
	hook := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		bodies, sigs = append(bodies, b), append(sigs, r.Header.Get(wh.SignatureHeader))
		mu.Unlock()
		rw.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(hook.Close)
	const secret = "sixteen-or-more-chars"

	t.Run("a webhook needs a secret of 16 characters and https or loopback", func(t *testing.T) {
		w.must(422, nil, dst, "PUT", "/v1/notifications/webhook", map[string]any{"url": hook.URL, "secret": "short"})
		w.must(400, nil, dst, "PUT", "/v1/notifications/webhook", map[string]any{"url": "http://203.0.113.9/hook", "secret": secret})
		w.must(404, nil, dst, "GET", "/v1/notifications/webhook", nil)
	})
	t.Run("the organisation registers and reads its webhook, never its secret", func(t *testing.T) {
		var got NotificationWebhook
		w.must(200, &got, dst, "PUT", "/v1/notifications/webhook", map[string]any{"url": hook.URL, "secret": secret})
		r := w.must(200, &got, dst, "GET", "/v1/notifications/webhook", nil)
		if got.Org != dst || got.URL != hook.URL || strings.Contains(string(r.body), secret) {
			t.Fatalf("webhook %s", r.body)
		}
		w.must(404, nil, hsp, "GET", "/v1/notifications/webhook", nil)
	})
	t.Run("a recall reaches the holder's webhook, signed, and shows in its list", func(t *testing.T) {
		w.must(201, nil, reg, "POST", "/v1/recalls", map[string]any{"id": "NT-1", "class": "II", "depth": "retail", "reason": "sterility",
			"scope": map[string]string{"type": "lot", "di": deviceDI, "lot": "L1"}})
		var list NotificationList
		for end := time.Now().Add(20 * time.Second); ; time.Sleep(20 * time.Millisecond) {
			w.must(200, &list, dst, "GET", "/v1/notifications?pageSize=10", nil)
			if len(list.Notifications) == 1 && list.Notifications[0].State == notify.Delivered {
				break
			}
			if time.Now().After(end) {
				t.Fatalf("list %+v", list)
			}
		}
		n := list.Notifications[0]
		if n.Kind != notify.KindRecallStarted || n.Subject != "NT-1" || n.Attempts != 1 || list.Bookmark != "" {
			t.Fatalf("notification %+v", n)
		}
		mu.Lock()
		defer mu.Unlock()
		var m notify.Message
		if len(bodies) != 1 || json.Unmarshal(bodies[0], &m) != nil || m.ID != n.ID || !wh.Verify(bodies[0], secret, sigs[0]) {
			t.Fatalf("posted %q, signed %q", bodies, sigs)
		}
		w.must(200, &list, hsp, "GET", "/v1/notifications", nil)
		if len(list.Notifications) != 0 {
			t.Fatalf("the hospital's list %+v", list)
		}
	})
	t.Run("the organisation removes its webhook", func(t *testing.T) {
		w.must(204, nil, dst, "DELETE", "/v1/notifications/webhook", nil)
		w.must(404, nil, dst, "DELETE", "/v1/notifications/webhook", nil)
	})
}
