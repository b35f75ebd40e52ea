package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const validFile = `
listen: 127.0.0.1:8080
backend: fabric
outbox: state/outbox.db
fabric:
  channel: udi
  chaincode: udi
  events_identity: hospital-admin
  peers:
    HospitalOrgMSP: {address: "127.0.0.5:7051", tls_ca_cert: tls/ca.pem}
identities:
  - {name: hospital-admin, msp_id: HospitalOrgMSP, cert: msp/cert.pem, key: msp/key.pem}
api_keys:
  - name: pharmacy-desk
    hash: sha256:0000000000000000000000000000000000000000000000000000000000000000
    identity: hospital-admin
    role: hospital
`

func writeFile(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "gateway.yaml")
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestLoadResolvesPathsBesideTheFile(t *testing.T) {
	p := writeFile(t, validFile)
	c, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Dir(p)
	if c.Outbox != filepath.Join(dir, "state/outbox.db") || c.Identities[0].Cert != filepath.Join(dir, "msp/cert.pem") ||
		c.Fabric.Peers["HospitalOrgMSP"].TLSCACert != filepath.Join(dir, "tls/ca.pem") {
		t.Fatalf("paths not resolved beside the file: %+v", c)
	}
}

func TestLoadRejectsBadFiles(t *testing.T) {
	tests := []struct {
		name string
		give string
		want string
	}{
		{"an unknown key is refused", validFile + "colour: blue\n", "colour"},
		{"a bad backend is refused", strings.Replace(validFile, "backend: fabric", "backend: mainframe", 1), "Config.Backend"},
		{"a key hash that is not SHA-256 is refused", strings.Replace(validFile, "sha256:0000000000000000000000000000000000000000000000000000000000000000", "md5:abc", 1), "Config.APIKeys[0].Hash"},
		{"a key naming a missing identity is refused", strings.Replace(validFile, "    identity: hospital-admin", "    identity: nobody", 1), `identity "nobody"`},
		{"an identity without a peer for its organisation is refused", strings.Replace(validFile, "msp_id: HospitalOrgMSP", "msp_id: PlatformOrgMSP", 1), "PlatformOrgMSP"},
		{"an unknown role is refused", strings.Replace(validFile, "role: hospital", "role: king", 1), "Config.APIKeys[0].Role"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(writeFile(t, tt.give))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Load() error = %v, want one mentioning %q", err, tt.want)
			}
		})
	}
}
