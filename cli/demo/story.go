package demo

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/udiledger/udiledger/chaincode/model"
	"github.com/udiledger/udiledger/chaincode/ops"
	"github.com/udiledger/udiledger/gateway/ledger"
)

// story is one run: the ledger, the cast, the codes, what is printed and what is found.
type story struct {
	call
	a   Actors
	c   codes
	p   printer
	now time.Time
	out *Outcome

	names      map[string]string // MSP ID -> party name
	drugExpiry time.Time
	saleEvent  string
	returned   []string // what came back to the manufacturer under the recall
}

// id is the event ID of a step of this run.
func (s *story) id(step string) string { return fmt.Sprintf("demo-%03d-%s", s.c.batch, step) }

func (s *story) name(msp string) string {
	if n, ok := s.names[msp]; ok {
		return n
	}
	return msp
}

func (s *story) register() error {
	s.p.chapterf("The regulator opens the ledger and registers the participants")
	parties := s.a.parties(s.now)
	s.names = map[string]string{}
	for i, p := range parties {
		s.names[p.MSPID] = p.Name
		found, err := exists(s.call, s.a.Regulator, ops.GetParty, model.PartyQuery{MSPID: p.MSPID})
		if err != nil {
			return err
		}
		switch {
		case found:
			s.p.line("%-22s already registered", p.MSPID)
		case i == 0:
			if _, err := do(s.call, s.a.Regulator, ops.InitLedger, p); err != nil {
				return err
			}
			s.p.line("%-22s %s — the first regulator, set at instantiation", p.MSPID, p.Name)
		default:
			if _, err := do(s.call, s.a.Regulator, ops.RegisterParty, p); err != nil {
				return err
			}
			s.p.line("%-22s %s — %s, licence %s valid to %s", p.MSPID, p.Name, p.Roles[0], p.Licences[0].Number, p.Licences[0].ValidTo)
		}
		s.out.Parties = append(s.out.Parties, p.MSPID)
	}
	return nil
}

func (s *story) manufacture() error {
	mfr := s.a.Manufacturer
	s.p.chapterf("%s registers its products, makes a lot and palletises it", s.name(mfr.MSPID))
	if err := s.registerProducts(); err != nil {
		return err
	}
	s.drugExpiry = s.now.AddDate(2, 0, 0)
	deviceExpiry := s.now.AddDate(3, 0, 0)
	lots := []model.Lot{
		{DI: drugProduct, Lot: s.c.drugLot(), ProductionDate: model.DateOf(s.now.AddDate(0, 0, -30)), Expiry: model.DateOf(s.drugExpiry), Quantity: cases * unitsPerCase},
		{DI: deviceGTIN, Lot: s.c.deviceLot(), ProductionDate: model.DateOf(s.now.AddDate(0, 0, -10)), Expiry: model.DateOf(deviceExpiry), Quantity: devices},
	}
	for _, l := range lots {
		if _, err := do(s.call, mfr, ops.RegisterLot, l); err != nil {
			return err
		}
		s.p.line("lot %s of %s: %d units, expires %s", l.Lot, l.DI, l.Quantity, l.Expiry)
	}

	r, err := do(s.call, mfr, ops.Commission, model.CommissionRequest{EventHeader: model.EventHeader{EventID: s.id("commission-drug"), Location: mfrGLN},
		DI: drugProduct, Lot: s.c.drugLot(),
		Codes: s.c.drugRange(1, cases*unitsPerCase),
	})
	if err != nil {
		return err
	}
	s.out.Commissioned = r.UnitCount
	s.p.line("commissioned %d trace codes %s … %s in one transaction", r.UnitCount, s.c.drug(1), s.c.drug(cases*unitsPerCase))

	deviceCodes := make([]string, devices)
	for i := range deviceCodes {
		deviceCodes[i] = s.c.device(i+1, deviceExpiry)
	}
	if r, err = do(s.call, mfr, ops.Commission, model.CommissionRequest{EventHeader: model.EventHeader{EventID: s.id("commission-device"), Location: mfrGLN},
		DI: deviceGTIN, Lot: s.c.deviceLot(), Codes: deviceCodes,
	}); err != nil {
		return err
	}
	s.out.Commissioned += r.UnitCount
	s.p.line("commissioned %d stents, first UDI %s", r.UnitCount, deviceCodes[0])

	for i := 1; i <= cases; i++ {
		if _, err := do(s.call, mfr, ops.Pack, model.PackRequest{EventHeader: model.EventHeader{EventID: s.id(fmt.Sprintf("pack-case-%02d", i)), Location: mfrGLN},
			Parent:   s.c.drugCaseCode(i),
			Children: s.c.drugRange((i-1)*unitsPerCase+1, unitsPerCase),
		}); err != nil {
			return err
		}
	}
	s.p.line("packed them into %d cases of %d (%s …)", cases, unitsPerCase, s.c.drugCaseCode(1))
	if _, err := do(s.call, mfr, ops.Pack, model.PackRequest{EventHeader: model.EventHeader{EventID: s.id("pack-pallet"), Location: mfrGLN},
		Parent: s.c.pallet(), Children: s.caseRange(1, cases),
	}); err != nil {
		return err
	}
	s.p.line("and the cases onto pallet %s", s.c.pallet())
	return nil
}

