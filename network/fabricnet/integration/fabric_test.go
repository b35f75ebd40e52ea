package integration

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hyperledger/fabric-gateway/pkg/client"
	"github.com/hyperledger/fabric-gateway/pkg/identity"
	"github.com/hyperledger/fabric-protos-go-apiv2/common"
	"github.com/hyperledger/fabric-protos-go-apiv2/msp"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/protobuf/proto"

	"github.com/udiledger/udiledger/chaincode/gs1"
	"github.com/udiledger/udiledger/chaincode/model"
	"github.com/udiledger/udiledger/chaincode/orgs"
	"github.com/udiledger/udiledger/gateway/ledger"
	"github.com/udiledger/udiledger/gateway/ledger/fabric"
	"github.com/udiledger/udiledger/network/fabricca"
	"github.com/udiledger/udiledger/network/fabricca/caclient"
	"github.com/udiledger/udiledger/network/fabricnet"
	"github.com/udiledger/udiledger/network/fabricnet/fabricnettest"
)

// The organisations of the network, by MSP ID.
const (
	mfr = orgs.Manufacturer
	dst = orgs.Distributor
	plt = orgs.Platform
	hsp = orgs.Hospital
	reg = orgs.Regulator
)

// addressPrefix is this package's own loopback /24 (fabricnet's test has 127.0.100).
const addressPrefix = "127.0.102"

// batchTimeout is the orderers' BatchTimeout: short, so that a lone submit takes ~0.1 s.
const batchTimeout = 100 * time.Millisecond

// suite is one network and the Fabric backend acting as each organisation's admin.
type suite struct {
	ctx    context.Context
	net    *fabricnet.Network
	cfg    fabricnet.Config
	client *fabric.Client
	ids    map[string]*ledger.Identity // admin identities by MSP ID
}

// TestFabric brings one network up from nothing and runs every check against it: key-level
// endorsement, chaincode error codes, private data, throughput and (when the demo package
// exists) the demo story compared with the embedded ledger. The network is torn down in
// t.Cleanup.
func TestFabric(t *testing.T) {
	start := time.Now()
	n, cfg := fabricnettest.Start(t, addressPrefix, func(c *fabricnet.Config) { c.BatchTimeout = batchTimeout })
	t.Logf("bring-up from nothing, chaincode build included: %s", time.Since(start).Round(time.Millisecond))
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Minute)
	t.Cleanup(cancel)
	s := newSuite(t, n, cfg)
	s.ctx = ctx
	s.logMemory(t, "at rest")

	for _, st := range subtests {
		if !t.Run(st.name, func(t *testing.T) { st.run(s, t) }) && st.required {
			t.Fatalf("%s failed: later checks depend on it", st.name)
		}
	}
	s.logMemory(t, "after the checks")
}

// subtests run in order on one network; a required one failing stops the rest.
var subtests = []struct {
	name     string
	run      func(*suite, *testing.T)
	required bool
}{
	{name: "the demo story, through the gateway on Fabric, ends as on the embedded ledger", run: (*suite).demo},
	{name: "the participants, a product and a lot are registered", run: (*suite).seed, required: true},
	{name: "a unit cannot change hands without its owner's peer", run: (*suite).keyLevelEndorsement},
	{name: "a commission of 10,000 codes commits in one transaction and reads back", run: (*suite).largeCommission, required: true},
	{name: "the reference chaincode deploys beside ours, once, and answers through the Fabric backend", run: (*suite).reference},
	{name: "udi bench measures every phase beside the reference chaincode", run: (*suite).benchSmoke},
	{name: "chaincode error codes reach the caller", run: (*suite).errorCodes},
	{name: "crafted bookmarks and arbitrary arguments neither read outside a scan nor stop a chaincode server", run: (*suite).craftedInput},
	{name: "every organisation may do and read what ADR 012 says, and nothing else", run: (*suite).authorisationMatrix},
	{name: "a recall's returns, re-work and destruction of units and lot-level stock reach 100 %", run: (*suite).returns},
	{name: "a proposal dated a day back or ahead is refused by every other organisation's peer", run: (*suite).backdated},
	{name: "dispense details stay with the hospital and the regulator, and are erased by purge", run: (*suite).privateData},
	{name: "chaincode events stream live and replay from a checkpoint block", run: (*suite).events},
	{name: "a burst of concurrent submits commits", run: (*suite).throughput},
	{name: "the scope of a recall of a lot of 100,000 units counts every unit", run: (*suite).largeScope},
}

