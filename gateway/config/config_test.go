package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
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
		{"an operator's key naming an identity is refused", strings.Replace(validFile, "role: hospital", "role: operator", 1), "Config.APIKeys[0].Identity"},
		{"a party's key without an identity is refused", strings.Replace(validFile, "    identity: hospital-admin\n", "", 1), "Config.APIKeys[0].Identity"},
		{"TLS without a key is refused", validFile + "tls: {cert: tls/gateway.pem}\n", "Config.TLS.Key"},
		{"a negative rate is refused", validFile + "limits: {rate: -1}\n", "Config.Limits.Rate"},
		{"a max_in_flight below -1 is refused", validFile + "limits: {max_in_flight: -2}\n", "Config.Limits.MaxInFlight"},
		{"a negative max_queued is refused", validFile + "limits: {max_queued: -1}\n", "Config.Limits.MaxQueued"},
		{"a max_queue_wait over a minute is refused", validFile + "limits: {max_queue_wait: 2m}\n", "Config.Limits.MaxQueueWait"},
		{"a max_queue_wait that is not a duration is refused", validFile + "limits: {max_queue_wait: soon}\n", "max_queue_wait"},
		{"a negative capture limit is refused", validFile + "capture_limit: -1\n", "Config.CaptureLimit"},
		{"a negative capture file size limit is refused", validFile + "capture_file_size_limit: -5\n", "Config.CaptureFileSizeLimit"},
		{"a negative notification interval is refused", validFile + "notify_interval: -1m\n", "Config.NotifyInterval"},
		{"a resolver root that is not https is refused", validFile + "resolver_root: http://id.example.org\n", "Config.ResolverRoot"},
		{"a console secret shorter than 32 characters is refused", validFile + "console_secret: too-short\n", "Config.ConsoleSecret"},
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

func TestNotificationSettings(t *testing.T) {
	p := writeFile(t, validFile+"notify_interval: 5m\nnotify_max_attempts: 3\nnotify_retry_base: 10s\nnotify_retry_max: 10m\nnotify_allow_private: true\n")
	c, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	if c.NotifyFile != filepath.Join(filepath.Dir(p), "state", "notifications.db") {
		t.Fatalf("notify_file %q, want notifications.db beside the outbox", c.NotifyFile)
	}
	if c.NotifyInterval != 5*time.Minute || c.NotifyMaxAttempts != 3 || c.NotifyRetryBase != 10*time.Second ||
		c.NotifyRetryMax != 10*time.Minute || !c.NotifyAllowPrivate {
		t.Fatalf("%+v", c)
	}
}

func TestHardeningSettings(t *testing.T) {
	t.Run("by default metrics are private, the document public, no TLS", func(t *testing.T) {
		c, err := Load(writeFile(t, validFile))
		if err != nil {
			t.Fatal(err)
		}
		if c.Metrics.IsPublic(false) || !c.Docs.IsPublic(true) || c.TLS != nil || c.Limits != (Limits{}) {
			t.Fatalf("defaults %+v", c)
		}
	})
	t.Run("the file's choices, TLS paths beside it, an operator's key without identity", func(t *testing.T) {
		p := writeFile(t, validFile+`  - {name: prometheus, hash: "sha256:1111111111111111111111111111111111111111111111111111111111111111", role: operator}
metrics: {public: true}
docs: {public: false}
limits: {rate: 20.5, burst: 40, concurrent: 8, streams: 2, max_in_flight: 64, max_queued: 128, max_queue_wait: 500ms}
write_timeout: 90s
capture_write_timeout: 15m
capture_limit: 500
capture_file_size_limit: 1048576
outbox_max_pending: 5000
outbox_max_wait: 6h
tls: {cert: tls/gateway.pem, key: tls/gateway.key, client_ca: /etc/udi/clients.pem}
resolver_root: https://id.udi.example
subscriptions: {file: subs/queries.db, allow_private_destinations: true, max_per_org: 10, max_attempts: 4, retry_base: 1s, retry_max: 1m}
`)
		c, err := Load(p)
		if err != nil {
			t.Fatal(err)
		}
		dir := filepath.Dir(p)
		if !c.Metrics.IsPublic(false) || c.Docs.IsPublic(true) || c.Limits != (Limits{Rate: 20.5, Burst: 40, Concurrent: 8, Streams: 2, MaxInFlight: 64, MaxQueued: 128, MaxQueueWait: 500 * time.Millisecond}) ||
			c.WriteTimeout != 90*time.Second || c.CaptureWriteTimeout != 15*time.Minute ||
			c.OutboxMaxPending != 5000 || c.OutboxMaxWait != 6*time.Hour || c.ResolverRoot != "https://id.udi.example" ||
			c.CaptureLimit != 500 || c.CaptureFileSizeLimit != 1<<20 {
			t.Fatalf("settings %+v", c)
		}
		if c.Subscriptions != (Subscriptions{File: filepath.Join(dir, "subs/queries.db"), AllowPrivateDestinations: true, MaxPerOrg: 10,
			MaxAttempts: 4, RetryBase: time.Second, RetryMax: time.Minute}) {
			t.Fatalf("subscriptions %+v", c.Subscriptions)
		}
		if *c.TLS != (TLS{Cert: filepath.Join(dir, "tls/gateway.pem"), Key: filepath.Join(dir, "tls/gateway.key"), ClientCA: "/etc/udi/clients.pem"}) {
			t.Fatalf("tls %+v", c.TLS)
		}
	})
}
