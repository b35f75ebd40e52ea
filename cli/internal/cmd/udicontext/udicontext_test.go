package udicontext

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/udiledger/udiledger/cli/internal/cmdutil"
)

// run runs udi context with a configuration under dir and stdin.
func run(t *testing.T, dir, stdin string, args ...string) (string, string, int) {
	t.Helper()
	var out, errOut bytes.Buffer
	env := func(k string) string {
		if k == "XDG_CONFIG_HOME" {
			return dir
		}
		return ""
	}
	f := &cmdutil.Factory{IO: cmdutil.IOStreams{In: strings.NewReader(stdin), Out: &out, ErrOut: &errOut}, Getenv: env}
	cmd := NewCmdContext(f)
	cmd.SetArgs(args)
	cmd.SetOut(&out)
	cmd.SetErr(&errOut)
	cmd.SilenceUsage, cmd.SilenceErrors = true, true
	err := cmd.Execute()
	if err != nil {
		errOut.WriteString(err.Error())
	}
	return out.String(), errOut.String(), cmdutil.ExitCode(err)
}

func TestContexts(t *testing.T) {
	dir := t.TempDir()
	const key, key2 = "udi_secret_one", "udi_secret_two"
	steps := []struct {
		name   string
		stdin  string
		args   []string
		code   int
		stdout []string // each must appear
	}{
		{"add the first: it becomes current", key + "\n", []string{"add", "plant", "--gateway", "http://127.0.0.1:8080", "--api-key-stdin"}, 0, nil},
		{"add a second with the key as a flag", "", []string{"add", "hq", "--gateway", "https://gw.hq.example", "--api-key", key2}, 0, nil},
		{"list marks the current one and never prints a key", "", []string{"list"}, 0, []string{"*  ", "plant", "hq", "stored"}},
		{"use switches", "", []string{"use", "hq"}, 0, nil},
		{"list -o json", "", []string{"list", "-o", "json"}, 0, []string{`"name": "hq"`, `"current": true`, `"hasKey": true`}},
		{"use of an unknown context is exit 2", "", []string{"use", "nope"}, 2, nil},
		{"a gateway that is no URL is exit 2", "", []string{"add", "x", "--gateway", "gw", "--api-key", "k"}, 2, nil},
		{"no key is exit 2", "", []string{"add", "x", "--gateway", "http://a:1"}, 2, nil},
		{"an empty stdin is exit 2", "", []string{"add", "x", "--gateway", "http://a:1", "--api-key-stdin"}, 2, nil},
		{"a bad name is exit 2", "", []string{"add", "a b", "--gateway", "http://a:1", "--api-key", "k"}, 2, nil},
		{"remove the current one", "", []string{"remove", "hq"}, 0, nil},
		{"what is left", "", []string{"list"}, 0, []string{"plant"}},
	}
	for _, s := range steps {
		out, errOut, code := run(t, dir, s.stdin, s.args...)
		if code != s.code {
			t.Fatalf("%s: exit %d, want %d\n%s%s", s.name, code, s.code, out, errOut)
		}
		for _, w := range s.stdout {
			if !strings.Contains(out, w) {
				t.Fatalf("%s: output lacks %q:\n%s", s.name, w, out)
			}
		}
		if strings.Contains(out+errOut, key) || strings.Contains(out+errOut, key2) {
			t.Fatalf("%s: a key was printed:\n%s%s", s.name, out, errOut)
		}
	}
	path := filepath.Join(dir, "udi", "config.yaml")
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("config file: %v, mode %v; want 0600", err, fi.Mode())
	}
	b, _ := os.ReadFile(path)
	if !strings.Contains(string(b), key) || strings.Contains(string(b), key2) || strings.Contains(string(b), "current: hq") {
		t.Fatalf("config file after the steps:\n%s", b)
	}
}
