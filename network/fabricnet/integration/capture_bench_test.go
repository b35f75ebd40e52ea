package integration

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/udiledger/udiledger/chaincode/model"
	"github.com/udiledger/udiledger/chaincode/ops"
	"github.com/udiledger/udiledger/gateway/api"
	"github.com/udiledger/udiledger/gateway/auth"
	"github.com/udiledger/udiledger/gateway/capturejobs"
	"github.com/udiledger/udiledger/gateway/epcis/epcisgen"
	"github.com/udiledger/udiledger/gateway/ledger"
	"github.com/udiledger/udiledger/gateway/ledger/fabric"
	"github.com/udiledger/udiledger/network/fabricnet"
	"github.com/udiledger/udiledger/network/fabricnet/fabricnettest"
)

// BenchmarkCaptureOnFabric is gateway/api's BenchmarkCaptureADocumentOf1000Events on a real
// five-organisation network brought up from nothing (BatchTimeout 100 ms, as TestFabric): the
// manufacturer's EPCIS document of 1,000 events and the distributor's 250 receipts, captured
// through the gateway with POST /epcis/capture, answered at once and as a capture job; then
// the same 1,250 events as ten stories of a tenth of the size, captured at once (what
// independent events sent concurrently would reach: the gateway submits the events of one
// document one after the other). It reports events/s, the p50 and p99 of one event's
// transaction (endorsed, ordered and committed: the backend's Submit) and the blocks that
// hold them. `make bench-fabric` runs it:
//
//	UDI_FABRIC_IT=1 go test -run '^$' -bench CaptureOnFabric -benchtime 1x -timeout 40m ./network/fabricnet/integration/
func BenchmarkCaptureOnFabric(b *testing.B) {
	gin.SetMode(gin.ReleaseMode) // no route listing in the figures' output
	n, cfg := fabricnettest.Start(b, addressPrefix, func(c *fabricnet.Config) { c.BatchTimeout = batchTimeout })
	s := newSuite(b, n, cfg)
	ctx, cancel := context.WithTimeout(context.Background(), 40*time.Minute)
	b.Cleanup(cancel)
	s.ctx = ctx
	s.seedCapture(b)
	runs := 0
	for _, mode := range []struct {
		name      string
		jobs      bool
		documents int // stories captured at once, the 1,000 events shared among them
	}{{"synchronous", false, 1}, {"capture_job", true, 1}, {"ten_documents_at_once", false, 10}} {
		b.Run(mode.name, func(b *testing.B) {
			g := s.captureGateway(b, mode.jobs)
			var elapsed time.Duration
			events := 0
			for range b.N {
				stories := make([]epcisgen.Story, mode.documents)
				for k := range stories {
					runs++
					stories[k] = s.captureStory(b, fmt.Sprintf("F%d", runs), 1000/mode.documents)
					events += stories[k].Events()
				}
				start := time.Now()
				errs := make([]error, len(stories))
				var wg sync.WaitGroup
				for k, st := range stories {
					wg.Go(func() {
						if errs[k] = g.capture(mfr, st.Manufacturer, mode.jobs); errs[k] == nil {
							errs[k] = g.capture(dst, st.Distributor, mode.jobs)
						}
					})
				}
				wg.Wait()
				elapsed += time.Since(start)
				b.StopTimer()
				for k, st := range stories {
					if errs[k] == nil {
						errs[k] = g.checkRecorded(mfr, st.Manufacturer)
					}
					if errs[k] == nil {
						errs[k] = g.checkRecorded(dst, st.Distributor)
					}
				}
				if err := errors.Join(errs...); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
			}
			p50, p99, blocks, txs := g.submits.figures()
			if txs != events {
				b.Fatalf("%d capture transactions committed for %d events", txs, events)
			}
			b.ReportMetric(float64(events)/elapsed.Seconds(), "events/s")
			b.ReportMetric(p50.Seconds()*1000, "p50-ms")
			b.ReportMetric(p99.Seconds()*1000, "p99-ms")
			b.ReportMetric(float64(blocks)/float64(b.N), "blocks/op")
			b.Logf("%d events in %d documents of each party in %s: %.1f events/s; one event's transaction p50 %s, p99 %s; %d blocks, %.2f events per block",
				events, mode.documents, elapsed.Round(time.Millisecond), float64(events)/elapsed.Seconds(), p50.Round(time.Millisecond),
				p99.Round(time.Millisecond), blocks, float64(txs)/float64(blocks))
		})
	}
}

