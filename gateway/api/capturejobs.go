package api

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/udiledger/udiledger/chaincode/epcis"
	"github.com/udiledger/udiledger/chaincode/model"
	"github.com/udiledger/udiledger/gateway/auth"
	"github.com/udiledger/udiledger/gateway/capturejobs"
	"github.com/udiledger/udiledger/gateway/ledger"
	"github.com/udiledger/udiledger/gateway/problem"
)

// EPCIS 2.0 capture jobs (the REST binding's POST /capture answering 202, GET /capture and
// GET /capture/{captureID}): the document is checked at once, kept in the durable job store
// (package capturejobs) and captured event by event by one worker, in submission order.

// captureErrorBehaviourHeader is the REST binding's GS1-Capture-Error-Behaviour.
const captureErrorBehaviourHeader = "GS1-Capture-Error-Behaviour"

// CaptureJobError is the problem of one event of a capture job (RFC 7807, as the binding's
// errors list holds), with the event it concerns.
type CaptureJobError struct {
	Type       string `json:"type"`
	Title      string `json:"title"`
	Status     int    `json:"status"`
	Detail     string `json:"detail,omitempty"`
	EventIndex int    `json:"eventIndex"`
	EventID    string `json:"eventID,omitempty"`
}

// CaptureJob is a capture job as the EPCIS 2.0 REST binding shows it; events and captured
// are this gateway's additions.
type CaptureJob struct {
	CaptureID             string            `json:"captureID"`
	Running               bool              `json:"running"`
	Success               bool              `json:"success"`
	CreatedAt             time.Time         `json:"createdAt"`
	FinishedAt            time.Time         `json:"finishedAt,omitzero"`
	CaptureErrorBehaviour string            `json:"captureErrorBehaviour"`
	Errors                []CaptureJobError `json:"errors"`
	Events                int               `json:"events"`   // events in the document
	Captured              int               `json:"captured"` // events recorded (or replayed) so far
}

// CaptureJobList answers GET /epcis/capture.
type CaptureJobList struct {
	CaptureJobs []CaptureJob `json:"captureJobs"`
}

func captureJob(j *capturejobs.Job) CaptureJob {
	out := CaptureJob{CaptureID: j.ID, Running: j.Running, Success: len(j.Errors) == 0, CreatedAt: j.Created,
		FinishedAt: j.Finished, CaptureErrorBehaviour: j.Behaviour, Errors: []CaptureJobError{}, Events: j.Events, Captured: j.Recorded}
	for _, e := range j.Errors {
		out.Errors = append(out.Errors, CaptureJobError{Type: e.Type, Title: e.Title, Status: e.Status, Detail: e.Detail,
			EventIndex: e.Index, EventID: e.EventID})
	}
	return out
}

// captureBehaviour reads GS1-Capture-Error-Behaviour: rollback (the binding's default) or
// proceed. On "" a 400 problem has been written.
func captureBehaviour(c *gin.Context) string {
	switch v := strings.ToLower(strings.TrimSpace(c.GetHeader(captureErrorBehaviourHeader))); v {
	case "", capturejobs.Rollback:
		return capturejobs.Rollback
	case capturejobs.Proceed:
		return v
	default:
		problem.Write(c, problem.New(http.StatusBadRequest, "epcis-capture-error-behaviour", "Bad capture error behaviour",
			captureErrorBehaviourHeader+" is rollback or proceed, not "+v))
		return ""
	}
}

// jobRunner runs the capture jobs of a store, one at a time.
type jobRunner struct {
	store *capturejobs.Store
	wake  chan struct{}
	retry time.Duration // jobRetry when the runner was made
}

func newJobID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return fmt.Sprintf("cj-%016x-%s", time.Now().UTC().UnixNano(), hex.EncodeToString(b))
}

// submitJob keeps a checked document as a new job and answers 202 with its Location.
func (s *server) submitJob(c *gin.Context, id *ledger.Identity, behaviour string, body []byte, events int) {
	j := &capturejobs.Job{ID: newJobID(), Caller: id.Name, Behaviour: behaviour, Document: body,
		Created: time.Now().UTC(), Running: true, Events: events}
	if err := s.jobs.store.Put(j); err != nil {
		writeError(c, err)
		return
	}
	select {
	case s.jobs.wake <- struct{}{}:
	default:
	}
	c.Header("Location", "/epcis/capture/"+j.ID)
	c.JSON(http.StatusAccepted, captureJob(j))
}