// registerProducts registers the story's products, unless an earlier run did.
func (s *story) registerProducts() error {
	mfr := s.a.Manufacturer
	for _, p := range products() {
		found, err := exists(s.call, mfr, ops.GetProduct, model.ProductQuery{DI: p.DI})
		if err != nil {
			return err
		}
		if !found {
			if _, err := do(s.call, mfr, ops.RegisterProduct, p); err != nil {
				return err
			}
		}
		s.p.line("product %-14s %s (%s, %s, stored %g–%g °C)", p.DI, p.Name, p.Kind, p.RegistrationNumber, p.Storage.Min, p.Storage.Max)
	}
	return nil
}

func (s *story) caseRange(from, to int) []string {
	var out []string
	for i := from; i <= to; i++ {
		out = append(out, s.c.drugCaseCode(i))
	}
	return out
}

// move ships codes from one party to another and has the receiver receive them.
func (s *story) move(step string, from, to *ledger.Identity, toGLN string, codes ...string) (int, error) {
	r, err := do(s.call, from, ops.Ship, model.ShipRequest{EventHeader: model.EventHeader{EventID: s.id(step + "-ship"), Location: s.glnOf(from)},
		To: to.MSPID, Codes: codes, Destination: toGLN,
		BizTransactions: []model.BizTransaction{{Type: model.BizTransactionType("desadv"), Value: "urn:demo:desadv:" + s.id(step)}},
	})
	if err != nil {
		return 0, err
	}
	if _, err := do(s.call, to, ops.Receive, model.ReceiveRequest{EventHeader: model.EventHeader{EventID: s.id(step + "-receive"), Location: toGLN}, Codes: codes}); err != nil {
		return 0, err
	}
	s.p.line("%s → %s: %d units (%s), received", s.name(from.MSPID), s.name(to.MSPID), r.UnitCount, describe(codes))
	return r.UnitCount, nil
}

func describe(codes []string) string {
	if len(codes) == 1 {
		return codes[0]
	}
	return fmt.Sprintf("%d items from %s", len(codes), codes[0])
}

func (s *story) distribute() error {
	s.p.chapterf("The goods travel: pallet to the distributor, cases to the pharmacy and the hospital")
	n, err := s.move("pallet", s.a.Manufacturer, s.a.Distributor, dstGLN, s.c.pallet())
	if err != nil {
		return err
	}
	s.out.PalletUnits = n
	if _, err := do(s.call, s.a.Distributor, ops.Unpack, model.UnpackRequest{EventHeader: model.EventHeader{EventID: s.id("unpack-pallet"), Location: dstGLN}, Parent: s.c.pallet()}); err != nil {
		return err
	}
	s.p.line("%s breaks the pallet into its %d cases", s.name(s.a.Distributor.MSPID), cases)
	if _, err := s.move("to-platform", s.a.Distributor, s.a.Platform, pltGLN, s.caseRange(1, 3)...); err != nil {
		return err
	}
	if _, err := s.move("to-hospital", s.a.Distributor, s.a.Hospital, hspGLN, s.caseRange(4, 6)...); err != nil {
		return err
	}
	stents := make([]string, devices)
	for i := range stents {
		stents[i] = s.c.device(i+1, s.now.AddDate(3, 0, 0))
	}
	if _, err := s.move("stents", s.a.Manufacturer, s.a.Hospital, hspGLN, stents...); err != nil {
		return err
	}
	for _, id := range []*ledger.Identity{s.a.Manufacturer, s.a.Distributor, s.a.Platform, s.a.Hospital} {
		hs, err := s.holdings(id.MSPID)
		if err != nil {
			return err
		}
		total := 0
		for _, h := range hs {
			total += h.UnitCount
		}
		s.out.Holdings[id.MSPID] = total
		s.p.line("%-32s holds %4d units", s.name(id.MSPID), total)
	}
	return nil
}

