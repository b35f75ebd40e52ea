package embedded_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/udiledger/udiledger/gateway/ledger"
	"github.com/udiledger/udiledger/gateway/ledger/embedded"
	"github.com/udiledger/udiledger/gateway/ledger/localmsp"
)

func benchEngine(b *testing.B, noSync bool) (*embedded.Engine, *ledger.Identity) {
	b.Helper()
	dir := b.TempDir()
	store, err := localmsp.Open(dir+"/msp", localmsp.DefaultOrgs())
	if err != nil {
		b.Fatal(err)
	}
	e, err := embedded.Open(dir+"/ledger", newTestChaincode(), embedded.Config{MSPs: store.MSPs(), NoSync: noSync})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = e.Close() })
	id, err := store.Identity(manufacturer)
	if err != nil {
		b.Fatal(err)
	}
	return e, id
}

// BenchmarkSubmitParallel submits a one-key blind write from 32 clients per CPU; tx/s is
// the committed throughput.
func BenchmarkSubmitParallel(b *testing.B) {
	for _, sync := range []bool{true, false} {
		b.Run(fmt.Sprintf("fsync=%v", sync), func(b *testing.B) {
			e, id := benchEngine(b, !sync)
			var n atomic.Int64
			b.SetParallelism(32)
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					k := fmt.Sprintf("k%d", n.Add(1))
					if _, err := e.Submit(context.Background(), ledger.Proposal{Identity: id, Function: "asset:Put", Args: []string{k, "v"}}); err != nil {
						b.Error(err)
						return
					}
				}
			})
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "tx/s")
			b.ReportMetric(float64(b.N)/float64(e.Height()), "tx/block")
		})
	}
}

// BenchmarkEvaluate measures the latency of one read-only call reading one key.
func BenchmarkEvaluate(b *testing.B) {
	e, id := benchEngine(b, true)
	if _, err := e.Submit(context.Background(), ledger.Proposal{Identity: id, Function: "asset:Put", Args: []string{"k", "v"}}); err != nil {
		b.Fatal(err)
	}
	p := ledger.Proposal{Identity: id, Function: "asset:Get", Args: []string{"k"}}
	b.ResetTimer()
	for b.Loop() {
		if _, err := e.Evaluate(context.Background(), p); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSubmitSerial is one client submitting one transaction after another: the latency
// of a submit, the 2 ms batch timeout included.
func BenchmarkSubmitSerial(b *testing.B) {
	e, id := benchEngine(b, false)
	i := 0
	for b.Loop() {
		i++
		if _, err := e.Submit(context.Background(), ledger.Proposal{Identity: id, Function: "asset:Put", Args: []string{fmt.Sprint("k", i), "v"}}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSubmitLargeTransaction commits one transaction writing 10,000 keys, the size of a
// bulk commissioning.
func BenchmarkSubmitLargeTransaction(b *testing.B) {
	e, id := benchEngine(b, false)
	i := 0
	for b.Loop() {
		i++
		p := ledger.Proposal{Identity: id, Function: "asset:PutMany", Args: []string{fmt.Sprint("batch", i, "-"), "10000"}}
		if _, err := e.Submit(context.Background(), p); err != nil {
			b.Fatal(err)
		}
	}
}
