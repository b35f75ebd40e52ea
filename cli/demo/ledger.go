package demo

import (
	"context"
	"fmt"

	"github.com/udiledger/udiledger/chaincode/model"
	"github.com/udiledger/udiledger/chaincode/ops"
	"github.com/udiledger/udiledger/gateway/ledger"
)

// call is where the story's operations go: a ledger (through a ledger.Caller) or a gateway.
type call struct {
	inv ledger.Invoker
	ctx context.Context
}

// do runs one operation of the catalogue as id and returns its answer.
func do[Req, Res any](c call, id *ledger.Identity, op ops.Op[Req, Res], req Req) (*Res, error) {
	r, err := ledger.Do(c.ctx, c.inv, id, op, req)
	if err != nil {
		return nil, fmt.Errorf("%s as %s: %w", op.Name(), id.MSPID, err)
	}
	return r.Value, nil
}

// exists reports whether a read finds its record: false on NOT_FOUND, an error otherwise.
func exists[Req, Res any](c call, id *ledger.Identity, op ops.Op[Req, Res], req Req) (bool, error) {
	_, err := do(c, id, op, req)
	if ledger.CodeOf(err) == model.CodeNotFound {
		return false, nil
	}
	return err == nil, err
}

// dispenseInput is a dispense of codes with its private part; the salt of the patient hash
// is the submitting side's to choose (ledger.DispenseSalt), so the story sends none.
func dispenseInput(req model.DispenseRequest, patient, prescription string) (model.DispenseInput, error) {
	return model.DispenseInput{DispenseRequest: req, DispensePrivate: model.DispensePrivate{
		PatientRef: patient, PrescriptionRef: prescription,
	}}, nil
}