// holdings lists what a party holds of this run's lots, every page.
func (s *story) holdings(msp string) ([]model.Holding, error) {
	var out []model.Holding
	bookmark := ""
	for {
		page, err := do(s.call, s.a.Regulator, ops.UnitsByHolder,
			model.HolderQuery{MSPID: msp, PageQuery: model.PageQuery{PageSize: model.MaxPageSize, Bookmark: bookmark}})
		if err != nil {
			return nil, err
		}
		for _, h := range page.Holdings {
			if s.ours(h) {
				out = append(out, h)
			}
		}
		if page.Bookmark == "" || len(page.Holdings) == 0 {
			return out, nil
		}
		bookmark = page.Bookmark
	}
}

// ours reports whether a holding belongs to this run's lots.
func (s *story) ours(h model.Holding) bool {
	if h.Lot != "" {
		return h.Lot == s.c.drugLot() || h.Lot == s.c.deviceLot()
	}
	for _, c := range h.Contents {
		if c.Lot == s.c.drugLot() || c.Lot == s.c.deviceLot() {
			return true
		}
	}
	return false
}

func (s *story) coldChain() error {
	dst := s.a.Distributor
	s.p.chapterf("Cold chain: a data logger in the distributor's store reports a case at 12.4 °C")
	hot := s.c.drugCaseCode(10)
	r, err := do(s.call, dst, ops.ReportSensor, model.SensorRequest{EventHeader: model.EventHeader{EventID: s.id("logger-case-10"), Location: dstGLN},
		Codes: []string{hot}, SensorElementList: []model.SensorElement{{DeviceID: "urn:demo:logger:cold-store-3", Reports: []model.SensorReport{
			{Type: model.TemperatureType, Value: 5.2, UOM: "CEL"},
			{Type: model.TemperatureType, Value: 12.4, UOM: "CEL"},
		}}},
	})
	if err != nil {
		return err
	}
	s.out.Excursion.Alerted = r.AlertID != ""
	hs, err := s.holdings(dst.MSPID)
	if err != nil {
		return err
	}
	for _, h := range hs {
		if h.Status == model.StatusQuarantined {
			s.out.Excursion.Quarantined += h.UnitCount
		}
	}
	s.p.line("alert %s raised; %d units quarantined", r.AlertID, s.out.Excursion.Quarantined)
	_, err = do(s.call, dst, ops.Ship, model.ShipRequest{EventHeader: model.EventHeader{EventID: s.id("ship-hot-case")}, To: s.a.Hospital.MSPID, Codes: []string{hot}})
	s.refused("ship a quarantined case", err)
	return nil
}

// refused records and prints a refusal the story expects; an unexpected success is recorded too.
func (s *story) refused(what string, err error) {
	var ce *ledger.ChaincodeError
	switch {
	case err == nil:
		s.out.Errors[what] = "accepted"
		s.p.line("✗ %s: accepted (it should have been refused)", what)
	case errors.As(err, &ce):
		s.out.Errors[what] = string(ledger.CodeOf(err))
		s.p.line("refused, as it should be: %s", ce.Message)
	default:
		s.out.Errors[what] = "error"
		s.p.line("✗ %s: %v", what, err)
	}
}

