package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/gin-gonic/gin"

	"github.com/udiledger/udiledger/chaincode/model"
	"github.com/udiledger/udiledger/chaincode/ops"
	"github.com/udiledger/udiledger/gateway/ledger"
	"github.com/udiledger/udiledger/gateway/problem"
)

// Scan actions a scanner station sends: verify, which records nothing (query:Verify), and
// the write actions of unit:Scans (model.ScanAction).
const (
	ScanVerify       = "verify"
	ScanInspect      = string(model.ScanInspect) // records the scan, raises alerts
	ScanReceive      = string(model.ScanReceive)
	ScanShip         = string(model.ScanShip) // to "to"
	ScanReturn       = string(model.ScanReturn)
	ScanDestroy      = string(model.ScanDestroy)      // with "reason"
	ScanDecommission = string(model.ScanDecommission) // with "reason"
)

// MaxScans bounds one batch: as many as one unit:Scans transaction takes.
const MaxScans = model.MaxScanBatch

type scanBody struct {
	// ID is the scan's event ID; without it the batch's Idempotency-Key and the scan's index
	// give one.
	ID       string `json:"id,omitempty" validate:"omitempty,eventid"`
	Code     string `json:"code" validate:"required,max=512"` // raw, as the scanner read it
	Action   string `json:"action" validate:"required,oneof=verify inspect receive ship return destroy decommission"`
	To       string `json:"to,omitempty" validate:"required_if=Action ship,mspid"`
	Reason   string `json:"reason,omitempty" validate:"required_if=Action destroy,required_if=Action decommission,reason"`
	Location string `json:"location,omitempty" validate:"omitempty,gln"` // overrides the batch's
	// At is when the scan was read (RFC 3339), for stations that upload what they read offline.
	At string `json:"at,omitempty" validate:"omitempty,datetime=2006-01-02T15:04:05Z07:00"`
}

type scanBatchBody struct {
	Location string     `json:"location,omitempty" validate:"omitempty,gln"`
	Scans    []scanBody `json:"scans" validate:"required,scans"`
}

// ScanResult is the answer for one scan: the HTTP status it would have had on its own and
// either the ledger's result or a problem.
type ScanResult struct {
	Index   int              `json:"index"`
	Code    string           `json:"code"`
	Key     string           `json:"key,omitempty"` // canonical key when the code parsed
	Action  string           `json:"action"`
	Status  int              `json:"status"`
	EventID string           `json:"eventId,omitempty"`
	Result  json.RawMessage  `json:"result,omitempty"`
	Problem *problem.Problem `json:"problem,omitempty"`

	err error // the ledger's error, made the Problem once every scan has run
}

// ScanBatchResult answers POST /v1/scans.
type ScanBatchResult struct {
	Succeeded int          `json:"succeeded"`
	Failed    int          `json:"failed"`
	Results   []ScanResult `json:"results"`
}

// scanWorkers bounds the scans of one batch in flight at once when each is its own transaction.
const scanWorkers = 8