func newSuite(t testing.TB, n *fabricnet.Network, cfg fabricnet.Config) *suite {
	t.Helper()
	s := &suite{net: n, cfg: cfg, ids: map[string]*ledger.Identity{}}
	// People act with certificates from their organisation's Fabric CA carrying their role
	// attribute, registered and enrolled through gateway/identity (a client of the CA's REST
	// API); the chaincode refuses actions of identities without one.
	cas, err := fabricca.Load(cfg.RunDir)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range orgs.All() {
		m, role := o.MSPID, o.Role
		ca, ok := fabricca.Find(cas, m)
		if !ok {
			t.Fatalf("the network has no CA of %s", m)
		}
		c, err := caclient.New(ca, filepath.Join(cfg.RunDir, "wallet"))
		if err != nil {
			t.Fatal(err)
		}
		if s.ids[m], err = c.Person(context.Background(), "it-"+string(role), role); err != nil {
			t.Fatalf("enrol a %s at %s: %v", role, ca.Org, err)
		}
		_ = c.Close()
	}
	ccfg, err := n.ClientConfig()
	if err != nil {
		t.Fatal(err)
	}
	ccfg.EventsIdentity = s.ids[reg]
	c, err := fabric.New(ccfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	s.client = c
	return s
}

// logMemory logs the resident memory of every process of the network.
func (s *suite) logMemory(t *testing.T, when string) {
	t.Helper()
	st, err := fabricnet.Status(s.ctx, s.cfg)
	if err != nil {
		t.Errorf("status: %v", err)
		return
	}
	total := 0
	for _, p := range st.Processes {
		t.Logf("rss %s: %-34s %-9s %6.1f MiB", when, p.Name, p.Kind, float64(p.RSSKiB)/1024)
		total += p.RSSKiB
	}
	t.Logf("rss %s: all %d processes %.1f MiB", when, len(st.Processes), float64(total)/1024)
}

// submit runs fn as msp; endorsers, when given, are the only organisations asked to endorse.
func (s *suite) submit(msp, fn string, arg any, endorsers ...string) (*ledger.Result, error) {
	return s.client.Submit(s.ctx, ledger.Proposal{Identity: s.ids[msp], Function: fn, Args: jsonArgs(arg), EndorsingOrgs: endorsers})
}

func (s *suite) must(t testing.TB, msp, fn string, arg any) *ledger.Result {
	t.Helper()
	res, err := s.submit(msp, fn, arg)
	if err != nil {
		t.Fatalf("%s as %s: %v", fn, msp, err)
	}
	return res
}

// evaluate runs a read as msp and decodes the answer into out (when not nil).
func (s *suite) evaluate(msp, fn string, out any, args ...string) error {
	b, err := s.client.Evaluate(s.ctx, ledger.Proposal{Identity: s.ids[msp], Function: fn, Args: args})
	if err != nil {
		return err
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			return fmt.Errorf("decode %s: %w", b, err)
		}
	}
	return nil
}