// The capture benchmark's fixtures: the distributor's location (the shipments' receiver is
// found by its GLN) and a product no organisation registers.
var (
	dstGLN      = withCheck("690555500001")
	foreignGTIN = withCheck("0401234500001")
)

// seedCapture registers the five parties with the manufacturer's and the distributor's
// locations, the fixture product and its lot, on a fresh network.
func (s *suite) seedCapture(b *testing.B) {
	now := time.Now().UTC()
	lic := func(kind string) []model.Licence {
		return []model.Licence{{Type: kind, Number: "IT-" + kind, ValidFrom: model.DateOf(now.AddDate(-1, 0, 0)), ValidTo: model.DateOf(now.AddDate(2, 0, 0))}}
	}
	s.must(b, reg, "party:Init", model.Party{MSPID: reg, Name: "Regulator", Roles: []model.Role{model.RoleRegulator}})
	for _, p := range []model.Party{
		{MSPID: mfr, Name: "Manufacturer", Roles: []model.Role{model.RoleManufacturer}, Licences: lic("manufacturing"),
			CompanyPrefixes: []string{companyPrefix}, Locations: []model.Location{{GLN: mfrGLN}}},
		{MSPID: dst, Name: "Distributor", Roles: []model.Role{model.RoleDistributor}, Licences: lic("wholesale"),
			Locations: []model.Location{{GLN: dstGLN}}},
		{MSPID: plt, Name: "Platform", Roles: []model.Role{model.RolePlatform}, Licences: lic("online-retail")},
		{MSPID: hsp, Name: "Hospital", Roles: []model.Role{model.RoleHospital}, Licences: lic("medical-institution"),
			Locations: []model.Location{{GLN: hspGLN}}},
	} {
		s.must(b, reg, "party:Register", p)
	}
	s.must(b, mfr, "product:Register", model.Product{DI: fixtureGTIN, Name: "Infusion set", Model: "IT-20",
		Kind: model.KindDevice, RegistrationNumber: "国械注准20263140077"})
	s.must(b, mfr, "lot:Register", model.Lot{DI: fixtureGTIN, Lot: fixtureLot, Expiry: model.DateOf(now.AddDate(1, 0, 0)), Quantity: 100000})
}

func (s *suite) captureStory(b *testing.B, run string, events int) epcisgen.Story {
	st, err := epcisgen.Generate(epcisgen.Config{Run: run, Events: events, UnitsPerEvent: 4, GTIN: fixtureGTIN, Lot: fixtureLot,
		ForeignGTIN: foreignGTIN, ManufacturerGLN: mfrGLN, DistributorGLN: dstGLN, Start: time.Now().Add(-time.Hour)})
	if err != nil {
		b.Fatal(err)
	}
	return st
}

// captureGateway is a gateway on the network, with an API key per organisation.
type captureGateway struct {
	url     string
	keys    map[string]string
	http    *http.Client
	submits *submitTimes
}

// captureGateway serves the Fabric backend through the REST gateway, capture jobs kept in a
// store of its own when jobs is set.
func (s *suite) captureGateway(b *testing.B, jobs bool) *captureGateway {
	ring := auth.NewKeyring()
	g := &captureGateway{keys: map[string]string{}, http: &http.Client{}, submits: &submitTimes{Client: s.client, blocks: map[uint64]bool{}}}
	for msp, id := range s.ids {
		key, hash, err := auth.NewKey()
		if err != nil {
			b.Fatal(err)
		}
		if err := ring.Add(hash, &auth.Principal{Name: msp + " bench", Identity: id}); err != nil {
			b.Fatal(err)
		}
		g.keys[msp] = key
	}
	o := api.Options{Ledger: g.submits, Keyring: ring, Unavailable: fabric.Unavailable, CaptureWriteTimeout: 40 * time.Minute}
	if jobs {
		st, err := capturejobs.Open(filepath.Join(b.TempDir(), "jobs.db"))
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { _ = st.Close() })
		o.CaptureJobs = st
	}
	srv := httptest.NewServer(api.New(o))
	b.Cleanup(srv.Close)
	g.url = srv.URL
	return g
}

