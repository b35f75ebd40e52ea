package cmdutil

import (
	"os"
	"path/filepath"
	"testing"
)

func envOf(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestResolvePicksEachOfURLAndKeyByPrecedence(t *testing.T) {
	dir := t.TempDir()
	cfgEnv := map[string]string{"XDG_CONFIG_HOME": dir}
	cfg, err := LoadConfig(envOf(cfgEnv))
	if err != nil {
		t.Fatal(err)
	}
	cfg.Put(Context{Name: "plant", Gateway: "http://plant:8080", APIKey: "k-plant"})
	cfg.Put(Context{Name: "hq", Gateway: "http://hq:8080", APIKey: "k-hq"})
	cfg.Current = "plant"
	if err := cfg.Save(); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name             string
		flags            Gateway
		env              map[string]string
		url, key, urlSrc string
	}{
		{"the current context", Gateway{}, nil, "http://plant:8080", "k-plant", "context plant"},
		{"the environment wins over the current context", Gateway{}, map[string]string{"UDI_GATEWAY": "http://env:1", "UDI_API_KEY": "k-env"}, "http://env:1", "k-env", "UDI_GATEWAY"},
		{"the environment's key with the context's own gateway named again", Gateway{}, map[string]string{"UDI_GATEWAY": "http://plant:8080"}, "http://plant:8080", "k-plant", "UDI_GATEWAY"},
		{"a --gateway flag with the context's key is what the user asked", Gateway{URL: "http://other:1"}, nil, "http://other:1", "k-plant", "--gateway"},
		{"--context wins over the environment", Gateway{Context: "hq"}, map[string]string{"UDI_GATEWAY": "http://env:1", "UDI_API_KEY": "k-env"}, "http://hq:8080", "k-hq", "context hq"},
		{"flags win over everything", Gateway{URL: "http://flag:1", APIKey: "k-flag", Context: "hq"}, map[string]string{"UDI_API_KEY": "k-env"}, "http://flag:1", "k-flag", "--gateway"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := map[string]string{"XDG_CONFIG_HOME": dir}
			for k, v := range tt.env {
				env[k] = v
			}
			g := tt.flags
			g.getenv = envOf(env)
			got, err := g.Resolve()
			if err != nil || got.URL != tt.url || got.APIKey != tt.key || got.URLFrom != tt.urlSrc {
				t.Fatalf("Resolve = %+v, %v; want %s %s from %s", got, err, tt.url, tt.key, tt.urlSrc)
			}
		})
	}
	t.Run("without configuration or environment: the default URL and no key", func(t *testing.T) {
		got, err := Gateway{getenv: envOf(nil)}.Resolve()
		if err != nil || got.URL != DefaultGateway || got.APIKey != "" {
			t.Fatalf("Resolve = %+v, %v", got, err)
		}
	})
	t.Run("a key and a gateway are never taken one from the environment, one from the current context", func(t *testing.T) {
		for _, env := range []map[string]string{{"UDI_API_KEY": "k-env"}, {"UDI_GATEWAY": "http://env:1"}} {
			for k, v := range cfgEnv {
				env[k] = v
			}
			got, err := Gateway{getenv: envOf(env)}.Resolve()
			if ExitCode(err) != ExitInvalid {
				t.Fatalf("with %v: Resolve = %+v, %v; want invalid input", env, got, err)
			}
		}
	})
	t.Run("an unknown --context is invalid input", func(t *testing.T) {
		_, err := Gateway{Context: "nope", getenv: envOf(cfgEnv)}.Resolve()
		if ExitCode(err) != ExitInvalid {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("the file is readable by its owner only", func(t *testing.T) {
		fi, err := os.Stat(filepath.Join(dir, "udi", "config.yaml"))
		if err != nil || fi.Mode().Perm() != 0o600 {
			t.Fatalf("stat: %v, mode %v", err, fi.Mode())
		}
	})
}
