// Package bench implements `udi bench`: the performance of the ledger as its users load it,
// beside a trivial reference chaincode on the same backend.
package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/signal"
	"time"

	"github.com/spf13/cobra"

	"github.com/udiledger/udiledger/chaincode/model"
	"github.com/udiledger/udiledger/cli/bench"
	"github.com/udiledger/udiledger/cli/internal/backend"
	"github.com/udiledger/udiledger/cli/internal/cmdutil"
	"github.com/udiledger/udiledger/gateway/httpledger"
	"github.com/udiledger/udiledger/gateway/ledger"
)

// Options are the flags of `udi bench`.
type Options struct {
	IO      cmdutil.IOStreams
	Backend string
	Via     string
	Profile string
	Output  cmdutil.Output
	Charts  string
	Report  string
	PProf   string
	Run     int
	DataDir string
	RunDir  string
}

// Via values.
const (
	viaLedger  = "ledger"
	viaGateway = "gateway"
)

// NewCmdBench returns `udi bench`.
func NewCmdBench(f *cmdutil.Factory) *cobra.Command {
	o := &Options{IO: f.IO}
	cmd := &cobra.Command{
		Use:   "bench",
		Short: "Measure throughput and latency on a backend, beside a trivial reference chaincode",
		Long: `Measure the ledger as its users load it, on the embedded engine or the Fabric network of
'udi network up'. Each run makes its own lot of 10,000 units; the recalled lot of 100,000 units
whose scope is read is made by the first run on a ledger (minutes on Fabric) and read by every
later one. In order:

  commission_10k_s       one transaction commissioning 10,000 codes
  scan_tx_per_s          single-scan transactions (unit:Inspect) from concurrent clients,
                         swept over the profile's client counts, then held at the best one;
                         commit_p50_ms / commit_p99_ms are those scans' submit-to-commit times
  trivial_tx_per_s       the same load on a reference chaincode that makes one blind write per
                         transaction (same endorsement policy); ratio_to_trivial = scan / trivial
  batched_events_per_s   scans recorded 100 to a transaction
  pallet_10k_ship_s      the 10,000 units packed 100 to a case onto one pallet, shipped in
                         one transaction (and received: pallet_10k_receive_s)
  provenance_p99_ms      provenance reads of the pallet's units
  recall_scope_100k_s    the scope of a recall of the 100,000-unit lot
  rss_mb                 peak resident memory of each kind of process

Each figure is printed beside its target on the backend. --profile quick takes about 5
minutes on 2 cores (plus, on a new Fabric network, the recalled lot's 5), full about 30. Runs
on one ledger keep their goods apart (--run). A run writes real data: bench a development or
test network, never production.`,
		Example: `  udi bench                                  # embedded engine, quick profile
  udi bench --backend fabric -o json         # on 'udi network up'
  udi bench --profile full --charts docs/images
  udi bench --via gateway                    # through a REST gateway on a loopback port`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := o.Output.Check(); err != nil {
				return err
			}
			if o.Backend != backend.Embedded && o.Backend != backend.Fabric {
				return cmdutil.InvalidInput(fmt.Errorf("unknown backend %q: want embedded or fabric", o.Backend))
			}
			if o.Via != viaLedger && o.Via != viaGateway {
				return cmdutil.InvalidInput(fmt.Errorf("--via %q: want ledger or gateway", o.Via))
			}
			if _, ok := bench.ProfileNamed(o.Profile); !ok {
				return cmdutil.InvalidInput(fmt.Errorf("--profile %q: want quick, full or smoke", o.Profile))
			}
			if o.Run != 0 && (o.Run < 101 || o.Run > 999) {
				return cmdutil.InvalidInput(fmt.Errorf("--run %d is outside 101 to 999", o.Run))
			}
			return run(cmd.Context(), o)
		},
	}
	cmd.Flags().StringVar(&o.Backend, "backend", backend.Embedded, "ledger to measure: embedded or fabric")
	cmd.Flags().StringVar(&o.Via, "via", viaLedger, "ledger: the backend's client; gateway: REST over HTTP through a loopback gateway")
	cmd.Flags().StringVar(&o.Profile, "profile", "quick", "quick (about 5 minutes), full (about 30) or smoke (seconds: checks that every phase runs)")
	cmd.Flags().StringVar(&o.Charts, "charts", "", "write the throughput and latency charts (SVG) into this directory")
	cmd.Flags().StringVar(&o.Report, "report-file", "", "also write the report as JSON to this file")
	cmd.Flags().StringVar(&o.PProf, "pprof", "", "write CPU profiles of the processes serving the sustained scan load into this directory")
	cmd.Flags().IntVar(&o.Run, "run", 0, "run number (101-999) that keeps this run's goods apart (default: the first free one)")
	cmd.Flags().StringVar(&o.DataDir, "data-dir", "", "embedded ledger directory to keep (default: a temporary one, removed after)")
	cmd.Flags().StringVar(&o.RunDir, "run-dir", "", "run directory of the Fabric network (default network/run)")
	cmdutil.AddOutputFlag(cmd, &o.Output)
	return cmd
}