// do sends a request as msp and decodes an answer of status want into out.
func (g *captureGateway) do(msp, method, path string, body []byte, want int, out any) (http.Header, error) {
	req, err := http.NewRequest(method, g.url+path, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+g.keys[msp])
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := g.http.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		return nil, err
	}
	if res.StatusCode != want {
		return nil, fmt.Errorf("%s %s as %s = %d %.2000s", method, path, msp, res.StatusCode, raw)
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			return nil, fmt.Errorf("decode %.200s: %w", raw, err)
		}
	}
	return res.Header, nil
}

// capture posts doc as msp and waits until every event of it is recorded.
func (g *captureGateway) capture(msp string, doc epcisgen.Document, jobs bool) error {
	if !jobs {
		var res api.CaptureResult
		if _, err := g.do(msp, "POST", "/epcis/capture", doc.Body, http.StatusOK, &res); err != nil {
			return err
		}
		if res.Succeeded != len(doc.EventIDs) || res.Failed != 0 {
			return fmt.Errorf("capture as %s: %d succeeded, %d failed of %d: %+v", msp, res.Succeeded, res.Failed, len(doc.EventIDs), res.Results)
		}
		return nil
	}
	h, err := g.do(msp, "POST", "/epcis/capture", doc.Body, http.StatusAccepted, nil)
	if err != nil {
		return err
	}
	var j api.CaptureJob
	for end := time.Now().Add(30 * time.Minute); ; time.Sleep(100 * time.Millisecond) {
		if _, err := g.do(msp, "GET", h.Get("Location"), nil, http.StatusOK, &j); err != nil {
			return err
		}
		if !j.Running {
			break
		}
		if time.Now().After(end) {
			return fmt.Errorf("job %s still running: %+v", h.Get("Location"), j)
		}
	}
	if !j.Success || j.Captured != len(doc.EventIDs) {
		return fmt.Errorf("job as %s: %+v", msp, j)
	}
	return nil
}

// checkRecorded reads every event of doc back from the ledger.
func (g *captureGateway) checkRecorded(msp string, doc epcisgen.Document) error {
	for i, id := range doc.EventIDs {
		var e model.Event
		if _, err := g.do(msp, "GET", "/v1/events/"+url.PathEscape(id), nil, http.StatusOK, &e); err != nil {
			return err
		}
		if err := doc.Recorded(i, e, msp); err != nil {
			return err
		}
	}
	return nil
}

// submitTimes times the backend's committed epcis:Capture transactions and keeps their blocks.
type submitTimes struct {
	ledger.Client
	mu     sync.Mutex
	took   []time.Duration
	blocks map[uint64]bool
}

func (t *submitTimes) Submit(ctx context.Context, p ledger.Proposal) (*ledger.Result, error) {
	start := time.Now()
	r, err := t.Client.Submit(ctx, p)
	if err != nil || p.Function != ops.CaptureEPCIS.Name() {
		return r, err
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.took = append(t.took, time.Since(start))
	t.blocks[r.BlockNumber] = true
	return r, nil
}

// figures are the median and 99th percentile of the transactions' times, the blocks that
// hold them and their number.
func (t *submitTimes) figures() (p50, p99 time.Duration, blocks, txs int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	d := slices.Clone(t.took)
	slices.Sort(d)
	if len(d) == 0 {
		return 0, 0, 0, 0
	}
	at := func(q float64) time.Duration { return d[int(q*float64(len(d)-1))] }
	return at(0.50), at(0.99), len(t.blocks), len(d)
}
