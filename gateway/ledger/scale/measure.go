package scale

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/udiledger/udiledger/chaincode/model"
	"github.com/udiledger/udiledger/chaincode/ops"
	"github.com/udiledger/udiledger/gateway/ledger"
)

// Figures are the reads measured on a world.
type Figures struct {
	ProvenanceP50, ProvenanceP99 time.Duration
	ProvenanceSamples            int
	Scope                        time.Duration // one recall:Scope of the world's first lot
	ScopeUnits                   int
	Memory                       Memory // after the reads
}

// Memory is the process's memory: resident set (/proc/self/status, Linux only; zero
// elsewhere) and the Go heap.
type Memory struct {
	RSS       uint64 // VmRSS: resident, mapped files (the ledger's bbolt file) included
	RSSAnon   uint64 // RssAnon: resident memory of the process's own
	HeapInuse uint64
	Sys       uint64 // memory the Go runtime obtained from the system
}

// String prints the figures in MB.
func (m Memory) String() string {
	mb := func(n uint64) string { return strconv.FormatFloat(float64(n)/(1<<20), 'f', 0, 64) + " MB" }
	return fmt.Sprintf("rss %s (anon %s), heap in use %s, go sys %s", mb(m.RSS), mb(m.RSSAnon), mb(m.HeapInuse), mb(m.Sys))
}

// ReadMemory reads the process's memory now.
func ReadMemory() Memory {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	m := Memory{HeapInuse: ms.HeapInuse, Sys: ms.Sys}
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return m
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		name, value, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			continue
		}
		kb, err := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(value), " kB"), 10, 64)
		if err != nil {
			continue
		}
		switch name {
		case "VmRSS":
			m.RSS = kb << 10
		case "RssAnon":
			m.RSSAnon = kb << 10
		}
	}
	return m
}

// RecallID is the recall Measure starts on the world's first lot.
func (w *World) RecallID() string { return w.Size.Run + "-recall" }

// Measure starts a recall of the world's first lot (once), times its scope, and times the
// provenance of samples units drawn at random (seeded: the same units each run). Times are
// the ledger's answers, raw: decoding them on the client side is not counted.
func Measure(ctx context.Context, inv ledger.Invoker, a Actors, w *World, samples int) (*Figures, error) {
	_, err := ledger.Run(ctx, inv, a.Regulator, ops.GetRecall, model.RecallQuery{RecallID: w.RecallID()})
	if ledger.CodeOf(err) == model.CodeNotFound {
		_, err = ledger.Run(ctx, inv, a.Regulator, ops.StartRecall, model.RecallRequest{ID: w.RecallID(), Class: model.RecallClassII,
			Depth: model.DepthRetail, Reason: "scale measurement", Scope: model.RecallScope{Type: model.ScopeLot, DI: w.DI, Lot: w.Lots[0]}})
	}
	if err != nil {
		return nil, fmt.Errorf("scale: recall the first lot: %w", err)
	}
	f := &Figures{ProvenanceSamples: samples}
	start := time.Now()
	res, err := inv.Invoke(ctx, a.Regulator, ops.RecallScope, model.ScopeQuery{RecallID: w.RecallID()})
	if err != nil {
		return nil, fmt.Errorf("scale: scope: %w", err)
	}
	f.Scope = time.Since(start)
	var st model.RecallStatus
	if err := json.Unmarshal(res.Payload, &st); err != nil {
		return nil, fmt.Errorf("scale: scope: %w", err)
	}
	f.ScopeUnits = st.Counts.Total

	rnd := rand.New(rand.NewPCG(1, 2)) // #nosec G404 -- sampling, not security
	took := make([]time.Duration, 0, samples)
	for range samples {
		code := w.Unit(rnd.IntN(w.Size.Units))
		start := time.Now()
		if _, err := inv.Invoke(ctx, a.Regulator, ops.Provenance, model.CodeQuery{Code: code}); err != nil {
			return nil, fmt.Errorf("scale: provenance of %s: %w", code, err)
		}
		took = append(took, time.Since(start))
	}
	if samples > 0 {
		slices.Sort(took)
		f.ProvenanceP50 = took[samples/2]
		f.ProvenanceP99 = took[min(samples-1, samples*99/100)]
	}
	f.Memory = ReadMemory()
	return f, nil
}