func (s *story) dispense() error {
	s.p.chapterf("Patients: the online pharmacy sells a pen, the hospital dispenses a pen and a stent")
	plt, hsp := s.a.Platform, s.a.Hospital
	sold := s.c.drug(1)
	if _, err := do(s.call, plt, ops.Unpack, model.UnpackRequest{EventHeader: model.EventHeader{EventID: s.id("unpack-sale"), Location: pltGLN}, Parent: s.c.drugCaseCode(1), Children: []string{sold}}); err != nil {
		return err
	}
	s.saleEvent = s.id("sale-online")
	if err := s.dispenseTo(plt, model.DispenseRequest{EventHeader: model.EventHeader{EventID: s.saleEvent, Location: pltGLN}, Codes: []string{sold}},
		"buyer-7781", "e-Rx 2026-118"); err != nil {
		return err
	}
	s.p.line("%s sells %s to a patient (the patient and prescription stay private)", s.name(plt.MSPID), sold)

	pen := s.c.drug(3*unitsPerCase + 1)
	if _, err := do(s.call, hsp, ops.Unpack, model.UnpackRequest{EventHeader: model.EventHeader{EventID: s.id("unpack-ward"), Location: hspGLN}, Parent: s.c.drugCaseCode(4), Children: []string{pen}}); err != nil {
		return err
	}
	wardEvent := s.id("dispense-ward")
	if err := s.dispenseTo(hsp, model.DispenseRequest{EventHeader: model.EventHeader{EventID: wardEvent, Location: hspGLN}, Codes: []string{pen}},
		"MRN-0042", "RX-88"); err != nil {
		return err
	}
	s.p.line("%s dispenses %s to an inpatient", s.name(hsp.MSPID), pen)
	stent := s.c.device(1, s.now.AddDate(3, 0, 0))
	if err := s.dispenseTo(hsp, model.DispenseRequest{EventHeader: model.EventHeader{EventID: s.id("implant"), Location: hspGLN}, Codes: []string{stent}},
		"MRN-0097", "OR-2026-3311"); err != nil {
		return err
	}
	s.p.line("%s implants stent %s", s.name(hsp.MSPID), stent)

	err := s.dispenseTo(s.a.Distributor, model.DispenseRequest{EventHeader: model.EventHeader{EventID: s.id("dispense-by-distributor")}, Codes: []string{s.c.drug(9*unitsPerCase + 1)}},
		"walk-in", "RX-1")
	s.refused("a distributor dispenses", err)

	for _, id := range []*ledger.Identity{hsp, s.a.Regulator, s.a.Distributor} {
		rec, err := do(s.call, id, ops.DispenseDetails, model.EventIDQuery{EventID: wardEvent})
		s.out.Private[id.MSPID] = err == nil && rec.PatientRef == "MRN-0042"
		if s.out.Private[id.MSPID] {
			s.p.line("%-32s reads the private dispense details", s.name(id.MSPID))
		} else {
			s.p.line("%-32s cannot read the private dispense details", s.name(id.MSPID))
		}
	}
	return nil
}

// dispenseTo dispenses as id, the patient and prescription references (with a fresh salt) in
// the private part.
func (s *story) dispenseTo(id *ledger.Identity, req model.DispenseRequest, patient, prescription string) error {
	in, err := dispenseInput(req, patient, prescription)
	if err != nil {
		return err
	}
	_, err = do(s.call, id, ops.Dispense, in)
	return err
}

