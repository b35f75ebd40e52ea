package bench

import (
	"context"
	"fmt"

	"github.com/udiledger/udiledger/chaincode/model"
	"github.com/udiledger/udiledger/chaincode/ops"
	"github.com/udiledger/udiledger/gateway/ledger"
)

// BatchFunc records inspections of codes, one per code with the event IDs given, in one
// transaction.
type BatchFunc func(ctx context.Context, id *ledger.Identity, eventIDs, codes []string) error

// batchOf is how env records a batch: env.Batch, else unit:Scans through env.Inv.
func batchOf(env Env) BatchFunc {
	if env.Batch != nil {
		return env.Batch
	}
	return func(ctx context.Context, id *ledger.Identity, eventIDs, codes []string) error {
		req := model.ScanBatchRequest{Scans: make([]model.Scan, len(codes))}
		for i, c := range codes {
			req.Scans[i] = model.Scan{Action: model.ScanInspect, Inspect: &model.InspectRequest{EventHeader: model.EventHeader{EventID: eventIDs[i]}, Code: c}}
		}
		r, err := ledger.Do(ctx, env.Inv, id, ops.Scans, req)
		if err != nil {
			return err
		}
		if len(r.Value.Results) != len(codes) {
			return fmt.Errorf("%d results for %d scans", len(r.Value.Results), len(codes))
		}
		return nil
	}
}
