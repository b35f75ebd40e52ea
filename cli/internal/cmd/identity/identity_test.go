package identity_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/udiledger/udiledger/chaincode/orgs"
	"github.com/udiledger/udiledger/cli/internal/cmd/identity"
	"github.com/udiledger/udiledger/cli/internal/cmd/root"
	"github.com/udiledger/udiledger/cli/internal/cmdutil"
	"github.com/udiledger/udiledger/gateway/ledger/localmsp"
	"github.com/udiledger/udiledger/network/fabricca/fabriccatest"
)

func testFactory() *cmdutil.Factory {
	return &cmdutil.Factory{
		IO:     cmdutil.IOStreams{In: &bytes.Buffer{}, Out: &bytes.Buffer{}, ErrOut: &bytes.Buffer{}},
		Getenv: func(string) string { return "" },
	}
}

func execute(cmd *cobra.Command, args []string) error {
	cmd.SetArgs(args)
	cmd.SetOut(&bytes.Buffer{})
	cmd.SetErr(&bytes.Buffer{})
	cmd.SilenceUsage, cmd.SilenceErrors = true, true
	return cmd.Execute()
}

func TestFlagsAreChecked(t *testing.T) {
	type newCmd func(*cmdutil.Factory, func(*identity.Options) error) *cobra.Command
	tests := []struct {
		name     string
		cmd      newCmd
		give     []string
		want     identity.Options
		wantCode int
	}{
		{
			name: "register takes org, name, role, secret and max enrollments",
			cmd:  identity.NewCmdRegister,
			give: []string{"--org", "HospitalOrg", "--name", "nurse1", "--role", "hospital", "--secret", "s", "--max-enrollments", "2", "-o", "json"},
			want: identity.Options{Org: "HospitalOrg", Name: "nurse1", Role: "hospital", Secret: "s", MaxEnrollments: 2, Format: "json"},
		},
		{name: "register needs a known role", cmd: identity.NewCmdRegister, give: []string{"--org", "HospitalOrg", "--name", "n", "--role", "surgeon"}, wantCode: cmdutil.ExitInvalid},
		{name: "register needs a name", cmd: identity.NewCmdRegister, give: []string{"--org", "HospitalOrg", "--role", "hospital"}, wantCode: cmdutil.ExitInvalid},
		{name: "register needs an organisation", cmd: identity.NewCmdRegister, give: []string{"--name", "n", "--role", "hospital"}, wantCode: cmdutil.ExitInvalid},
		{name: "register refuses negative max enrollments", cmd: identity.NewCmdRegister, give: []string{"--org", "O", "--name", "n", "--role", "hospital", "--max-enrollments", "-1"}, wantCode: cmdutil.ExitInvalid},
		{
			name: "enroll takes org, name, secret and wallet",
			cmd:  identity.NewCmdEnroll,
			give: []string{"--org", "HospitalOrgMSP", "--name", "nurse1", "--secret", "s", "--wallet", "/tmp/w", "--run-dir", "/tmp/r"},
			want: identity.Options{Org: "HospitalOrgMSP", Name: "nurse1", Secret: "s", WalletDir: "/tmp/w", RunDir: "/tmp/r", Format: "table"},
		},
		{name: "enroll needs a secret", cmd: identity.NewCmdEnroll, give: []string{"--org", "HospitalOrg", "--name", "nurse1"}, wantCode: cmdutil.ExitInvalid},
		{name: "list takes an organisation", cmd: identity.NewCmdList, give: []string{"--org", "HospitalOrg"}, want: identity.Options{Org: "HospitalOrg", Format: "table"}},
		{name: "list refuses an unknown format", cmd: identity.NewCmdList, give: []string{"--org", "HospitalOrg", "-o", "yaml"}, wantCode: cmdutil.ExitInvalid},
		{name: "arguments are refused", cmd: identity.NewCmdList, give: []string{"--org", "HospitalOrg", "extra"}, wantCode: cmdutil.ExitFailure},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got *identity.Options
			err := execute(tt.cmd(testFactory(), func(o *identity.Options) error { got = o; return nil }), tt.give)
			if code := cmdutil.ExitCode(err); code != tt.wantCode {
				t.Fatalf("exit code %d (%v), want %d", code, err, tt.wantCode)
			}
			if tt.wantCode != 0 {
				return
			}
			got.IO = cmdutil.IOStreams{}
			if *got != tt.want {
				t.Errorf("options = %+v, want %+v", *got, tt.want)
			}
		})
	}
}

func TestWithoutCAsTheCommandSaysHowToStartThem(t *testing.T) {
	err := execute(identity.NewCmdList(testFactory(), nil), []string{"--org", "HospitalOrg", "--run-dir", t.TempDir()})
	if cmdutil.ExitCode(err) != cmdutil.ExitFailure || !strings.Contains(fmtErr(err), "udi network up") {
		t.Fatalf("error = %v (exit %d)", err, cmdutil.ExitCode(err))
	}
}