func run(ctx context.Context, o *Options) error {
	if ctx == nil {
		ctx = context.Background()
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt)
	defer stop()
	b, err := backend.Open(ctx, backend.Options{Backend: o.Backend, DataDir: o.DataDir, TempPrefix: "udi-bench-", Durable: true, RunDir: o.RunDir, Log: o.IO.ErrOut})
	if err != nil {
		return err
	}
	defer b.Close()
	p, _ := bench.ProfileNamed(o.Profile)
	env := bench.Env{Backend: o.Backend, Via: o.Via, Inv: &ledger.Caller{Client: b.Client}, Actors: b.Actors, Run: o.Run, Log: o.IO.ErrOut}
	closeExtras, err := addBackend(ctx, o, b, &env)
	if err != nil {
		return err
	}
	defer closeExtras()
	if o.Via == viaGateway {
		gw, err := b.Loopback(o.IO.ErrOut)
		if err != nil {
			return err
		}
		defer func() { _ = gw.Close() }()
		httpClient := &http.Client{Timeout: 5 * time.Minute, Transport: &http.Transport{MaxIdleConnsPerHost: 128}}
		hc, err := httpledger.New(gw.URL, gw.Keys, httpClient)
		if err != nil {
			return err
		}
		env.Inv = hc
		env.Batch = postScans(httpClient, gw.URL, gw.Keys)
	}
	r, err := bench.Run(ctx, env, p)
	if err != nil {
		return err
	}
	if o.Charts != "" {
		paths, err := r.WriteCharts(o.Charts)
		if err != nil {
			return err
		}
		for _, p := range paths {
			fmt.Fprintf(o.IO.ErrOut, "chart %s\n", p)
		}
	}
	if o.Report != "" {
		if err := writeReport(o.Report, r); err != nil {
			return err
		}
	}
	if o.Output.JSON() {
		return cmdutil.WriteJSON(o.IO.Out, r)
	}
	return r.WriteTable(o.IO.Out)
}

func writeReport(path string, r *bench.Report) error {
	f, err := os.Create(path) // #nosec G304 -- the file the user named
	if err != nil {
		return err
	}
	if err := cmdutil.WriteJSON(f, r); err != nil {
		_ = f.Close()
		return err
	}
	return f.Close()
}

// postScans records a batch through a gateway's POST /v1/scans, which writes a station's
// scans in one transaction.
func postScans(client *http.Client, base string, keys map[string]string) bench.BatchFunc {
	type scan struct {
		ID     string `json:"id"`
		Code   string `json:"code"`
		Action string `json:"action"`
	}
	return func(ctx context.Context, id *ledger.Identity, eventIDs, codes []string) error {
		body := struct {
			Scans []scan `json:"scans"`
		}{Scans: make([]scan, len(codes))}
		for i, c := range codes {
			body.Scans[i] = scan{ID: eventIDs[i], Code: c, Action: string(model.ScanInspect)}
		}
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/v1/scans", bytes.NewReader(b))
		if err != nil {
			return err
		}
		req.Header.Set("Authorization", "Bearer "+keys[id.MSPID])
		req.Header.Set("Content-Type", "application/json")
		res, err := client.Do(req)
		if err != nil {
			return err
		}
		defer res.Body.Close()
		var out struct {
			Succeeded int `json:"succeeded"`
			Failed    int `json:"failed"`
		}
		if err := json.NewDecoder(res.Body).Decode(&out); err != nil {
			return fmt.Errorf("POST /v1/scans: %s: %w", res.Status, err)
		}
		if res.StatusCode != http.StatusOK || out.Failed > 0 || out.Succeeded != len(codes) {
			return fmt.Errorf("POST /v1/scans: %s, %d of %d scans failed", res.Status, out.Failed, len(codes))
		}
		return nil
	}
}
