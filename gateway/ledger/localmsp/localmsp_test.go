package localmsp_test

import (
	"bytes"
	"testing"
	"time"

	"github.com/hyperledger/fabric-chaincode-go/v2/pkg/attrmgr"

	"github.com/udiledger/udiledger/gateway/ledger/localmsp"
)

func TestOpenCreatesTheDefaultOrganisations(t *testing.T) {
	s, err := localmsp.Open(t.TempDir(), localmsp.DefaultOrgs())
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ name, msp, role string }{
		{"ManufacturerOrg/admin", "ManufacturerOrgMSP", "manufacturer"},
		{"DistributorOrg/admin", "DistributorOrgMSP", "distributor"},
		{"PlatformOrg/admin", "PlatformOrgMSP", "platform"},
		{"HospitalOrg/admin", "HospitalOrgMSP", "hospital"},
		{"RegulatorOrg/admin", "RegulatorOrgMSP", "regulator"},
	}
	v, err := localmsp.NewVerifier(s.MSPs())
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		t.Run(tt.name+" has a certificate with its role, as Fabric CA writes it", func(t *testing.T) {
			id, err := s.Identity(tt.name)
			if err != nil {
				t.Fatal(err)
			}
			if id.MSPID != tt.msp {
				t.Fatalf("MSP ID = %s, want %s", id.MSPID, tt.msp)
			}
			cert, err := v.Validate(id.MSPID, id.Certificate, time.Now())
			if err != nil {
				t.Fatal(err)
			}
			attrs, err := attrmgr.New().GetAttributesFromCert(cert)
			if err != nil {
				t.Fatal(err)
			}
			if role, ok, _ := attrs.Value("role"); !ok || role != tt.role {
				t.Fatalf("role = %q, want %q", role, tt.role)
			}
			if _, err := localmsp.ParsePrivateKey(id.PrivateKey); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestOpenIsIdempotent(t *testing.T) {
	dir := t.TempDir()
	first, err := localmsp.Open(dir, localmsp.DefaultOrgs())
	if err != nil {
		t.Fatal(err)
	}
	second, err := localmsp.Open(dir, localmsp.DefaultOrgs())
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range first.Identities() {
		a, _ := first.Identity(name)
		b, err := second.Identity(name)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a.Certificate, b.Certificate) || !bytes.Equal(a.PrivateKey, b.PrivateKey) {
			t.Fatalf("%s changed on reopening", name)
		}
	}
	if len(second.Identities()) != 5 {
		t.Fatalf("identities = %v", second.Identities())
	}
}

func TestAddUser(t *testing.T) {
	s, err := localmsp.Open(t.TempDir(), localmsp.DefaultOrgs())
	if err != nil {
		t.Fatal(err)
	}
	id, err := s.AddUser("HospitalOrg", localmsp.UserSpec{Name: "nurse", Attrs: map[string]string{"role": "pharmacy"}})
	if err != nil {
		t.Fatal(err)
	}
	cert, err := localmsp.ParseCertificate(id.Certificate)
	if err != nil {
		t.Fatal(err)
	}
	attrs, _, err := localmsp.Attributes(cert)
	if err != nil || attrs["role"] != "pharmacy" || attrs["hf.EnrollmentID"] != "nurse" {
		t.Fatalf("attrs = %v, %v", attrs, err)
	}
	if _, err := s.AddUser("NoOrg", localmsp.UserSpec{Name: "x"}); err == nil {
		t.Fatal("a user of an unknown organisation was created")
	}
}

func TestSignatures(t *testing.T) {
	s, err := localmsp.Open(t.TempDir(), localmsp.DefaultOrgs())
	if err != nil {
		t.Fatal(err)
	}
	id, _ := s.Identity("RegulatorOrg/admin")
	key, _ := localmsp.ParsePrivateKey(id.PrivateKey)
	cert, _ := localmsp.ParseCertificate(id.Certificate)
	sig, err := localmsp.Sign(key, []byte("proposal"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		msg  []byte
		ok   bool
	}{
		{"a signature verifies over its message", []byte("proposal"), true},
		{"a signature does not verify over another message", []byte("proposal!"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := localmsp.VerifySignature(cert, tt.msg, sig); (err == nil) != tt.ok {
				t.Fatalf("err = %v", err)
			}
		})
	}
}