// captureJobs answers GET /epcis/capture: the caller's jobs, oldest first, paged with
// perPage and nextPageToken (whose bookmark is the last job ID of the page before).
func (s *server) captureJobs(c *gin.Context) {
	epcisHeaders(c)
	if !onlyParams(c, "perPage", "nextPageToken") {
		return
	}
	perPage, tok, ok := listPaging(c)
	if !ok {
		return
	}
	p := auth.PrincipalOf(c)
	out := CaptureJobList{CaptureJobs: []CaptureJob{}}
	if s.jobs != nil && p != nil && p.Identity != nil {
		jobs, err := s.jobs.store.List(p.Identity.Name, tok.Bookmark, perPage+1)
		if err != nil {
			writeError(c, err)
			return
		}
		if len(jobs) > perPage {
			jobs = jobs[:perPage]
			nextPageLink(c, pageToken{Bookmark: jobs[perPage-1].ID}.String())
		}
		for _, j := range jobs {
			out.CaptureJobs = append(out.CaptureJobs, captureJob(j))
		}
	}
	c.JSON(http.StatusOK, out)
}

// captureJobStatus answers GET /epcis/capture/{captureID}; another identity's job is absent.
func (s *server) captureJobStatus(c *gin.Context) {
	epcisHeaders(c)
	id := c.Param("captureID")
	if s.jobs == nil {
		problem.Write(c, problem.NotFound("no capture job "+id))
		return
	}
	j, found, err := s.jobs.store.Get(id)
	if err != nil {
		writeError(c, err)
		return
	}
	if p := auth.PrincipalOf(c); !found || p == nil || p.Identity == nil || p.Identity.Name != j.Caller {
		problem.Write(c, problem.NotFound("no capture job "+id))
		return
	}
	c.JSON(http.StatusOK, captureJob(j))
}

// jobRetry is the pause before a job that met an unreachable ledger is tried again (a
// variable for tests).
var jobRetry = 5 * time.Second

// errLedgerDown leaves a job running, to be tried again after jobRetry: the ledger is
// unreachable, or cannot write its files (ADR 040).
var errLedgerDown = errors.New("capture jobs: the ledger is unreachable or its storage full; the job waits")

// runJobs is the worker: it runs every running job in creation order (those a restart
// interrupted first), then waits for the next, until the store closes.
func (s *server) runJobs() {
	for {
		jobs, err := s.jobs.store.Running()
		if errors.Is(err, capturejobs.ErrClosed) {
			return
		}
		if err != nil {
			s.opts.Logger.Error("capture jobs: list", "err", err)
		}
		for _, j := range jobs {
			err := s.runJob(j)
			if errors.Is(err, capturejobs.ErrClosed) {
				return
			}
			if err != nil {
				s.opts.Logger.Warn("capture jobs: run", "job", j.ID, "err", err)
				break // jobs run in order: the later ones wait for this one
			}
		}
		select {
		case <-s.jobs.wake:
		case <-s.jobs.store.Done():
			return
		case <-s.opts.Closing:
			return
		case <-time.After(s.jobs.retry):
		}
	}
}

func eventError(index int, eventID string, p *problem.Problem) capturejobs.EventError {
	return capturejobs.EventError{Index: index, EventID: eventID, Status: p.Status, Type: p.Type, Title: p.Title, Detail: p.Detail}
}

// runJob captures the events of j from j.Next on, saving j after each one.
func (s *server) runJob(j *capturejobs.Job) error {
	ctx := context.Background()
	finish := func() error {
		j.Running, j.Finished = false, time.Now().UTC()
		return s.jobs.store.Put(j)
	}
	id := s.opts.Keyring.Identity(j.Caller)
	if id == nil {
		j.Errors = append(j.Errors, eventError(j.Next, "", problem.New(http.StatusInternalServerError, "epcis-capture-identity",
			"Identity gone", "the identity that submitted the job is no longer configured on this gateway")))
		return finish()
	}
	// A job waits for an unreachable ledger rather than fail its events one by one.
	if _, err := s.readDirectory(ctx, id); s.caller.IsUnreachable(err) {
		return errLedgerDown
	} else if err != nil {
		return err // the job stays running and is tried again
	}
	doc, err := s.jobs.store.Document(j.ID)
	if err != nil {
		return err
	}
	// The job was checked against the capture limit it was submitted under.
	captured, err := epcis.Capture(doc, epcis.Options{MaxEvents: max(s.opts.CaptureLimit, j.Events)})
	if err != nil {
		j.Errors = append(j.Errors, eventError(0, "", problem.Invalid("the EPCIS document cannot be captured: "+err.Error())))
		return finish()
	}
	if j.Next == 0 && j.Behaviour == capturejobs.Rollback {
		errs, err := s.simulate(ctx, id, captured.Outcomes)
		if err != nil {
			return err
		}
		j.Errors = errs
		if len(j.Errors) > 0 {
			return finish() // nothing was recorded
		}
	}
	for i := j.Next; i < len(captured.Outcomes); i++ {
		o := captured.Outcomes[i]
		r := s.captureOne(ctx, id, o, func(err error) *problem.Problem { return s.problemOf(err) })
		if r.Status == http.StatusServiceUnavailable || r.Status == http.StatusInsufficientStorage {
			return errLedgerDown // the job resumes at this event once the ledger answers and has room
		}
		j.Next = i + 1
		if r.Status < 300 {
			j.Recorded++
		} else {
			j.Errors = append(j.Errors, eventError(o.Index, o.EventID, r.Problem))
			if j.Behaviour == capturejobs.Rollback {
				if rest := len(captured.Outcomes) - i - 1; rest > 0 {
					j.Errors = append(j.Errors, eventError(o.Index, o.EventID, problem.New(http.StatusConflict, "epcis-capture-stopped",
						"Capture stopped", fmt.Sprintf("rollback: the %d events after this one were not captured; the %d before it were "+
							"recorded and stay recorded (a ledger cannot undo committed transactions)", rest, j.Recorded))))
				}
				j.Next = len(captured.Outcomes)
				return finish()
			}
		}
		if i+1 < len(captured.Outcomes) {
			if err := s.jobs.store.Put(j); err != nil {
				return err
			}
		}
	}
	return finish()
}