// scans records a batch of scans, each with its own result (ADR 036). The write scans go to
// the ledger in one unit:Scans transaction, all or nothing; a scan the ledger refuses in it is
// answered on its own and the others sent again (writeScans), and when that does not settle it
// (more refused scans, the ledger unreachable) each scan is submitted as its own transaction,
// so one bad read does not hold up the pallet and every scan still gets its own answer. Scans of the same code run in the order sent: a code's second write goes in a
// second transaction (a transaction keeps one version of a unit), and a verification runs
// between the writes it was sent between.
func (s *server) scans(c *gin.Context) {
	var b scanBatchBody
	if !s.bindJSON(c, &b) {
		return
	}
	_, id, ok := identity(c)
	if !ok {
		return
	}
	if _, ok := eventID(c, "", ""); !ok { // checks the Idempotency-Key header once
		return
	}
	out := ScanBatchResult{Results: make([]ScanResult, len(b.Scans))}
	// stage[i] is the round of scan i: a code's n-th write is in round n; a verification
	// after its code's n-th write is evaluated before round n+1.
	stage := make([]int, len(b.Scans))
	writes := map[string]int{}
	rounds := 0
	for i := range b.Scans {
		sc := &b.Scans[i]
		if sc.Location == "" {
			sc.Location = b.Location
		}
		r := &out.Results[i]
		r.Index, r.Code, r.Action = i, sc.Code, sc.Action
		key := sc.Code
		if cd, err := s.codes.parse(sc.Code); err == nil {
			r.Key, key = cd.Key, cd.Key
		} else if sc.Action != ScanVerify && sc.Action != ScanInspect {
			// Verification answers unreadable codes itself; a move needs a code.
			r.Status = http.StatusUnprocessableEntity
			r.Problem = validationProblem([]problem.FieldError{{Field: "scans[" + strconv.Itoa(i) + "].code",
				Reason: "is not a code: " + err.Error()}})
			stage[i] = -1
			continue
		}
		if sc.Action != ScanVerify {
			r.EventID, _ = eventID(c, sc.ID, "#"+strconv.Itoa(i))
			writes[key]++
		}
		stage[i] = writes[key]
		rounds = max(rounds, stage[i])
	}
	ctx := c.Request.Context()
	for round := 0; round <= rounds; round++ {
		var verify, write []int
		for i, st := range stage {
			switch {
			case st == round && b.Scans[i].Action == ScanVerify:
				verify = append(verify, i)
			case st == round+1 && b.Scans[i].Action != ScanVerify:
				write = append(write, i)
			}
		}
		s.eachScan(ctx, id, b.Scans, out.Results, verify)
		s.writeScans(ctx, id, b.Scans, out.Results, write)
	}
	for i := range out.Results {
		r := &out.Results[i]
		if r.err != nil {
			r.Problem = s.itemProblem(c, r.err)
			r.Status = r.Problem.Status
		}
		if r.Status < 300 {
			out.Succeeded++
		} else {
			out.Failed++
		}
	}
	c.JSON(http.StatusOK, out)
}

// eachScan runs the scans idx, of different codes, each as its own call, scanWorkers at once.
func (s *server) eachScan(ctx context.Context, id *ledger.Identity, scans []scanBody, results []ScanResult, idx []int) {
	sem := make(chan struct{}, scanWorkers)
	var wg sync.WaitGroup
	for _, i := range idx {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			s.runScan(ctx, id, scans[i], &results[i])
		}()
	}
	wg.Wait()
}

// maxRefusedScans is how many refused scans a round of write scans takes out of its
// transaction, each then answered on its own, before every scan goes as its own transaction.
const maxRefusedScans = 3

// writeScans records the write scans idx, of different codes: in one unit:Scans transaction;
// a scan the ledger refuses in it is taken out and submitted on its own, and the transaction
// tried again without it, up to maxRefusedScans times; then, or when the ledger refuses the
// transaction for another reason, each scan is its own transaction.
func (s *server) writeScans(ctx context.Context, id *ledger.Identity, scans []scanBody, results []ScanResult, idx []int) {
	for refused := 0; len(idx) > 0; refused++ {
		err := s.scanBatch(ctx, id, scans, results, idx)
		if err == nil {
			return
		}
		k, ok := refusedScan(err, len(idx))
		if !ok || refused == maxRefusedScans {
			break
		}
		s.runScan(ctx, id, scans[idx[k]], &results[idx[k]])
		idx = append(idx[:k:k], idx[k+1:]...)
	}
	s.eachScan(ctx, id, scans, results, idx)
}

// refusedScan is the index in the batch of the scan a unit:Scans refusal names
// ("CODE: scans[k]: …"), if it names one of n.
func refusedScan(err error, n int) (int, bool) {
	var ce *ledger.ChaincodeError
	if !errors.As(err, &ce) {
		return 0, false
	}
	code := model.ParseCode(ce.Message)
	_, rest, ok := strings.Cut(ce.Message, string(code)+": scans[")
	if code == "" || !ok {
		return 0, false
	}
	num, _, ok := strings.Cut(rest, "]: ")
	k, err := strconv.Atoi(num)
	if !ok || err != nil || k < 0 || k >= n {
		return 0, false
	}
	return k, true
}

