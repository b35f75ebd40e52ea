package fabric

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"math/big"
	"net"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hyperledger/fabric-protos-go-apiv2/common"
	gwproto "github.com/hyperledger/fabric-protos-go-apiv2/gateway"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	"github.com/udiledger/udiledger/gateway/ledger"
)

// fakePeer is a peer gateway on a real TLS listener. hung makes it answer nothing, as a
// stopped peer process; otherwise it tells its height at once and answers a chaincode
// evaluate after slow (forever when slow < 0). An evaluate it is to forward to one of
// hungOrgs is never answered, as when that organisation's peer is stopped; one for deadOrgs
// is refused at once, as when that peer is gone.
type fakePeer struct {
	gwproto.UnimplementedGatewayServer
	hung     bool
	slow     time.Duration
	hungOrgs []string
	deadOrgs []string
}

func (f *fakePeer) Evaluate(ctx context.Context, req *gwproto.EvaluateRequest) (*gwproto.EvaluateResponse, error) {
	if slices.ContainsFunc(req.GetTargetOrganizations(), func(o string) bool { return slices.Contains(f.deadOrgs, o) }) {
		return nil, status.Error(codes.Unavailable, "no peers available to evaluate chaincode udi in channel udi")
	}
	forwardedToHung := slices.ContainsFunc(req.GetTargetOrganizations(), func(o string) bool { return slices.Contains(f.hungOrgs, o) })
	if f.hung || forwardedToHung {
		<-ctx.Done()
		return nil, ctx.Err()
	}
	payload := []byte("answer")
	if bytes.Contains(req.GetProposedTransaction().GetProposalBytes(), []byte("GetChainInfo")) {
		b, err := proto.Marshal(&common.BlockchainInfo{Height: 7})
		if err != nil {
			return nil, err
		}
		payload = b
	} else if err := wait(ctx, f.slow); err != nil {
		return nil, err
	}
	return &gwproto.EvaluateResponse{Result: &peer.Response{Status: 200, Payload: payload}}, nil
}

func (f *fakePeer) Endorse(ctx context.Context, _ *gwproto.EndorseRequest) (*gwproto.EndorseResponse, error) {
	<-ctx.Done() // only hung endorsements are asked of it
	return nil, ctx.Err()
}

func wait(ctx context.Context, d time.Duration) error {
	if d < 0 {
		<-ctx.Done()
		return ctx.Err()
	}
	return sleep(ctx, d)
}

// selfSigned makes a key and a certificate for name, signed by itself, as PEM.
func selfSigned(t *testing.T, name string) (certPEM, keyPEM []byte) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: name}, DNSNames: []string{name},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true,
		KeyUsage:    x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	pk, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: pk})
}

// servePeer starts f on a loopback listener and returns the Peer to configure.
func servePeer(t *testing.T, f *fakePeer) Peer {
	t.Helper()
	certPEM, keyPEM := selfSigned(t, "peer0.test")
	pair, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		t.Fatal(err)
	}
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := grpc.NewServer(grpc.Creds(credentials.NewServerTLSFromCert(&pair)))
	gwproto.RegisterGatewayServer(srv, f)
	go func() { _ = srv.Serve(lis) }()
	t.Cleanup(srv.Stop)
	return Peer{Address: lis.Addr().String(), TLSCACert: certPEM, ServerName: "peer0.test"}
}

const hungTestOrg = "ManufacturerOrgMSP"