func jsonArgs(v any) []string {
	if v == nil {
		return nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return []string{string(b)}
}

// Fixture: a device product of the manufacturer and one lot of it.
const (
	companyPrefix = "6901234"
	fixtureLot    = "IT1"
)

var (
	fixtureGTIN = withCheck("0690123400077")
	mfrGLN      = withCheck("690123400001")
	hspGLN      = withCheck("690777700001")
)

func withCheck(base string) string {
	d, err := gs1.CheckDigit(base)
	if err != nil {
		panic(err)
	}
	return base + string(d)
}

// unitCode is the UDI of fixture unit n.
func unitCode(n int) string { return fmt.Sprintf("(01)%s(21)IT%06d", fixtureGTIN, n) }

// seed registers the five parties (unless an earlier run, such as the demo story, did), the
// fixture product and its lot.
func (s *suite) seed(t *testing.T) {
	now := time.Now().UTC()
	lic := func(kind string) []model.Licence {
		return []model.Licence{{Type: kind, Number: "IT-" + kind, ValidFrom: model.DateOf(now.AddDate(-1, 0, 0)), ValidTo: model.DateOf(now.AddDate(2, 0, 0))}}
	}
	parties := []model.Party{
		{MSPID: reg, Name: "Regulator", Roles: []model.Role{model.RoleRegulator}},
		{MSPID: mfr, Name: "Manufacturer", Roles: []model.Role{model.RoleManufacturer}, Licences: lic("manufacturing"),
			CompanyPrefixes: []string{companyPrefix}, Locations: []model.Location{{GLN: mfrGLN}}},
		{MSPID: dst, Name: "Distributor", Roles: []model.Role{model.RoleDistributor}, Licences: lic("wholesale")},
		{MSPID: plt, Name: "Platform", Roles: []model.Role{model.RolePlatform}, Licences: lic("online-retail")},
		{MSPID: hsp, Name: "Hospital", Roles: []model.Role{model.RoleHospital}, Licences: lic("medical-institution"),
			Locations: []model.Location{{GLN: hspGLN}}},
	}
	for i, p := range parties {
		if s.exists(t, reg, "party:Get", p.MSPID) {
			continue
		}
		fn := "party:Register"
		if i == 0 {
			fn = "party:Init"
		}
		s.must(t, reg, fn, p)
	}
	if !s.exists(t, mfr, "product:Get", fixtureGTIN) {
		s.must(t, mfr, "product:Register", model.Product{DI: fixtureGTIN, Name: "Infusion set", Model: "IT-20",
			Kind: model.KindDevice, RegistrationNumber: "国械注准20263140077"})
	}
	s.must(t, mfr, "lot:Register", model.Lot{DI: fixtureGTIN, Lot: fixtureLot, Expiry: model.DateOf(now.AddDate(1, 0, 0)), Quantity: 100000})
}

// exists reports whether a read finds its record; NOT_FOUND is false, other errors fail.
func (s *suite) exists(t *testing.T, msp, fn string, args ...string) bool {
	t.Helper()
	err := s.evaluate(msp, fn, nil, args...)
	var ce *ledger.ChaincodeError
	if errors.As(err, &ce) && model.ParseCode(ce.Message) == model.CodeNotFound {
		return false
	}
	if err != nil {
		t.Fatalf("%s %v as %s: %v", fn, args, msp, err)
	}
	return true
}

// commission brings fixture units onto the ledger, held by the manufacturer.
func (s *suite) commission(t *testing.T, eventID string, ns ...int) []string {
	t.Helper()
	codes := make([]string, len(ns))
	for i, n := range ns {
		codes[i] = unitCode(n)
	}
	s.must(t, mfr, "unit:Commission", model.CommissionRequest{EventHeader: model.EventHeader{EventID: eventID, Location: mfrGLN}, DI: fixtureGTIN, Lot: fixtureLot, Codes: codes})
	return codes
}

// events checks the Fabric backend's event stream: a live subscription sees a new
// transaction's event, and a subscription from that event's block (a checkpoint) replays it.
func (s *suite) events(t *testing.T) {
	ctx, cancel := context.WithTimeout(s.ctx, time.Minute)
	defer cancel()
	next := func(ch <-chan ledger.Event, txID string) ledger.Event {
		t.Helper()
		for {
			select {
			case ev, ok := <-ch:
				if !ok {
					t.Fatal("event stream ended")
				}
				if ev.TxID == txID {
					return ev
				}
			case <-ctx.Done():
				t.Fatalf("no event of transaction %s", txID)
			}
		}
	}
	first := s.must(t, mfr, "unit:Commission", model.CommissionRequest{EventHeader: model.EventHeader{EventID: "ev-commission-1", Location: mfrGLN}, DI: fixtureGTIN, Lot: fixtureLot,
		Codes: []string{unitCode(900001)}})
	live, err := s.client.Events(ctx, first.BlockNumber+1)
	if err != nil {
		t.Fatal(err)
	}
	second := s.must(t, mfr, "unit:Commission", model.CommissionRequest{EventHeader: model.EventHeader{EventID: "ev-commission-2", Location: mfrGLN}, DI: fixtureGTIN, Lot: fixtureLot,
		Codes: []string{unitCode(900002)}})
	ev := next(live, second.TxID)
	var n model.Notification
	if err := json.Unmarshal(ev.Payload, &n); err != nil || n.ID != "ev-commission-2" || ev.BlockNumber != second.BlockNumber {
		t.Fatalf("live event %+v (%s): %v", ev, ev.Payload, err)
	}
	replay, err := s.client.Events(ctx, first.BlockNumber)
	if err != nil {
		t.Fatal(err)
	}
	if ev := next(replay, first.TxID); ev.BlockNumber != first.BlockNumber {
		t.Fatalf("replayed event in block %d, want %d", ev.BlockNumber, first.BlockNumber)
	}
	if ev := next(replay, second.TxID); ev.BlockNumber != second.BlockNumber {
		t.Fatalf("replay went on to block %d, want %d", ev.BlockNumber, second.BlockNumber)
	}
}

// unit reads a unit's view as the regulator.
func (s *suite) unit(t *testing.T, code string) model.UnitView {
	t.Helper()
	var v model.UnitView
	if err := s.evaluate(reg, "query:Unit", &v, code); err != nil {
		t.Fatalf("query:Unit %s: %v", code, err)
	}
	return v
}

// wantCommitError checks that err is a commit-time invalidation with the validation code.
func wantCommitError(t *testing.T, err error, code string) {
	t.Helper()
	var ce *ledger.CommitError
	if !errors.As(err, &ce) {
		t.Fatalf("got %v (%T), want a commit error %s", err, err, code)
	}
	if ce.ValidationCode != code {
		t.Fatalf("validation code %s, want %s", ce.ValidationCode, code)
	}
}

// wantChaincodeError checks that err is a chaincode refusal with the code.
func wantChaincodeError(t *testing.T, err error, code model.Code) {
	t.Helper()
	var ce *ledger.ChaincodeError
	if !errors.As(err, &ce) {
		t.Fatalf("got %v (%T), want a chaincode error %s", err, err, code)
	}
	if got := model.ParseCode(ce.Message); got != code {
		t.Fatalf("code %q in %q, want %s", got, ce.Message, code)
	}
}

func (s *suite) errorCodes(t *testing.T) {
	code := s.commission(t, "err-commission", 2)[0]
	tests := []struct {
		name string
		call func() error
		want model.Code
	}{
		{name: "an evaluate of an unknown code is NOT_FOUND", want: model.CodeNotFound, call: func() error {
			return s.evaluate(reg, "query:Unit", nil, unitCode(999999))
		}},
		{name: "a submit naming an unknown code is NOT_FOUND", want: model.CodeNotFound, call: func() error {
			_, err := s.submit(mfr, "unit:Ship", model.ShipRequest{EventHeader: model.EventHeader{EventID: "err-ship-0"}, To: dst, Codes: []string{unitCode(999999)}})
			return err
		}},
		{name: "a ship by someone who does not hold the unit is FORBIDDEN", want: model.CodeForbidden, call: func() error {
			_, err := s.submit(dst, "unit:Ship", model.ShipRequest{EventHeader: model.EventHeader{EventID: "err-ship-1"}, To: hsp, Codes: []string{code}})
			return err
		}},
		{name: "commissioning a code twice is a CONFLICT", want: model.CodeConflict, call: func() error {
			_, err := s.submit(mfr, "unit:Commission", model.CommissionRequest{EventHeader: model.EventHeader{EventID: "err-commission-2"}, DI: fixtureGTIN, Lot: fixtureLot, Codes: []string{code}})
			return err
		}},
		{name: "a malformed code is INVALID", want: model.CodeInvalid, call: func() error {
			return s.evaluate(reg, "query:Unit", nil, "(01)12345")
		}},
		{name: "the organisation's cryptogen admin, with no role attribute, cannot act: FORBIDDEN", want: model.CodeForbidden, call: func() error {
			admin, err := s.net.AdminIdentity(mfr)
			if err != nil {
				return err
			}
			_, err = s.client.Submit(s.ctx, ledger.Proposal{Identity: admin, Function: "unit:Ship",
				Args: jsonArgs(model.ShipRequest{EventHeader: model.EventHeader{EventID: "err-ship-admin"}, To: dst, Codes: []string{code}})})
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { wantChaincodeError(t, tt.call(), tt.want) })
	}
}

// throughput commissions one unit per transaction from many concurrent clients.
func (s *suite) throughput(t *testing.T) {
	const (
		txs     = 240
		workers = 32
		first   = 10000
	)
	var next, failed atomic.Int64
	var wg sync.WaitGroup
	var errMu sync.Mutex
	var firstErr error
	start := time.Now()
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := next.Add(1) - 1
				if i >= txs {
					return
				}
				n := first + int(i)
				_, err := s.submit(mfr, "unit:Commission", model.CommissionRequest{EventHeader: model.EventHeader{EventID: fmt.Sprintf("tps-%d", n), Location: mfrGLN},
					DI: fixtureGTIN, Lot: fixtureLot, Codes: []string{unitCode(n)},
				})
				if err != nil {
					failed.Add(1)
					errMu.Lock()
					if firstErr == nil {
						firstErr = err
					}
					errMu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	t.Logf("%d commissioning transactions from %d concurrent clients in %s: %.1f tx/s (BatchTimeout %s, MAJORITY of 5, owner and 3 of 4 others on every new key)",
		txs, workers, elapsed.Round(time.Millisecond), float64(txs)/elapsed.Seconds(), s.cfg.BatchTimeout)
	if f := failed.Load(); f > 0 {
		t.Fatalf("%d of %d transactions failed, first: %v", f, txs, firstErr)
	}
}

// endorsers returns the MSP IDs that endorsed a committed transaction, read through the qscc
// system chaincode from the peer of the organisation that submitted it (which has committed
// it: other peers may still be a block behind).
func (s *suite) endorsers(t *testing.T, submitter, txID string) []string {
	t.Helper()
	o, ok := s.net.Org(submitter)
	if !ok {
		t.Fatalf("no organisation %s", submitter)
	}
	gw, closeGW := rawGateway(t, s.net, o)
	defer closeGW()
	b, err := gw.GetNetwork(s.net.Channel).GetContract("qscc").EvaluateWithContext(s.ctx, "GetTransactionByID",
		client.WithArguments(s.net.Channel, txID))
	if err != nil {
		t.Fatalf("qscc GetTransactionByID %s: %v", txID, err)
	}
	var pt peer.ProcessedTransaction
	var pl common.Payload
	var tx peer.Transaction
	var ap peer.ChaincodeActionPayload
	if err := proto.Unmarshal(b, &pt); err != nil {
		t.Fatal(err)
	}
	if err := proto.Unmarshal(pt.GetTransactionEnvelope().GetPayload(), &pl); err != nil {
		t.Fatal(err)
	}
	if err := proto.Unmarshal(pl.GetData(), &tx); err != nil {
		t.Fatal(err)
	}
	if len(tx.GetActions()) != 1 {
		t.Fatalf("transaction %s has %d actions", txID, len(tx.GetActions()))
	}
	if err := proto.Unmarshal(tx.GetActions()[0].GetPayload(), &ap); err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range ap.GetAction().GetEndorsements() {
		var id msp.SerializedIdentity
		if err := proto.Unmarshal(e.GetEndorser(), &id); err != nil {
			t.Fatal(err)
		}
		out = append(out, id.GetMspid())
	}
	slices.Sort(out)
	return out
}

// rawGateway connects to the organisation's peer as its admin with fabric-gateway directly,
// for calls the ledger backend does not make (system chaincodes).
func rawGateway(t testing.TB, n *fabricnet.Network, o fabricnet.Org) (*client.Gateway, func()) {
	t.Helper()
	a, err := n.AdminIdentity(o.MSPID)
	if err != nil {
		t.Fatal(err)
	}
	gw := connectAs(t, dialPeer(t, o), a, client.WithEvaluateTimeout(10*time.Second))
	return gw, func() { _ = gw.Close() }
}

// dialPeer connects to the peer of o with TLS; the connection closes when the test ends.
func dialPeer(t testing.TB, o fabricnet.Org) *grpc.ClientConn {
	t.Helper()
	caPEM, err := os.ReadFile(o.TLSCACert)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(caPEM)
	conn, err := grpc.NewClient(o.Peer.Endpoint, grpc.WithTransportCredentials(credentials.NewClientTLSFromCert(pool, "")),
		grpc.WithDefaultCallOptions(grpc.MaxCallRecvMsgSize(fabric.MaxMessageBytes)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	return conn
}

// connectAs opens a fabric-gateway connection over conn signing as id.
func connectAs(t testing.TB, conn *grpc.ClientConn, id *ledger.Identity, opts ...client.ConnectOption) *client.Gateway {
	t.Helper()
	cert, err := identity.CertificateFromPEM(id.Certificate)
	if err != nil {
		t.Fatal(err)
	}
	x509id, err := identity.NewX509Identity(id.MSPID, cert)
	if err != nil {
		t.Fatal(err)
	}
	gw, err := client.Connect(x509id, append([]client.ConnectOption{client.WithSign(signer(t, id.PrivateKey)), client.WithClientConnection(conn)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return gw
}
