package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Benchmarks of the whole HTTP stack on the embedded ledger (NoSync). Each reports requests
// per second and the p50 and p99 latency of one request:
//
//	go test -run '^$' -bench . -benchtime 2000x ./gateway/api/

// latencies collects request durations from parallel clients.
type latencies struct {
	mu sync.Mutex
	d  []time.Duration
}

func (l *latencies) add(d time.Duration) {
	l.mu.Lock()
	l.d = append(l.d, d)
	l.mu.Unlock()
}

func (l *latencies) report(b *testing.B, elapsed time.Duration, perRequest int) {
	slices.Sort(l.d)
	if len(l.d) == 0 {
		return
	}
	at := func(q float64) float64 { return float64(l.d[int(q*float64(len(l.d)-1))].Microseconds()) / 1000 }
	b.ReportMetric(float64(len(l.d))/elapsed.Seconds(), "req/s")
	if perRequest > 1 {
		b.ReportMetric(float64(len(l.d)*perRequest)/elapsed.Seconds(), "scans/s")
	}
	b.ReportMetric(at(0.50), "p50-ms")
	b.ReportMetric(at(0.99), "p99-ms")
	b.ReportMetric(0, "ns/op") // wall time per op of parallel clients says little; req/s does
}

// benchWorld is a seeded ledger with units 1..units commissioned and held by the manufacturer.
func benchWorld(b *testing.B, units int) *world {
	w := newWorld(b)
	w.seed()
	for from := 1; from <= units; from += 10000 {
		w.commission(fmt.Sprintf("urn:uuid:bench-%d", from), from, min(10000, units-from+1))
	}
	return w
}

// post sends one request with a pre-encoded body and checks its status.
func (w *world) post(b *testing.B, client *http.Client, path string, body []byte, want int) {
	req, _ := http.NewRequest("POST", w.srv.URL+path, bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+w.keys[mfr])
	req.Header.Set("Content-Type", "application/json")
	res, err := client.Do(req)
	if err != nil {
		b.Error(err)
		return
	}
	out, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != want {
		b.Errorf("POST %s = %d %s", path, res.StatusCode, out)
	}
}

func benchClient() *http.Client {
	return &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
}

// BenchmarkScanSubmission: one scan per request (an inspection, which records an event),
// from 16 parallel scanner stations.
func BenchmarkScanSubmission(b *testing.B) {
	const units = 5000
	w := benchWorld(b, units)
	client := benchClient()
	var n atomic.Int64
	var lat latencies
	b.SetParallelism(8)
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := int(n.Add(1))
			body, _ := json.Marshal(map[string]any{"location": mfrGLN, "scans": []map[string]any{
				{"code": deviceCode(1 + i%units), "action": "inspect", "id": fmt.Sprintf("urn:uuid:bench-scan-%d", i)}}})
			t0 := time.Now()
			w.post(b, client, "/v1/scans", body, 200)
			lat.add(time.Since(t0))
		}
	})
	lat.report(b, time.Since(start), 1)
}

// BenchmarkScanBatch: batches of 100 inspection scans per request, from 8 parallel stations.
func BenchmarkScanBatch(b *testing.B) {
	const units, batch = 5000, 100
	w := benchWorld(b, units)
	client := benchClient()
	var n atomic.Int64
	var lat latencies
	b.SetParallelism(4)
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := int(n.Add(1))
			scans := make([]map[string]any, batch)
			for j := range scans {
				scans[j] = map[string]any{"code": deviceCode(1 + (i*batch+j)%units), "action": "inspect", "id": fmt.Sprintf("urn:uuid:bench-batch-%d-%d", i, j)}
			}
			body, _ := json.Marshal(map[string]any{"scans": scans})
			t0 := time.Now()
			w.post(b, client, "/v1/scans", body, 200)
			lat.add(time.Since(t0))
		}
	})
	lat.report(b, time.Since(start), batch)
}

// BenchmarkTrace: provenance queries of units with a commissioning, packing and shipping
// history, from 16 parallel clients.
func BenchmarkTrace(b *testing.B) {
	const units = 1000
	w := benchWorld(b, units)
	w.must(201, nil, mfr, "POST", "/v1/events/pack", map[string]any{"parent": ssccCode(9), "children": codesOf(1, 100)})
	w.must(201, nil, mfr, "POST", "/v1/events/ship", map[string]any{"to": dst, "codes": []string{ssccCode(9)}})
	client := benchClient()
	var n atomic.Int64
	var lat latencies
	b.SetParallelism(8)
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := int(n.Add(1))
			req, _ := http.NewRequest("GET", w.srv.URL+"/v1/trace?code="+url.QueryEscape(deviceCode(1+i%100)), nil)
			req.Header.Set("Authorization", "Bearer "+w.keys[reg])
			t0 := time.Now()
			res, err := client.Do(req)
			if err != nil {
				b.Error(err)
				continue
			}
			_, _ = io.Copy(io.Discard, res.Body)
			res.Body.Close()
			lat.add(time.Since(t0))
			if res.StatusCode != 200 {
				b.Errorf("trace = %d", res.StatusCode)
			}
		}
	})
	lat.report(b, time.Since(start), 1)
}

func codesOf(from, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = deviceCode(from + i)
	}
	return out
}
