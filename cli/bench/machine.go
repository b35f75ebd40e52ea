package bench

import (
	"bufio"
	"bytes"
	"context"
	"maps"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Machine is where a run ran.
type Machine struct {
	CPUs    int    `json:"cpus"`
	CPU     string `json:"cpu,omitempty"`
	MemMB   int    `json:"mem_mb,omitempty"`
	OS      string `json:"os"`
	Go      string `json:"go"`
	LoadAvg string `json:"load_avg,omitempty"` // when the run started: others' load skews figures
}

// ReadMachine describes this machine.
func ReadMachine() Machine {
	m := Machine{CPUs: runtime.NumCPU(), OS: runtime.GOOS + "/" + runtime.GOARCH, Go: runtime.Version()}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		m.CPU = field(b, "model name", ":")
	}
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		if kb, err := strconv.Atoi(strings.TrimSuffix(field(b, "MemTotal", ":"), " kB")); err == nil {
			m.MemMB = kb / 1024
		}
	}
	if b, err := os.ReadFile("/proc/loadavg"); err == nil {
		if f := strings.Fields(string(b)); len(f) >= 3 {
			m.LoadAvg = strings.Join(f[:3], " ")
		}
	}
	return m
}

// field is the value of the first "name<sep> value" line of a /proc file.
func field(b []byte, name, sep string) string {
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), sep)
		if ok && strings.TrimSpace(k) == name {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// SelfMemory is this process's resident memory in MiB: "udi" all of it (VmRSS, which counts
// the pages of a memory-mapped ledger file), "udi_anon" its own (RssAnon).
func SelfMemory() map[string]float64 {
	m := map[string]float64{}
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return m
	}
	for kind, name := range map[string]string{"udi": "VmRSS", "udi_anon": "RssAnon"} {
		if kb, err := strconv.Atoi(strings.TrimSuffix(field(b, name, ":"), " kB")); err == nil {
			m[kind] = round(float64(kb)/1024, 1)
		}
	}
	return m
}

// sampleMemory reads read every second until the returned function is called, which gives
// the peak of each kind.
func sampleMemory(ctx context.Context, read func() (map[string]float64, error)) func() map[string]float64 {
	peak := map[string]float64{}
	if read == nil {
		return func() map[string]float64 { return peak }
	}
	var mu sync.Mutex
	sample := func() {
		m, err := read()
		if err != nil {
			return
		}
		mu.Lock()
		for k, v := range m {
			peak[k] = max(peak[k], v)
		}
		mu.Unlock()
	}
	ctx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for {
			sample()
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
	return func() map[string]float64 {
		stop()
		<-done
		sample()
		mu.Lock()
		defer mu.Unlock()
		return maps.Clone(peak)
	}
}