// simulate checks every event of a rollback job before anything is recorded: events the
// gateway cannot map are refused, and each write is evaluated on the ledger's committed
// state without being committed. An event whose evaluation fails for a reason an earlier
// event of the same document may remove (a code not yet commissioned: NOT_FOUND, CONFLICT)
// is not held against the job; every other failure refuses the whole job.
// An unreachable ledger is errLedgerDown: the job waits.
func (s *server) simulate(ctx context.Context, id *ledger.Identity, outcomes []epcis.Outcome) ([]capturejobs.EventError, error) {
	var errs []capturejobs.EventError
	for i, o := range outcomes {
		r := CaptureEventResult{}
		if o.Rejection != nil || o.Transient != "" {
			r = s.captureOne(ctx, id, o, nil) // rejected before any ledger call
			errs = append(errs, eventError(o.Index, o.EventID, r.Problem))
			continue
		}
		call, err := o.Op.EncodeAny(o.Request)
		if err != nil {
			errs = append(errs, eventError(o.Index, o.EventID, problem.Invalid(err.Error())))
			continue
		}
		_, err = s.caller.Client.Evaluate(ctx, ledger.Proposal{Identity: id, Function: call.Function, Args: call.Args, Transient: call.Transient})
		if err == nil {
			continue
		}
		if s.caller.IsUnreachable(err) {
			return nil, errLedgerDown
		}
		code := ledger.CodeOf(err)
		if i > 0 && (code == model.CodeNotFound || code == model.CodeConflict) {
			continue
		}
		errs = append(errs, eventError(o.Index, o.EventID, s.problemOf(err)))
	}
	return errs, nil
}

// epcisEventPath is the URL of an event under the binding's /events/{eventID}: its EPCIS
// eventID, path-escaped (a "/" of ni:/// IDs included).
func epcisEventPath(eventID string) string {
	return "/epcis/events/" + url.PathEscape(eventID)
}

// epcisCaptureEvent answers POST /epcis/events, the binding's synchronous capture of one
// event: the event is captured as a document of one event, at once. 201 with the Location
// of the recorded event; 409 when the ledger already holds it (nothing is written again);
// 202 when the ledger is down and the write waits in the outbox; the event's problem when
// it cannot be recorded.
func (s *server) epcisCaptureEvent(c *gin.Context) {
	id, raw, ok := s.captureRequest(c)
	if !ok {
		return
	}
	if raw, ok = xmlSingleEvent(c, raw); !ok {
		return
	}
	var ev map[string]json.RawMessage
	if err := json.Unmarshal(raw, &ev); err != nil {
		problem.Write(c, problem.Invalid("the body is not one EPCIS event (a JSON object)", problem.FieldError{Field: "", Reason: err.Error()}))
		return
	}
	ctxJSON := ev["@context"]
	if len(ctxJSON) == 0 {
		ctxJSON, _ = json.Marshal([]string{epcis.ContextURI})
	}
	doc := `{"@context":` + string(ctxJSON) + `,"type":"EPCISDocument","schemaVersion":"2.0","creationDate":"` +
		time.Now().UTC().Format(time.RFC3339) + `","epcisBody":{"eventList":[` + string(raw) + `]}}`
	captured, ok := s.readCapture(c, id, []byte(doc))
	if !ok {
		return
	}
	r := s.captureOne(c.Request.Context(), id, captured.Outcomes[0], func(err error) *problem.Problem { return s.itemProblem(c, err) })
	switch {
	case r.Status == http.StatusAccepted:
		c.Header("Location", r.Queued)
		c.JSON(http.StatusAccepted, r)
	case r.Status == http.StatusOK: // a replay: the binding's ResourceAlreadyExists
		c.Header("Location", epcisEventPath(r.EventID))
		problem.Write(c, problem.New(http.StatusConflict, "epcis-event-exists", "Event already recorded",
			"the ledger already holds event "+r.EventID+"; nothing was written again"))
	case r.Status >= 300:
		problem.Write(c, r.Problem)
	default:
		c.Header("Location", epcisEventPath(r.EventID))
		c.JSON(http.StatusCreated, r)
	}
}
