package subscriptions

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/coder/websocket"
)

// IsWebSocket reports whether r asks to be upgraded to a WebSocket.
func IsWebSocket(r *http.Request) bool {
	return headerHas(r.Header, "Connection", "upgrade") && headerHas(r.Header, "Upgrade", "websocket")
}

func headerHas(h http.Header, name, token string) bool {
	for _, v := range h.Values(name) {
		for _, t := range splitTokens(v) {
			if strings.EqualFold(t, token) {
				return true
			}
		}
	}
	return false
}

// ServeWebSocket upgrades r (the caller has checked who asks and that the query named name
// is by's) and sends each report of the query as one text message holding an
// EPCISQueryDocument, as sp says, until the client goes, a write fails or stop ends. Its
// cursor lives as long as the connection. Cross-origin browser pages are refused.
func (m *Manager) ServeWebSocket(stop context.Context, w http.ResponseWriter, r *http.Request, by Owner, name string, sp Spec) error {
	conn, err := websocket.Accept(w, r, nil) // answers the handshake's failure itself
	if err != nil {
		return err
	}
	defer func() { _ = conn.CloseNow() }()
	ctx := conn.CloseRead(stop) // reads (and answers) control frames; ends when the client closes
	f := &feed{by: by, query: name, spec: sp, cursor: sp.InitialRecordTime}
	f.send = func(ctx context.Context, doc []byte, _ int, _ time.Time) error {
		wctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		return conn.Write(wctx, websocket.MessageText, doc)
	}
	m.follow(ctx, f)
	if stop.Err() != nil {
		return conn.Close(websocket.StatusGoingAway, "the gateway is stopping")
	}
	return conn.Close(websocket.StatusNormalClosure, "")
}