func (s *story) verify() error {
	s.p.chapterf("Verification at the point of sale")
	verdict := func(label string, v model.Verification) {
		s.out.Verdicts = append(s.out.Verdicts, Verdict{
			Label: label, Genuine: v.Genuine, Sellable: v.Sellable, CloneSuspected: v.CloneSuspected,
			Recalled: v.Recalled, Status: string(v.Status),
		})
		s.p.line("%-34s genuine=%-5t sellable=%-5t clone=%-5t status=%s %s", label, v.Genuine, v.Sellable, v.CloneSuspected, v.Status, strings.Join(v.Reasons, "; "))
	}
	v, err := do(s.call, s.a.Platform, ops.Verify, model.CodeQuery{Code: s.c.drug(2)})
	if err != nil {
		return err
	}
	verdict("a pen in the pharmacy's stock", *v)
	if v, err = do(s.call, s.a.Hospital, ops.Verify, model.CodeQuery{Code: s.c.drug(10 * unitsPerCase)}); err != nil {
		return err
	}
	verdict("a pen from the overheated case", *v)

	in, err := do(s.call, s.a.Hospital, ops.Inspect, model.InspectRequest{EventHeader: model.EventHeader{EventID: s.id("inspect-counterfeit"), Location: hspGLN}, Code: s.c.counterfeit()})
	if err != nil {
		return err
	}
	verdict("a counterfeit code", in.Verification)
	if in, err = do(s.call, s.a.Hospital, ops.Inspect, model.InspectRequest{EventHeader: model.EventHeader{EventID: s.id("inspect-clone"), Location: hspGLN}, Code: s.c.drug(1)}); err != nil {
		return err
	}
	verdict("the code sold online, again", in.Verification)

	cases := map[model.AlertKind]string{}
	bookmark := ""
	for {
		page, err := do(s.call, s.a.Regulator, ops.Alerts, model.PageQuery{PageSize: model.MaxPageSize, Bookmark: bookmark})
		if err != nil {
			return err
		}
		for _, a := range page.Alerts {
			if strings.HasPrefix(a.ID, s.id("")) {
				s.out.Alerts[string(a.Kind)]++
				if a.Kind == model.AlertCounterfeit || a.Kind == model.AlertClone {
					cases[a.Kind] = a.CaseID
				}
			}
		}
		if page.Bookmark == "" || len(page.Alerts) == 0 {
			break
		}
		bookmark = page.Bookmark
	}
	s.p.line("alerts on the regulator's desk: %v", s.out.Alerts)
	return s.closeCases(cases)
}

// closeCases has the manufacturer decide the cases the scans opened: the unknown code is a
// counterfeit (confirmed, and the regulator notified with the facts); the pen presented again
// was the patient's own, brought back for disposal (a false positive: the clone flag goes).
func (s *story) closeCases(cases map[model.AlertKind]string) error {
	s.out.Cases = map[string]string{}
	for _, c := range []struct {
		kind       model.AlertKind
		resolution model.Resolution
		reason     string
	}{
		{model.AlertCounterfeit, model.ResolutionConfirmed, "no such serial was ever printed; the pack is a forgery"},
		{model.AlertClone, model.ResolutionFalsePositive, "the patient brought the used pen back to the hospital for disposal"},
	} {
		id := cases[c.kind]
		if id == "" {
			return fmt.Errorf("no case was opened for the %s alert", c.kind)
		}
		cs, err := do(s.call, s.a.Manufacturer, ops.CloseCase, model.CloseCaseRequest{CaseID: id, Resolution: c.resolution, Reason: c.reason})
		if err != nil {
			return err
		}
		s.out.Cases[string(c.kind)] = string(cs.Resolution)
		s.p.line("%s closes case %s (%s): %s", s.name(s.a.Manufacturer.MSPID), id, c.kind, c.resolution)
	}
	return nil
}

