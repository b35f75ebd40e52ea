package identity_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/udiledger/udiledger/chaincode/model"
	"github.com/udiledger/udiledger/gateway/identity"
	"github.com/udiledger/udiledger/gateway/ledger/localmsp"
)

// The tests against a real Fabric CA server are in network/fabricca/caclient, beside the
// local network's CAs they start.

func TestRequestsAreCheckedBeforeTheCA(t *testing.T) {
	// No server listens here: a request that reached the network would fail differently.
	c, err := identity.New(identity.CA{
		Org: "HospitalOrg", MSPID: "HospitalOrgMSP", Name: "ca-hospitalorg", URL: "https://127.0.103.250:7054",
		TLSCACert: testCertPEM(t), Registrar: identity.Registrar{Name: "registrar", Secret: "x"},
	}, identity.Wallet{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx := context.Background()
	tests := []struct {
		name string
		call func() error
	}{
		{"an unknown role", func() error {
			_, err := c.Register(ctx, identity.Registration{Name: "x", Role: "surgeon"})
			return err
		}},
		{"an empty name", func() error {
			_, err := c.Register(ctx, identity.Registration{Role: model.RoleHospital})
			return err
		}},
		{"a name that is a path", func() error {
			_, err := c.Enroll(ctx, "../admin", "s")
			return err
		}},
		{"an empty secret", func() error {
			_, err := c.Enroll(ctx, "nurse1", "")
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name+" is invalid", func(t *testing.T) {
			if err := tt.call(); !errors.Is(err, identity.ErrInvalid) {
				t.Fatalf("error = %v, want ErrInvalid", err)
			}
		})
	}
	t.Run("an unreachable CA is named in the error", func(t *testing.T) {
		_, err := c.Register(ctx, identity.Registration{Name: "x", Role: model.RoleHospital})
		if err == nil || errors.Is(err, identity.ErrInvalid) || !strings.Contains(err.Error(), "127.0.103.250:7054") {
			t.Fatalf("error = %v", err)
		}
	})
	t.Run("a cancelled context stops the call", func(t *testing.T) {
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		if _, err := c.List(cctx); !errors.Is(err, context.Canceled) {
			t.Fatalf("error = %v, want context.Canceled", err)
		}
	})
}

func TestWalletWithoutTheIdentitySaysNotEnrolled(t *testing.T) {
	_, err := identity.Wallet{Dir: t.TempDir()}.Get("HospitalOrgMSP", "nobody")
	if !errors.Is(err, identity.ErrNotEnrolled) {
		t.Fatalf("error = %v, want ErrNotEnrolled", err)
	}
}

func testCertPEM(t *testing.T) []byte {
	t.Helper()
	// Any CA certificate will do for a CA that is never reached.
	s, err := localmsp.Open(t.TempDir(), localmsp.DefaultOrgs())
	if err != nil {
		t.Fatal(err)
	}
	return s.MSPs()[0].RootCerts[0]
}
