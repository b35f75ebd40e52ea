package ccserver

import "testing"

func TestPprofServesOnLoopbackOnly(t *testing.T) {
	for _, addr := range []string{"0.0.0.0:6062", "10.1.2.3:6062", ":6062", "no-port"} {
		if err := servePprof("test", addr); err == nil {
			t.Errorf("pprof accepted %q", addr)
		}
	}
	if err := servePprof("test", ""); err != nil {
		t.Errorf("no address: %v", err)
	}
	if err := servePprof("test", "127.0.0.1:0"); err != nil {
		t.Errorf("loopback: %v", err)
	}
}

func TestServeNeedsItsIdentityAndAddress(t *testing.T) {
	t.Setenv("CHAINCODE_ID", "")
	t.Setenv("CHAINCODE_SERVER_ADDRESS", "127.0.0.1:0")
	if err := Serve("test", nil); err == nil {
		t.Error("served without CHAINCODE_ID")
	}
}

func TestTLSFilesComeInPairs(t *testing.T) {
	t.Setenv("CHAINCODE_TLS_CERT", "/some/cert.pem")
	t.Setenv("CHAINCODE_TLS_KEY", "")
	if _, err := tlsFromEnv(); err == nil {
		t.Error("a certificate without its key was accepted")
	}
	t.Setenv("CHAINCODE_TLS_CERT", "")
	if p, err := tlsFromEnv(); err != nil || !p.Disabled {
		t.Errorf("no TLS files: %+v, %v", p, err)
	}
}