func (s *story) recall() error {
	reg := s.a.Regulator
	id := s.id("recall")
	s.p.chapterf("The regulator recalls lot %s", s.c.drugLot())
	if _, err := do(s.call, reg, ops.StartRecall, model.RecallRequest{
		ID: id, Class: model.RecallClassII, Depth: model.DepthRetail, AcknowledgeWithinHours: 48,
		Reason: "potency below specification in stability testing",
		Scope:  model.RecallScope{Type: model.ScopeLot, DI: drugProduct, Lot: s.c.drugLot()},
	}); err != nil {
		return err
	}
	st, err := s.scope(id)
	if err != nil {
		return err
	}
	s.p.line("class II, to retail level. Scope by holder:")
	s.p.line("  %-32s %8s %10s %10s %9s %12s", "holder", "in stock", "in transit", "dispensed", "returned", "quarantined")
	for _, h := range st.Holders {
		c := h.Counts
		s.out.Scope = append(s.out.Scope, HolderCount{Holder: h.Holder, InStock: c.InStock, InTransit: c.InTransit, Dispensed: c.Dispensed, Returned: c.Returned, Quarantined: c.Quarantined})
		s.p.line("  %-32s %8d %10d %10d %9d %12d", s.name(h.Holder), c.InStock, c.InTransit, c.Dispensed, c.Returned, c.Quarantined)
	}
	s.progress(st)

	_, err = do(s.call, s.a.Hospital, ops.Ship, model.ShipRequest{EventHeader: model.EventHeader{EventID: s.id("ship-recalled")}, To: s.a.Distributor.MSPID, Codes: []string{s.c.drugCaseCode(5)}})
	s.refused("ship a recalled case", err)

	returns := []struct {
		who   *ledger.Identity
		cases []string
	}{
		{s.a.Platform, s.caseRange(1, 3)},
		{s.a.Hospital, s.caseRange(4, 6)},
		{s.a.Distributor, s.caseRange(7, 10)},
	}
	for _, r := range returns {
		if _, err := do(s.call, r.who, ops.AcknowledgeRecall, model.AckRequest{RecallID: id, Note: "stock located and blocked"}); err != nil {
			return err
		}
		if err := s.returnAndAccept(r.who, id, "stock", r.cases); err != nil {
			return err
		}
		if st, err = s.scope(id); err != nil {
			return err
		}
		s.p.line("%s acknowledges and returns %d cases; %s accepts them", s.name(r.who.MSPID), len(r.cases), s.name(s.a.Manufacturer.MSPID))
		s.progress(st)
		if r.who == s.a.Platform {
			if err := s.amendAndCheck(id); err != nil {
				return err
			}
		}
	}
	return s.closeRecall(id)
}

// returnAndAccept returns codes of who's under the recall; the manufacturer accepts them. A
// return is a shipment: it counts once the manufacturer has accepted it.
func (s *story) returnAndAccept(who *ledger.Identity, recallID, what string, codes []string) error {
	step := what + "-" + who.MSPID
	if _, err := do(s.call, who, ops.Return, model.ReturnRequest{EventHeader: model.EventHeader{EventID: s.id("return-" + step), Location: s.glnOf(who)}, Codes: codes, RecallID: recallID, Reason: "recall " + recallID}); err != nil {
		return err
	}
	if _, err := do(s.call, s.a.Manufacturer, ops.Receive, model.ReceiveRequest{EventHeader: model.EventHeader{EventID: s.id("accept-" + step), Location: mfrGLN}, Codes: codes}); err != nil {
		return err
	}
	s.returned = append(s.returned, codes...)
	return nil
}

// amendAndCheck makes the recall class I and takes it to consumer level after a report of
// harm, has each dispenser find its patients from its own private records and take their
// pens back, and checks the online pharmacy's handling of it.
func (s *story) amendAndCheck(id string) error {
	if _, err := do(s.call, s.a.Regulator, ops.AmendRecall, model.RecallAmendRequest{RecallID: id, Class: model.RecallClassI,
		Depth: model.DepthConsumer, AcknowledgeWithinHours: 24, Reason: "a patient's hospitalisation reported"}); err != nil {
		return err
	}
	st, err := s.scope(id)
	if err != nil {
		return err
	}
	s.p.line("the regulator amends the recall to class I, to consumer level: dispensed pens must come back too")
	s.progress(st)
	s.out.Dispensed = map[string]int{}
	for _, d := range []*ledger.Identity{s.a.Platform, s.a.Hospital} {
		list, err := do(s.call, d, ops.RecallDispensed, model.RecallQuery{RecallID: id})
		if err != nil {
			return err
		}
		s.out.Dispensed[d.MSPID] = len(list.Units)
		var codes []string
		for _, u := range list.Units {
			codes = append(codes, u.Code)
			s.p.line("%s finds in its own records that %s went to patient %s: the patient is called and brings it back", s.name(d.MSPID), u.Code, u.PatientRef)
		}
		if err := s.returnAndAccept(d, id, "patients", codes); err != nil {
			return err
		}
	}
	if st, err = s.scope(id); err != nil {
		return err
	}
	s.progress(st)
	_, err = do(s.call, s.a.Distributor, ops.RecallDispensed, model.RecallQuery{RecallID: id})
	s.refused("a distributor asks for the patients' list", err)
	r, err := do(s.call, s.a.Regulator, ops.CheckRecall, model.EffectivenessCheckRequest{RecallID: id, Holder: s.a.Platform.MSPID,
		Level: "B", Effective: true, Note: "notice received, stock blocked and returned"})
	if err != nil {
		return err
	}
	s.p.line("the regulator checks %s: effective (level %s)", s.name(s.a.Platform.MSPID), r.Checks[0].Level)
	return nil
}

