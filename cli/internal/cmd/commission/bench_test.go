package commission

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/udiledger/udiledger/chaincode/orgs"
	"github.com/udiledger/udiledger/cli/internal/clitest"
)

// BenchmarkCommission100k commissions 100,000 codes of a serial range through `udi commission`
// against a gateway on the development ledger with fsync on commit, as `udi serve` runs it:
// ten events of 10,000 codes, each a POST to the gateway, a transaction of the chaincode and
// a commit. It reports codes per second, and how long running the same command again (every
// event answered as replayed) takes.
//
//	go test -run '^$' -bench Commission -benchtime 1x ./cli/...
func BenchmarkCommission100k(b *testing.B) {
	g := clitest.StoryGatewayWith(b, clitest.Options{Sync: true})
	in := clitest.Input{Env: g.Env(orgs.Manufacturer)}
	var rerun time.Duration
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		lotName := fmt.Sprintf("B%d", i)
		di := g.NewLot(b, "0690123400007", lotName)
		args := []string{"--lot", di + "/" + lotName, "--serials", "1-100000", "--width", "6"}
		b.StartTimer()
		_, errOut, exit := clitest.RunWith(context.Background(), in, NewCmdCommission, args...)
		b.StopTimer()
		if exit != 0 || !strings.Contains(errOut, "10 done, 0 replayed, 0 failed, 0 not sent") {
			b.Fatalf("exit %d: %s", exit, errOut)
		}
		start := time.Now()
		_, errOut, exit = clitest.RunWith(context.Background(), in, NewCmdCommission, args...)
		rerun += time.Since(start)
		if exit != 0 || !strings.Contains(errOut, "0 done, 10 replayed") {
			b.Fatalf("again: exit %d: %s", exit, errOut)
		}
		b.StartTimer()
	}
	b.ReportMetric(float64(b.N*100000)/b.Elapsed().Seconds(), "codes/s")
	b.ReportMetric(rerun.Seconds()/float64(b.N), "s/rerun")
}