// hungTestClient is a client of one organisation whose peer is f.
func hungTestClient(t *testing.T, f *fakePeer, tune func(*Config)) (*Client, *ledger.Identity) {
	t.Helper()
	cfg := Config{ChannelID: "udi", ChaincodeName: "udi", Peers: map[string]Peer{hungTestOrg: servePeer(t, f)},
		HungAfter: 100 * time.Millisecond, PeerWait: 300 * time.Millisecond, RetryBackoff: 10 * time.Millisecond}
	if tune != nil {
		tune(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	cert, key := selfSigned(t, "admin")
	return c, &ledger.Identity{Name: "admin", MSPID: hungTestOrg, Certificate: cert, PrivateKey: key}
}

// callerContext is the caller's own deadline, which a hung peer must not use up.
func callerContext(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// wantHung checks that err is an unavailable error naming org's peer, returned while the
// caller's context still had time.
func wantHung(t *testing.T, ctx context.Context, err error, org string) {
	t.Helper()
	if ctx.Err() != nil {
		t.Fatalf("the call ended with the caller's deadline: %v", err)
	}
	if peers, _ := Missing(err); !Unavailable(err) || !slices.Equal(peers, []string{org}) {
		t.Fatalf("%v: want unavailable naming the peer of %s (missing %v)", err, org, peers)
	}
	if !strings.Contains(err.Error(), "the peer of "+org) {
		t.Fatalf("error %q does not name the peer of %s", err, org)
	}
}

func TestAReadThroughAHungPeerFailsNamingIt(t *testing.T) {
	c, id := hungTestClient(t, &fakePeer{hung: true}, nil)
	ctx := callerContext(t)
	_, err := c.Evaluate(ctx, ledger.Proposal{Identity: id, Function: "query:Unit", Args: []string{"x"}})
	wantHung(t, ctx, err, hungTestOrg)
	if !c.isSilent(hungTestOrg) {
		t.Error("the hung peer is not remembered as silent: catch-up would wait for it again")
	}
}

func TestAReadThroughAnotherOrganisationsHungPeerNamesThatPeer(t *testing.T) {
	const other = "DistributorOrgMSP"
	c, id := hungTestClient(t, &fakePeer{hungOrgs: []string{other}}, func(cfg *Config) {
		cfg.Peers[other] = Peer{Address: "127.0.0.1:1"} // reached through the manufacturer's peer
	})
	ctx := callerContext(t)
	_, err := c.Evaluate(ctx, ledger.Proposal{Identity: id, Function: "query:Unit", Args: []string{"x"}, EndorsingOrgs: []string{other}})
	wantHung(t, ctx, err, other)
	if c.isSilent(hungTestOrg) {
		t.Error("the client's own live peer is remembered as silent")
	}
}

func TestAWriteThroughAHungPeerFailsNamingIt(t *testing.T) {
	c, id := hungTestClient(t, &fakePeer{hung: true}, nil)
	ctx := callerContext(t)
	_, err := c.Submit(ctx, ledger.Proposal{Identity: id, Function: "unit:Commission", Args: []string{"{}"}})
	wantHung(t, ctx, err, hungTestOrg)
}

func TestASlowAnswerOfALivePeerIsAwaited(t *testing.T) {
	c, id := hungTestClient(t, &fakePeer{slow: 500 * time.Millisecond}, nil) // five HungAfters
	out, err := c.Evaluate(callerContext(t), ledger.Proposal{Identity: id, Function: "query:Unit", Args: []string{"x"}})
	if err != nil || string(out) != "answer" {
		t.Fatalf("Evaluate = %q, %v; want the slow answer", out, err)
	}
	if c.isSilent(hungTestOrg) {
		t.Error("a live peer is remembered as silent")
	}
}

func TestAnEvaluateEndsAtItsOwnDeadlineNamingThePeer(t *testing.T) {
	c, id := hungTestClient(t, &fakePeer{slow: -1}, func(cfg *Config) { cfg.EvaluateTimeout = 400 * time.Millisecond })
	ctx := callerContext(t)
	_, err := c.Evaluate(ctx, ledger.Proposal{Identity: id, Function: "query:Unit", Args: []string{"x"}})
	wantHung(t, ctx, err, hungTestOrg)
	var hung *hungError
	if !errors.As(err, &hung) || !strings.Contains(hung.why, "deadline") {
		t.Fatalf("%v: want the attempt's own deadline", err)
	}
}

func TestTheCallersDeadlineIsKept(t *testing.T) {
	c, id := hungTestClient(t, &fakePeer{slow: -1}, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	_, err := c.Evaluate(ctx, ledger.Proposal{Identity: id, Function: "query:Unit", Args: []string{"x"}})
	var hung *hungError
	if err == nil || errors.As(err, &hung) {
		t.Fatalf("%v: want the caller's deadline, not a hung peer (the peer tells its height)", err)
	}
}

func TestAWriteIsNotPlannedWithASilentPeer(t *testing.T) {
	c := fiveOrgClient(t)
	if got, silent := c.withoutSilent("ManufacturerOrgMSP"); got != nil || silent != nil {
		t.Fatalf("no peer silent: endorsers %v (%v silent), want the gateway's plan (nil)", got, silent)
	}
	c.setSilent("PlatformOrgMSP")
	c.setSilent("ManufacturerOrgMSP") // the submitter's own is never left out
	want := []string{"DistributorOrgMSP", "HospitalOrgMSP", "ManufacturerOrgMSP", "RegulatorOrgMSP"}
	if got, silent := c.withoutSilent("ManufacturerOrgMSP"); !slices.Equal(got, want) || !slices.Equal(silent, []string{"PlatformOrgMSP"}) {
		t.Fatalf("the platform's peer silent: endorsers %v (%v silent), want %v", got, silent, want)
	}
}

func TestAPeerThatRefusesIsNotSilent(t *testing.T) {
	const hung, dead = "PlatformOrgMSP", "RegulatorOrgMSP"
	c, id := hungTestClient(t, &fakePeer{hungOrgs: []string{hung}, deadOrgs: []string{dead}}, func(cfg *Config) {
		cfg.Peers[hung], cfg.Peers[dead] = Peer{Address: "127.0.0.1:1"}, Peer{Address: "127.0.0.1:2"}
	})
	gw, err := c.gateway(id)
	if err != nil {
		t.Fatal(err)
	}
	got := c.silentPeers(callerContext(t), gw, hungTestOrg, []string{hung, dead})
	if !slices.Equal(got, []string{hung}) {
		t.Fatalf("silent peers %v, want the hung one alone (a refusal is an answer: the gateway plans around a dead peer)", got)
	}
	if c.isSilent(dead) {
		t.Error("a dead peer is remembered as silent: writes would be endorsed without it for no reason")
	}
}
