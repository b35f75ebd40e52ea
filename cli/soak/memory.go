package soak

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/udiledger/udiledger/network/fabricnet"
)

// memoryEvery is the pause between two memory samples; a 10-minute soak draws 300 points.
const memoryEvery = 2 * time.Second

// Sample is the resident memory of the processes at one moment: the largest of each kind
// (orderer, peer, chaincode), the gateway's and the soak's own, in MiB.
type Sample struct {
	At  float64            `json:"at"` // seconds since the soak started
	MiB map[string]float64 `json:"mib"`
}

// memory samples the processes' resident memory.
type memory struct {
	o  Options
	gw *gateway
}

func newMemory(o Options, gw *gateway) *memory { return &memory{o: o, gw: gw} }

// sample takes a sample every memoryEvery until ctx ends, then sends them all.
func (m *memory) sample(ctx context.Context) <-chan []Sample {
	out := make(chan []Sample, 1)
	go func() {
		start := time.Now()
		var all []Sample
		t := time.NewTicker(memoryEvery)
		defer t.Stop()
		for {
			all = append(all, Sample{At: seconds(time.Since(start)), MiB: m.now()})
			select {
			case <-ctx.Done():
				out <- all
				return
			case <-t.C:
			}
		}
	}()
	return out
}

// now reads every process's resident memory; a process down at that moment is left out.
func (m *memory) now() map[string]float64 {
	mib := map[string]float64{}
	if pid := m.gw.pid(); pid != 0 && m.gw.running() {
		if kib, ok := rssKiB(pid); ok {
			mib["gateway"] = round1(float64(kib) / 1024)
		}
	}
	if kib, ok := rssKiB(os.Getpid()); ok {
		mib["soak"] = round1(float64(kib) / 1024)
	}
	if m.o.Backend != Fabric {
		return mib
	}
	n, err := fabricnet.Load(m.o.Network.RunDir)
	if err != nil {
		return mib
	}
	ps, _ := n.Processes()
	for _, p := range ps {
		switch p.Kind {
		case fabricnet.KindOrderer, fabricnet.KindPeer, fabricnet.KindChaincode:
			mib[p.Kind] = max(mib[p.Kind], round1(float64(p.RSSKiB)/1024))
		}
	}
	return mib
}

// rssKiB reads VmRSS of a process.
func rssKiB(pid int) (int, bool) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, false
	}
	for line := range bytes.Lines(b) {
		if v, ok := bytes.CutPrefix(line, []byte("VmRSS:")); ok {
			f := bytes.Fields(v)
			if len(f) == 0 {
				return 0, false
			}
			n, err := strconv.Atoi(string(f[0]))
			return n, err == nil
		}
	}
	return 0, false
}

func round1(v float64) float64 { return float64(int64(v*10+0.5)) / 10 }
