package api

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"sync"

	"github.com/gin-gonic/gin"

	"github.com/udiledger/udiledger/chaincode/model"
	"github.com/udiledger/udiledger/chaincode/ops"
	"github.com/udiledger/udiledger/gateway/ledger"
	"github.com/udiledger/udiledger/gateway/problem"
)

// Scan actions a scanner station sends.
const (
	ScanVerify       = "verify"       // query:Verify; records nothing
	ScanInspect      = "inspect"      // unit:Inspect; records the scan, raises alerts
	ScanReceive      = "receive"      // unit:Receive
	ScanShip         = "ship"         // unit:Ship to "to"
	ScanReturn       = "return"       // unit:Return
	ScanDestroy      = "destroy"      // unit:Destroy with "reason"
	ScanDecommission = "decommission" // unit:Decommission with "reason"
)

// MaxScans bounds one batch.
const MaxScans = 1000

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

// scanWorkers bounds the scans of one batch in flight at once.
const scanWorkers = 8

// scans records a batch of scans. Each scan is its own transaction with its own result, so
// one bad read does not hold up the pallet. Scans of the same code run in the order sent;
// scans of different codes run concurrently (the ledger cuts them into the same blocks).
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
	byKey := map[string][]int{}
	var order []string
	for i, sc := range b.Scans {
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
			continue
		}
		if sc.Action != ScanVerify {
			r.EventID, _ = eventID(c, sc.ID, "#"+strconv.Itoa(i))
		}
		if _, seen := byKey[key]; !seen {
			order = append(order, key)
		}
		byKey[key] = append(byKey[key], i)
	}
	ctx := c.Request.Context()
	sem := make(chan struct{}, scanWorkers)
	var wg sync.WaitGroup
	for _, key := range order {
		wg.Add(1)
		sem <- struct{}{}
		go func(idx []int) {
			defer wg.Done()
			defer func() { <-sem }()
			for _, i := range idx {
				sc := b.Scans[i]
				if sc.Location == "" {
					sc.Location = b.Location
				}
				s.runScan(ctx, id, sc, &out.Results[i])
			}
		}(byKey[key])
	}
	wg.Wait()
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

func (s *server) runScan(ctx context.Context, id *ledger.Identity, sc scanBody, r *ScanResult) {
	var (
		a   *ledger.Answer
		err error
	)
	h := model.EventHeader{EventID: r.EventID, EventTime: sc.At, Location: sc.Location}
	codes := []string{sc.Code}
	switch sc.Action {
	case ScanVerify:
		a, err = ledger.Run(ctx, s.caller, id, ops.Verify, model.CodeQuery{Code: sc.Code})
	case ScanInspect:
		a, err = ledger.Run(ctx, s.caller, id, ops.Inspect, model.InspectRequest{EventHeader: h, Code: sc.Code})
	case ScanReceive:
		a, err = ledger.Run(ctx, s.caller, id, ops.Receive, model.ReceiveRequest{EventHeader: h, Codes: codes})
	case ScanShip:
		a, err = ledger.Run(ctx, s.caller, id, ops.Ship, model.ShipRequest{EventHeader: h, To: sc.To, Codes: codes})
	case ScanReturn:
		a, err = ledger.Run(ctx, s.caller, id, ops.Return, model.ReturnRequest{EventHeader: h, Codes: codes, To: sc.To, Reason: sc.Reason})
	case ScanDestroy:
		a, err = ledger.Run(ctx, s.caller, id, ops.Destroy, model.DisposeRequest{EventHeader: h, Codes: codes, Reason: sc.Reason})
	case ScanDecommission:
		a, err = ledger.Run(ctx, s.caller, id, ops.Decommission, model.DisposeRequest{EventHeader: h, Codes: codes, Reason: sc.Reason})
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
