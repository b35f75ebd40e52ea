package webhook

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestCheckDest(t *testing.T) {
	ctx := context.Background()
	for _, ok := range []string{"https://203.0.113.7/cb", "https://[2001:4860:4860::8888]:8443/cb?x=1"} {
		if err := CheckDest(ctx, ok, false); err != nil {
			t.Errorf("%s: %v", ok, err)
		}
	}
	for _, bad := range []string{
		"http://203.0.113.7/cb", "ftp://203.0.113.7/", "/relative", "https://user:pw@203.0.113.7/", "https://127.0.0.1/",
		"https://10.0.0.1/", "https://172.16.0.1/", "https://192.168.1.1/", "https://169.254.169.254/", "https://100.64.0.1/",
		"https://0.0.0.0/", "https://[::1]/", "https://[fe80::1]/", "https://[fc00::1]/", "https://[::ffff:127.0.0.1]/",
		"https://224.0.0.1/", "https://localhost/",
	} {
		if err := CheckDest(ctx, bad, false); !errors.Is(err, ErrDestination) {
			t.Errorf("%s: %v, want refused", bad, err)
		}
	}
	if err := CheckDest(ctx, "http://127.0.0.1:8080/cb", true); err != nil {
		t.Errorf("a private destination where allowed: %v", err)
	}
}

// The dial check refuses a connection to a private address even when the URL passed the
// check (a name that resolves elsewhere later).
func TestWebhookClientRefusesPrivateConnections(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {}))
	defer srv.Close()
	if _, err := Client(PublicAddr, 0).Post(srv.URL, "application/json", nil); !errors.Is(err, ErrDestination) {
		t.Fatalf("post to %s: %v", srv.URL, err)
	}
	res, err := Client(nil, 0).Post(srv.URL, "application/json", nil)
	if err != nil {
		t.Fatal(err)
	}
	_ = res.Body.Close()
}
