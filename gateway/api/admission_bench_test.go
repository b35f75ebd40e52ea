package api

import (
	"context"
	"io"
	"net/http"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/udiledger/udiledger/gateway/ledger"
)

// floodAdmission is what the benchmarks' gateway admits: 8 in flight, 8 queued for 100 ms.
var floodAdmission = Admission{MaxInFlight: 8, MaxQueued: 8, MaxQueueWait: 100 * time.Millisecond}

// floodWorld is a gateway in front of a ledger that serves 8 reads at once, 20 ms each.
func floodWorld(b *testing.B, adm Admission) *world {
	return newWorld(b, worldOptions{tweak: func(o *Options) {
		o.Ledger = slowLedger{Client: o.Ledger, workers: make(chan struct{}, 8), pause: 20 * time.Millisecond}
		o.Admission = adm
	}})
}

// heapPeak samples the heap in use until stopped and returns the most it added to the heap
// in use when it started (after a collection).
func heapPeak() (stop func() uint64) {
	runtime.GC()
	var base runtime.MemStats
	runtime.ReadMemStats(&base)
	var peak uint64
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			peak = max(peak, m.HeapInuse)
			select {
			case <-done:
				return
			case <-time.After(5 * time.Millisecond):
			}
		}
	})
	return func() uint64 {
		close(done)
		wg.Wait()
		return peak - min(peak, base.HeapInuse)
	}
}

// BenchmarkOverloadFlood floods a gateway whose ledger serves 400 reads a second (8 at once,
// 20 ms each) with 1,200 requests a second that do not wait for each other, as many clients
// do. Without admission (unbounded) the excess piles up in the gateway, and its heap with
// it, the longer the flood lasts; with admission (8 in flight, 8 queued) the excess is
// answered 503 at once and what the gateway holds stays bounded. It reports the heap the
// flood added at its peak, the most requests open at once, and the share shed.
func BenchmarkOverloadFlood(b *testing.B) {
	const every = time.Second / 1200
	for _, bc := range []struct {
		name string
		adm  Admission
	}{
		{"bounded", floodAdmission},
		{"unbounded", Admission{MaxInFlight: -1}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			w := floodWorld(b, bc.adm)
			hc := &http.Client{Transport: &http.Transport{MaxIdleConns: 4096, MaxIdleConnsPerHost: 4096}}
			defer hc.CloseIdleConnections()
			key := "Bearer " + w.keys[hsp]
			var open, most, shed, failed atomic.Int64
			send := func() {
				defer open.Add(-1)
				req, _ := http.NewRequest(http.MethodGet, w.srv.URL+"/v1/version", nil)
				req.Header.Set("Authorization", key)
				res, err := hc.Do(req)
				if err != nil {
					failed.Add(1)
					return
				}
				_, _ = io.Copy(io.Discard, res.Body)
				_ = res.Body.Close()
				switch res.StatusCode {
				case http.StatusOK:
				case http.StatusServiceUnavailable:
					shed.Add(1)
				default:
					failed.Add(1)
				}
			}
			stop := heapPeak()
			b.ReportAllocs()
			b.ResetTimer()
			var wg sync.WaitGroup
			start := time.Now()
			for i := range b.N {
				if d := time.Until(start.Add(time.Duration(i) * every)); d > 0 {
					time.Sleep(d)
				}
				n := open.Add(1)
				for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
				}
				wg.Go(send)
			}
			wg.Wait()
			b.StopTimer()
			grew := stop()
			if failed.Load() > 0 {
				b.Fatalf("%d requests neither served nor shed", failed.Load())
			}
			b.ReportMetric(float64(grew)/(1<<20), "flood-heap-MiB")
			b.ReportMetric(float64(most.Load()), "most-open")
			b.ReportMetric(100*float64(shed.Load())/float64(b.N), "shed-%")
		})
	}
}

// slowLedger works on a few reads at once, each for a pause, as a peer at its capacity does;
// the others wait for a worker.
type slowLedger struct {
	ledger.Client
	workers chan struct{}
	pause   time.Duration
}

func (s slowLedger) Evaluate(ctx context.Context, _ ledger.Proposal) ([]byte, error) {
	select {
	case s.workers <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-s.workers }()
	t := time.NewTimer(s.pause)
	defer t.Stop()
	select {
	case <-t.C:
		return []byte(`"1.0.0"`), nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// BenchmarkOverloadCallers loads a gateway whose ledger serves 8 reads at once, 20 ms each
// (400 a second), with callers that each send their next request as soon as the last is
// answered: 256 and 2,048 of them, 16 and 128 times what the gateway admits (8 in flight, 8
// queued). With admission the excess is refused at once and the heap the flood adds stays
// the same whatever the number of callers; without (unbounded) every caller's request waits
// in the gateway, for longer the more callers there are. It reports the heap the flood adds
// at its peak, the share of requests shed, and the requests served a second.
func BenchmarkOverloadCallers(b *testing.B) {
	for _, bc := range []struct {
		name    string
		adm     Admission
		callers int
	}{
		{"bounded/callers=256", floodAdmission, 256},
		{"bounded/callers=2048", floodAdmission, 2048},
		{"unbounded/callers=256", Admission{MaxInFlight: -1}, 256},
		{"unbounded/callers=2048", Admission{MaxInFlight: -1}, 2048},
	} {
		b.Run(bc.name, func(b *testing.B) {
			w := floodWorld(b, bc.adm)
			hc := &http.Client{Transport: &http.Transport{MaxIdleConns: 1024, MaxIdleConnsPerHost: 1024}}
			defer hc.CloseIdleConnections()
			key := "Bearer " + w.keys[hsp]

			stop := heapPeak()
			var served, shed, failed atomic.Int64
			var mu sync.Mutex
			var shedTook, servedTook []time.Duration
			b.SetParallelism(max(1, bc.callers/runtime.GOMAXPROCS(0)))
			b.ReportAllocs()
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				var mine, theirs []time.Duration // served, shed
				defer func() {
					mu.Lock()
					servedTook, shedTook = append(servedTook, mine...), append(shedTook, theirs...)
					mu.Unlock()
				}()
				for pb.Next() {
					req, _ := http.NewRequest(http.MethodGet, w.srv.URL+"/v1/version", nil)
					req.Header.Set("Authorization", key)
					start := time.Now()
					res, err := hc.Do(req)
					if err != nil {
						failed.Add(1)
						continue
					}
					_, _ = io.Copy(io.Discard, res.Body)
					_ = res.Body.Close()
					switch res.StatusCode {
					case http.StatusOK:
						served.Add(1)
						mine = append(mine, time.Since(start))
					case http.StatusServiceUnavailable:
						shed.Add(1)
						theirs = append(theirs, time.Since(start))
					default:
						failed.Add(1)
					}
				}
			})
			b.StopTimer()
			grew := stop()
			if failed.Load() > 0 {
				b.Fatalf("%d requests neither served nor shed", failed.Load())
			}
			b.ReportMetric(float64(grew)/(1<<20), "flood-heap-MiB")
			b.ReportMetric(100*float64(shed.Load())/float64(b.N), "shed-%")
			b.ReportMetric(float64(served.Load())/b.Elapsed().Seconds(), "served/s")
			b.ReportMetric(p99(servedTook).Seconds()*1000, "served-p99-ms")
			if len(shedTook) > 0 {
				b.ReportMetric(p99(shedTook).Seconds()*1000, "shed-p99-ms")
			}
		})
	}
}

// p99 is the 99th percentile of ds (which it sorts).
func p99(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	slices.Sort(ds)
	return ds[len(ds)*99/100]
}