func TestUdiHasTheIdentityCommands(t *testing.T) {
	// The root command builds the whole udi tree, the CA client beside fabric-gateway.
	cmd := root.NewCmdRoot(testFactory(), "test")
	for _, name := range []string{"register", "enroll", "list"} {
		if sub, _, err := cmd.Find([]string{"identity", name}); err != nil || sub.Name() != name {
			t.Errorf("udi identity %s not found: %v", name, err)
		}
	}
}

// TestAgainstARealCA runs the commands against a real fabric-ca-server.
func TestAgainstARealCA(t *testing.T) {
	_, cfg := fabriccatest.Start(t, fabriccatest.OrgAt(orgs.Hospital, "127.0.103.23"))
	run := func(t *testing.T, newCmd func(*cmdutil.Factory, func(*identity.Options) error) *cobra.Command, args ...string) (string, string, error) {
		t.Helper()
		f := testFactory()
		err := execute(newCmd(f, nil), append([]string{"--run-dir", cfg.RunDir}, args...))
		return f.IO.Out.(*bytes.Buffer).String(), f.IO.ErrOut.(*bytes.Buffer).String(), err
	}

	t.Run("register prints the secret", func(t *testing.T) {
		out, _, err := run(t, identity.NewCmdRegister, "--org", "HospitalOrg", "--name", "dr.li", "--role", "hospital", "--secret", "pw-dr.li")
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(out, "dr.li") || !strings.Contains(out, "hospital") || !strings.Contains(out, "pw-dr.li") {
			t.Errorf("output:\n%s", out)
		}
	})

	t.Run("register of the same name again is rejected", func(t *testing.T) {
		_, _, err := run(t, identity.NewCmdRegister, "--org", "HospitalOrg", "--name", "dr.li", "--role", "hospital")
		if code := cmdutil.ExitCode(err); code != cmdutil.ExitRejected || !strings.Contains(fmtErr(err), "already registered") {
			t.Fatalf("exit %d: %v", code, err)
		}
	})

	t.Run("enroll stores the identity in the wallet with its role", func(t *testing.T) {
		out, msg, err := run(t, identity.NewCmdEnroll, "--org", "HospitalOrgMSP", "--name", "dr.li", "--secret", "pw-dr.li", "-o", "json")
		if err != nil {
			t.Fatal(err)
		}
		var got struct {
			Name, MSPID, Role, Certificate, PrivateKey string
		}
		if err := json.Unmarshal([]byte(out), &got); err != nil {
			t.Fatalf("%v: %s", err, out)
		}
		if got.Name != "dr.li" || got.Role != "hospital" || msg != "" {
			t.Errorf("output %s, stderr %q", out, msg)
		}
		if !strings.HasPrefix(got.Certificate, filepath.Join(cfg.RunDir, "wallet")) {
			t.Errorf("certificate %s is not in the default wallet", got.Certificate)
		}
		certPEM, err := os.ReadFile(got.Certificate)
		if err != nil {
			t.Fatal(err)
		}
		cert, err := localmsp.ParseCertificate(certPEM)
		if err != nil {
			t.Fatal(err)
		}
		if attrs, _, _ := localmsp.Attributes(cert); attrs["role"] != "hospital" {
			t.Errorf("stored certificate role = %q", attrs["role"])
		}
		keyPEM, err := os.ReadFile(got.PrivateKey)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := localmsp.ParsePrivateKey(keyPEM); err != nil {
			t.Errorf("stored key: %v", err)
		}
	})

	t.Run("enroll with a bad secret is rejected and names the failure", func(t *testing.T) {
		out, _, err := run(t, identity.NewCmdEnroll, "--org", "HospitalOrg", "--name", "dr.li", "--secret", "wrong")
		if code := cmdutil.ExitCode(err); code != cmdutil.ExitRejected || !strings.Contains(fmtErr(err), "Authentication failure") {
			t.Fatalf("exit %d: %v", code, err)
		}
		if out != "" {
			t.Errorf("stdout = %q, want nothing", out)
		}
	})

	t.Run("list shows the person and their role", func(t *testing.T) {
		out, _, err := run(t, identity.NewCmdList, "--org", "HospitalOrg")
		if err != nil {
			t.Fatal(err)
		}
		var line string
		for _, l := range strings.Split(out, "\n") {
			if strings.HasPrefix(l, "dr.li ") {
				line = l
			}
		}
		if f := strings.Fields(line); len(f) != 4 || f[1] != "client" || f[2] != "hospital" || f[3] != "unlimited" {
			t.Errorf("list:\n%s", out)
		}
	})

	t.Run("an organisation without a CA is invalid input", func(t *testing.T) {
		_, _, err := run(t, identity.NewCmdList, "--org", "NoSuchOrg")
		if code := cmdutil.ExitCode(err); code != cmdutil.ExitInvalid || !strings.Contains(fmtErr(err), "HospitalOrg") {
			t.Fatalf("exit %d: %v", code, err)
		}
	})
}

func fmtErr(err error) string {
	if err == nil {
		return ""
	}
	var ee *cmdutil.ExitError
	if errors.As(err, &ee) {
		return ee.Err.Error()
	}
	return err.Error()
}
