package bench

import (
	"context"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// Load is what a closed-loop load of concurrent clients measured.
type Load struct {
	Clients   int     `json:"clients"`
	Seconds   float64 `json:"seconds"`
	Calls     int     `json:"calls"`  // calls that succeeded
	Errors    int     `json:"errors"` // calls that failed
	PerSecond float64 `json:"per_s"`  // successful calls per second
	P50Ms     float64 `json:"p50_ms"`
	P90Ms     float64 `json:"p90_ms"`
	P99Ms     float64 `json:"p99_ms"`
	MaxMs     float64 `json:"max_ms"`
	// FirstError is the first failure's message, to say what went wrong.
	FirstError string `json:"first_error,omitempty"`
}

// drive runs call from clients goroutines, each calling again as soon as its last call
// returns, for d (or n calls in all when n > 0, whichever comes first). Each call gets its own
// sequence number, unique across clients.
func drive(ctx context.Context, clients int, d time.Duration, n int, call func(ctx context.Context, seq int) error) Load {
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	var (
		seq      atomic.Int64
		mu       sync.Mutex
		lat      []time.Duration
		errs     int
		firstErr string
		wg       sync.WaitGroup
	)
	start := time.Now()
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				s := int(seq.Add(1))
				if n > 0 && s > n {
					return
				}
				t0 := time.Now()
				err := call(ctx, s)
				took := time.Since(t0)
				mu.Lock()
				switch {
				case err == nil:
					lat = append(lat, took)
				case ctx.Err() == nil: // a call cut short by the end of the run is not a failure
					errs++
					if firstErr == "" {
						firstErr = err.Error()
					}
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	l := Load{Clients: clients, Seconds: elapsed.Seconds(), Calls: len(lat), Errors: errs, FirstError: firstErr}
	if len(lat) > 0 {
		slices.Sort(lat)
		l.PerSecond = float64(len(lat)) / elapsed.Seconds()
		l.P50Ms, l.P90Ms, l.P99Ms = millis(quantile(lat, 0.50)), millis(quantile(lat, 0.90)), millis(quantile(lat, 0.99))
		l.MaxMs = millis(lat[len(lat)-1])
	}
	return l
}

// quantile is the q-quantile of sorted durations (nearest rank).
func quantile(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(q*float64(len(sorted))+0.5) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}

func millis(d time.Duration) float64 { return round(float64(d.Microseconds())/1000, 2) }

func round(v float64, digits int) float64 {
	p := 1.0
	for range digits {
		p *= 10
	}
	if v < 0 {
		return -float64(int64(-v*p+0.5)) / p
	}
	return float64(int64(v*p+0.5)) / p
}