// scanBatch submits the write scans idx, of different codes, in one unit:Scans transaction
// and answers each scan, when the ledger took it, with what its own transaction
// would have answered.
func (s *server) scanBatch(ctx context.Context, id *ledger.Identity, scans []scanBody, results []ScanResult, idx []int) error {
	req := model.ScanBatchRequest{Scans: make([]model.Scan, len(idx))}
	for n, i := range idx {
		req.Scans[n], _, _ = scanRequest(scans[i], results[i].EventID)
	}
	a, err := ledger.Run(ctx, s.caller, id, ops.Scans, req)
	if err != nil {
		return err
	}
	v, err := a.Value()
	if err != nil {
		return err
	}
	got := v.(*model.ScanBatchResult).Results
	if len(got) != len(idx) {
		return fmt.Errorf("unit:Scans answered %d scans of %d", len(got), len(idx))
	}
	for n, i := range idx {
		var (
			res      any = got[n].Event
			replayed bool
		)
		switch {
		case got[n].Inspect != nil:
			res, replayed = got[n].Inspect, got[n].Inspect.Replayed
		case got[n].Event != nil:
			replayed = got[n].Event.Replayed
		default:
			return fmt.Errorf("unit:Scans answered scan %d without a result", n)
		}
		b, err := json.Marshal(res)
		if err != nil {
			return err
		}
		r := &results[i]
		r.Status, r.Result = http.StatusCreated, b
		if replayed {
			r.Status = http.StatusOK
		}
	}
	return nil
}

// scanRequest is a write scan's request: as one scan of unit:Scans, and as its own
// transaction (op and req). The two carry the same request, so the ledger recognises either
// as the retry of the other.
func scanRequest(sc scanBody, eventID string) (model.Scan, ops.Descriptor, any) {
	h := model.EventHeader{EventID: eventID, EventTime: sc.At, Location: sc.Location}
	codes := []string{sc.Code}
	out := model.Scan{Action: model.ScanAction(sc.Action)}
	switch sc.Action {
	case ScanInspect:
		out.Inspect = &model.InspectRequest{EventHeader: h, Code: sc.Code}
		return out, ops.Inspect, *out.Inspect
	case ScanReceive:
		out.Receive = &model.ReceiveRequest{EventHeader: h, Codes: codes}
		return out, ops.Receive, *out.Receive
	case ScanShip:
		out.Ship = &model.ShipRequest{EventHeader: h, To: sc.To, Codes: codes}
		return out, ops.Ship, *out.Ship
	case ScanReturn:
		out.Return = &model.ReturnRequest{EventHeader: h, Codes: codes, To: sc.To, Reason: sc.Reason}
		return out, ops.Return, *out.Return
	case ScanDestroy:
		out.Destroy = &model.DisposeRequest{EventHeader: h, Codes: codes, Reason: sc.Reason}
		return out, ops.Destroy, *out.Destroy
	default:
		out.Decommission = &model.DisposeRequest{EventHeader: h, Codes: codes, Reason: sc.Reason}
		return out, ops.Decommission, *out.Decommission
	}
}

func (s *server) runScan(ctx context.Context, id *ledger.Identity, sc scanBody, r *ScanResult) {
	var (
		a   *ledger.Answer
		err error
	)
	if sc.Action == ScanVerify {
		a, err = ledger.Run(ctx, s.caller, id, ops.Verify, model.CodeQuery{Code: sc.Code})
	} else {
		_, op, req := scanRequest(sc, r.EventID)
		a, err = ledger.Run(ctx, s.caller, id, op, req)
	}
	var queued *ledger.QueuedError
	switch {
	case errors.As(err, &queued) && s.outbox != nil:
		// A write scan the ledger could not take is kept like any other write (202).
		st, found, serr := s.outbox.box.Status(queued.ID)
		if serr == nil && found {
			if b, merr := json.Marshal(queuedWrite(st)); merr == nil {
				r.Status, r.Result = http.StatusAccepted, b
				return
			}
		}
		r.err = err
	case err != nil:
		r.err = err
	default:
		r.Status, r.Result = http.StatusCreated, a.Payload
		if sc.Action == ScanVerify || a.Replayed {
			r.Status = http.StatusOK
		}
	}
}
