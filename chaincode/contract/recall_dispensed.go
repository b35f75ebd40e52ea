package contract

import (
	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/udiledger/udiledger/chaincode/model"
)

// Dispensed lists, for a dispenser (hospital, pharmacy, platform), every unit of a recall's
// scope it dispensed and that is still dispensed, with the dispense's event, time and the
// patient and prescription references of its own private record: the consumer-level list
// of the patients to reach. The references come from the caller's own collection only, so
// nobody reads another's patients; an erased or expired record shows as erased. Any depth
// may ask; PatientContact says whether the recall's depth requires reaching the patients.
func (c *RecallContract) Dispensed(ctx contractapi.TransactionContextInterface, id string) (*model.RecallDispensed, error) {
	t, err := begin(ctx, c.cfg)
	if err != nil {
		return nil, err
	}
	if _, err := t.meAs("list the units of a recall it dispensed", dispensingRoles...); err != nil {
		return nil, err
	}
	r, err := t.readRecall(id)
	if err != nil {
		return nil, err
	}
	out := &model.RecallDispensed{RecallID: r.ID, Depth: r.Depth, Dispenser: t.caller,
		PatientContact: r.Depth.Reaches(model.LevelConsumer), Units: []model.DispensedUnit{}}
	records := map[string]*model.DispenseRecord{}
	err = t.scopeUnits(r, func(key string) error {
		u, err := t.unitNoCache(key)
		if err != nil {
			return err
		}
		d := u.Dispense
		if u.Status != model.StatusDispensed || d == nil || d.By != t.caller {
			return nil
		}
		rec, ok := records[d.EventID]
		if !ok {
			if rec, _, err = t.dispenseRecord(d.EventID); err != nil {
				return err
			}
			records[d.EventID] = rec
		}
		du := model.DispensedUnit{Code: key, EventID: d.EventID, At: d.At, Erased: rec == nil}
		if rec != nil {
			du.PatientRef, du.PrescriptionRef = rec.PatientRef, rec.PrescriptionRef
		}
		out.Units = append(out.Units, du)
		return nil
	})
	return out, err
}
