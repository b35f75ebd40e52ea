package console_test

import (
	"encoding/base64"
	"os"
	"testing"
)

// tempDir holds the package's shared ledger; TestMain removes it.
var tempDir string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "console-test-")
	if err != nil {
		panic(err)
	}
	tempDir = dir
	code := m.Run()
	if played != nil {
		played.srv.Close()
		_ = played.led.Close()
	}
	_ = os.RemoveAll(dir)
	os.Exit(code)
}

func osTempDir() (string, error) { return os.MkdirTemp(tempDir, "ledger-") }

func base64URL(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