// closeRecall has the manufacturer destroy what came back and complete the recall, and the
// regulator terminate it.
func (s *story) closeRecall(id string) error {
	if _, err := do(s.call, s.a.Manufacturer, ops.Destroy, model.DisposeRequest{EventHeader: model.EventHeader{EventID: s.id("destroy-returns"), Location: mfrGLN},
		Codes: s.returned, RecallID: id, Reason: "recalled stock incinerated under witness"}); err != nil {
		return err
	}
	st, err := s.scope(id)
	if err != nil {
		return err
	}
	s.out.Destroyed = st.Counts.Destroyed
	s.p.line("%s destroys the %d units that came back, in one event naming the recall", s.name(s.a.Manufacturer.MSPID), st.Counts.Destroyed)
	if _, err := do(s.call, s.a.Manufacturer, ops.CompleteRecall, model.RecallCloseRequest{RecallID: id, Reason: "every unit back and destroyed"}); err != nil {
		return err
	}
	r, err := do(s.call, s.a.Regulator, ops.TerminateRecall, model.RecallCloseRequest{RecallID: id, Reason: "all units recovered"})
	if err != nil {
		return err
	}
	for _, h := range r.History {
		s.out.RecallSteps = append(s.out.RecallSteps, h.Step)
	}
	s.out.RecallSteps = append(s.out.RecallSteps, string(r.Current()))
	s.p.line("%s completes the recall; the regulator terminates it at 100 %%", s.name(s.a.Manufacturer.MSPID))
	return nil
}

func (s *story) glnOf(id *ledger.Identity) string {
	switch id {
	case s.a.Platform:
		return pltGLN
	case s.a.Hospital:
		return hspGLN
	case s.a.Distributor:
		return dstGLN
	}
	return mfrGLN
}

func (s *story) scope(id string) (*model.RecallStatus, error) {
	return do(s.call, s.a.Regulator, ops.RecallScope, model.ScopeQuery{RecallID: id})
}

func (s *story) progress(st *model.RecallStatus) {
	pct := int(st.Progress*100 + 0.5)
	s.out.Progress = append(s.out.Progress, pct)
	s.p.line("  progress %3d %%  (%d of %d units back)", pct, st.Done, st.Required)
}

func (s *story) provenance() error {
	sold := s.c.drug(1)
	s.out.SoldOnline = sold
	s.p.chapterf("Provenance of %s, from the plant to the patient", sold)
	prov, err := do(s.call, s.a.Regulator, ops.Provenance, model.CodeQuery{Code: sold})
	if err != nil {
		return err
	}
	places := map[string]string{mfrGLN: "plant", dstGLN: "cold store", pltGLN: "fulfilment centre", hspGLN: "hospital pharmacy"}
	for _, e := range prov.Events {
		ev := e.Event
		step := Step{BizStep: string(ev.BizStep), Actor: ev.Actor, Place: places[firstOf(ev.BizLocation, ev.ReadPoint)]}
		switch {
		case e.Via == "recall":
			step.Via = "lot"
		case strings.HasPrefix(e.Via, "(00)"):
			step.Via = "pallet"
		case e.Via != "":
			step.Via = "case"
		}
		s.out.Timeline = append(s.out.Timeline, step)
		via := ""
		if step.Via != "" {
			via = "(its " + step.Via + ")"
		}
		s.p.line("%s  %-16s %-42s %-18s %s", shortTime(ev.EventTime), ev.BizStep, s.name(ev.Actor), step.Place, via)
	}
	return nil
}

func firstOf(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}

func shortTime(rfc3339 string) string {
	t, err := time.Parse(time.RFC3339Nano, rfc3339)
	if err != nil {
		return rfc3339
	}
	return t.Local().Format("2006-01-02 15:04:05")
}
